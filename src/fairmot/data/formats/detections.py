"""Saved detections with embeddings: what a detector saw in one sequence, so that any
tracker (or the association ablation) can run on exactly the same input.

One `.npz` per sequence, named `<SEQ>.npz`, holding::

    num_frames            ()      int    frames of the sequence (frames without an entry
                                         had no detections)
    frame_rate            ()      float  frames per second (optional; the caller's default)
    frameNNNNNN_dets      (N, 5)  float  x1 y1 x2 y2 score in frame pixels (1-based frame)
    frameNNNNNN_feats     (N, D)  float  the detections' re-ID embeddings
    frameNNNNNN_classes   (N,)    int    class indices (optional: all 0, one class)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .text_table import FormatError


def _key(frame: int) -> str:
    return f"frame{frame:06d}"


def write_detections(
    path: str | os.PathLike, frames: dict, num_frames: int, frame_rate: float
) -> None:
    """Write {frame: (dets (N, 5), feats (N, D)[, classes (N,)])} atomically (a partial
    file never carries the final name); classes are stored only where one is not 0."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for frame, (dets, feats, *classes) in frames.items():
        arrays[f"{_key(frame)}_dets"], arrays[f"{_key(frame)}_feats"] = dets, feats
        if classes and np.any(classes[0]):
            arrays[f"{_key(frame)}_classes"] = np.asarray(classes[0], np.int64)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, num_frames=num_frames, frame_rate=frame_rate, **arrays)
    partial.replace(path)


class SavedDetections:
    """The saved detections of one sequence (read lazily, frame by frame).

    Args:
        path: the `<SEQ>.npz` file; its stem names the sequence.
        frame_rate: used when the file stores none.
    """

    def __init__(self, path: str | os.PathLike, frame_rate: float = 30.0):
        self.path = Path(path)
        try:
            self.data = np.load(self.path)
            self.num_frames = int(self.data["num_frames"])
        except (OSError, ValueError, KeyError) as exc:
            raise FormatError(
                self.path,
                f"expected an .npz with num_frames and frameNNNNNN_dets / _feats arrays ({exc})",
            ) from None
        self.name = self.path.stem
        stored = "frame_rate" in self.data
        self.frame_rate = float(self.data["frame_rate"]) if stored else float(frame_rate)

    def __len__(self) -> int:
        return self.num_frames

    def frame(self, frame: int) -> tuple:
        """(dets (N, 5), feats (N, D) float32, classes (N,) int64) of a 1-based frame;
        empty when it has none."""
        key = _key(frame)
        if f"{key}_dets" not in self.data:
            return np.zeros((0, 5), np.float32), np.zeros((0, 1), np.float32), np.zeros(0, int)
        dets = self.data[f"{key}_dets"]
        stored = f"{key}_classes" in self.data
        classes = self.data[f"{key}_classes"] if stored else np.zeros(len(dets), np.int64)
        return dets, self.data[f"{key}_feats"].astype(np.float32), classes


def read_detections_dir(
    folder: str | os.PathLike, frame_rates: dict | None = None, default_rate: float = 30.0
) -> list:
    """Every `<SEQ>.npz` of a folder, sorted by name. A file that stores no frame rate takes
    its sequence's from `frame_rates` {SEQ: rate}, else `default_rate`."""
    files = sorted(Path(folder).glob("*.npz"))
    if not files:
        raise FormatError(folder, "holds no <SEQ>.npz saved-detection files")
    rates = frame_rates or {}
    return [SavedDetections(f, rates.get(f.stem, default_rate)) for f in files]
