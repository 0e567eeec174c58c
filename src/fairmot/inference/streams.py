"""Frames -> detections: one interface for the live detector and saved detections.

A detection stream has a `name`, a `frame_rate`, a length (frames, 0 when unknown) and
yields one `FrameDetections` per frame, so the tracking loop does not know where the
detections come from:

- `DetectedFrames`: a frame source (`sources`) run through a detector (`Detector`);
- `ReplayedDetections`: saved detections (`data.formats.SavedDetections`), any detector's.

Nothing here imports torch (the detector is handed in).
"""

from __future__ import annotations

import collections
import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .sources import prefetch

#: The stages a frame's `seconds` times (association is added by the tracking loop).
DETECTION_STAGES = ("read", "network", "decode")


@dataclass
class FrameDetections:
    """One frame's detections.

    Attributes:
        frame: 1-based frame number.
        boxes: (N, 5) x1 y1 x2 y2 score in frame pixels.
        embeddings: (N, D) re-ID embeddings.
        classes: (N,) int64 class indices (all 0 with one class; None given: all 0).
        image: the (H, W, 3) BGR frame, or None (saved detections, or a frame that could
            not be decoded: then `decoded` is False and there are no detections).
        seconds: time spent on it per stage of DETECTION_STAGES.
    """

    frame: int
    boxes: np.ndarray
    embeddings: np.ndarray
    classes: np.ndarray | None = None
    image: np.ndarray | None = None
    decoded: bool = True
    seconds: dict = field(default_factory=lambda: dict.fromkeys(DETECTION_STAGES, 0.0))

    def __post_init__(self):
        if self.classes is None:
            self.classes = np.zeros(len(self.boxes), np.int64)


def _detected(frame: int, image, detections, seconds: dict) -> FrameDetections:
    return FrameDetections(
        frame,
        detections.boxes,
        detections.embeddings,
        detections.classes,
        image,
        seconds=seconds,
    )


def _undecodable(frame: int, read_seconds: float) -> FrameDetections:
    return FrameDetections(
        frame,
        np.zeros((0, 5), np.float32),
        np.zeros((0, 1), np.float32),
        decoded=False,
        seconds={"read": read_seconds, "network": 0.0, "decode": 0.0},
    )


def _in_order(group: list, results: list, timings: dict, read: float, waited: float):
    """The FrameDetections of a group of (frame, image, blob) and the detections of its
    decodable frames, the loop's `read` and `waited` seconds shared equally."""
    results, share = iter(results), 1.0 / len(group)
    network_share = waited * share / max(sum(timings.values()), 1e-9)
    for frame, image, _ in group:
        if image is None:
            yield _undecodable(frame, read * share)
        else:
            seconds = {"read": read * share, **{k: v * network_share for k, v in timings.items()}}
            yield _detected(frame, image, next(results), seconds)


