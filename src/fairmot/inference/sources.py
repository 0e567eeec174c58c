"""Frame sources for tracking: MOTChallenge sequences, video files and image folders. Each
has a `name` and a `frame_rate` and yields (frame number from 1, BGR image or None when the
frame cannot be decoded); a background thread can read ahead while the network runs
(`prefetch`). Nothing here imports torch."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import cv2

from ..data.formats import FormatError, MotSequence

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg")


class ImageFiles:
    """Frames stored as image files (a MOT sequence's img1/ or any folder of images)."""

    def __init__(self, name: str, paths: list, frame_rate: float):
        self.name, self.paths, self.frame_rate = name, list(paths), float(frame_rate)

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self):
        for frame, path in enumerate(self.paths, start=1):
            yield frame, cv2.imread(str(path))  # None when the file cannot be decoded


class VideoFile:
    """Frames of a video file, decoded with OpenCV."""

    def __init__(self, path: str | os.PathLike, frame_rate: float | None = None):
        self.path = Path(path)
        capture = cv2.VideoCapture(str(self.path))
        ok = capture.isOpened() and capture.read()[0]
        fps = capture.get(cv2.CAP_PROP_FPS)
        self.count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        capture.release()
        if not ok:
            raise FormatError(
                self.path,
                "cannot read a frame from this video (missing, corrupt or an unsupported codec)",
            )
        self.name = self.path.stem
        self.frame_rate = float(frame_rate or (fps if fps and fps > 0 else 30.0))

    def __len__(self) -> int:
        return max(self.count, 0)

    def __iter__(self):
        capture = cv2.VideoCapture(str(self.path))
        try:
            frame = 0
            while True:
                ok, image = capture.read()
                if not ok:
                    break
                frame += 1
                yield frame, image
        finally:
            capture.release()


def open_sources(path: str | os.PathLike, frame_rate: float | None = None) -> list:
    """The sources under `path`: a MOT split (every sequence), one sequence, a video file, or
    an image folder. Sequences run at the frame rate of their seqinfo.ini."""
    path = Path(path)
    if path.is_file():
        if path.suffix.lower() not in VIDEO_SUFFIXES:
            raise FormatError(path, f"not a video file (expected one of {VIDEO_SUFFIXES})")
        return [VideoFile(path, frame_rate)]
    if not path.is_dir():
        raise FormatError(path, "no such file or folder to track")
    if (path / "seqinfo.ini").is_file():
        return [_sequence(path)]
    sequences = sorted(d for d in path.iterdir() if d.is_dir() and (d / "seqinfo.ini").is_file())
    if sequences:
        return [_sequence(d) for d in sequences]
    images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise FormatError(path, "holds no sequence folders (with seqinfo.ini) and no images")
    return [ImageFiles(path.name, images, frame_rate or 30.0)]


def _sequence(seq_dir: Path) -> ImageFiles:
    seq = MotSequence(seq_dir)
    paths = [seq.frame_path(f) for f in range(1, seq.info.seq_length + 1)]
    return ImageFiles(seq.name, paths, seq.info.frame_rate)


def prefetch(iterable, depth: int = 2):
    """Iterate `iterable` in a background thread, `depth` items ahead (frame decoding
    overlaps the network). Exceptions are re-raised in the consumer."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def worker():
        try:
            for item in iterable:
                while not stop.is_set():
                    try:
                        items.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(done)
        except BaseException as exc:  # handed to the consumer
            items.put(exc)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
