"""MOTChallenge sequences -> JDE label files and image lists (SPEC §4, "Converting").

Rules of the released lists (MOT16/17/20): keep gt rows whose consider flag is not 0 and whose
class is 1 (pedestrian); each (sequence, gt identity) pair becomes one global identity,
numbered upwards from `first_identity` over the sequences in sorted name order and the
identities in ascending gt order; one label file per frame (empty when nothing is kept), rows
`0 identity cx cy w h` normalised by seqinfo's image size, not clipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..formats import MotSequence, label_path_for_image, write_jde_labels

PEDESTRIAN = 1


@dataclass
class JdeSplit:
    """What a conversion produced.

    Attributes:
        images: image paths relative to `root`, in sequence then frame order.
        num_identities: identities written (first_identity .. first_identity + n - 1).
        num_boxes: label rows written.
    """

    images: list
    num_identities: int
    num_boxes: int


def mot_sequences_to_jde(
    sequence_dirs: list,
    root: str | os.PathLike,
    first_identity: int = 1,
    has_classes: bool = True,
) -> JdeSplit:
    """Write JDE label files for MOTChallenge sequences lying under `root/.../images/...`.

    Args:
        sequence_dirs: sequence folders (each with seqinfo.ini and gt/gt.txt); sorted by name
            here, whatever order they come in.
        root: data root; image paths in the result are relative to it.
        first_identity: global identity of the first (sequence, gt id) pair.
        has_classes: False for MOT15 (no class column: every considered row is kept).
    """
    root = Path(root)
    images, identity, boxes = [], first_identity, 0
    for seq in sorted((MotSequence(d) for d in sequence_dirs), key=lambda s: s.name):
        gt = seq.read_gt()
        keep = gt.consider != 0
        if has_classes:
            keep &= gt.classes == PEDESTRIAN
        frames, ids, tlwh = gt.frames[keep], gt.ids[keep], gt.tlwh[keep]
        unique_ids, dense = np.unique(ids, return_inverse=True)
        global_ids = dense + identity
        identity += len(unique_ids)
        info = seq.info
        scale = np.array([info.im_width, info.im_height, info.im_width, info.im_height], float)
        centres = np.column_stack([tlwh[:, :2] + tlwh[:, 2:] / 2, tlwh[:, 2:]]) / scale
        order = np.argsort(frames, kind="stable")
        frames, global_ids, centres = frames[order], global_ids[order], centres[order]
        starts = np.searchsorted(frames, np.arange(1, info.seq_length + 2))
        for frame in range(1, info.seq_length + 1):
            lo, hi = starts[frame - 1], starts[frame]
            rows = np.column_stack([np.zeros(hi - lo), global_ids[lo:hi], centres[lo:hi]])
            image = seq.frame_path(frame)
            write_jde_labels(label_path_for_image(image), rows)
            images.append(image.resolve().relative_to(root.resolve()).as_posix())
            boxes += hi - lo
    return JdeSplit(images, identity - first_identity, boxes)
