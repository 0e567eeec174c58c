"""Inference: frame sources, the detector (letterbox + network + decode), detection streams
(live or saved), the tracking loop and its writers.

Importing this package, its sources, streams, writers or runner does not import torch: the
detector (`Detector`, `build_detector`) and the frame-by-frame API (`OnlineTracker`) are
loaded on first use.
"""

from .run_stats import TrackingRun, TrackingStats
from .runner import build_writers, run_tracking, summary_table, track_stream
from .sources import ImageFiles, LiveCapture, SourceError, VideoFile, open_sources, prefetch
from .streams import DetectedFrames, FrameDetections, ReplayedDetections

__all__ = [
    "DetectedFrames",
    "Detector",
    "FrameDetections",
    "ImageFiles",
    "LiveCapture",
    "MultiCameraTracker",
    "OnlineTracker",
    "ReplayedDetections",
    "SourceError",
    "TrackingRun",
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

_LAZY = {
    "Detector": "detector",
    "build_detector": "detector",
    "OnlineTracker": "api",
    "MultiCameraTracker": "api",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
