"""Long-term re-identification: a bounded gallery of tracks the tracker has forgotten.

A track lost for longer than the tracker's buffer is removed from the active pool (no more
Kalman work); with the gallery on, its smoothed embedding, class, last box and the frame it
was last seen in are kept here, up to `size` entries for up to `max_frames` frames after that. A
detection that would start a new track is first compared with the gallery (cosine distance
of the embeddings, only entries of its class and young enough): a match below `threshold`
gives the old identity back instead of a new one. Numpy only.
"""

from __future__ import annotations

import numpy as np

from .matching import class_gate, embedding_distance, linear_assignment


class Gallery:
    """Forgotten tracks, oldest first.

    Args:
        size: most entries kept (the oldest leave first).
        max_frames: frames an entry is kept and can be revived.
        threshold: the largest cosine distance of a revival.
    """

    def __init__(self, size: int = 100, max_frames: int = 1800, threshold: float = 0.2):
        self.size, self.max_frames, self.threshold = size, max_frames, threshold
        self.ids = np.zeros(0, np.int64)
        self.classes = np.zeros(0, np.int64)
        self.frames = np.zeros(0, np.int64)
        self.boxes = np.zeros((0, 4))  # last tlwh, frame pixels
        self.features: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, track_id: int, feature: np.ndarray, cls: int, frame: int, tlwh=None) -> None:
        """Keep a forgotten track (its unit embedding), last seen in `frame` at `tlwh`."""
        box = np.full(4, np.nan) if tlwh is None else np.asarray(tlwh, np.float64)
        self.boxes = np.concatenate([self.boxes, box[None]])[-self.size :]
        if self.features is None:
            self.features = np.zeros((0, len(feature)), np.float32)
        self.ids = np.append(self.ids, track_id)[-self.size :]
        self.classes = np.append(self.classes, cls)[-self.size :]
        self.frames = np.append(self.frames, frame)[-self.size :]
        self.features = np.concatenate([self.features, feature[None]])[-self.size :]

    def revive(self, features: np.ndarray, classes: np.ndarray, frame: int) -> np.ndarray:
        """(N,) the identity each detection takes back from the gallery, or -1; the revived
        entries leave it. Entries too old to revive are dropped first."""
        self._keep(frame - self.frames <= self.max_frames)
        found = np.full(len(features), -1, np.int64)
        if not len(self) or not len(features):
            return found
        cost = class_gate(embedding_distance(self.features, features), self.classes, classes)
        matches, _, _ = linear_assignment(cost, self.threshold)
        found[matches[:, 1]] = self.ids[matches[:, 0]]
        keep = np.ones(len(self), bool)
        keep[matches[:, 0]] = False
        self._keep(keep)
        return found

    def _keep(self, keep: np.ndarray) -> None:
        self.ids, self.classes, self.frames = self.ids[keep], self.classes[keep], self.frames[keep]
        self.boxes = self.boxes[keep]
        if self.features is not None:
            self.features = self.features[keep]
