"""VisDrone2019-MOT tracking metrics by the VisDrone MOT toolkit's rules (task 4B), over files
in the VisDrone layout (`data.formats.visdrone`): the release split folder (ground truth
`annotations/<SEQ>.txt`, frames `sequences/<SEQ>/`), results `<results>/<SEQ>.txt`.

The rules, as the toolkit's `dropObjects` and `classEval` apply them:
- the ground truth's boxes of category 0 (ignored region) and 11 (others) make an ignore map
  per frame (pixels, corners rounded, clipped to the frame); a box, ground truth or result,
  with half of its area or more inside the map is removed, and so is every box of those two
  categories; results after the ground truth's last frame are removed;
- five categories are evaluated, each alone: car, bus, truck, pedestrian and van (the
  toolkit's `evalClassSet`), IoU 0.5; in a sequence without ground truth of a category,
  that category is not evaluated there (its results are not counted).
The metrics are TrackEval's (HOTA, CLEAR, Identity) on what is kept; the toolkit's overall
figures sum every sequence and category, TrackEval's detection-averaged combination.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..data.formats.images import image_size
from ..data.formats.visdrone import (
    VISDRONE_CATEGORIES,
    VISDRONE_IGNORED,
    VisDroneBoxes,
    read_visdrone_boxes,
)
from .mot_metrics import EvaluationError, _trackeval, rows_by_frame
from .multiclass import MultiClassResult, evaluate_per_class, split_sequences

#: The categories the toolkit evaluates, in its order.
VISDRONE_CLASSES = ("car", "bus", "truck", "pedestrian", "van")


def ignored_fraction(boxes: np.ndarray, regions: np.ndarray, size: tuple) -> np.ndarray:
    """The fraction of each box inside the union of `regions`, as the toolkit measures it.

    Args:
        boxes: (N, 4) x y w h in frame pixels.
        regions: (M, 4) x y w h of the ignore regions.
        size: (width, height) of the frame.

    Returns:
        (N,) float64: pixels of the map inside the box / (w * h), the toolkit's 1-based pixel
        arithmetic (corners rounded half away from zero, at least 1).
    """
    width, height = size
    if not len(regions) or not len(boxes):
        return np.zeros(len(boxes))
    mask = np.zeros((height + 1, width + 1), np.int64)  # 1-based; row and column 0 stay 0
    for x, y, w, h in np.maximum(1, np.floor(regions + 0.5)).astype(np.int64):
        mask[y : min(height, y + h) + 1, x : min(width, x + w) + 1] = 1
    integral = mask.cumsum(0).cumsum(1)
    x, y, w, h = np.maximum(1, np.floor(boxes + 0.5)).astype(np.int64).T
    x, y = np.clip(x, 1, width), np.clip(y, 1, height)
    right, bottom = np.minimum(width, x + w), np.clip(y + h, 1, height)
    inside = integral[y, x] + integral[bottom, right] - integral[y, right] - integral[bottom, x]
    return inside / (w * h)


def drop_ignored(boxes: VisDroneBoxes, gt: VisDroneBoxes, size: tuple) -> np.ndarray:
    """(N,) bool: the rows of `boxes` the toolkit keeps (not of category 0 or 11, less than
    half inside the ignore map of the ground truth `gt` in their frame)."""
    keep = ~np.isin(boxes.categories, VISDRONE_IGNORED)
    regions = np.isin(gt.categories, VISDRONE_IGNORED)
    for frame in np.unique(boxes.frames[keep]):
        rows = np.flatnonzero(keep & (boxes.frames == frame))
        region = gt.tlwh[regions & (gt.frames == frame)]
        keep[rows] = ignored_fraction(boxes.tlwh[rows], region, size) < 0.5
    return keep


class VisDroneRules:
    """The toolkit's pre-processing in TrackEval's interface: raw data per sequence in,
    the data of one category out."""

    def get_preprocessed_seq_data(self, raw: dict, cls: str) -> dict:
        category = VISDRONE_CATEGORIES.index(cls)
        gt, tracks = raw["gt"], raw["tracks"]
        g, r = gt.categories == category, tracks.categories == category
        if not g.any():  # the toolkit evaluates a category only where it has ground truth
            r[:] = False
        gt_ids, tr_ids = _dense_ids(gt.ids[g]), _dense_ids(tracks.ids[r])
        gt_boxes, tr_boxes = gt.tlwh[g], tracks.tlwh[r]
        gt_rows = rows_by_frame(gt.frames[g], raw["num_timesteps"])
        tr_rows = rows_by_frame(tracks.frames[r], raw["num_timesteps"])
        data = {
            "gt_ids": [gt_ids[k] for k in gt_rows],
            "tracker_ids": [tr_ids[k] for k in tr_rows],
            "gt_dets": [gt_boxes[k] for k in gt_rows],
            "tracker_dets": [tr_boxes[k] for k in tr_rows],
        }
        box_iou = _trackeval().datasets.MotChallenge2DBox._calculate_box_ious
        data["similarity_scores"] = [
            box_iou(a, b, box_format="xywh") for a, b in zip(data["gt_dets"], data["tracker_dets"])
        ]
        data["tracker_confidences"] = [np.ones(len(ids)) for ids in data["tracker_ids"]]
        data.update(
            num_timesteps=raw["num_timesteps"],
            seq=raw["seq"],
            num_gt_dets=int(g.sum()),
            num_tracker_dets=int(r.sum()),
            num_gt_ids=len(np.unique(gt.ids[g])),
            num_tracker_ids=len(np.unique(tracks.ids[r])),
        )
        return data


def _dense_ids(ids: np.ndarray) -> np.ndarray:
    return np.unique(ids, return_inverse=True)[1].astype(np.int64)


def _subset(boxes: VisDroneBoxes, keep: np.ndarray) -> VisDroneBoxes:
    return VisDroneBoxes(
        boxes.frames[keep], boxes.ids[keep], boxes.tlwh[keep], boxes.scores[keep],
        boxes.categories[keep],
    )  # fmt: skip


def visdrone_raw_data(name: str, gt: VisDroneBoxes, tracks: VisDroneBoxes, size: tuple) -> dict:
    """One sequence after the toolkit's dropping: {"gt", "tracks", "num_timesteps", "seq"}."""
    if not len(gt):
        raise EvaluationError(f"{name}: the ground truth has no boxes")
    last = int(gt.frames.max())
    kept_tracks = drop_ignored(tracks, gt, size) & (tracks.frames <= last)
    return {
        "gt": _subset(gt, drop_ignored(gt, gt, size)),
        "tracks": _subset(tracks, kept_tracks),
        "num_timesteps": last,
        "seq": name,
    }


