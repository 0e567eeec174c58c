"""The fixtures computed by the original FairMOT code (tests/fixtures/, see its README), read
back into the arrays the original wrote.

The fixtures are stored compactly and losslessly for the values the parity tests read
(`scripts/pack_reference_fixtures.py` wrote them): images as PNG files, an embedding map of
which the original reads only some positions as those positions' vectors, and the rest as
compressed npz. Three key suffixes in an npz say how to rebuild an array:

- ``K@png`` holds the path (under tests/fixtures) of a PNG with the uint8 array K;
- ``K@shape``, ``K@positions``, ``K@values``: K is zero but at flat spatial positions
  (``positions``: B x N, into H*W) of its B x C x H x W shape, whose C-vectors are ``values``
  (B x N x C).
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_PRESENT = (FIXTURES / "README.md").is_file()

#: Marks tests that compare against the original's fixtures. They are skipped where the
#: fixtures are absent, except in CI (CI=true), where their absence must fail the suite.
needs_reference = pytest.mark.skipif(
    not _PRESENT and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="reference fixtures (tests/fixtures) not found",
)


class Fixture(dict):
    """{key: array} of one fixture; `files` lists the keys, as np.load's result does."""

    @property
    def files(self) -> list:
        return list(self)


def path(name: str) -> Path:
    """tests/fixtures/<name>, or FileNotFoundError saying what is missing."""
    file = FIXTURES / name
    if not file.is_file():
        raise FileNotFoundError(
            f"reference fixture {file} is missing: the parity tests need tests/fixtures/ "
            "(committed with the repository; see its README)"
        )
    return file


def _dense(stored, key: str) -> np.ndarray:
    shape = tuple(int(s) for s in stored[f"{key}@shape"])
    positions, values = stored[f"{key}@positions"], stored[f"{key}@values"]
    batch, channels = shape[0], shape[1]
    flat = np.zeros((batch, int(np.prod(shape[2:])), channels), values.dtype)
    for b in range(batch):
        flat[b, positions[b]] = values[b]
    return np.ascontiguousarray(flat.transpose(0, 2, 1)).reshape(shape)


def load(name: str) -> Fixture:
    """The arrays of fixture `name` (e.g. "decode", "targets_576x320") under the original's
    keys."""
    stored = np.load(path(f"{name}.npz"))
    arrays = Fixture()
    for key in stored.files:
        base, _, kind = key.partition("@")
        if kind == "png":
            image = cv2.imread(str(path(str(stored[key]))), cv2.IMREAD_UNCHANGED)
            arrays[base] = image
        elif kind == "shape":
            arrays[base] = _dense(stored, base)
        elif not kind:
            arrays[base] = stored[key]
    return arrays


def official_tracks() -> np.ndarray:
    """The original tracker's MOTChallenge rows on the tracker scene (frame, id, x, y, w, h,
    ...)."""
    with gzip.open(path("tracker_scene_official_tracks.txt.gz"), "rt") as f:
        return np.loadtxt(f, delimiter=",")


def official_state_dict() -> dict:
    """The released DLA-34 model's state-dict keys, shapes and dtypes, in order."""
    return json.loads(path("official_dla34_state_dict.json").read_text())
