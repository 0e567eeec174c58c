"""KITTI tracking metrics by TrackEval's `Kitti2DBox` rules, over files in the KITTI layout
(`data.formats.kitti`): ground truth `<gt>/label_02/<SEQ>.txt` with one
`evaluate_tracking.seqmap.<split>` beside it, results `<results>/<SEQ>.txt`.

The rules (TrackEval's pre-processing, applied by its own code to our arrays): Car and
Pedestrian are evaluated, each alone; a result box matched (IoU >= 0.5) to a Van (for Car) or a
sitting Person (for Pedestrian), or to a box truncated above level 0 or occluded above level 2,
is removed with it; an unmatched result box 25 pixels tall or less, or more than half inside a
DontCare region, is removed. Every number is TrackEval's for the same files (tested); the
combinations over the two classes are TrackEval's combination functions (its KITTI run does
not print them).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..data.formats.kitti import (
    KittiLabels,
    kitti_split_files,
    read_kitti_labels,
    read_kitti_seqmap,
)
from .mot_metrics import EvaluationError, _trackeval, rows_by_frame, similarity_scores
from .multiclass import MultiClassResult, evaluate_per_class, split_sequences

#: The classes TrackEval evaluates on KITTI.
KITTI_CLASSES = ("car", "pedestrian")


def _kitti_rules():
    """TrackEval's Kitti2DBox without its file discovery: we read the files."""

    class ArrayKitti(_trackeval().datasets.Kitti2DBox):
        def __init__(self):
            self.max_occlusion, self.max_truncation, self.min_height = 2, 0, 25
            self.class_name_to_class_id = {
                "car": 1, "van": 2, "truck": 3, "pedestrian": 4, "person": 5,
                "cyclist": 6, "tram": 7, "misc": 8, "dontcare": 9,
            }  # fmt: skip

    return ArrayKitti()


def _class_ids(rules, labels: KittiLabels) -> np.ndarray:
    ids = rules.class_name_to_class_id
    return np.array([ids[t.lower()] for t in labels.types], np.int64)


def kitti_raw_data(rules, name: str, num_frames: int, gt: KittiLabels, tracks: KittiLabels):
    """The dict TrackEval's Kitti2DBox loader builds from the two files, from our arrays:
    DontCare ground truth as ignore regions, rows with negative ids left out."""
    for what, labels in (("ground truth", gt), ("results", tracks)):
        late = labels.frames[(labels.frames < 0) | (labels.frames >= num_frames)]
        if late.size:
            raise EvaluationError(
                f"{name}: {what} frame {late[0]} outside 0-{num_frames - 1} (the sequence map's "
                f"{num_frames} frames)"
            )
    dont_care = gt.types == "DontCare"
    gt_keep, tr_keep = ~dont_care & (gt.ids >= 0), tracks.ids >= 0
    gt_classes, tr_classes = _class_ids(rules, gt), _class_ids(rules, tracks)
    gt_all = rows_by_frame(gt.frames, num_frames, first=0)  # KITTI counts frames from 0
    gt_rows = [r[gt_keep[r]] for r in gt_all]
    tr_rows = [r[tr_keep[r]] for r in rows_by_frame(tracks.frames, num_frames, first=0)]
    raw = {"num_timesteps": num_frames, "seq": name}
    raw["gt_ids"] = [gt.ids[r] for r in gt_rows]
    raw["gt_classes"] = [gt_classes[r] for r in gt_rows]
    raw["gt_dets"] = [gt.tlbr[r] for r in gt_rows]
    raw["gt_extras"] = [
        {"truncation": gt.truncated[r], "occlusion": gt.occluded[r]} for r in gt_rows
    ]
    raw["gt_crowd_ignore_regions"] = [gt.tlbr[r[dont_care[r]]] for r in gt_all]
    raw["tracker_ids"] = [tracks.ids[r] for r in tr_rows]
    raw["tracker_classes"] = [tr_classes[r] for r in tr_rows]
    raw["tracker_dets"] = [tracks.tlbr[r] for r in tr_rows]
    raw["tracker_confidences"] = [tracks.scores[r] for r in tr_rows]
    raw["similarity_scores"] = similarity_scores(rules, raw)
    return raw


def evaluate_kitti_split(
    gt_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    seqs: list | None = None,
    classes=None,
) -> MultiClassResult:
    """Evaluate `results_dir/<SEQ>.txt` against a KITTI ground-truth folder, the classes
    `classes` (default both of KITTI_CLASSES)."""
    classes = list(classes or KITTI_CLASSES)
    unknown = [c for c in classes if c not in KITTI_CLASSES]
    if unknown:
        raise EvaluationError(f"KITTI evaluates {KITTI_CLASSES}, not {unknown}")
    label_dir, seqmap = kitti_split_files(gt_dir)
    lengths = read_kitti_seqmap(seqmap)
    results_dir = Path(results_dir)
    names = split_sequences(list(lengths), results_dir, seqs, ".txt", seqmap)
    rules = _kitti_rules()
    sequences = {
        n: kitti_raw_data(
            rules,
            n,
            lengths[n],
            read_kitti_labels(label_dir / f"{n}.txt"),
            read_kitti_labels(results_dir / f"{n}.txt"),
        )
        for n in names
    }
    return evaluate_per_class(sequences, rules, classes)
