"""The JDE training layout: label files, image lists and data_cfg files.

- Images live under a folder named `images`; each has a label file at the same relative path
  under `labels_with_ids` with the extension `.txt`.
- A label file holds one row per box, `class identity cx cy w h`, separated by spaces:
  class a whole number >= 0, identity a whole number (-1: unknown), and centre and size
  normalised by the image width and height (centres may lie outside [0, 1]; sizes are > 0).
- An image list holds one image path per line, relative to the data root.
- A data_cfg file (JSON) names the root and, per purpose, the data sets and their lists::

      {"root": "/data",                      # absolute, or relative to the data_cfg file
       "train": {"mot17": "lists/mot17.train", ...},   # list paths relative to the root
       "test": {...}, "test_emb": {...}}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Sequence

import numpy as np

from .text_table import (
    FormatError,
    atomic_write_text,
    check_rows,
    is_integer,
    read_table,
    require_file,
)

LABEL_FIELDS = "class identity cx cy w h"
DATA_CFG_PURPOSES = ("train", "test", "test_emb")
#: What the re-ID head learns from a training data set (data_cfg "identities"): its labelled
#: identities (boxes with -1 are left out of the identity loss; the default), one identity
#: per box wherever the labels have none (self-supervised, as for CrowdHuman), or nothing
#: (every box left out of the identity loss, the data set trains detection only).
IDENTITY_MODES = ("labelled", "self_supervised", "none")


def read_jde_labels(path: str | os.PathLike, return_lines: bool = False):
    """Read one label file.

    Returns:
        (N, 6) float64 rows `class identity cx cy w h`; (0, 6) for an empty file; with
        `return_lines`, also the (N,) 1-based line number of each row.
    """
    rows, lines = read_table(path, (6,), LABEL_FIELDS, delimiter=None)
    check_rows(
        path,
        is_integer(rows[:, 0]) & (rows[:, 0] >= 0),
        lines,
        rows,
        "class (field 1) must be a whole number >= 0",
    )
    check_rows(
        path,
        is_integer(rows[:, 1]) & (rows[:, 1] >= -1),
        lines,
        rows,
        "identity (field 2) must be a whole number >= -1 (-1: unknown)",
    )
    check_rows(
        path,
        np.isfinite(rows[:, 2:4]).all(axis=1),
        lines,
        rows,
        "cx, cy (fields 3-4) must be finite",
    )
    check_rows(
        path,
        (rows[:, 4] > 0) & (rows[:, 5] > 0) & np.isfinite(rows[:, 4:6]).all(axis=1),
        lines,
        rows,
        "w and h (fields 5-6) must be positive",
    )
    return (rows, lines) if return_lines else rows


def write_jde_labels(path: str | os.PathLike, labels: np.ndarray) -> None:
    """Write (N, 6) rows `class identity cx cy w h` with six decimals (an empty file for N=0)."""
    labels = np.asarray(labels, dtype=np.float64).reshape(-1, 6)
    text = "".join(
        f"{int(c)} {int(i)} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n" for c, i, cx, cy, w, h in labels
    )
    atomic_write_text(path, text)


def label_path_for_image(image_path: str | os.PathLike) -> Path:
    """`.../images/.../x.jpg` -> `.../labels_with_ids/.../x.txt` (the last `images` folder)."""
    parts = list(PurePath(image_path).parts)
    try:
        index = len(parts) - 1 - parts[::-1].index("images")
    except ValueError:
        raise FormatError(
            image_path, "image path has no 'images' folder, so its label file cannot be found"
        ) from None
    parts[index] = "labels_with_ids"
    return Path(*parts).with_suffix(".txt")


def read_image_list(path: str | os.PathLike) -> list[str]:
    """Read an image list: one path per non-blank line, relative to the data root."""
    path = require_file(path, "image list")
    lines = path.read_text().splitlines()
    images = [line.strip() for line in lines if line.strip()]
    if not images:
        raise FormatError(path, "image list is empty")
    return images


def write_image_list(path: str | os.PathLike, images: list[str]) -> None:
    atomic_write_text(path, "".join(f"{image}\n" for image in images))


@dataclass
class DataCfg:
    """A parsed data_cfg file.

    Attributes:
        path: the data_cfg file (None when built in memory).
        root: absolute data root.
        train, test, test_emb: data set name -> image list path (absolute), in file order.
        identities: training data set name -> one of IDENTITY_MODES (absent: "labelled").
    """

    root: Path
    train: dict = field(default_factory=dict)
    test: dict = field(default_factory=dict)
    test_emb: dict = field(default_factory=dict)
    path: Path | None = None
    identities: dict = field(default_factory=dict)

    def identity_mode(self, dataset: str) -> str:
        return self.identities.get(dataset, "labelled")

    def lists(self, purpose: str) -> dict:
        if purpose not in DATA_CFG_PURPOSES:
            raise ValueError(f"purpose must be one of {DATA_CFG_PURPOSES}, got {purpose!r}")
        return getattr(self, purpose)

    def image_paths(self, purpose: str, dataset: str) -> list[Path]:
        """Absolute image paths of one data set's list."""
        return [self.root / image for image in read_image_list(self.lists(purpose)[dataset])]


