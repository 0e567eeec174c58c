"""The MOTChallenge layout: sequences, ground truth, public detections and tracker results.

A sequence folder holds::

    <SEQ>/seqinfo.ini        [Sequence] name, imDir, frameRate, seqLength, imWidth, imHeight, imExt
    <SEQ>/img1/000001.jpg    frames, numbered from 1
    <SEQ>/gt/gt.txt          frame,id,x,y,w,h,consider,class,visibility   (MOT16/17/20: 9 fields)
                             frame,id,x,y,w,h,consider,wx,wy,wz           (MOT15: 10 fields)
    <SEQ>/det/det.txt        frame,-1,x,y,w,h,score,-1,-1,-1
    results <SEQ>.txt        frame,id,x,y,w,h,score,-1,-1,-1  (what a tracker writes; with
                             several classes field 8 is the class, 1 for the first)

Boxes are `tlwh`: x, y of the top-left corner, width, height, in frame pixels, with MOT's
1-based pixel coordinates kept exactly as in the files.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text_table import (
    FormatError,
    atomic_write_text,
    check_rows,
    format_rows,
    is_integer,
    read_table,
    require_file,
    write_rows,
)

SEQINFO_KEYS = ("name", "imDir", "frameRate", "seqLength", "imWidth", "imHeight", "imExt")

#: MOT17 class ids (gt column 8).
MOT_CLASSES = {
    1: "pedestrian",
    2: "person_on_vehicle",
    3: "car",
    4: "bicycle",
    5: "motorbike",
    6: "non_mot_vehicle",
    7: "static_person",
    8: "distractor",
    9: "occluder",
    10: "occluder_on_ground",
    11: "occluder_full",
    12: "reflection",
    13: "crowd",
}

GT_FIELDS_MOT17 = "frame,id,x,y,w,h,consider,class,visibility"
GT_FIELDS_MOT15 = "frame,id,x,y,w,h,consider,wx,wy,wz"
DET_FIELDS = "frame,-1,x,y,w,h,score,-1,-1,-1"
RESULT_FIELDS = "frame,id,x,y,w,h,score,-1,-1,-1"


@dataclass(frozen=True)
class SeqInfo:
    """The `[Sequence]` section of seqinfo.ini."""

    name: str
    im_dir: str
    frame_rate: float
    seq_length: int
    im_width: int
    im_height: int
    im_ext: str

    def frame_name(self, frame: int) -> str:
        """File name of 1-based `frame` inside `im_dir`, e.g. `000001.jpg`."""
        return f"{frame:06d}{self.im_ext}"


def read_seqinfo(path: str | os.PathLike) -> SeqInfo:
    """Read `seqinfo.ini` (or the seqinfo.ini of the sequence folder `path`)."""
    path = Path(path)
    if path.is_dir():
        path = path / "seqinfo.ini"
    require_file(path, "seqinfo.ini")
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive (imDir, seqLength, ...)
    try:
        parser.read(path)
    except configparser.Error as exc:
        raise FormatError(path, f"not a valid ini file: {exc}") from exc
    if "Sequence" not in parser:
        raise FormatError(path, "missing the [Sequence] section")
    section = parser["Sequence"]
    missing = [key for key in SEQINFO_KEYS if key not in section]
    if missing:
        raise FormatError(
            path, f"missing key(s) {', '.join(missing)} in [Sequence]; expected {SEQINFO_KEYS}"
        )

    def number(key: str, kind: type, minimum: float):
        text = section[key].strip()
        try:
            value = kind(text)
        except ValueError:
            raise FormatError(path, f"{key} = {text!r} is not a {kind.__name__}") from None
        if value < minimum:
            raise FormatError(path, f"{key} = {text!r} must be at least {minimum}")
        return value

    im_ext = section["imExt"].strip()
    if not im_ext.startswith("."):
        raise FormatError(path, f"imExt = {im_ext!r} must start with a dot, e.g. .jpg")
    return SeqInfo(
        name=section["name"].strip(),
        im_dir=section["imDir"].strip(),
        frame_rate=number("frameRate", float, 1e-6),
        seq_length=number("seqLength", int, 1),
        im_width=number("imWidth", int, 1),
        im_height=number("imHeight", int, 1),
        im_ext=im_ext,
    )


def write_seqinfo(path: str | os.PathLike, info: SeqInfo) -> None:
    """Write `info` as seqinfo.ini (`path` is the file or the sequence folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / "seqinfo.ini"
    frame_rate = int(info.frame_rate) if float(info.frame_rate).is_integer() else info.frame_rate
    text = (
        "[Sequence]\n"
        f"name={info.name}\n"
        f"imDir={info.im_dir}\n"
        f"frameRate={frame_rate}\n"
        f"seqLength={info.seq_length}\n"
        f"imWidth={info.im_width}\n"
        f"imHeight={info.im_height}\n"
        f"imExt={info.im_ext}\n"
    )
    atomic_write_text(path, text)


@dataclass
class MotGroundTruth:
    """Ground-truth rows of one sequence.

    Attributes:
        frames: (N,) int64, 1-based frame numbers.
        ids: (N,) int64 object identities.
        tlwh: (N, 4) float64 boxes, x y w h in frame pixels.
        consider: (N,) int64, 1 = evaluated, 0 = zero-marked (ignored).
        classes: (N,) int64 MOT17 class ids (see MOT_CLASSES); 1 for MOT15 files.
        visibility: (N,) float64 visible fraction in [0, 1]; -1 for MOT15 files (unknown).
    """

    frames: np.ndarray
    ids: np.ndarray
    tlwh: np.ndarray
    consider: np.ndarray
    classes: np.ndarray
    visibility: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def mot15_layout(self) -> bool:
        """Read from a 10-field MOT15 file: no classes, visibility unknown (-1)."""
        return len(self) > 0 and bool((self.visibility < 0).all())


@dataclass
class MotDetections:
    """Detections of one sequence (public det.txt, or a detector's output).

    Attributes:
        frames: (N,) int64, 1-based frame numbers.
        tlwh: (N, 4) float64 boxes in frame pixels.
        scores: (N,) float64 detection confidences.
    """

    frames: np.ndarray
    tlwh: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)


