"""Multi-camera (MTMC) files in the AI City Challenge / CityFlow layout.

A multi-camera scene folder holds one MOTChallenge sequence per camera, the camera's
calibration beside it, and the scene's ground truth over every camera::

    <SCENE>/c001/seqinfo.ini, img1/, gt/gt.txt    a camera: MOT rows with global identities
    <SCENE>/c001/calibration.txt                  "Homography matrix: h11 h12 h13;h21 ...;..."
                                                  (ground -> image, AI City's first line)
    <SCENE>/ground_truth.txt                      camera_id obj_id frame_id x y w h xworld yworld
    <SCENE>/timestamps.txt                        optional: "c001 1.640" per line, the seconds
                                                  a camera's first frame lags the scene's
                                                  start (AI City's cam_timestamp files)

A multi-camera result (what AI City's MTMC track takes) is one file of the same nine
space-separated fields over every camera: `camera_id` is the number in the camera's name
(c001 -> 1), `obj_id` the global identity, `xworld yworld` the ground position of the
box's foot point (-1 -1 without a calibration). Boxes are tlwh in frame pixels, frames
1-based, as in MOTChallenge files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .mot import MotSequence
from .text_table import (
    FormatError,
    atomic_write_text,
    check_rows,
    format_number,
    is_integer,
    read_table,
    require_file,
)

MTMC_FIELDS = "camera_id obj_id frame_id x y w h xworld yworld"
CALIBRATION_FILE = "calibration.txt"
GROUND_TRUTH_FILE = "ground_truth.txt"
TIMESTAMPS_FILE = "timestamps.txt"


@dataclass
class MtmcRows:
    """Rows of a multi-camera file.

    Attributes:
        cameras: (N,) int64 camera numbers.
        ids: (N,) int64 global identities.
        frames: (N,) int64 1-based frames.
        tlwh: (N, 4) float64 boxes in frame pixels.
        world: (N, 2) float64 ground positions (-1 -1: unknown).
    """

    cameras: np.ndarray
    ids: np.ndarray
    frames: np.ndarray
    tlwh: np.ndarray
    world: np.ndarray

    def __len__(self) -> int:
        return len(self.frames)

    FIELDS = ("cameras", "ids", "frames", "tlwh", "world")

    def camera(self, number: int) -> MtmcRows:
        """The rows of camera `number`."""
        keep = self.cameras == number
        return MtmcRows(*(getattr(self, f)[keep] for f in self.FIELDS))

    @classmethod
    def concatenate(cls, parts: list) -> MtmcRows:
        """The rows of every part, one after the other."""
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.FIELDS))


def camera_number(name: str) -> int:
    """The number in a camera's name, as AI City numbers its cameras (c001 -> 1, C7 -> 7).
    Raises FormatError when the name holds none."""
    digits = re.findall(r"\d+", name)
    if not digits:
        raise FormatError(
            name,
            "a camera name needs a number for the multi-camera file "
            "(AI City's camera_id: c001 -> 1)",
        )
    return int(digits[-1])


def read_mtmc(path: str | os.PathLike) -> MtmcRows:
    """Read a multi-camera file (nine space-separated fields; seven, without the ground
    position, are read with -1 -1). Raises FormatError naming the file and line."""
    rows, lines = read_table(path, (7, 9), MTMC_FIELDS, delimiter=None)
    whole = is_integer(rows[:, :3]).all(axis=1) & (rows[:, 2] >= 1)
    check_rows(
        path, whole, lines, rows, "camera_id, obj_id and frame_id must be whole, frames from 1"
    )
    check_rows(path, (rows[:, 5] > 0) & (rows[:, 6] > 0), lines, rows, "w and h must be positive")
    keys = rows[:, :3].astype(np.int64)
    _, first, counts = np.unique(keys, axis=0, return_index=True, return_counts=True)
    repeated = np.ones(len(rows), bool)
    repeated[first[counts > 1]] = False
    check_rows(path, repeated, lines, rows, "an identity appears twice in one camera's frame")
    world = rows[:, 7:9] if rows.shape[1] == 9 else np.full((len(rows), 2), -1.0)
    return MtmcRows(keys[:, 0], keys[:, 1], keys[:, 2], rows[:, 3:7].copy(), world.copy())


def write_mtmc(path: str | os.PathLike, rows: MtmcRows) -> None:
    """Write `rows` sorted by camera, frame and identity (AI City's order)."""
    order = np.lexsort((rows.ids, rows.frames, rows.cameras))
    lines = []
    for i in order:
        fields = [str(int(rows.cameras[i])), str(int(rows.ids[i])), str(int(rows.frames[i]))]
        fields += [format_number(v) for v in (*rows.tlwh[i], *rows.world[i])]
        lines.append(" ".join(fields) + "\n")
    atomic_write_text(path, "".join(lines))


def read_calibration(path: str | os.PathLike) -> np.ndarray:
    """(3, 3) ground -> image homography from an AI City calibration.txt (its "Homography
    matrix:" line: three rows separated by ";", three numbers each). Raises FormatError."""
    path = require_file(path, "camera calibration (calibration.txt)")
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        key, _, value = line.partition(":")
        if key.strip().lower() != "homography matrix":
            continue
        try:
            matrix = np.array([[float(v) for v in row.split()] for row in value.split(";")])
        except ValueError:
            matrix = np.zeros(0)
        if matrix.shape != (3, 3) or abs(np.linalg.det(matrix)) < 1e-12:
            raise FormatError(
                path,
                "expected 'Homography matrix: a b c;d e f;g h i' (an "
                f"invertible 3x3 matrix), got {value.strip()!r}",
                line_no,
            )
        return matrix
    raise FormatError(path, "no 'Homography matrix:' line")


def write_calibration(path: str | os.PathLike, homography: np.ndarray) -> None:
    """Write a ground -> image homography as AI City's calibration.txt."""
    rows = ";".join(" ".join(f"{v:.10g}" for v in row) for row in np.asarray(homography))
    atomic_write_text(path, f"Homography matrix: {rows}\n")


def read_time_offsets(path: str | os.PathLike) -> dict:
    """{camera: seconds} from "camera seconds" lines (AI City's cam_timestamp layout).
    Raises FormatError naming the line."""
    path = require_file(path, "camera time offsets")
    offsets = {}
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        try:
            offsets[fields[0]] = float(fields[1]) if len(fields) == 2 else None
        except ValueError:
            offsets[fields[0]] = None
        if offsets[fields[0]] is None:
            raise FormatError(path, f"expected 'camera seconds', got {line.strip()!r}", line_no)
    return offsets


def write_time_offsets(path: str | os.PathLike, offsets: dict) -> None:
    atomic_write_text(path, "".join(f"{c} {format_number(s)}\n" for c, s in offsets.items()))


class MultiCameraScene:
    """A multi-camera scene folder (module docstring): its cameras, calibrations and
    ground truth."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FormatError(self.root, "missing multi-camera scene: no such directory")
        self.cameras = {
            d.name: MotSequence(d)
            for d in sorted(self.root.iterdir())
            if (d / "seqinfo.ini").is_file()
        }
        if not self.cameras:
            raise FormatError(
                self.root, "no camera folders (each with a seqinfo.ini) in this scene"
            )

    @property
    def name(self) -> str:
        return self.root.name

    def calibration(self, camera: str) -> np.ndarray | None:
        """The camera's ground -> image homography, or None without a calibration.txt."""
        path = self.root / camera / CALIBRATION_FILE
        return read_calibration(path) if path.is_file() else None

    def time_offsets(self) -> dict:
        """{camera: seconds its frame 1 lags the scene's start} from timestamps.txt (0 for
        a camera it does not list; all 0 without the file)."""
        offsets = dict.fromkeys(self.cameras, 0.0)
        path = self.root / TIMESTAMPS_FILE
        if path.is_file():
            offsets.update(read_time_offsets(path))
        return offsets

    @property
    def ground_truth_path(self) -> Path:
        return self.root / GROUND_TRUTH_FILE

    def read_ground_truth(self) -> MtmcRows:
        return read_mtmc(self.ground_truth_path)


def is_multicamera_scene(path: str | os.PathLike) -> bool:
    """A folder holding camera sequences and a multi-camera ground truth or calibration."""
    path = Path(path)
    return path.is_dir() and (path / GROUND_TRUTH_FILE).is_file()
