"""FairMOT: one-shot multi-object tracking with jointly trained detection and re-ID.

Layers, with data flowing one way (frames -> model -> decode -> tracker -> writer -> evaluation):

- `fairmot.config`: the defaults tree and experiment merging.
- `fairmot.data`: file formats (MOTChallenge, JDE), data sets, targets, the synthetic data set.
- `fairmot.models`: backbones, necks, heads, checkpoints.
- `fairmot.engine`: the training loop, checkpointing, logging.
- `fairmot.tracker`: online association (numpy only).
- `fairmot.evaluation`: tracking, detection and re-ID metrics.
- `fairmot.visualization`: drawing tracks and writing videos.
"""

__version__ = "0.1.0"