def read_data_cfg(
    path: str | os.PathLike,
    root: str | os.PathLike | None = None,
    require: Sequence[str] = ("train",),
) -> DataCfg:
    """Read and validate a data_cfg file.

    Args:
        path: the JSON file.
        root: overrides the file's root when given (e.g. from the DATA.ROOT config key).
        require: the purposes the caller needs ("train" to train, "test" for detection AP,
            "test_emb" for re-ID TPR): each must name at least one data set, and each of
            their lists must exist. Lists of other purposes are taken as named (the data
            checker requires none, to report every missing list).

    Raises:
        FormatError: invalid JSON, unknown or missing keys, a missing root or list file.
    """
    path = require_file(path, "data_cfg file")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise FormatError(path, f"not valid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict):
        raise FormatError(path, "expected a JSON object with 'root' and 'train'/'test'/'test_emb'")
    unknown = sorted(set(data) - {"root", "identities", *DATA_CFG_PURPOSES})
    if unknown:
        raise FormatError(
            path,
            f"unknown key(s) {unknown}; expected 'root', 'identities' and any of "
            f"{DATA_CFG_PURPOSES}",
        )
    if root is None:
        if "root" not in data:
            raise FormatError(path, "missing 'root' (the folder image lists are relative to)")
        root = Path(data["root"])
        if not root.is_absolute():
            root = path.parent / root
    root = Path(root).resolve()
    if not root.is_dir():
        raise FormatError(
            path,
            f"data root {root} does not exist: convert the data sets into it "
            "(tools/convert_data.py, docs/datasets.md) or give another with DATA.ROOT",
        )
    cfg = DataCfg(root=root, path=path)
    for purpose in DATA_CFG_PURPOSES:
        cfg.lists(purpose).update(_image_lists(path, data, purpose, root, purpose in require))
    cfg.identities = _identity_modes(path, data.get("identities", {}), cfg.train)
    empty = [p for p in require if not cfg.lists(p)]
    if empty:
        raise FormatError(
            path,
            f"no '{empty[0]}' data sets; this needs them: add \"{empty[0]}\": "
            '{"<name>": "<image list>"} (see data_cfg/mot17_half.json)',
        )
    return cfg


def _image_lists(path: Path, data: dict, purpose: str, root: Path, required: bool) -> dict:
    """{data set: absolute image list path} of one purpose; a missing list is an error when
    the purpose is `required`."""
    entries = data.get(purpose, {})
    if not isinstance(entries, dict):
        raise FormatError(path, f"'{purpose}' must map data set names to image list files")
    lists = {}
    for name, list_file in entries.items():
        list_path = Path(list_file)
        list_path = list_path if list_path.is_absolute() else root / list_path
        if required and not list_path.is_file():
            raise FormatError(
                path, f"{purpose} data set '{name}': image list {list_path} does not exist"
            )
        lists[name] = list_path
    return lists


def _identity_modes(path: Path, modes, train: dict) -> dict:
    """The "identities" entry: {training data set: mode}, each checked."""
    if not isinstance(modes, dict):
        raise FormatError(path, f"'identities' must map training data sets to {IDENTITY_MODES}")
    for name, mode in modes.items():
        if name not in train:
            raise FormatError(path, f"identities: '{name}' is not a training data set")
        if mode not in IDENTITY_MODES:
            raise FormatError(path, f"identities: '{name}' is {mode!r}; expected {IDENTITY_MODES}")
    return dict(modes)


def write_data_cfg(path: str | os.PathLike, cfg: DataCfg) -> None:
    """Write `cfg` as JSON: the root relative to the file's folder, list paths relative to the
    root, so the data folder and its data_cfg can be moved together."""
    path = Path(path)

    def relative(p: Path, base: Path) -> str:
        try:
            return Path(os.path.relpath(p, base)).as_posix()
        except ValueError:  # another drive on Windows
            return str(p)

    data = {"root": relative(cfg.root, path.parent.resolve())}
    for purpose in DATA_CFG_PURPOSES:
        entries = cfg.lists(purpose)
        if entries:
            data[purpose] = {name: relative(Path(p), cfg.root) for name, p in entries.items()}
    if cfg.identities:
        data["identities"] = dict(cfg.identities)
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
