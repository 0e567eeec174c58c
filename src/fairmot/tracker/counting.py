"""Counting tracks that cross lines, per line and class, in each direction (numpy only).

A line is a directed segment (x1, y1) -> (x2, y2) in frame pixels. A track's reference point
is the bottom centre of its box (where a person stands). A crossing is counted when the point
passes from one side of the line to the other within the segment's extent: "in" towards the
right-hand side of the direction as seen on the screen (for a line drawn from left to right:
moving down the image), "out" the other way. Hysteresis: a side only counts once the point
is more than `hysteresis` pixels from the line, so a track jittering on the line never
counts twice; a track counts once per crossing, and again only after crossing back.
"""

from __future__ import annotations

import numpy as np


class LineCounter:
    """Cumulative in/out counts of tracks crossing `lines`, per line and class.

    Args:
        lines: (L, 4) x1 y1 x2 y2 of each line, frame pixels.
        num_classes: classes of the tracks (class indices below it).
        hysteresis: pixels from the line a point must reach for its side to count.
        forget_after: frames after which a track not seen any more is forgotten (memory
            stays flat on an endless stream).

    Attributes:
        counts: (L, num_classes, 2) int64 cumulative [in, out] counts.
    """

    def __init__(self, lines, num_classes: int = 1, hysteresis: float = 4.0, forget_after=300):
        self.lines = np.asarray(lines, dtype=np.float64).reshape(-1, 4)
        lengths = np.hypot(self.lines[:, 2] - self.lines[:, 0], self.lines[:, 3] - self.lines[:, 1])
        if (lengths <= 0).any() or not np.isfinite(self.lines).all():
            raise ValueError(f"lines must be finite segments of non-zero length: {self.lines}")
        self.lengths, self.hysteresis, self.forget_after = lengths, hysteresis, forget_after
        self.counts = np.zeros((len(self.lines), num_classes, 2), np.int64)
        self.sides: dict = {}  # track id -> (L,) last settled side (+1, -1; 0 unknown)
        self.last_seen: dict = {}
        self.frame = 0

    def sides_of(self, points: np.ndarray) -> np.ndarray:
        """(N, L) side of each point for each line: +1 right of the direction as seen on the
        screen, -1 left, 0 within the hysteresis band or beyond the segment's ends."""
        a, b = self.lines[:, :2], self.lines[:, 2:]
        direction = (b - a) / self.lengths[:, None]
        offset = points[:, None, :] - a[None]  # (N, L, 2)
        along = (offset * direction[None]).sum(axis=2) / self.lengths[None]
        across = offset[..., 0] * direction[None, :, 1] - offset[..., 1] * direction[None, :, 0]
        # `across` < 0: the right-hand side on the screen (image y grows downwards).
        side = np.where(across > self.hysteresis, -1, np.where(across < -self.hysteresis, 1, 0))
        return np.where((along >= 0) & (along <= 1), side, 0)

    def update(self, ids: np.ndarray, tlwh: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Count one frame's tracks; returns the (L, num_classes, 2) counts so far."""
        self.frame += 1
        if not len(ids):
            self._forget()
            return self.counts
        tlwh = np.asarray(tlwh, dtype=np.float64).reshape(-1, 4)
        points = np.stack([tlwh[:, 0] + tlwh[:, 2] / 2, tlwh[:, 1] + tlwh[:, 3]], axis=1)
        now = self.sides_of(points)
        before = np.stack([self.sides.get(int(i), np.zeros(len(self.lines), int)) for i in ids])
        crossed = (before != 0) & (now != 0) & (before != now)
        track, line = np.nonzero(crossed)
        direction = np.where(now[track, line] > 0, 0, 1)  # to the right-hand side: in
        np.add.at(self.counts, (line, np.asarray(classes)[track], direction), 1)
        settled = np.where(now != 0, now, before)
        for k, track_id in enumerate(np.asarray(ids).tolist()):
            self.sides[track_id], self.last_seen[track_id] = settled[k], self.frame
        self._forget()
        return self.counts

    def _forget(self) -> None:
        if self.frame % 50:
            return
        stale = [i for i, seen in self.last_seen.items() if self.frame - seen > self.forget_after]
        for track_id in stale:
            del self.sides[track_id], self.last_seen[track_id]
