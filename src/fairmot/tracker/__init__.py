"""Tracker layer: online association over (N, 5) boxes and (N, D) embeddings.

Pure numpy: nothing in this package imports torch, so it runs behind any detector.
"""

import numpy as np

from .jde_tracker import ASSOCIATION_MODES, FrameTracks, JDETracker

__all__ = ["ASSOCIATION_MODES", "FrameTracks", "JDETracker", "build_tracker", "keep_for_output"]


def build_tracker(tracker_cfg, frame_rate: float) -> JDETracker:
    """A tracker configured by the TRACKER config node for a sequence at `frame_rate`."""
    return JDETracker(
        frame_rate=frame_rate,
        new_track_thres=tracker_cfg.NEW_TRACK_THRES,
        track_buffer=tracker_cfg.TRACK_BUFFER,
        association=tracker_cfg.ASSOCIATION,
        motion_lambda=tracker_cfg.MOTION_LAMBDA,
        feature_momentum=tracker_cfg.FEATURE_MOMENTUM,
        gating_thres=tracker_cfg.GATING_THRES,
        match_thres_reid=tracker_cfg.MATCH_THRES_REID,
        match_thres_iou=tracker_cfg.MATCH_THRES_IOU,
        match_thres_unconfirmed=tracker_cfg.MATCH_THRES_UNCONFIRMED,
        low_score_matching=tracker_cfg.LOW_SCORE_MATCHING,
        match_thres_low=tracker_cfg.MATCH_THRES_LOW,
    )


def keep_for_output(tlwh: np.ndarray, min_area: float, max_aspect: float) -> np.ndarray:
    """(N,) bool: boxes written to results — area above `min_area` px^2 and width/height at
    most `max_aspect` (0 disables the aspect test; paper: 100 and 1.6 for pedestrians)."""
    tlwh = np.asarray(tlwh, dtype=np.float64).reshape(-1, 4)
    keep = tlwh[:, 2] * tlwh[:, 3] > min_area
    if max_aspect > 0:
        keep &= ~(tlwh[:, 2] / tlwh[:, 3] > max_aspect)
    return keep
