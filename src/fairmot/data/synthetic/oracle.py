"""An oracle detector for ablations of the association: detections taken from a sequence's
ground truth, with an embedding per identity, so that what is measured is the tracker alone.

Boxes: every evaluated pedestrian at least `min_visibility` visible, jittered by
`box_noise` pixels, score 0.9. Embeddings: a random `dim`-dimensional code per identity plus
Gaussian noise of `embedding_noise` per component (a re-ID that tells identities apart, not
perfectly). Written in the saved-detections format (`--detections`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..formats import MotSequence, write_detections


def oracle_detections(
    seq: MotSequence,
    out_dir,
    *,
    dim: int = 32,
    embedding_noise: float = 0.3,
    box_noise: float = 1.0,
    min_visibility: float = 0.1,
    seed: int = 0,
    mot_classes: tuple = (1,),
) -> Path:
    """Write `out_dir/<SEQ>.npz` for `seq`; returns `out_dir`. `mot_classes`: the gt
    classes detected (default: pedestrians); with several, each detection carries the
    index of its class in that tuple and every (class, identity) its own code."""
    rng = np.random.default_rng(seed)
    gt = seq.read_gt()
    wanted = np.isin(gt.classes, mot_classes)
    keep = (gt.consider == 1) & wanted & (gt.visibility > min_visibility)
    frames, ids, tlwh = gt.frames[keep], gt.ids[keep], gt.tlwh[keep]
    classes = np.argmax(gt.classes[keep][:, None] == np.asarray(mot_classes)[None, :], axis=1)
    if len(mot_classes) > 1:  # identities are counted per class: one code per pair
        ids = np.unique(np.stack([classes, ids], axis=1), axis=0, return_inverse=True)[1]
        ids = ids.reshape(-1)
    codes = rng.normal(size=(int(ids.max(initial=0)) + 1, dim))
    detections = {}
    for frame in range(1, seq.info.seq_length + 1):
        rows = frames == frame
        boxes = tlwh[rows] + rng.normal(0, box_noise, (rows.sum(), 4))
        boxes[:, 2:] += boxes[:, :2]
        feats = codes[ids[rows]] + rng.normal(0, embedding_noise, (rows.sum(), dim))
        detections[frame] = (
            np.c_[boxes, np.full(rows.sum(), 0.9)].astype(np.float32),
            feats.astype(np.float32),
            classes[rows],
        )
    out_dir = Path(out_dir)
    write_detections(
        out_dir / f"{seq.name}.npz", detections, seq.info.seq_length, seq.info.frame_rate
    )
    return out_dir
