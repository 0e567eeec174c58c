"""Frame sources for tracking: MOTChallenge sequences, video files, image folders, single
images and globs, cameras and network streams (`open_sources` tells them apart). Each has a
`name` and a `frame_rate` and yields (frame number from 1, BGR image or None when the frame
cannot be decoded); background threads read ahead while the network runs (image files:
`ImageFiles.read_ahead`, several at once; videos: `prefetch`; live sources: their own
reader). Nothing here imports torch."""

from __future__ import annotations

import collections
import glob
import itertools
import logging
import os
import queue
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2

from ..data.formats import FormatError, MotSequence
from ..data.formats.images import read_image
from ..errors import FairMOTError

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg")


class ImageFiles:
    """Frames stored as image files (a MOT sequence's img1/ or any folder of images).

    A frame that is missing, truncated or not an image yields None and is counted in
    `problems` ({reason: frames}, reasons of `read_image`)."""

    def __init__(self, name: str, paths: list, frame_rate: float):
        self.name, self.paths, self.frame_rate = name, list(paths), float(frame_rate)
        self.problems: Counter = Counter()

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self):
        for frame, path in enumerate(self.paths, start=1):
            image, problem = read_image(path)
            if problem:
                self.problems[problem] += 1
            yield frame, image

    def read_ahead(self, prepare=None, threads: int = 1):
        """(frame, image, `prepare(image)` or None) of every frame, in order: the files
        read (and prepared: the network input) by `threads` threads, up to two frames each
        ahead of the consumer. One thread decoding 1920x1080 JPEGs (5-13 ms each) keeps up
        with 75-200 frames/s, below a GPU network's pace: hence several."""

        def load(path):
            image, problem = read_image(path)
            prepared = prepare(image) if prepare is not None and image is not None else None
            return image, problem, prepared

        loaded = ordered_map(load, self.paths, threads, ahead=2 * threads)
        for frame, (image, problem, prepared) in enumerate(loaded, start=1):
            if problem:  # counted here, in order, not in the reading threads
                self.problems[problem] += 1
            yield frame, image, prepared


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


class SourceError(FairMOTError, ValueError):
    """A camera or stream that cannot be opened."""


class LiveCapture:
    """Frames of a camera (an index) or a network stream (an rtsp://, http://... URL),
    read by OpenCV in a background thread as they arrive.

    With `drop_frames`, only the newest frame waits for the consumer: when tracking is
    slower than the source, older frames are dropped (counted in `dropped`) instead of
    falling ever further behind; frame numbers count every frame the source delivered. A
    source that delivers nothing for `stall_seconds` ends the iteration (`ended` says
    "stalled"); one that stops delivering ends it with "ended".

    Raises:
        SourceError: the camera or stream cannot be opened.
    """

    threaded = True  # reads ahead itself: no `prefetch` on top (it would hold stale frames)

    def __init__(self, target, *, frame_rate=None, drop_frames=True, stall_seconds=10.0):
        self.target = target
        self.name = f"camera{target}" if isinstance(target, int) else _stream_name(target)
        self.capture = cv2.VideoCapture(target)
        if not self.capture.isOpened():
            what = f"camera {target}" if isinstance(target, int) else f"stream {target}"
            raise SourceError(f"{what}: cannot open it (no such device, or unreachable)")
        fps = self.capture.get(cv2.CAP_PROP_FPS)
        self.frame_rate = float(frame_rate or (fps if fps and 0 < fps < 1000 else 30.0))
        self.drop_frames, self.stall_seconds = drop_frames, stall_seconds
        self.dropped, self.ended = 0, None

    def __len__(self) -> int:
        return 0  # unknown

    def _read(self, slot: list, ready: threading.Condition, stop: threading.Event) -> None:
        frame = 0
        while not stop.is_set():
            ok, image = self.capture.read()
            with ready:
                if not ok:
                    slot.append(None)  # the source ended
                    ready.notify()
                    return
                frame += 1
                if self.drop_frames and slot:
                    self.dropped += len(slot)
                    slot.clear()
                slot.append((frame, image))
                ready.notify()

    def __iter__(self):
        slot, ready, stop = [], threading.Condition(), threading.Event()
        reader = threading.Thread(target=self._read, args=(slot, ready, stop), daemon=True)
        reader.start()
        try:
            while True:
                with ready:
                    if not ready.wait_for(lambda: slot, timeout=self.stall_seconds):
                        self.ended = "stalled"
                        return
                    item = slot.pop(0)
                if item is None:
                    self.ended = "ended"
                    return
                yield item
        finally:
            stop.set()
            reader.join(timeout=1.0)
            self.capture.release()


