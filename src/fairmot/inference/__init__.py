"""Inference: frame sources, the detector (letterbox + network + decode), and tracking
whole sources into result files."""

from .detector import Detector, build_detector
from .runner import TrackingStats, summary_table, track_source
from .sources import ImageFiles, PrecomputedDetections, VideoFile, open_sources, prefetch

__all__ = [
    "Detector",
    "ImageFiles",
    "PrecomputedDetections",
    "TrackingStats",
    "VideoFile",
    "build_detector",
    "open_sources",
    "prefetch",
    "summary_table",
    "track_source",
]
