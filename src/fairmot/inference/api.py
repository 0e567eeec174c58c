"""Frame-by-frame tracking for applications: one object from a checkpoint, frames in,
tracks out.

    from fairmot.inference import OnlineTracker

    tracker = OnlineTracker.from_checkpoint("output/synthetic/model_last.pth")
    for frame in frames:                     # (H, W, 3) uint8 BGR, e.g. from cv2
        tracks = tracker.update(frame)       # tracks.ids, tracks.tlwh, tracks.scores
    tracker.reset()                          # before the next, unrelated video
"""

from __future__ import annotations

import os

import numpy as np

from ..boxes import tlwh_to_ground
from ..config import load_cfg
from ..tracker import (
    FrameTracks,
    JDETracker,
    OutputFilter,
    TrackerParams,
    track_valid_detections,
)
from ..tracker.cmc import CameraMotion, build_camera_motion


class OnlineTracker:
    """The detector and the tracker of one video, driven frame by frame.

    Args:
        detector: callable BGR frame -> `models.decode.Detections` (`Detector`).
        tracker: the association (`JDETracker`).
        output_filter: which tracks `update` returns (default: the paper's).
        camera_motion: camera motion compensation (`tracker.cmc.CameraMotion`; TRACKER.CMC),
            or None.
    """

    def __init__(
        self,
        detector,
        tracker: JDETracker,
        output_filter: OutputFilter | None = None,
        camera_motion: CameraMotion | None = None,
    ):
        self.detector, self.tracker = detector, tracker
        self.output_filter = output_filter or OutputFilter()
        self.camera_motion = camera_motion

    @classmethod
    def from_checkpoint(
        cls,
        weights: str | os.PathLike,
        *,
        cfg_file: str | os.PathLike | None = None,
        overrides=(),
        frame_rate: float = 30.0,
    ) -> OnlineTracker:
        """Build everything from a checkpoint: the config it was trained with (stored in
        checkpoints written by the trainer), then `cfg_file` and `KEY VALUE` `overrides`
        (needed for checkpoints without a stored config, such as the authors' releases).

        Args:
            frame_rate: frames per second of the video to track (scales the lost-track
                buffer, as for files).
        """
        from ..models import stored_config
        from .detector import build_detector

        cfg = load_cfg(cfg_file, list(overrides), stored_config(weights))
        detector = build_detector(cfg, str(weights), frames_in_flight=1)  # one at a time
        tracker = JDETracker(TrackerParams.from_config(cfg.TRACKER), frame_rate=frame_rate)
        output_filter = OutputFilter.from_config(cfg.TRACKER)
        return cls(detector, tracker, output_filter, build_camera_motion(cfg.TRACKER))

    def update(self, frame_bgr: np.ndarray) -> FrameTracks:
        """Track one (H, W, 3) uint8 BGR frame; returns its confirmed tracks (ids, x y w h
        boxes in frame pixels, scores, class indices)."""
        if not (
            isinstance(frame_bgr, np.ndarray) and frame_bgr.ndim == 3 and frame_bgr.shape[2] == 3
        ):
            shape = getattr(frame_bgr, "shape", type(frame_bgr).__name__)
            raise ValueError(f"update() takes an (H, W, 3) BGR image array, got {shape}")
        detections = self.detector(frame_bgr)
        warp = None
        if self.camera_motion is not None:
            warp = self.camera_motion(frame_bgr, detections.boxes)
        tracks, _ = track_valid_detections(
            self.tracker,
            detections.boxes,
            detections.embeddings,
            self.output_filter,
            detections.classes,
            warp,
        )
        return tracks

    def reset(self) -> None:
        """Forget every track (the next video starts with identity 1)."""
        self.tracker.reset()
        if self.camera_motion is not None:
            self.camera_motion.reset()


class MultiCameraTracker:
    """Several synchronised cameras driven frame by frame, with one identity per person
    across them (online cross-camera association, `tracker.multicam`).

        tracker = MultiCameraTracker.from_checkpoint("model.pth", ["east", "west"])
        tracks = tracker.update({"east": frame_e, "west": frame_w})   # {camera: FrameTracks}

    Args:
        trackers: {camera: its OnlineTracker} (one detector may serve them all).
        params: the cross-camera thresholds (`CrossCameraParams`; MULTICAM.*).
        frame_rate: frames per second of every camera (frame k is at k / frame_rate s).
        calibrations: {camera: (3, 3) ground -> image homography}, for the ground-plane
            gates of the cameras that have one.
    """

    def __init__(self, trackers: dict, params, frame_rate: float = 30.0, calibrations=None):
        from ..tracker.multicam import OnlineCrossCamera

        self.trackers, self.frame_rate = dict(trackers), float(frame_rate)
        self.cross = OnlineCrossCamera(list(self.trackers), params)
        calibrations = calibrations or {}
        self.image_to_ground = {
            name: np.linalg.inv(calibrations[name])
            for name in self.trackers
            if name in calibrations
        }
        self.frames = dict.fromkeys(self.trackers, 0)

    @classmethod
    def from_checkpoint(
        cls,
        weights: str | os.PathLike,
        cameras,
        *,
        cfg_file: str | os.PathLike | None = None,
        overrides=(),
        frame_rate: float = 30.0,
        calibrations=None,
    ) -> MultiCameraTracker:
        """One detector from a checkpoint (as `OnlineTracker.from_checkpoint`) and a
        tracker per camera; MULTICAM.* keys give the cross-camera thresholds."""
        from ..models import stored_config
        from ..tracker.multicam import CrossCameraParams
        from .detector import build_detector

        if len(set(cameras)) != len(list(cameras)):
            raise ValueError(f"camera names must differ, got {list(cameras)}")
        cfg = load_cfg(cfg_file, list(overrides), stored_config(weights))
        detector = build_detector(cfg, str(weights), frames_in_flight=1)
        trackers = {
            name: OnlineTracker(
                detector,
                JDETracker(TrackerParams.from_config(cfg.TRACKER), frame_rate=frame_rate),
                OutputFilter.from_config(cfg.TRACKER),
                build_camera_motion(cfg.TRACKER),
            )
            for name in cameras
        }
        params = CrossCameraParams.from_config(cfg.MULTICAM)
        return cls(trackers, params, frame_rate, calibrations)

    def update(self, frames: dict) -> dict:
        """Track one synchronised frame of each camera given ({camera: (H, W, 3) BGR});
        returns {camera: FrameTracks} with global identities."""
        unknown = set(frames) - set(self.trackers)
        if unknown:
            raise ValueError(f"unknown camera(s) {sorted(unknown)}; known: {list(self.trackers)}")
        out = {}
        for name, image in frames.items():
            tracks = self.trackers[name].update(image)
            self.frames[name] += 1
            frame = self.frames[name]
            ground = None
            if name in self.image_to_ground:
                ground = tlwh_to_ground(tracks.tlwh, self.image_to_ground[name])
            ids = self.cross.update(name, frame / self.frame_rate, frame, tracks, ground)
            out[name] = FrameTracks(ids, tracks.tlwh, tracks.scores, tracks.classes)
        return out