@dataclass
class MotTracks:
    """Tracker output of one sequence, as written to `<SEQ>.txt`.

    Attributes:
        frames: (N,) int64, 1-based frame numbers.
        ids: (N,) int64 track identities.
        tlwh: (N, 4) float64 boxes in frame pixels.
        scores: (N,) float64 confidences (-1 or 1 when the tracker writes none).
        classes: (N,) int64 field 8: the class (1 for the first) where a multi-class
            tracker wrote one, else -1 (None given: -1).
    """

    frames: np.ndarray
    ids: np.ndarray
    tlwh: np.ndarray
    scores: np.ndarray
    classes: np.ndarray | None = None

    def __post_init__(self):
        classes = np.full(len(self.frames), -1) if self.classes is None else self.classes
        self.classes = np.asarray(classes, np.int64)

    def __len__(self) -> int:
        return len(self.frames)


def _check_frames_and_sizes(path, rows, line_numbers, seq_length):
    frames = rows[:, 0]
    check_rows(
        path,
        is_integer(frames) & (frames >= 1),
        line_numbers,
        rows,
        "frame (field 1) must be a whole number >= 1",
    )
    if seq_length is not None:
        check_rows(
            path,
            frames <= seq_length,
            line_numbers,
            rows,
            f"frame (field 1) lies outside the sequence: seqLength is {seq_length}",
        )
    check_rows(
        path,
        np.isfinite(rows[:, 2:4]).all(axis=1),
        line_numbers,
        rows,
        "x, y (fields 3-4) must be finite",
    )
    check_rows(
        path,
        (rows[:, 4] > 0) & (rows[:, 5] > 0) & np.isfinite(rows[:, 4:6]).all(axis=1),
        line_numbers,
        rows,
        "width and height (fields 5-6) must be positive",
    )


def read_mot_gt(path: str | os.PathLike, seq_length: int | None = None) -> MotGroundTruth:
    """Read gt.txt: 9 fields per row (MOT16/17/20) or 10 (MOT15), all rows alike.

    Args:
        path: the gt.txt file.
        seq_length: when given, frames must lie in [1, seq_length].
    """
    rows, lines = read_table(path, (9, 10), f"{GT_FIELDS_MOT17} (or MOT15: {GT_FIELDS_MOT15})")
    _check_frames_and_sizes(path, rows, lines, seq_length)
    check_rows(path, is_integer(rows[:, 1]), lines, rows, "id (field 2) must be a whole number")
    check_rows(
        path, np.isin(rows[:, 6], (0, 1)), lines, rows, "consider flag (field 7) must be 0 or 1"
    )
    n = len(rows)
    if rows.shape[1] == 9:
        check_rows(
            path,
            is_integer(rows[:, 7]) & (rows[:, 7] >= 1),
            lines,
            rows,
            "class (field 8) must be a whole number >= 1",
        )
        check_rows(
            path,
            (rows[:, 8] >= 0) & (rows[:, 8] <= 1),
            lines,
            rows,
            "visibility (field 9) must lie in [0, 1]",
        )
        classes, visibility = rows[:, 7].astype(np.int64), rows[:, 8].copy()
    else:
        classes, visibility = np.ones(n, dtype=np.int64), np.full(n, -1.0)
    return MotGroundTruth(
        frames=rows[:, 0].astype(np.int64),
        ids=rows[:, 1].astype(np.int64),
        tlwh=rows[:, 2:6].copy(),
        consider=rows[:, 6].astype(np.int64),
        classes=classes,
        visibility=visibility,
    )


def write_mot_gt(path: str | os.PathLike, gt: MotGroundTruth) -> None:
    """Write gt.txt in the 9-field MOT16/17/20 layout, sorted by frame then id."""
    order = np.lexsort((gt.ids, gt.frames))
    write_rows(
        path,
        [
            gt.frames[order],
            gt.ids[order],
            *gt.tlwh[order].T,
            gt.consider[order],
            gt.classes[order],
            gt.visibility[order],
        ],
        integer_columns={0, 1, 6, 7},
    )


