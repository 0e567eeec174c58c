"""Detection streams with several frames in the network at once (INFERENCE.FRAMES_IN_FLIGHT)
and several threads reading image files (INFERENCE.READ_THREADS): order, per-frame results,
undecodable frames, the stage seconds and an early stop."""

import threading
import time
from functools import partial
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from fairmot.data.formats import SeqInfo, write_seqinfo
from fairmot.inference import DetectedFrames, open_sources
from fairmot.inference.detector import resolve_frames_in_flight
from fairmot.inference.sources import ordered_map, resolve_read_threads


class _SlowDetector:
    """`prepare` / `detect_frames` like `Detector`'s; a frame's network sleeps longer the
    earlier the frame, so later frames finish first. One box per frame: its brightness."""

    def __init__(self, frames_in_flight: int, batched: bool = False):
        self.frames_in_flight, self.batched = frames_in_flight, batched
        self.timings = {"network": 0.0, "decode": 0.0}
        self.running = self.most_running = 0
        self.batches = []
        self.lock = threading.Lock()

    def prepare(self, image):
        return float(image.mean())

    def detect_frames(self, brightness, frame_whs):
        with self.lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            self.batches.append(len(brightness))
        time.sleep(0.08 - min(brightness) / 4000)  # brightness 20 * frame: later ones faster
        with self.lock:
            self.running -= 1
        results = [
            SimpleNamespace(
                boxes=np.array([[0, 0, *wh, b]], np.float32),
                embeddings=np.ones((1, 2)),
                classes=None,
            )
            for b, wh in zip(brightness, frame_whs)
        ]
        return results, {"network": 0.03, "decode": 0.01}

    def detect(self, blob, frame_wh):
        (detections,), self.timings = self.detect_frames([blob], [frame_wh])
        return detections


@pytest.fixture
def sequence(tmp_path):
    """Eight 64x48 frames of brightness 20 * frame; frame 5 damaged."""
    seq = tmp_path / "SEQ-01"
    (seq / "img1").mkdir(parents=True)
    write_seqinfo(seq, SeqInfo("SEQ-01", "img1", 30, 8, 64, 48, ".png"))
    for frame in range(1, 9):
        path = seq / "img1" / f"{frame:06d}.png"
        cv2.imwrite(str(path), np.full((48, 64, 3), 20 * frame, np.uint8))
    damaged = seq / "img1" / "000005.png"
    damaged.write_bytes(damaged.read_bytes()[:20])
    return seq


def _run(seq, depth, batched=False):
    detector = _SlowDetector(depth, batched)
    (source,) = open_sources(seq)
    start = time.perf_counter()
    frames = list(DetectedFrames(source, detector))
    return frames, detector, time.perf_counter() - start


@pytest.mark.parametrize("depth, batched", [(2, False), (3, False), (3, True)])
def test_frames_in_flight_come_back_in_order_each_with_its_own_detections(sequence, depth, batched):
    frames, detector, wall = _run(sequence, depth, batched)
    if batched:  # one batch at a time, of up to `depth` decodable frames
        assert detector.most_running == 1 and max(detector.batches) == depth
        assert sum(detector.batches) == 7  # frame 5 is not decoded
    else:  # one frame in each of `depth` threads
        assert detector.most_running == depth and set(detector.batches) == {1}
    assert [f.frame for f in frames] == list(range(1, 9))
    assert [f.decoded for f in frames] == [True] * 4 + [False] + [True] * 3
    for f in frames:
        if f.decoded:
            assert f.boxes[0, 4] == pytest.approx(20 * f.frame, abs=0.5)
            assert f.boxes[0, 2:4].tolist() == [64, 48]
    serial, _, _ = _run(sequence, 1)
    for ours, theirs in zip(frames, serial):
        assert (ours.frame, ours.decoded) == (theirs.frame, theirs.decoded)
        np.testing.assert_array_equal(ours.boxes, theirs.boxes)
    # the stages are waits of the loop: they add up to at most its time, network 3 : decode 1
    seconds = [sum(f.seconds.values()) for f in frames]
    assert sum(seconds) <= wall
    for f in frames:
        if f.decoded:
            assert f.seconds["network"] == pytest.approx(3 * f.seconds["decode"], rel=1e-6)


def test_stopping_early_leaves_no_detection_running(sequence):
    detector = _SlowDetector(3)
    (source,) = open_sources(sequence)
    frames = iter(DetectedFrames(source, detector))
    assert next(frames).frame == 1
    frames.close()  # as track_stream does after Ctrl-C
    assert detector.running == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("detect")]


