"""Inference: frame sources, the detector (letterbox + network + decode), detection streams
(live or saved), the tracking loop and its writers.

Importing this package, its sources, streams, writers or runner does not import torch: the
detector (`Detector`, `build_detector`) is loaded on first use.
"""

from .runner import TrackingStats, build_writers, run_tracking, summary_table, track_stream
from .sources import ImageFiles, VideoFile, open_sources, prefetch
from .streams import DetectedFrames, FrameDetections, ReplayedDetections

__all__ = [
    "DetectedFrames",
    "Detector",
    "FrameDetections",
    "ImageFiles",
    "ReplayedDetections",
    "TrackingStats",
    "VideoFile",
    "build_detector",
    "build_writers",
    "open_sources",
    "prefetch",
    "run_tracking",
    "summary_table",
    "track_stream",
]

_TORCH_ATTRIBUTES = {"Detector", "build_detector"}


def __getattr__(name: str):
    if name in _TORCH_ATTRIBUTES:
        from . import detector

        return getattr(detector, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
