"""The tracker's thresholds as one frozen object, built from the TRACKER config node in one
place (`TrackerParams.from_config`)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .kalman import CHI2_95
from .presets import TRACKER_PRESETS

#: Association modes of the paper's Table 6: (use re-ID, use Kalman motion, use box IoU).
ASSOCIATION_MODES = {
    "iou": (False, False, True),
    "reid": (True, False, False),
    "reid_kf": (True, True, False),
    "reid_kf_iou": (True, True, True),
}


@dataclass(frozen=True)
class TrackerParams:
    """Every threshold of the association (defaults: the paper's; config keys TRACKER.*).

    Attributes:
        new_track_thres: minimum detection score to start a track (paper: 0.4).
        track_buffer: frames a lost track is kept at 30 frames/s (paper: 30, i.e. 1 s);
            scaled by the sequence's frame rate / 30 (config: TRACKER.LOST_SECONDS x 30, or
            TRACKER.TRACK_BUFFER).
        association: "iou", "reid", "reid_kf" or "reid_kf_iou" (paper default; Table 6).
        motion_lambda: weight of the appearance cost when fused with motion (paper: 0.98).
        feature_momentum: EMA momentum of a track's embedding (paper: 0.9).
        gating_thres: gate on the squared Mahalanobis distance (chi-square 95 %, 4 dof).
        match_thres_reid, match_thres_iou, match_thres_unconfirmed: cost thresholds of the
            three matching stages (paper: 0.4, 0.5, 0.7).
        low_score_matching: when True, detections scoring below `new_track_thres` take part
            only in an extra stage: IoU matching to the tracked tracks that the first two
            stages left, threshold `match_thres_low` (ByteTrack's second association; it
            keeps people tracked through partial occlusion, where the detector's score
            drops). Their embeddings do not update the tracks' features. False (paper):
            every detection given takes part in every stage.
        observation_recovery: when True, an extra stage after the IoU stages matches the
            tracked tracks still left and the lost tracks stage 1 left to the remaining
            detections by IoU of the box each track was last matched to, threshold
            `match_thres_recovery` (OC-SORT's observation-centric recovery: the Kalman
            prediction of an unobserved track drifts, its last observation does not).
        duplicate_thres: a tracked and a lost track whose boxes have IoU distance below this
            are duplicates; the younger is dropped (original: 0.15, i.e. IoU > 0.85;
            0 never drops one).
        feature_budget: embeddings remembered per track (StrongSORT's nn_budget: each
            update's smoothed embedding, the last `feature_budget` kept); the appearance
            cost is then the least cosine distance to them. 0 (paper): the smoothed
            embedding alone.
        adaptive_momentum: the embedding momentum per detection, from feature_momentum
            for a detection scoring 1 up to 1 (no update) for one at new_track_thres (Deep
            OC-SORT's dynamic appearance: an occluded, low-score view barely changes the
            track's embedding). False (paper): the same momentum for every detection.
        matching_cascade: stage 1 as DeepSORT's cascade, one assignment per age (frames
            since a track's last match), the freshest tracks first. False (paper): one
            assignment over the whole pool.
        nsa_kalman: the Kalman update's measurement noise scaled by (1 - detection score)
            (StrongSORT's NSA Kalman filter). False (paper): the same noise for every score.
        reid_gallery, gallery_size, gallery_seconds, gallery_thres: long-term
            re-identification (`gallery.Gallery`; off in the paper): removed tracks kept
            for revival, at most `gallery_size` for `gallery_seconds`, revived below cosine
            distance `gallery_thres`.

    `new_track_thres` and the `match_thres_*` take one value, or a tuple of one value per
    class (a multi-class model; index = class index).
    """

    new_track_thres: float | tuple = 0.4
    track_buffer: int = 30
    association: str = "reid_kf_iou"
    motion_lambda: float = 0.98
    feature_momentum: float = 0.9
    gating_thres: float = CHI2_95[4]
    match_thres_reid: float | tuple = 0.4
    match_thres_iou: float | tuple = 0.5
    match_thres_unconfirmed: float | tuple = 0.7
    low_score_matching: bool = False
    match_thres_low: float | tuple = 0.5
    observation_recovery: bool = False
    match_thres_recovery: float | tuple = 0.5
    duplicate_thres: float = 0.15
    feature_budget: int = 0
    adaptive_momentum: bool = False
    matching_cascade: bool = False
    nsa_kalman: bool = False
    reid_gallery: bool = False
    gallery_size: int = 100
    gallery_seconds: float = 60.0
    gallery_thres: float = 0.2

    def __post_init__(self):
        if self.association not in ASSOCIATION_MODES:
            raise ValueError(
                f"association must be one of {sorted(ASSOCIATION_MODES)}, got {self.association!r}"
            )

    @property
    def uses(self) -> tuple:
        """(re-ID, Kalman motion, box IoU) of the association mode."""
        return ASSOCIATION_MODES[self.association]

    def max_time_lost(self, frame_rate: float) -> int:
        """Frames a lost track is kept at `frame_rate` (the original's scaling)."""
        return int(frame_rate / 30.0 * self.track_buffer)

    @classmethod
    def from_config(cls, tracker_cfg) -> TrackerParams:
        """The parameters of a TRACKER config node (each field from the key of its name in
        capitals; the output filter keys MIN_BOX_AREA / MAX_ASPECT are not the tracker's).

        TRACKER.PRESET's fields (`presets.TRACKER_PRESETS`) replace the defaults; a key the
        config sets to another value than its default still wins over the preset."""
        values = {f.name: tracker_cfg[f.name.upper()] for f in fields(cls)}
        if tracker_cfg.TRACK_BUFFER == 30:  # the alias is unset: the seconds key decides
            values["track_buffer"] = 30 * tracker_cfg.LOST_SECONDS
        defaults = {f.name: f.default for f in fields(cls)}
        for name, value in TRACKER_PRESETS[tracker_cfg.get("PRESET", "fairmot")].items():
            if values[name] == defaults[name]:
                values[name] = value
        return cls(**{k: from_config_value(v) for k, v in values.items()})


def from_config_value(value):
    """A config value as a frozen field: a per-class list becomes a tuple."""
    return tuple(value) if isinstance(value, list) else value


def per_class(value, classes):
    """A threshold of one value, or (per class) the value of each of `classes`."""
    return np.asarray(value)[classes] if isinstance(value, tuple) else value