def test_frames_in_flight_resolved_by_backend_and_cores(monkeypatch):
    from fairmot.inference import detector

    monkeypatch.setattr(detector, "cpu_cores", lambda: 16)
    assert resolve_frames_in_flight(0, runtime=True) == 2  # ONNX Runtime on the CPU
    assert resolve_frames_in_flight(0, runtime=False) == 1  # torch
    assert resolve_frames_in_flight(3, runtime=True) == 3
    assert resolve_frames_in_flight(4, runtime=False) == 4  # a batch of 4
    monkeypatch.setattr(detector, "cpu_cores", lambda: 1)
    assert resolve_frames_in_flight(0, runtime=True) == 1


def test_a_batch_of_frames_detects_as_each_frame_alone():
    import torch

    from fairmot.inference import Detector
    from fairmot.models import build_network, head_channels
    from fairmot.models.decode import DecodeParams

    torch.manual_seed(0)
    net = build_network("resnet18_fpn", head_channels(1, True, 16), head_conv=32)
    detector = Detector(
        net, (160, 96), torch.device("cpu"), decode_params=DecodeParams(conf_thres=0.05, k=50)
    )
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, shape, np.uint8) for shape in [(240, 320, 3)] * 2]
    frames.append(rng.integers(0, 256, (200, 200, 3), np.uint8))  # another size
    for group in (frames[:2], frames):  # one size (decoded at once), then two sizes
        sizes = [(f.shape[1], f.shape[0]) for f in group]
        together, _ = detector.detect_frames([detector.prepare(f) for f in group], sizes)
        assert len(together) == len(group)
        for image, ours in zip(group, together):
            alone = detector(image)
            assert len(alone.boxes) > 0
            np.testing.assert_allclose(ours.boxes, alone.boxes, rtol=1e-5, atol=1e-4)
            np.testing.assert_allclose(ours.embeddings, alone.embeddings, atol=1e-5)


class _Concurrency:
    """Counts how many calls of `wrap(function)` run at once."""

    def __init__(self):
        self.running = self.most = 0
        self.lock = threading.Lock()

    def wrap(self, function):
        def counted(*args):
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                return function(*args)
            finally:
                with self.lock:
                    self.running -= 1

        return counted


def test_ordered_map_keeps_order_while_later_items_finish_first():
    concurrency = _Concurrency()
    slow_first = concurrency.wrap(lambda i: time.sleep(0.05 - i / 400) or i * i)
    assert list(ordered_map(slow_first, range(12), threads=3, ahead=6)) == [
        i * i for i in range(12)
    ]
    assert concurrency.most == 3


def test_ordered_map_raises_at_the_failing_item_and_stops_cleanly():
    def fails_at_3(i):
        if i == 3:
            raise ValueError("item 3")
        return i

    got = []
    with pytest.raises(ValueError, match="item 3"):
        for value in ordered_map(fails_at_3, range(10), threads=2, ahead=4):
            got.append(value)
    assert got == [0, 1, 2]
    started = []
    mapped = ordered_map(lambda i: started.append(i) or time.sleep(0.02), range(100), 2, 4)
    next(mapped)
    mapped.close()  # as DetectedFrames does when tracking stops
    assert len(started) < 10  # the rest cancelled
    assert not [t for t in threading.enumerate() if t.name.startswith("read")]


def _slowly(function, *args):
    time.sleep(0.02)
    return function(*args)


def test_several_reading_threads_give_the_frames_of_one(sequence):
    results = {}
    for threads in (1, 3):
        detector, concurrency = _SlowDetector(1), _Concurrency()
        slow = partial(_slowly, detector.prepare)
        detector.prepare = concurrency.wrap(slow)
        (source,) = open_sources(sequence)
        results[threads] = list(DetectedFrames(source, detector, read_threads=threads))
        assert concurrency.most == threads
        assert source.problems == {"damaged": 1}
    for ours, theirs in zip(results[3], results[1], strict=True):
        assert (ours.frame, ours.decoded) == (theirs.frame, theirs.decoded)
        np.testing.assert_array_equal(ours.boxes, theirs.boxes)
        if ours.decoded:
            np.testing.assert_array_equal(ours.image, theirs.image)
    assert [f.frame for f in results[3] if not f.decoded] == [5]


def test_read_threads_resolved_by_cores(monkeypatch):
    from fairmot.inference import sources

    for cores, threads in [(1, 1), (2, 1), (8, 2), (16, 4), (64, 4)]:
        monkeypatch.setattr(sources, "cpu_cores", lambda cores=cores: cores)
        assert resolve_read_threads(0) == threads
    assert resolve_read_threads(6) == 6
