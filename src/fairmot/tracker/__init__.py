"""Tracker layer: online association over (N, 5) boxes and (N, D) embeddings.

Pure numpy: nothing in this package imports torch, so it runs behind any detector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .jde_tracker import FrameTracks, JDETracker, TrackState
from .params import ASSOCIATION_MODES, TrackerParams, from_config_value, per_class

__all__ = [
    "ASSOCIATION_MODES",
    "FrameTracks",
    "JDETracker",
    "OutputFilter",
    "TrackState",
    "TrackerParams",
    "build_tracker",
    "degenerate_detections",
    "track_valid_detections",
    "keep_for_output",
]


def build_tracker(tracker_cfg, frame_rate: float) -> JDETracker:
    """A tracker configured by the TRACKER config node for a sequence at `frame_rate`."""
    return JDETracker(TrackerParams.from_config(tracker_cfg), frame_rate=frame_rate)


def degenerate_detections(dets_tlbr_score: np.ndarray, features: np.ndarray) -> np.ndarray:
    """(N,) bool: detections the tracker must not see — a non-finite box, score or
    embedding, a box of zero or negative width or height, or an all-zero embedding (no
    direction to compare). An untrained or diverged network produces them."""
    dets = np.asarray(dets_tlbr_score, dtype=np.float64).reshape(-1, 5)
    if not len(dets):
        return np.zeros(0, bool)
    features = np.asarray(features, dtype=np.float64).reshape(len(dets), -1)
    finite = np.isfinite(dets).all(axis=1) & np.isfinite(features).all(axis=1)
    with np.errstate(invalid="ignore"):
        sized = (dets[:, 2] > dets[:, 0]) & (dets[:, 3] > dets[:, 1])
        directed = np.abs(features).sum(axis=1) > 0
    return ~(finite & sized & directed)


def track_valid_detections(
    tracker: JDETracker,
    dets_tlbr_score,
    features,
    output_filter: OutputFilter,
    classes=None,
    warp=None,
) -> tuple:
    """One frame through the tracker without its degenerate detections (which would
    corrupt the Kalman state), then the output filter. `classes`: (N,) class indices
    (None: one class); `warp`: the camera's motion since the previous frame (`cmc`).

    Returns:
        (the frame's written FrameTracks, the number of degenerate detections left out).
    """
    bad = degenerate_detections(dets_tlbr_score, features)
    if bad.any():
        dets_tlbr_score, features = dets_tlbr_score[~bad], features[~bad]
        classes = None if classes is None else np.asarray(classes)[~bad]
    tracks = tracker.update(dets_tlbr_score, features, classes, warp)
    return output_filter(tracks), int(bad.sum())


def keep_for_output(tlwh: np.ndarray, min_area, max_aspect) -> np.ndarray:
    """(N,) bool: boxes written to results — area above `min_area` px^2 and width/height at
    most `max_aspect` (0 disables the aspect test; paper: 100 and 1.6 for pedestrians). Both
    may be (N,) arrays, one value per box (per-class thresholds)."""
    tlwh = np.asarray(tlwh, dtype=np.float64).reshape(-1, 4)
    keep = tlwh[:, 2] * tlwh[:, 3] > min_area
    aspect = np.asarray(max_aspect, dtype=np.float64)
    if (aspect > 0).any():
        keep &= ~(tlwh[:, 2] / tlwh[:, 3] > np.where(aspect > 0, aspect, np.inf))
    return keep


@dataclass(frozen=True)
class OutputFilter:
    """Which tracks a frame writes to the results (`keep_for_output`; TRACKER.MIN_BOX_AREA,
    TRACKER.MAX_ASPECT, each one value or a tuple of one per class)."""

    min_area: float | tuple = 100.0
    max_aspect: float | tuple = 1.6

    def __call__(self, tracks: FrameTracks) -> FrameTracks:
        min_area = per_class(self.min_area, tracks.classes)
        max_aspect = per_class(self.max_aspect, tracks.classes)
        return tracks[keep_for_output(tracks.tlwh, min_area, max_aspect)]

    @classmethod
    def from_config(cls, tracker_cfg) -> OutputFilter:
        return cls(
            min_area=from_config_value(tracker_cfg.MIN_BOX_AREA),
            max_aspect=from_config_value(tracker_cfg.MAX_ASPECT),
        )
