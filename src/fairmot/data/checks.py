"""Validating a data_cfg and everything it names, reporting every defect at once.

Defect kinds (the data cannot be used as it is): `missing_list`, `empty_list`,
`missing_image`, `unreadable_image`, `damaged_image` (a truncated JPEG or PNG, which decoders
half-decode without an error), `missing_label`, `malformed_label` (with its line).

Warnings (reported, not defects): `box_outside`, a box lying wholly outside its image. The
conversion rules keep such boxes (they are not clipped, as in the released lists) and the
real releases have them (MOT17-10 frames 366-367), so a complete, correct download has a few.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from ..boxes import cxcywh_to_tlbr
from .formats import (
    DATA_CFG_PURPOSES,
    FormatError,
    label_path_for_image,
    read_data_cfg,
    read_image_list,
    read_jde_labels,
)
from .formats.images import is_truncated


@dataclass
class Defect:
    kind: str
    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"[{self.kind}] {where}: {self.message}"


@dataclass
class DatasetStats:
    """Counts for one data set of one purpose (identities: distinct ids >= 0)."""

    purpose: str
    name: str
    images: int = 0
    boxes: int = 0
    identities: int = 0
    defects: int = 0
    warnings: int = 0


@dataclass
class DataReport:
    stats: list = field(default_factory=list)
    defects: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.defects

    def table(self) -> str:
        header = (
            f"{'purpose':<9} {'data set':<20} {'images':>8} {'boxes':>9} {'identities':>10} "
            f"{'defects':>8} {'warnings':>8}"
        )
        lines = [header, "-" * len(header)]
        for s in self.stats:
            lines.append(
                f"{s.purpose:<9} {s.name:<20} {s.images:>8} {s.boxes:>9} "
                f"{s.identities:>10} {s.defects:>8} {s.warnings:>8}"
            )
        return "\n".join(lines)


def _check_image(path: Path) -> Defect | None:
    if not path.is_file():
        return Defect("missing_image", path, "image file does not exist")
    with open(path, "rb") as f:  # the end marker first: a cut file may still open
        head = np.frombuffer(f.read(8), np.uint8)
        f.seek(max(path.stat().st_size - 64, 0))
        tail = np.frombuffer(f.read(64), np.uint8)
    if head.size and is_truncated(np.concatenate([head, tail])):
        return Defect("damaged_image", path, "truncated: the file ends before its end marker")
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        return Defect("unreadable_image", path, f"not a readable image ({exc})")
    if width <= 0 or height <= 0:
        return Defect("unreadable_image", path, f"image size {width}x{height}")
    return None


def check_dataset(list_path: Path, root: Path, purpose: str, name: str):
    """Check one image list and every image and label it names.

    Returns:
        (DatasetStats, list of defects, list of warnings), each a `Defect`.
    """
    stats, defects, warnings = DatasetStats(purpose, name), [], []
    if not list_path.is_file():
        defects.append(Defect("missing_list", list_path, f"image list of {purpose}/{name}"))
    else:
        try:
            images = read_image_list(list_path)
        except FormatError as exc:
            images = []
            defects.append(Defect("empty_list", list_path, str(exc)))
        identities = set()
        for relative in images:
            image = root / relative
            stats.images += 1
            problem = _check_image(image)
            if problem is not None:
                defects.append(problem)
            label = label_path_for_image(image)
            if not label.is_file():
                defects.append(Defect("missing_label", label, f"label file of {image}"))
                continue
            try:
                rows, lines = read_jde_labels(label, return_lines=True)
            except FormatError as exc:
                defects.append(
                    Defect("malformed_label", label, str(exc).split(": ", 1)[-1], exc.line)
                )
                continue
            stats.boxes += len(rows)
            identities.update(int(i) for i in rows[:, 1] if i >= 0)
            x1, y1, x2, y2 = cxcywh_to_tlbr(rows[:, 2:6]).T
            outside = (x2 <= 0) | (x1 >= 1) | (y2 <= 0) | (y1 >= 1)
            for k in np.flatnonzero(outside):
                warnings.append(
                    Defect(
                        "box_outside",
                        label,
                        "box cx={:.4f} cy={:.4f} w={:.4f} h={:.4f} lies wholly outside the "
                        "image".format(*rows[k, 2:6]),
                        int(lines[k]),
                    )
                )
        stats.identities = len(identities)
    stats.defects, stats.warnings = len(defects), len(warnings)
    return stats, defects, warnings


def check_data_cfg(
    path: str | os.PathLike, root: str | os.PathLike | None = None, purposes=DATA_CFG_PURPOSES
) -> DataReport:
    """Check every data set of the given purposes of a data_cfg file."""
    data_cfg = read_data_cfg(path, root=root, require=())
    report = DataReport()
    for purpose in purposes:
        for name, list_path in data_cfg.lists(purpose).items():
            stats, defects, warnings = check_dataset(Path(list_path), data_cfg.root, purpose, name)
            report.stats.append(stats)
            report.defects.extend(defects)
            report.warnings.extend(warnings)
    return report
