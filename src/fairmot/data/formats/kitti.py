"""The KITTI tracking label format (`label_02/<SEQ>.txt`), for ground truth and results, and
its sequence maps (`evaluate_tracking.seqmap.<split>`), as the KITTI devkit and TrackEval's
`Kitti2DBox` read them. One object per line, fields separated by spaces::

    frame track_id type truncated occluded alpha x1 y1 x2 y2 h w l X Y Z rotation_y [score]

Frames count from 0; `type` is one of KITTI_TYPES (any case); `truncated` 0-2 and `occluded`
0-3 are ground-truth levels (results write -1); boxes are x1 y1 x2 y2 in frame pixels. Results
write the 3-D fields as KITTI's "not given" values (h w l -1, X Y Z -1000, angles -10) and
append the score. DontCare rows (track id -1) mark regions whose objects are not labelled.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text_table import FormatError, atomic_write_text, require_file

#: The object types of KITTI tracking labels, in TrackEval's class-id order (Car = 1);
#: "Person" is a sitting person (the object benchmark's Person_sitting, read as Person).
KITTI_TYPES = (
    "Car",
    "Van",
    "Truck",
    "Pedestrian",
    "Person",
    "Cyclist",
    "Tram",
    "Misc",
    "DontCare",
)
LABEL_FIELDS = "frame id type truncated occluded alpha x1 y1 x2 y2 h w l X Y Z rotation_y [score]"
_BY_LOWER = {t.lower(): t for t in KITTI_TYPES} | {"person_sitting": "Person"}


@dataclass
class KittiLabels:
    """The rows of one sequence's label file.

    Attributes:
        frames: (N,) int64 frame numbers as in the file (from 0).
        ids: (N,) int64 track ids (-1 for DontCare).
        types: (N,) str, KITTI_TYPES spelling.
        truncated: (N,) int64 truncation level (results: -1).
        occluded: (N,) int64 occlusion level (results: -1).
        tlbr: (N, 4) float64 x1 y1 x2 y2 in frame pixels.
        scores: (N,) float64 (1 where the file has none).
    """

    frames: np.ndarray
    ids: np.ndarray
    types: np.ndarray
    truncated: np.ndarray
    occluded: np.ndarray
    tlbr: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)


def kitti_type(name: str, path, line: int | None = None) -> str:
    """The KITTI spelling of a type name (any case); FormatError for a type KITTI lacks."""
    try:
        return _BY_LOWER[name.lower()]
    except KeyError:
        raise FormatError(
            path, f"type {name!r} is not a KITTI tracking type; expected one of {KITTI_TYPES}", line
        ) from None


def read_kitti_labels(path: str | os.PathLike) -> KittiLabels:
    """Read a label or result file; FormatError naming the file and line for a wrong field
    count, a field that is not a number, or an unknown type."""
    path = require_file(path, f"KITTI tracking label file ({LABEL_FIELDS})")
    numbers, types = [], []
    for line, text in enumerate(path.read_text().splitlines(), start=1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) not in (17, 18):
            what = f"{len(fields)} fields; expected 17 or 18 ({LABEL_FIELDS})"
            raise FormatError(path, what, line)
        types.append(kitti_type(fields[2], path, line))
        try:
            values = [float(v) for v in fields[:2] + fields[3:]]
        except ValueError:
            raise FormatError(path, f"a field is not a number ({LABEL_FIELDS})", line) from None
        numbers.append(values + [1.0] * (18 - len(fields)))
        if not np.isfinite(values).all():
            raise FormatError(path, "a field is not finite (inf or nan)", line)
    rows = np.asarray(numbers, np.float64).reshape(len(numbers), 17)
    return KittiLabels(
        frames=rows[:, 0].astype(np.int64),
        ids=rows[:, 1].astype(np.int64),
        types=np.asarray(types, dtype=object).astype(str),
        truncated=rows[:, 2].astype(np.int64),
        occluded=rows[:, 3].astype(np.int64),
        tlbr=rows[:, 5:9].copy(),
        scores=rows[:, 16].copy(),
    )


def format_kitti_results(frames, ids, types, tlbr, scores) -> str:
    """Result lines (frames from 0), the 3-D fields as "not given", the score last."""
    lines = []
    for f, i, t, box, s in zip(frames, ids, types, np.asarray(tlbr, np.float64), scores):
        x1, y1, x2, y2 = (f"{v:.2f}" for v in box)
        lines.append(
            f"{int(f)} {int(i)} {t} -1 -1 -10 {x1} {y1} {x2} {y2} "
            f"-1 -1 -1 -1000 -1000 -1000 -10 {float(s):.6f}\n"
        )
    return "".join(lines)


def write_kitti_seqmap(path: str | os.PathLike, lengths: dict) -> None:
    """`evaluate_tracking.seqmap.<split>`: a line `<SEQ> empty 000000 <frames>` per sequence."""
    text = "".join(f"{name} empty 000000 {n:06d}\n" for name, n in lengths.items())
    atomic_write_text(path, text)


def read_kitti_seqmap(path: str | os.PathLike) -> dict:
    """{sequence: number of frames} of a sequence map, in its order."""
    path = require_file(path, "KITTI sequence map (<SEQ> empty 000000 <frames> per line)")
    lengths = {}
    for line, text in enumerate(path.read_text().splitlines(), start=1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) < 4 or not fields[3].isdigit():
            raise FormatError(path, "expected '<SEQ> empty 000000 <frames>'", line)
        lengths[fields[0]] = int(fields[3])
    if not lengths:
        raise FormatError(path, "no sequences in the sequence map")
    return lengths


def kitti_split_files(gt_dir: str | os.PathLike) -> tuple[Path, Path]:
    """(label_02 folder, sequence map) of a KITTI ground-truth folder: `label_02/` and the one
    `evaluate_tracking.seqmap.*` beside it."""
    gt_dir = Path(gt_dir)
    seqmaps = sorted(gt_dir.glob("evaluate_tracking.seqmap.*"))
    if len(seqmaps) != 1:
        found = ", ".join(p.name for p in seqmaps) or "none"
        what = f"expected one evaluate_tracking.seqmap.<split> beside label_02/ (found {found})"
        raise FormatError(gt_dir, what)
    return gt_dir / "label_02", seqmaps[0]
