"""Visualisation: boxes, identities and trails on frames; annotated videos."""

from .draw import TrailBuffer, draw_count_lines, draw_text, draw_tracks, id_colour
from .video import VideoWriter, render_gt_video

__all__ = [
    "TrailBuffer",
    "VideoWriter",
    "draw_count_lines",
    "draw_text",
    "draw_tracks",
    "id_colour",
    "render_gt_video",
]