class DetectedFrames:
    """The frames of a source run through a detector (frames are read and letterboxed ahead
    in background threads while the network runs; with the detector's `frames_in_flight`
    above 1, that many frames are in the network at once).

    Args:
        source: a frame source (`ImageFiles`, `VideoFile`, ...).
        detector: callable BGR frame -> `models.decode.Detections`, with a `timings` dict
            {"network": s, "decode": s} of its last call (`Detector`); where it has
            `prepare(image)` and `detect(input, frame_wh)`, the first runs with the reading;
            `frames_in_flight` > 1 needs `prepare` and `detect_frames` too (and `batched`:
            whether the frames in flight go as one batch or each in a thread).
        read_threads: threads reading (and letterboxing) the frames of image files at once
            (`ImageFiles.read_ahead`); other sources have one reader.
    """

    def __init__(self, source, detector, *, read_threads: int = 1):
        self.source, self.detector, self.read_threads = source, detector, read_threads
        self.name, self.frame_rate = source.name, source.frame_rate

    def __len__(self) -> int:
        return len(self.source)

    @property
    def dropped(self) -> int:
        """Frames a live source dropped because tracking was slower (0 for files)."""
        return getattr(self.source, "dropped", 0)

    @property
    def ended(self) -> str | None:
        """How a live source ended ("ended", "stalled"), else None."""
        return getattr(self.source, "ended", None)

    @property
    def problems(self) -> dict:
        """Frames without detections, by why ({"missing": n, "damaged": m, ...})."""
        return dict(getattr(self.source, "problems", {}))

    def __iter__(self):
        frames = self._frames()
        depth = getattr(self.detector, "frames_in_flight", 1)
        try:
            if depth > 1:
                yield from self._in_flight(frames, depth, getattr(self.detector, "batched", True))
            else:
                yield from self._one_at_a_time(frames)
        finally:
            getattr(frames, "close", lambda: None)()

    def _one_at_a_time(self, frames):
        wait_start = time.perf_counter()
        for frame, image, blob in frames:
            read = time.perf_counter() - wait_start
            if image is None:
                yield _undecodable(frame, read)
            else:
                if blob is None:
                    detections = self.detector(image)
                else:
                    detections = self.detector.detect(blob, (image.shape[1], image.shape[0]))
                yield _detected(frame, image, detections, {"read": read, **self.detector.timings})
            wait_start = time.perf_counter()

    def _in_flight(self, frames, depth: int, batched: bool):
        """Up to `depth` frames in the network at once (`Detector.detect_frames`), yielded
        in order: as one batch in one worker thread (`batched`), or one frame in each of
        `depth` threads; one more batch is queued so no worker waits for this loop. A
        frame's seconds are this loop's waits (the stages overlap, so they add up to its
        time): reading its batch, then the batch's result, shared equally among its
        frames and split between network and decode as the worker measured them."""
        batch, workers = (depth, 1) if batched else (1, depth)
        pending = collections.deque()
        pool = ThreadPoolExecutor(workers, thread_name_prefix="detect")
        try:
            while True:
                wait_start = time.perf_counter()
                while len(pending) <= workers:
                    group = list(itertools.islice(frames, batch))
                    if not group:
                        break
                    pending.append((group, self._submit(pool, group)))
                read = time.perf_counter() - wait_start
                if not pending:
                    return
                group, work = pending.popleft()
                results, timings = work.result() if work else ([], {})
                waited = time.perf_counter() - wait_start - read
                yield from _in_order(group, results, timings, read, waited)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, pool, group: list):
        """The detection of a group's decodable frames, submitted to `pool` (None: none)."""
        decodable = [(blob, image) for _, image, blob in group if image is not None]
        if not decodable:
            return None
        blobs = [blob for blob, _ in decodable]
        sizes = [(image.shape[1], image.shape[0]) for _, image in decodable]
        return pool.submit(self.detector.detect_frames, blobs, sizes)

    def _frames(self):
        """(frame, image, network input or None) of every frame, read ahead: the input where
        the detector `prepare`s one (`Detector`), else None (it takes the image)."""
        prepare = getattr(self.detector, "prepare", None)
        if hasattr(self.source, "read_ahead"):
            return self.source.read_ahead(prepare, self.read_threads)
        inputs = self._with_inputs(prepare)  # letterboxed in the reading thread if any
        return inputs if getattr(self.source, "threaded", False) else prefetch(inputs)

    def _with_inputs(self, prepare):
        for frame, image in self.source:
            blob = prepare(image) if prepare is not None and image is not None else None
            yield frame, image, blob


class ReplayedDetections:
    """Saved detections of a sequence, frame by frame; with `frames` (the sequence's
    `ImageFiles`, for camera motion compensation) each with its image, else none."""

    def __init__(self, saved, frames=None):
        self.saved, self.frames = saved, frames
        self.name, self.frame_rate = saved.name, saved.frame_rate

    def __len__(self) -> int:
        return len(self.saved)

    def __iter__(self):
        images = iter(self.frames) if self.frames is not None else None
        for frame in range(1, len(self.saved) + 1):
            boxes, embeddings, classes = self.saved.frame(frame)
            image = next(images, (frame, None))[1] if images is not None else None
            yield FrameDetections(frame, boxes, embeddings, classes, image)
