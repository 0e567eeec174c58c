"""The BDD100K box-tracking layout: the multi-class result and ground-truth format that
TrackEval reads (`trackeval.datasets.BDD100K`), one JSON file per sequence::

    [{"name": "<SEQ>-0000001.jpg", "videoName": "<SEQ>", "index": 0,
      "labels": [{"id": "7", "category": "car", "score": 0.91,
                  "box2d": {"x1": 10.0, "y1": 20.0, "x2": 50.0, "y2": 90.0},
                  "attributes": {"Crowd": false}}, ...]},
     ...]                                   one entry per frame, frames without boxes too

Boxes are x1 y1 x2 y2 in frame pixels; `index` counts frames from 0. The categories TrackEval
evaluates are BDD_CLASSES; "other person", "trailer" and "other vehicle" (distractors) and
boxes with the `Crowd` attribute are ignore regions in ground truth.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text_table import FormatError, atomic_write_text, require_file

#: The categories TrackEval's BDD100K evaluation reports, in its order.
BDD_CLASSES = ("pedestrian", "rider", "car", "bus", "truck", "train", "motorcycle", "bicycle")
#: Ground-truth categories that only mark regions to ignore.
BDD_DISTRACTORS = ("other person", "trailer", "other vehicle")
#: TrackEval's super-categories, each combined over its classes.
BDD_SUPER_CATEGORIES = {
    "HUMAN": ("pedestrian", "rider"),
    "VEHICLE": ("car", "truck", "bus", "train"),
    "BIKE": ("motorcycle", "bicycle"),
}


@dataclass
class BddTracks:
    """The boxes of one sequence (ground truth or results), row per box.

    Attributes:
        frames: (N,) int64, 1-based frame numbers.
        ids: (N,) int64 identities.
        tlbr: (N, 4) float64 x1 y1 x2 y2 in frame pixels.
        categories: (N,) str category names.
        scores: (N,) float64 (1 where the file has none).
        crowd: (N,) bool, the `Crowd` attribute.
        num_frames: frames of the sequence (entries of the file).
    """

    frames: np.ndarray
    ids: np.ndarray
    tlbr: np.ndarray
    categories: np.ndarray
    scores: np.ndarray
    crowd: np.ndarray
    num_frames: int

    def __len__(self) -> int:
        return len(self.frames)


def write_bdd_sequence(path: str | os.PathLike, name: str, tracks: BddTracks) -> None:
    """Write one sequence's file (every frame, in order), atomically."""
    entries = []
    order = np.lexsort((tracks.ids, tracks.frames))
    rows = np.searchsorted(tracks.frames[order], np.arange(1, tracks.num_frames + 2))
    for frame in range(1, tracks.num_frames + 1):
        labels = [_label(tracks, k) for k in order[rows[frame - 1] : rows[frame]]]
        entries.append(
            {
                "name": f"{name}-{frame:07d}.jpg",
                "videoName": name,
                "index": frame - 1,
                "labels": labels,
            }
        )
    atomic_write_text(path, json.dumps(entries, separators=(",", ":")) + "\n")


def _label(tracks: BddTracks, k: int) -> dict:
    x1, y1, x2, y2 = (float(v) for v in tracks.tlbr[k])
    return {
        "id": str(int(tracks.ids[k])),
        "category": str(tracks.categories[k]),
        "score": float(tracks.scores[k]),
        "box2d": {"x1": x1, "y1": y1, "x2": x2, "y2": y2},
        "attributes": {"Crowd": bool(tracks.crowd[k])},
    }


def read_bdd_sequence(path: str | os.PathLike) -> BddTracks:
    """Read one sequence's file; FormatError naming the file, the frame entry and what is
    wrong for anything TrackEval could not read."""
    path = require_file(path, "BDD100K sequence file (.json)")
    try:
        entries = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(path, f"not valid JSON ({exc})") from None
    if not isinstance(entries, list):
        raise FormatError(path, "expected a JSON list of frame entries")
    entries = sorted(entries, key=lambda e: e.get("index", -1) if isinstance(e, dict) else -1)
    columns: dict = {k: [] for k in ("frames", "ids", "tlbr", "categories", "scores", "crowd")}
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("index") != position:
            raise FormatError(path, f"frame entry {position}: expected 'index' {position}")
        for label in entry.get("labels") or []:
            _append_label(path, position, label, columns)
    n = len(columns["frames"])
    return BddTracks(
        frames=np.asarray(columns["frames"], np.int64),
        ids=np.asarray(columns["ids"], np.int64),
        tlbr=np.asarray(columns["tlbr"], np.float64).reshape(n, 4),
        categories=np.asarray(columns["categories"], dtype=object).astype(str),
        scores=np.asarray(columns["scores"], np.float64),
        crowd=np.asarray(columns["crowd"], bool),
        num_frames=len(entries),
    )


def _append_label(path: Path, position: int, label, columns: dict) -> None:
    try:
        box = label["box2d"]
        tlbr = [float(box[k]) for k in ("x1", "y1", "x2", "y2")]
        ids = int(label["id"])
        category = str(label["category"])
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(
            path,
            f"frame entry {position}: a label needs id, category and box2d x1 y1 x2 y2 ({exc!r})",
        ) from None
    if not np.isfinite(tlbr).all():
        raise FormatError(path, f"frame entry {position}: box2d {tlbr} is not finite")
    columns["frames"].append(position + 1)
    columns["ids"].append(ids)
    columns["tlbr"].append(tlbr)
    columns["categories"].append(category)
    columns["scores"].append(float(label.get("score", 1.0)))
    columns["crowd"].append(bool((label.get("attributes") or {}).get("Crowd", False)))
