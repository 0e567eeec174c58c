"""Writing annotated videos of MOTChallenge sequences."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ..data.formats import MOT_CLASSES, MotSequence
from .draw import TrailBuffer, draw_text, draw_tracks

logger = logging.getLogger(__name__)


#: MP4 encoders in order of preference: H.264 through PyAV (its wheels ship FFmpeg with
#: libx264), H.264 through OpenCV where its build has it (the pip wheels do not), then
#: MPEG-4 Part 2 through OpenCV (every build writes it; VLC and ffmpeg play it, browsers
#: mostly do not). H.264 is what every browser plays.
CODECS = ("libx264", "avc1", "mp4v")


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


def _pyav_has_h264() -> bool:
    try:
        import av
    except ImportError:
        return False
    return "libx264" in av.codecs_available


@functools.lru_cache(maxsize=1)
def mp4_codec() -> str:
    """The first of CODECS this installation writes (probed once, quietly); a fall-back
    from H.264 is logged once, with what to do about it."""
    if _pyav_has_h264():
        return CODECS[0]
    with tempfile.TemporaryDirectory() as tmp, _quiet_stderr():
        for codec in CODECS[1:]:
            probe = cv2.VideoWriter(
                str(Path(tmp) / "probe.mp4"), cv2.VideoWriter_fourcc(*codec), 25.0, (64, 48)
            )
            opened = probe.isOpened()
            probe.release()
            if opened:
                break
    if codec == "mp4v":
        logger.warning(
            "no H.264 encoder (PyAV, `pip install av`, is not installed or has no libx264, "
            "and this OpenCV build has none): videos are written as MPEG-4 Part 2 (mp4v), "
            "which VLC and ffmpeg play but browsers do not (re-encode with "
            "`ffmpeg -i IN.mp4 -c:v libx264 OUT.mp4`)"
        )
    return codec


class _PyAVEncoder:
    """H.264 (libx264, yuv420p, CRF 23) in an MP4 whose index comes first (`faststart`: a
    browser plays it while loading). yuv420p needs even sides: a frame of odd width or
    height gets its last column or row repeated once."""

    def __init__(self, path: Path, fps: float, size: tuple):
        import av

        self.container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        self.stream = self.container.add_stream(
            "libx264", rate=Fraction(fps).limit_denominator(1001)
        )
        self.pad = (size[0] % 2, size[1] % 2)
        self.stream.width, self.stream.height = size[0] + self.pad[0], size[1] + self.pad[1]
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"crf": "23", "preset": "veryfast"}
        self._frame = av.VideoFrame.from_ndarray

    def write(self, image: np.ndarray) -> None:
        if any(self.pad):
            image = cv2.copyMakeBorder(image, 0, self.pad[1], 0, self.pad[0], cv2.BORDER_REPLICATE)
        for packet in self.stream.encode(self._frame(image, format="bgr24")):
            self.container.mux(packet)

    def release(self, finish: bool = True) -> None:
        if finish:
            for packet in self.stream.encode(None):  # the frames the encoder still holds
                self.container.mux(packet)
        self.container.close()


class _OpenCVEncoder:
    """cv2.VideoWriter with fourcc `codec`, failing loudly where OpenCV would write nothing."""

    def __init__(self, path: Path, fps: float, size: tuple, codec: str):
        self.writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), fps, size)
        if not self.writer.isOpened():
            raise OSError(f"cannot open a video writer for {path} (codec {codec}, {fps} fps)")

    def write(self, image: np.ndarray) -> None:
        self.writer.write(image)

    def release(self, finish: bool = True) -> None:
        self.writer.release()


class VideoWriter:
    """An MP4 writer of BGR frames in H.264 where PyAV or OpenCV has it, else MPEG-4 Part 2
    (`mp4_codec`), that fails loudly (cv2.VideoWriter silently writes nothing on failure).

    Frames are written through a temporary file renamed into place on close, so an
    interrupted run never leaves a truncated video under the final name.
    """

    def __init__(self, path: str | os.PathLike, fps: float, size: tuple):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f".{self.path.stem}.tmp{os.getpid()}{self.path.suffix}")
        self.size = tuple(int(s) for s in size)
        if not fps > 0:
            raise ValueError(f"video {self.path}: frame rate must be positive, got {fps}")
        self.codec = mp4_codec()
        if self.codec == "libx264":
            self.encoder = _PyAVEncoder(self.tmp, float(fps), self.size)
        else:
            self.encoder = _OpenCVEncoder(self.tmp, float(fps), self.size, self.codec)
        self.frames = 0

    def write(self, image: np.ndarray) -> None:
        if (image.shape[1], image.shape[0]) != self.size:
            raise ValueError(
                f"frame of size {image.shape[1]}x{image.shape[0]} written to a "
                f"{self.size[0]}x{self.size[1]} video {self.path}"
            )
        self.encoder.write(image)
        self.frames += 1

    def close(self) -> None:
        self.encoder.release()
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
            self.encoder.release(finish=False)
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
