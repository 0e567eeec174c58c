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
    codes: np.ndarray | None = None,
) -> Path:
    """Write `out_dir/<SEQ>.npz` for `seq`; returns `out_dir`. `mot_classes`: the gt
    classes detected (default: pedestrians); with several, each detection carries the
    index of its class in that tuple and every (class, identity) its own code. `codes`:
    (I, dim) the code of each identity (row = identity) instead of drawn ones (one person's
    code in several cameras; one class)."""
    rng = np.random.default_rng(seed)
    gt = seq.read_gt()
    wanted = np.isin(gt.classes, mot_classes)
    keep = (gt.consider == 1) & wanted & (gt.visibility > min_visibility)
    frames, ids, tlwh = gt.frames[keep], gt.ids[keep], gt.tlwh[keep]
    classes = np.argmax(gt.classes[keep][:, None] == np.asarray(mot_classes)[None, :], axis=1)
    if len(mot_classes) > 1:  # identities are counted per class: one code per pair
        ids = np.unique(np.stack([classes, ids], axis=1), axis=0, return_inverse=True)[1]
        ids = ids.reshape(-1)
    if codes is None:
        codes = rng.normal(size=(int(ids.max(initial=0)) + 1, dim))
    dim = codes.shape[1]
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


def multicamera_oracle_detections(
    scene_dir,
    out_dir,
    *,
    dim: int = 32,
    embedding_noise: float = 0.3,
    view_noise: float = 0.8,
    seed: int = 0,
    **options,
) -> Path:
    """Oracle detections of every camera of a multi-camera scene (`data.formats.mtmc`)
    into `out_dir/<camera>.npz`: a person's code is the same in every camera, moved by a
    fixed offset of `view_noise` per component for each (camera, person) (how one person
    looks from another viewpoint, under other light), plus `embedding_noise` per frame.
    `options`: those of `oracle_detections`. Returns `out_dir`."""
    from ..formats.mtmc import MultiCameraScene

    scene = MultiCameraScene(scene_dir)
    rng = np.random.default_rng(seed)
    largest = max(int(cam.read_gt().ids.max(initial=0)) for cam in scene.cameras.values())
    codes = rng.normal(size=(largest + 1, dim))
    for k, cam in enumerate(scene.cameras.values()):
        view = codes + rng.normal(0, view_noise, codes.shape)
        oracle_detections(
            cam, out_dir, embedding_noise=embedding_noise, seed=seed + 1 + k, codes=view, **options
        )
    return Path(out_dir)
