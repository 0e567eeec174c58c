"""VisDrone2019-MOT -> the MOTChallenge layout for tracking and JDE labels and lists for
training; the release's own split folders are the ground truth for evaluation.

The release's split folders (`VisDrone2019-MOT-train`, `VisDrone2019-MOT-val`, each holding
`sequences/<SEQ>/0000001.jpg ...` and `annotations/<SEQ>.txt`) lie in one folder. Rules:
- every sequence becomes `root/VisDrone2019-MOT/images/<split>/<SEQ>/` (seqinfo.ini at 30
  frames/s, the rate the release does not state and trackers assume; `img1/000001.jpg ...`
  linking the release's frames);
- annotation rows of the `classes` categories (default the five the MOT toolkit evaluates:
  pedestrian, car, van, truck, bus) with score 1 become JDE rows of class 0, 1, ... in that
  order; each (sequence, id) is one identity, numbered over the sequences in name order;
  ignored regions (0) and "others" (11) are not training targets;
- `root/VisDrone2019-MOT/eval/<split>` links the release's split folder, the layout
  `tools/eval_mot.py` evaluates by the toolkit's rules;
- lists `root/lists/visdrone.train`, `visdrone.val` and `visdrone.emb` (every third
  validation frame).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...errors import UsageError
from ..formats import FormatError, write_image_list
from ..formats.visdrone import VISDRONE_CATEGORIES, VISDRONE_IGNORED, read_visdrone_boxes
from .links import link_folder
from .mot import (
    SequenceBoxes,
    check_frames_exist,
    link_release_sequence,
    write_sequence_labels,
)

VISDRONE_FRAME_RATE = 30.0
VISDRONE_CLASSES = ("pedestrian", "car", "van", "truck", "bus")
SPLITS = {"train": "VisDrone2019-MOT-train", "val": "VisDrone2019-MOT-val"}


def _checked_classes(classes) -> list:
    trainable = [c for i, c in enumerate(VISDRONE_CATEGORIES) if i not in VISDRONE_IGNORED]
    unknown = [c for c in classes if c.lower() not in trainable]
    if unknown:
        raise UsageError(
            f"VisDrone has no category {', '.join(unknown)}; classes must be among {trainable}"
        )
    return [VISDRONE_CATEGORIES.index(c.lower()) for c in classes]


def _visdrone_sequence(split_dir: Path, name: str, out: Path):
    frame_dir, path = split_dir / "sequences" / name, split_dir / "annotations" / f"{name}.txt"
    seq = link_release_sequence(frame_dir, ".jpg", VISDRONE_FRAME_RATE, out)
    boxes = read_visdrone_boxes(path)
    check_frames_exist(path, boxes.frames, 1, seq, frame_dir)
    return seq, boxes


def convert_visdrone_mot(
    src: str | os.PathLike, root: str | os.PathLike, classes=VISDRONE_CLASSES
) -> dict:
    """Convert VisDrone2019-MOT's train and val splits (see the module's rules).

    Args:
        src: the folder holding VisDrone2019-MOT-train and VisDrone2019-MOT-val (either may
            be missing, not both).
        root: the data root.
        classes: categories trained, in JDE class order.

    Returns:
        {"train": [sequences], "val": [...], "images", "identities", "boxes", "lists"}.
    """
    categories, src, root = _checked_classes(classes), Path(src), Path(root)
    present = {s: src / folder for s, folder in SPLITS.items() if (src / folder).is_dir()}
    if not present:
        raise FormatError(src, f"holds neither {' nor '.join(SPLITS.values())}")
    label_class = np.full(len(VISDRONE_CATEGORIES), -1, np.int64)  # category -> JDE class
    label_class[categories] = np.arange(len(categories))
    identity, boxes, total, result = 1, 0, 0, {"lists": {}}
    for split, split_dir in present.items():
        names = sorted(p.stem for p in (split_dir / "annotations").glob("*.txt"))
        if not names:
            raise FormatError(split_dir / "annotations", "no <SEQ>.txt annotation files")
        images = []
        for name in names:
            out = root / "VisDrone2019-MOT" / "images" / split / name
            seq, rows = _visdrone_sequence(split_dir, name, out)
            keep = np.isin(rows.categories, categories) & (rows.scores > 0)
            label_classes = label_class[rows.categories[keep]]
            kept = SequenceBoxes(rows.frames[keep], rows.ids[keep], rows.tlwh[keep], label_classes)
            written, n_ids = write_sequence_labels(seq, kept, identity, root)
            images += written
            identity, boxes = identity + n_ids, boxes + int(keep.sum())
        link_folder(split_dir, root / "VisDrone2019-MOT" / "eval" / split)
        result[split], total = names, total + len(images)
        result["lists"][f"visdrone.{split}"] = root / "lists" / f"visdrone.{split}"
        write_image_list(result["lists"][f"visdrone.{split}"], images)
        if split == "val" or "val" not in present:
            result["lists"]["visdrone.emb"] = root / "lists" / "visdrone.emb"
            write_image_list(result["lists"]["visdrone.emb"], images[::3])
    return {**result, "images": total, "identities": identity - 1, "boxes": boxes}
