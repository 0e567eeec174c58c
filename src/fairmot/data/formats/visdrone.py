"""The VisDrone2019-MOT annotation format (`annotations/<SEQ>.txt`), for ground truth and
results, as the VisDrone MOT toolkit reads it. One object per line, comma-separated::

    frame,id,x,y,w,h,score,category,truncation,occlusion

Frames count from 1 (the images are `sequences/<SEQ>/0000001.jpg` ...); boxes are x y w h in
frame pixels; `category` indexes VISDRONE_CATEGORIES (0: an ignored region, 11: "others",
both regions the evaluation ignores). In ground truth `score` is 1 (0 for ignored regions);
results give the confidence and -1 for truncation and occlusion.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .text_table import check_rows, is_integer, read_table, write_rows

#: The toolkit's categories, by index.
VISDRONE_CATEGORIES = (
    "ignored",
    "pedestrian",
    "people",
    "bicycle",
    "car",
    "van",
    "truck",
    "tricycle",
    "awning-tricycle",
    "bus",
    "motor",
    "others",
)
#: Categories whose boxes are regions to ignore.
VISDRONE_IGNORED = (0, 11)
FIELDS = "frame,id,x,y,w,h,score,category,truncation,occlusion"


@dataclass
class VisDroneBoxes:
    """The rows of one sequence's annotation or result file.

    Attributes:
        frames: (N,) int64 frame numbers (from 1).
        ids: (N,) int64 identities.
        tlwh: (N, 4) float64 x y w h in frame pixels.
        scores: (N,) float64.
        categories: (N,) int64 indices into VISDRONE_CATEGORIES.
    """

    frames: np.ndarray
    ids: np.ndarray
    tlwh: np.ndarray
    scores: np.ndarray
    categories: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)


def visdrone_category(name: str) -> int:
    """The category index of a class name (KeyError for a name VisDrone lacks)."""
    return VISDRONE_CATEGORIES.index(name.lower())


def read_visdrone_boxes(path: str | os.PathLike) -> VisDroneBoxes:
    """Read an annotation or result file (8 fields are accepted: results without the two
    last); FormatError naming file and line for frames below 1, categories VisDrone lacks,
    non-finite boxes."""
    rows, lines = read_table(path, (8, 10), FIELDS)
    check_rows(path, is_integer(rows[:, 0]) & (rows[:, 0] >= 1), lines, rows, "frame must be >= 1")
    check_rows(path, is_integer(rows[:, 1]), lines, rows, "id must be a whole number")
    check_rows(path, np.isfinite(rows[:, 2:7]).all(1), lines, rows, "box and score must be finite")
    known = is_integer(rows[:, 7]) & (rows[:, 7] >= 0) & (rows[:, 7] < len(VISDRONE_CATEGORIES))
    check_rows(
        path, known, lines, rows, f"category must be 0-11, one of {VISDRONE_CATEGORIES} by index"
    )
    return VisDroneBoxes(
        frames=rows[:, 0].astype(np.int64),
        ids=rows[:, 1].astype(np.int64),
        tlwh=rows[:, 2:6].copy(),
        scores=rows[:, 6].copy(),
        categories=rows[:, 7].astype(np.int64),
    )


def write_visdrone_boxes(path: str | os.PathLike, boxes: VisDroneBoxes) -> None:
    """Write results (truncation and occlusion -1), sorted by frame then id, atomically."""
    order = np.lexsort((boxes.ids, boxes.frames))
    minus = np.full(len(order), -1)
    columns = [boxes.frames[order], boxes.ids[order], *boxes.tlwh[order].T, boxes.scores[order]]
    write_rows(path, [*columns, boxes.categories[order], minus, minus], {0, 1, 7, 8, 9})
