"""KITTI tracking -> the MOTChallenge layout for tracking, JDE labels and lists for
training, and KITTI's own ground-truth layout for evaluation.

The release (`data_tracking_image_2` and `data_tracking_label_2` unpacked into one folder)
holds `training/image_02/<SEQ>/000000.png ...` and `training/label_02/<SEQ>.txt`. Rules:
- every sequence of label_02 becomes `root/KITTI/images/<split>/<SEQ>/` (seqinfo.ini at
  10 frames/s, `img1/000001.png ...` linking KITTI's frames 0, 1, ...), the split "train"
  or, for the sequences given as validation, "val";
- the label rows of the `classes` types (default Pedestrian and Car, the two KITTI evaluates)
  become JDE rows of class 0, 1, ... in that order; each (sequence, track id) is one
  identity, numbered over the sequences in name order; DontCare and the other types are not
  training targets (DontCare regions only matter to the evaluation);
- `root/KITTI/eval/<split>/` is the split's ground truth as TrackEval's Kitti2DBox reads it:
  `label_02/<SEQ>.txt` (links to the release's files) and `evaluate_tracking.seqmap.<split>`;
- lists `root/lists/kitti.train` (`.val` with validation sequences) and `kitti.emb`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...boxes import tlbr_to_tlwh
from ...errors import UsageError
from ..formats import FormatError, write_image_list
from ..formats.kitti import KITTI_TYPES, read_kitti_labels, write_kitti_seqmap
from .links import link_file
from .mot import (
    SequenceBoxes,
    check_frames_exist,
    link_release_sequence,
    write_sequence_labels,
)

KITTI_FRAME_RATE = 10.0
KITTI_CLASSES = ("Pedestrian", "Car")
#: A common validation split of the 21 training sequences (the one AB3DMOT and later KITTI
#: trackers hold out); tools/convert_data.py uses it unless told otherwise.
KITTI_VAL = ("0001", "0006", "0008", "0010", "0012", "0013", "0014", "0015", "0016", "0018", "0019")


def _checked_classes(classes) -> tuple:
    known = {t.lower(): t for t in KITTI_TYPES if t != "DontCare"}
    unknown = [c for c in classes if c.lower() not in known]
    if unknown:
        expected = sorted(known.values())
        raise UsageError(f"KITTI has no type {', '.join(unknown)}; expected types among {expected}")
    return tuple(known[c.lower()] for c in classes)


def _kitti_sequence(src: Path, name: str, out: Path) -> tuple:
    """The release's sequence `name` as a MOT-layout sequence under `out`, and its labels."""
    frame_dir, path = src / "image_02" / name, src / "label_02" / f"{name}.txt"
    seq = link_release_sequence(frame_dir, ".png", KITTI_FRAME_RATE, out)
    labels = read_kitti_labels(path)
    check_frames_exist(path, labels.frames, 0, seq, frame_dir)  # KITTI counts from 0
    return seq, labels


def convert_kitti_tracking(
    src: str | os.PathLike, root: str | os.PathLike, classes=KITTI_CLASSES, val=()
) -> dict:
    """Convert KITTI tracking's training release (see the module's rules).

    Args:
        src: the unpacked release (holding training/image_02 and training/label_02).
        root: the data root.
        classes: KITTI types trained, in JDE class order (any case).
        val: sequences held out as the validation split.

    Returns:
        {"train": [sequences], "val": [...], "images", "identities", "boxes", "lists"}.
    """
    classes, src, root = _checked_classes(classes), Path(src) / "training", Path(root)
    names = sorted(p.stem for p in (src / "label_02").glob("*.txt"))
    if not names:
        raise FormatError(src / "label_02", "no <SEQ>.txt label files (is this KITTI tracking?)")
    missing = [v for v in val if v not in names]
    if missing:
        raise UsageError(
            f"validation sequence(s) {missing} not in {src / 'label_02'} (choose others: --val)"
        )
    splits = {"train": [n for n in names if n not in val], "val": [n for n in names if n in val]}
    identity, boxes, images, lists = 1, 0, {}, {}
    for split, members in splits.items():
        images[split], n_ids, n_boxes = _convert_split(src, root, split, members, classes, identity)
        identity, boxes = identity + n_ids, boxes + n_boxes
        if members:
            lists[f"kitti.{split}"] = root / "lists" / f"kitti.{split}"
            write_image_list(lists[f"kitti.{split}"], images[split])
    lists["kitti.emb"] = root / "lists" / "kitti.emb"
    write_image_list(lists["kitti.emb"], images["val"][::3] or images["train"][::3])
    return {
        **splits,
        "images": sum(len(v) for v in images.values()),
        "identities": identity - 1,
        "boxes": boxes,
        "lists": lists,
    }


def _convert_split(src: Path, root: Path, split: str, names: list, classes, identity: int):
    """One split's sequences, labels and evaluation folder: (images, identities, boxes)."""
    images, lengths, first, boxes = [], {}, identity, 0
    eval_dir = root / "KITTI" / "eval" / split
    for name in names:
        seq, labels = _kitti_sequence(src, name, root / "KITTI" / "images" / split / name)
        keep = np.isin(labels.types, classes) & (labels.ids >= 0)
        kept = SequenceBoxes(
            labels.frames[keep] + 1,  # KITTI counts frames from 0
            labels.ids[keep],
            tlbr_to_tlwh(labels.tlbr[keep]),
            np.array([classes.index(t) for t in labels.types[keep]], np.int64),
        )
        written, n_ids = write_sequence_labels(seq, kept, identity, root)
        images, identity, boxes = images + written, identity + n_ids, boxes + int(keep.sum())
        link_file(src / "label_02" / f"{name}.txt", eval_dir / "label_02")
        lengths[name] = seq.info.seq_length
    if names:
        write_kitti_seqmap(eval_dir / f"evaluate_tracking.seqmap.{split}", lengths)
    return images, identity - first, boxes
