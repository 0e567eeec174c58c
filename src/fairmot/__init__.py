"""FairMOT: one-shot multi-object tracking with jointly trained detection and re-ID.

Layers, with data flowing one way (frames -> model -> decode -> tracker -> writer -> evaluation):

- `fairmot.errors`: `FairMOTError`, the root of every error a user can act on.
- `fairmot.cli`: what the tools share (argument parser, setup, `run_tool`, the run record).
- `fairmot.boxes`: every box conversion (tlwh, tlbr, xyah, cxcywh, normalised, letterbox),
  numpy only, used by all layers below.
- `fairmot.config`: the defaults tree, experiment merging, every key's allowed values.
- `fairmot.data`: file formats (MOTChallenge, JDE, BDD100K, saved detections, images),
  converters of the public releases, the training data set, targets and augmentation, the
  synthetic data set (people, cars, an oracle detector).
- `fairmot.models`: backbones, necks, heads, deformable convolution, decode, checkpoints.
- `fairmot.engine`: the joint loss, the training loop and its hooks (checkpoints, LR,
  logging, periodic evaluation).
- `fairmot.tracker`: online association and its parameters, the long-term re-ID gallery,
  line counting (numpy only, no torch).
- `fairmot.inference`: frame sources, the detector, detection streams (live or saved), the
  tracking loop and its writers (torch only for the detector), a model's AP and TPR.
- `fairmot.evaluation`: tracking (per class too), detection and re-ID metrics, TrackEval's
  tables and files, reports, the ablation table.
- `fairmot.visualization`: drawing tracks, writing videos, metric plots.
- `fairmot.pipeline`: the main job (generate -> train -> track -> evaluate -> ablate).
"""

__version__ = "0.1.0"