def evaluate_visdrone_split(
    split_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    seqs: list | None = None,
    classes=None,
) -> MultiClassResult:
    """Evaluate `results_dir/<SEQ>.txt` against a VisDrone MOT release split (annotations/,
    sequences/), the categories `classes` (default the five of VISDRONE_CLASSES)."""
    classes = list(classes or VISDRONE_CLASSES)
    unknown = [c for c in classes if c not in VISDRONE_CATEGORIES[1:11]]
    if unknown:
        raise EvaluationError(f"VisDrone has no categor(y/ies) {unknown}")
    split_dir, results_dir = Path(split_dir), Path(results_dir)
    available = sorted(p.stem for p in (split_dir / "annotations").glob("*.txt"))
    names = split_sequences(available, results_dir, seqs, ".txt", split_dir / "annotations")
    sequences = {}
    for name in names:
        frames = sorted((split_dir / "sequences" / name).glob("*.jpg"))
        if not frames:
            raise EvaluationError(f"{split_dir / 'sequences' / name}: no frames (*.jpg) to size")
        gt = read_visdrone_boxes(split_dir / "annotations" / f"{name}.txt")
        tracks = read_visdrone_boxes(results_dir / f"{name}.txt")
        sequences[name] = visdrone_raw_data(name, gt, tracks, image_size(frames[0]))
    return evaluate_per_class(sequences, VisDroneRules(), classes)