def _stream_name(url: str) -> str:
    """A file-system-safe name for a stream URL (host and path)."""
    tail = url.split("://", 1)[-1]
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in tail).strip("_") or "stream"


def open_sources(
    path: str | os.PathLike | int,
    frame_rate: float | None = None,
    *,
    drop_frames: bool = True,
    stall_seconds: float = 10.0,
) -> list:
    """The sources named by `path`: a camera index (0, "0"), a stream URL (rtsp://,
    http://, ...), an image file, a glob of images ("frames/*.jpg"), a video file, a MOT
    split (every sequence), one sequence, or an image folder. Sequences run at the frame
    rate of their seqinfo.ini; live sources (cameras, streams) read as described in
    `LiveCapture` with `drop_frames` and `stall_seconds`."""
    text = str(path)
    if isinstance(path, int) or text.isdigit() or "://" in text:
        target = text if "://" in text else int(text)  # a stream URL or a camera index
        live = LiveCapture(
            target, frame_rate=frame_rate, drop_frames=drop_frames, stall_seconds=stall_seconds
        )
        return [live]
    if any(c in text for c in "*?["):
        return [_glob_images(text, frame_rate)]
    return _open_path(Path(path), frame_rate)


def _glob_images(pattern: str, frame_rate: float | None) -> ImageFiles:
    matches = sorted(Path(p) for p in glob.glob(pattern))
    images = [p for p in matches if p.suffix.lower() in IMAGE_SUFFIXES]
    if not images:
        raise FormatError(pattern, f"matches no image files ({', '.join(IMAGE_SUFFIXES)})")
    return ImageFiles(images[0].parent.name or "images", images, frame_rate or 30.0)


def _open_path(path: Path, frame_rate: float | None) -> list:
    if path.is_file():
        if path.suffix.lower() in IMAGE_SUFFIXES:
            return [ImageFiles(path.stem, [path], frame_rate or 30.0)]
        if path.suffix.lower() not in VIDEO_SUFFIXES:
            raise FormatError(
                path,
                f"not a video or image file (expected one of {VIDEO_SUFFIXES + IMAGE_SUFFIXES})",
            )
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
    """A MOT sequence's frames; missing ones are reported once, here, and skipped."""
    seq = MotSequence(seq_dir)
    paths = [seq.frame_path(f) for f in range(1, seq.info.seq_length + 1)]
    missing = [p for p in paths if not p.is_file()]
    where = f"seqLength {seq.info.seq_length} in {seq.root / 'seqinfo.ini'}"
    if len(missing) == len(paths):
        raise FormatError(seq.image_dir, f"none of the frames exists ({where}; first {paths[0]})")
    if missing:
        logger.warning(
            "%s: %d of %d frames missing (first %s; %s): they are skipped",
            seq.name,
            len(missing),
            len(paths),
            missing[0].name,
            where,
        )
    return ImageFiles(seq.name, paths, seq.info.frame_rate)


def resolve_read_threads(setting: int) -> int:
    """INFERENCE.READ_THREADS `setting`: 0 (automatic) is one thread per 4 CPU cores, 1 to 4
    (a reader decodes a 1920x1080 JPEG in 5-13 ms: a GPU network needs several, a CPU
    network is far slower than one)."""
    return setting or min(4, max(1, cpu_cores() // 4))


def cpu_cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def ordered_map(function, items, threads: int, ahead: int):
    """`function(item)` of each of `items`, computed by `threads` threads at most `ahead`
    items ahead of the consumer, yielded in the items' order. An exception is raised in the
    consumer at its item; closing the generator cancels the items not started and waits
    for the running ones."""
    items, pending = iter(items), collections.deque()
    pool = ThreadPoolExecutor(max(threads, 1), thread_name_prefix="read")
    try:
        pending.extend(pool.submit(function, item) for item in itertools.islice(items, ahead))
        while pending:
            result = pending.popleft().result()
            pending.extend(pool.submit(function, item) for item in itertools.islice(items, 1))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
