"""Drawing boxes, identities and trails on frames."""

from __future__ import annotations

from collections import deque

import cv2
import numpy as np


def id_colour(track_id: int) -> tuple:
    """A stable, well-separated BGR colour for an identity (golden-ratio hue steps)."""
    hue = int((track_id * 0.618033988749895 % 1.0) * 180)
    hsv = np.array([[[hue, 220, 255]]], np.uint8)
    return tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])


class TrailBuffer:
    """Recent box bottom-centres per identity, for drawing trails.

    Memory is bounded: at most `length` points per identity, and identities unseen for
    `length` frames are forgotten.
    """

    def __init__(self, length: int):
        self.length = length
        self.points: dict = {}
        self.last_seen: dict = {}
        self.frame = 0

    def update(self, tlwh: np.ndarray, ids: np.ndarray) -> None:
        """Record one frame's boxes ((N, 4) x y w h pixels) and identities ((N,))."""
        self.frame += 1
        if self.length <= 0:
            return
        for (x, y, w, h), track_id in zip(tlwh, ids):
            track_id = int(track_id)
            trail = self.points.setdefault(track_id, deque(maxlen=self.length))
            trail.append((int(round(x + w / 2)), int(round(y + h))))
            self.last_seen[track_id] = self.frame
        stale = [t for t, f in self.last_seen.items() if self.frame - f >= self.length]
        for track_id in stale:
            del self.points[track_id], self.last_seen[track_id]


def draw_tracks(
    image: np.ndarray,
    tlwh: np.ndarray,
    ids: np.ndarray,
    trails: TrailBuffer | None = None,
    captions: list | None = None,
    thickness: int = 2,
) -> np.ndarray:
    """Draw boxes with identity colours (in place) and return the image.

    Args:
        image: (H, W, 3) uint8 BGR frame.
        tlwh: (N, 4) boxes, x y w h in frame pixels.
        ids: (N,) identities (colour and default caption).
        trails: optional trail buffer, already updated with this frame.
        captions: optional text per box (default: the identity).
    """
    if trails is not None:
        for track_id, points in trails.points.items():
            if len(points) > 1:
                pts = np.array(points, np.int32).reshape(-1, 1, 2)
                cv2.polylines(image, [pts], False, id_colour(track_id), 1, cv2.LINE_AA)
    scale = max(0.35, image.shape[0] / 900)
    for k, ((x, y, w, h), track_id) in enumerate(zip(tlwh, ids)):
        colour = id_colour(int(track_id))
        p1, p2 = (int(round(x)), int(round(y))), (int(round(x + w)), int(round(y + h)))
        cv2.rectangle(image, p1, p2, colour, thickness)
        text = captions[k] if captions is not None else str(int(track_id))
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        cv2.rectangle(image, (p1[0], p1[1] - th - 4), (p1[0] + tw + 2, p1[1]), colour, -1)
        cv2.putText(
            image,
            text,
            (p1[0] + 1, p1[1] - 3),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (0, 0, 0),
            1,
            cv2.LINE_AA,
        )
    return image


def draw_count_lines(image: np.ndarray, lines, counts, class_names=()) -> np.ndarray:
    """Draw counting lines (in place) with their totals: "in N / out M" per line, per
    class when `class_names` has several.

    Args:
        lines: (L, 4) x1 y1 x2 y2; counts: (L, C, 2) cumulative [in, out].
    """
    for k, (x1, y1, x2, y2) in enumerate(np.asarray(lines)):
        start, end = (int(round(x1)), int(round(y1))), (int(round(x2)), int(round(y2)))
        cv2.arrowedLine(image, start, end, (0, 215, 255), 2, cv2.LINE_AA, tipLength=0.03)
        per_class = counts[k]
        if len(class_names) > 1:
            text = "  ".join(f"{n} {i}/{o}" for n, (i, o) in zip(class_names, per_class))
        else:
            text = f"in {int(per_class[:, 0].sum())}  out {int(per_class[:, 1].sum())}"
        draw_text(image, f"{k + 1}: {text}", (start[0] + 4, start[1] - 6))
    return image


def draw_text(image: np.ndarray, text: str, origin=(8, 20)) -> np.ndarray:
    """Draw a line of white text with a dark outline (in place)."""
    scale = max(0.45, image.shape[0] / 700)
    cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(
        image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA
    )
    return image