def read_mot_det(path: str | os.PathLike, seq_length: int | None = None) -> MotDetections:
    """Read det.txt (10 fields per row; fields 2 and 8-10 are not used)."""
    rows, lines = read_table(path, (10,), DET_FIELDS)
    _check_frames_and_sizes(path, rows, lines, seq_length)
    return MotDetections(
        frames=rows[:, 0].astype(np.int64), tlwh=rows[:, 2:6].copy(), scores=rows[:, 6].copy()
    )


def write_mot_det(path: str | os.PathLike, det: MotDetections) -> None:
    """Write det.txt in the 10-field layout, sorted by frame."""
    order = np.argsort(det.frames, kind="stable")
    n = len(order)
    minus_one = np.full(n, -1)
    write_rows(
        path,
        [
            det.frames[order],
            minus_one,
            *det.tlwh[order].T,
            det.scores[order],
            minus_one,
            minus_one,
            minus_one,
        ],
        integer_columns={0, 1, 7, 8, 9},
    )


def read_mot_results(path: str | os.PathLike, seq_length: int | None = None) -> MotTracks:
    """Read a tracker result file `<SEQ>.txt` (10 fields per row)."""
    rows, lines = read_table(path, (10,), RESULT_FIELDS)
    _check_frames_and_sizes(path, rows, lines, seq_length)
    check_rows(path, is_integer(rows[:, 1]), lines, rows, "id (field 2) must be a whole number")
    return MotTracks(
        frames=rows[:, 0].astype(np.int64),
        ids=rows[:, 1].astype(np.int64),
        tlwh=rows[:, 2:6].copy(),
        scores=rows[:, 6].copy(),
        classes=rows[:, 7].astype(np.int64),
    )


_RESULT_INTEGER_COLUMNS = {0, 1, 7, 8, 9}


def _result_columns(frames, ids, tlwh, scores, classes=None) -> list:
    minus_one = np.full(len(frames), -1)
    return [
        frames,
        ids,
        *np.asarray(tlwh).reshape(-1, 4).T,
        scores,
        minus_one if classes is None else classes,
        minus_one,
        minus_one,
    ]


def write_mot_results(path: str | os.PathLike, tracks: MotTracks) -> None:
    """Write a tracker result file in the 10-field layout, sorted by frame then id."""
    order = np.lexsort((tracks.ids, tracks.frames))
    columns = _result_columns(
        tracks.frames[order],
        tracks.ids[order],
        tracks.tlwh[order],
        tracks.scores[order],
        tracks.classes[order],
    )
    write_rows(path, columns, _RESULT_INTEGER_COLUMNS)


class MotResultsWriter:
    """A tracker result file written frame by frame (the layout of `write_mot_results`) and
    flushed after each frame, so an interrupted run keeps what it tracked. A context
    manager; `close()` when done."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "w")  # noqa: SIM115 - closed in close()

    def write(self, frame: int, ids, tlwh, scores, classes=None) -> None:
        """One frame's rows: (K,) ids, (K, 4) x y w h boxes, (K,) scores, and (K,) values
        of field 8 (the class, 1 for the first, of a multi-class tracker; None: -1)."""
        frames = np.full(len(ids), frame)
        columns = _result_columns(frames, ids, tlwh, scores, classes)
        self.file.write(format_rows(columns, _RESULT_INTEGER_COLUMNS))
        self.file.flush()

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> MotResultsWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class MotSequence:
    """One MOTChallenge sequence folder: its seqinfo.ini, frames and annotation files."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.info = read_seqinfo(self.root / "seqinfo.ini")

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def image_dir(self) -> Path:
        return self.root / self.info.im_dir

    def frame_path(self, frame: int) -> Path:
        """Path of the 1-based `frame`."""
        return self.image_dir / self.info.frame_name(frame)

    def frame_paths(self) -> list[Path]:
        """Every frame's path, in order; raises FormatError naming the first missing one."""
        paths = [self.frame_path(f) for f in range(1, self.info.seq_length + 1)]
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise FormatError(
                missing[0],
                f"missing frame ({len(missing)} of {len(paths)} frames missing; seqLength is "
                f"{self.info.seq_length} in {self.root / 'seqinfo.ini'})",
            )
        return paths

    def read_gt(self) -> MotGroundTruth:
        return read_mot_gt(self.root / "gt" / "gt.txt", self.info.seq_length)

    def read_det(self) -> MotDetections:
        return read_mot_det(self.root / "det" / "det.txt", self.info.seq_length)


def list_sequences(split_dir: str | os.PathLike) -> list[MotSequence]:
    """Every sequence folder (one holding seqinfo.ini) directly under `split_dir`, by name."""
    split_dir = Path(split_dir)
    if not split_dir.is_dir():
        raise FormatError(split_dir, "missing split folder: no such directory")
    seqs = [MotSequence(d) for d in sorted(split_dir.iterdir()) if (d / "seqinfo.ini").is_file()]
    if not seqs:
        raise FormatError(split_dir, "no sequence folders (with a seqinfo.ini) in this folder")
    return seqs
