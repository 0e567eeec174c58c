"""Writing annotated videos of MOTChallenge sequences."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ..data.formats import MOT_CLASSES, MotSequence
from .draw import TrailBuffer, draw_text, draw_tracks

logger = logging.getLogger(__name__)


#: MP4 codecs in order of preference: H.264 (every browser plays it), then MPEG-4 Part 2
#: (every OpenCV build writes it; VLC and ffmpeg play it, browsers mostly do not).
CODECS = ("avc1", "mp4v")


@contextlib.contextmanager
def _quiet_stderr():
    """Silence the C libraries' stderr (FFmpeg reports each codec it cannot open)."""
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


@functools.lru_cache(maxsize=1)
def mp4_codec() -> str:
    """The first of CODECS this OpenCV build writes (probed once, quietly); a fall-back
    from H.264 is logged once, with what to do about it."""
    with tempfile.TemporaryDirectory() as tmp, _quiet_stderr():
        for codec in CODECS:
            probe = cv2.VideoWriter(
                str(Path(tmp) / "probe.mp4"), cv2.VideoWriter_fourcc(*codec), 25.0, (64, 48)
            )
            opened = probe.isOpened()
            probe.release()
            if opened:
                break
    if codec != CODECS[0]:
        logger.warning(
            "this OpenCV build has no H.264 encoder: videos are written as MPEG-4 Part 2 "
            "(%s), which VLC and ffmpeg play but browsers may not (re-encode with "
            "`ffmpeg -i IN.mp4 -c:v libx264 OUT.mp4`, or install an OpenCV built with H.264)",
            codec,
        )
    return codec


class VideoWriter:
    """An MP4 writer that fails loudly (cv2.VideoWriter silently writes nothing on failure),
    in H.264 where OpenCV has it, else MPEG-4 Part 2 (`mp4_codec`).

    Frames are written through a temporary file renamed into place on close, so an
    interrupted run never leaves a truncated video under the final name.
    """

    def __init__(self, path: str | os.PathLike, fps: float, size: tuple):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f".{self.path.stem}.tmp{os.getpid()}{self.path.suffix}")
        self.size = tuple(int(s) for s in size)
        self.codec = mp4_codec()
        self.writer = cv2.VideoWriter(
            str(self.tmp), cv2.VideoWriter_fourcc(*self.codec), float(fps), self.size
        )
        if not self.writer.isOpened():
            raise OSError(
                f"cannot open a video writer for {self.path} (codec {self.codec}, {fps} fps)"
            )
        self.frames = 0

    def write(self, image: np.ndarray) -> None:
        if (image.shape[1], image.shape[0]) != self.size:
            raise ValueError(
                f"frame of size {image.shape[1]}x{image.shape[0]} written to a "
                f"{self.size[0]}x{self.size[1]} video {self.path}"
            )
        self.writer.write(image)
        self.frames += 1

    def close(self) -> None:
        self.writer.release()
        if self.frames:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:  # keep nothing half-written
            self.writer.release()
            self.tmp.unlink(missing_ok=True)


def _draw_unevaluated(image: np.ndarray, gt, rows: np.ndarray) -> None:
    """Thin grey boxes captioned with the class for rows that are not evaluated."""
    for r in rows:
        x, y, w, h = gt.tlwh[r]
        cv2.rectangle(image, (int(x), int(y)), (int(x + w), int(y + h)), (160, 160, 160), 1)
        name = MOT_CLASSES.get(int(gt.classes[r]), str(gt.classes[r]))
        caption = f"{name}{' (ignored)' if gt.consider[r] == 0 else ''}"
        origin = (int(x), int(y + h) + 10)
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(image, caption, origin, font, 0.3, (200, 200, 200), 1, cv2.LINE_AA)


def _draw_ground_truth(image, gt, rows, trails: TrailBuffer, title: str) -> None:
    evaluated = rows[(gt.classes[rows] == 1) & (gt.consider[rows] == 1)]
    _draw_unevaluated(image, gt, rows[~np.isin(rows, evaluated)])
    trails.update(gt.tlwh[evaluated], gt.ids[evaluated])
    captions = [f"{i} v{v:.1f}" for i, v in zip(gt.ids[evaluated], gt.visibility[evaluated])]
    draw_tracks(image, gt.tlwh[evaluated], gt.ids[evaluated], trails, captions)
    draw_text(image, title)


def render_gt_video(
    sequence: MotSequence,
    out_path: str | os.PathLike,
    fps: float = 0,
    trail_length: int = 15,
    max_frames: int = 0,
    still_frame: int = 0,
    progress: bool = True,
) -> Path:
    """Write a video of a sequence with its ground truth drawn.

    Evaluated pedestrians (class 1, consider 1) get identity colours and trails; other rows
    (distractors, zero-marked, occluders) get thin grey boxes captioned with their class.

    Args:
        sequence: the sequence to draw.
        out_path: the .mp4 to write.
        fps: frames per second of the video; 0 uses the sequence's frame rate.
        trail_length: frames of trail behind each pedestrian (0: none).
        max_frames: stop after this many frames (0: all).
        still_frame: also save this 1-based frame as PNG next to the video (0: none).

    Returns:
        The path of the written video.
    """
    info, gt = sequence.info, sequence.read_gt()
    paths = sequence.frame_paths()
    if max_frames > 0:
        paths = paths[:max_frames]
    order = np.argsort(gt.frames, kind="stable")
    bounds = np.searchsorted(gt.frames[order], np.arange(1, len(paths) + 2))
    trails, out_path = TrailBuffer(trail_length), Path(out_path)
    frames = enumerate(tqdm(paths, desc=f"video {info.name}", disable=not progress), start=1)
    with VideoWriter(out_path, fps or info.frame_rate, (info.im_width, info.im_height)) as video:
        for frame, path in frames:
            image = cv2.imread(str(path))
            if image is None:
                raise OSError(f"cannot decode frame {path}")
            rows = order[bounds[frame - 1] : bounds[frame]]
            title = f"{info.name}  frame {frame}/{info.seq_length}  ground truth"
            _draw_ground_truth(image, gt, rows, trails, title)
            video.write(image)
            if frame == still_frame:
                cv2.imwrite(str(out_path.with_suffix(".png")), image)
    return out_path
