"""Live use: camera / stream / image / glob inputs, frame dropping, stalls, Ctrl-C, and the
frame-by-frame API."""

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from fairmot.data.formats import (
    FormatError,
    SeqInfo,
    read_detections_dir,
    read_mot_results,
    write_seqinfo,
)
from fairmot.data.formats.bdd100k import read_bdd_sequence
from fairmot.inference import (
    DetectedFrames,
    FrameDetections,
    LiveCapture,
    OnlineTracker,
    ReplayedDetections,
    SourceError,
    open_sources,
    run_tracking,
    summary_table,
    track_stream,
)
from fairmot.inference.runner import build_writers
from fairmot.tracker import JDETracker
from fairmot.visualization import VideoWriter
from tests.inference.test_tracking import small_cfg, workspace  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """30 frames whose brightness encodes their number (frame k: grey level 8 k)."""
    path = tmp_path_factory.mktemp("live") / "clip.mp4"
    with VideoWriter(path, 25, (64, 48)) as video:
        for k in range(30):
            video.write(np.full((48, 64, 3), 8 * k, np.uint8))
    return path


def test_inputs_are_told_apart(tmp_path, clip):
    image = np.zeros((40, 60, 3), np.uint8)
    for k in range(3):
        cv2.imwrite(str(tmp_path / f"f{k}.jpg"), image)
    (single,) = open_sources(tmp_path / "f1.jpg")
    assert (single.name, len(single)) == ("f1", 1)
    (globbed,) = open_sources(str(tmp_path / "f*.jpg"), frame_rate=12)
    assert len(globbed) == 3 and globbed.frame_rate == 12.0
    (stream,) = open_sources(f"file://{clip}")  # a URL is opened as a stream, not a path
    assert isinstance(stream, LiveCapture) and stream.name.endswith("clip.mp4")
    with pytest.raises(SourceError, match="camera 99: cannot open"):
        open_sources("99")
    with pytest.raises(SourceError, match="stream rtsp://127.0.0.1:9/none: cannot open"):
        open_sources("rtsp://127.0.0.1:9/none")
    with pytest.raises(FormatError, match="matches no image files"):
        open_sources(str(tmp_path / "*.png"))


def brightness_frames(source, delay: float = 0.0) -> list:
    """(frame number, grey level / 8) of what a consumer taking `delay` s per frame sees."""
    seen = []
    for frame, image in source:
        seen.append((frame, round(float(image.mean()) / 8)))
        time.sleep(delay)
    return seen


def test_a_slow_consumer_gets_the_newest_frames_and_the_drops_are_counted(clip):
    every = LiveCapture(f"file://{clip}", drop_frames=False)
    assert [f for f, _ in brightness_frames(every, 0.01)] == list(range(1, 31))
    assert every.dropped == 0 and every.ended == "ended"
    live = LiveCapture(f"file://{clip}", drop_frames=True)
    seen = brightness_frames(live, 0.05)  # decoding is far faster than this consumer
    frames = [f for f, _ in seen]
    assert frames == sorted(frames) and len(frames) < 30 and live.dropped > 0
    assert len(frames) + live.dropped == 30  # every delivered frame is seen or counted
    assert all(abs(level - (f - 1)) <= 1 for f, level in seen)  # numbers are the source's


def test_a_stalled_stream_ends_with_what_it_gave(clip):
    live = LiveCapture(f"file://{clip}", drop_frames=False, stall_seconds=0.3)

    class Stalling:
        """The capture, silent after three frames (the network went quiet)."""

        def __init__(self, capture):
            self.capture, self.calls = capture, 0

        def read(self):
            self.calls += 1
            if self.calls > 3:
                threading.Event().wait(2.0)
            return self.capture.read()

        def release(self):
            self.capture.release()

    live.capture = Stalling(live.capture)
    assert [f for f, _ in brightness_frames(live)] == [1, 2, 3]
    assert live.ended == "stalled"


class _Interrupted:
    """Five frames of detections, then Ctrl-C."""

    name, frame_rate = "SEQ", 30.0

    def __len__(self):
        return 0

    def __iter__(self):
        box = np.array([[10.0, 10, 60, 130, 0.9]], np.float32)
        for frame in range(1, 6):
            yield FrameDetections(frame, box + 2 * frame, np.ones((1, 4), np.float32))
        raise KeyboardInterrupt


def test_ctrl_c_stops_cleanly_and_keeps_what_was_tracked(tmp_path):
    writers = build_writers(tmp_path, "SEQ", 30.0, timings=True)
    stats = track_stream(_Interrupted(), JDETracker(), writers=writers, progress=False)
    assert stats.interrupted and not stats.completed and stats.frames == 5
    results = read_mot_results(tmp_path / "data" / "SEQ.txt")
    assert results.frames.tolist() == [1, 2, 3, 4, 5] and set(results.ids) == {1}
    assert len((tmp_path / "timings" / "SEQ.csv").read_text().splitlines()) == 6
    assert writers[0].file.file.closed


def test_online_tracker_from_a_checkpoint_alone_equals_the_tool(workspace, tmp_path):  # noqa: F811
    import torch

    from fairmot.models import build_model, save_checkpoint

    cfg = small_cfg(tmp_path)
    model = build_model(cfg)
    model.load_state_dict(torch.load(workspace / "random.pth", weights_only=True)["state_dict"])
    weights = tmp_path / "with_config.pth"
    save_checkpoint(weights, model, epoch=1, config=cfg.dump())  # as the trainer stores it
    seq = workspace / "data/images/val/SYN-02"
    (stats,) = run_tracking(cfg, inputs=seq, weights=str(weights), progress=False)
    expected = read_mot_results(stats.results)

    tracker = OnlineTracker.from_checkpoint(weights)  # no config file: the stored one
    assert tracker.detector.frames_in_flight == 1  # run_tracking: automatic (2 on 2+ cores)
    rows = []
    for frame, image in open_sources(seq)[0]:
        tracks = tracker.update(image)
        rows += [(frame, i, *box) for i, box in zip(tracks.ids, tracks.tlwh)]
    rows = np.array(rows)
    assert len(rows) == len(expected) > 0
    np.testing.assert_array_equal(rows[:, :2], np.c_[expected.frames, expected.ids])
    np.testing.assert_allclose(rows[:, 2:], expected.tlwh, atol=1e-6)
    tracker.reset()
    assert tracker.update(image).ids.min(initial=1) == 1
    with pytest.raises(ValueError, match=r"takes an \(H, W, 3\) BGR image"):
        tracker.update(image[..., 0])


def test_tool_without_cfg_on_a_glob_and_a_clear_error_for_show(workspace, tmp_path):  # noqa: F811
    import subprocess
    import sys

    import torch

    from fairmot.models import build_model, save_checkpoint

    cfg = small_cfg(tmp_path / "trained")
    model = build_model(cfg)
    model.load_state_dict(torch.load(workspace / "random.pth", weights_only=True)["state_dict"])
    weights = tmp_path / "with_config.pth"
    save_checkpoint(weights, model, epoch=1, config=cfg.dump())
    frames = str(workspace / "data/images/val/SYN-02/img1/00000*.jpg")
    tool = [sys.executable, str(Path(__file__).parents[2] / "tools/track.py")]
    args = ["--weights", str(weights), "--input", frames, "OUTPUT_DIR", str(tmp_path / "out")]
    result = subprocess.run([*tool, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    tracks = read_mot_results(tmp_path / "out/tracks/fairmot/data/img1.txt")
    assert tracks.frames.max() <= 9
    shown = subprocess.run([*tool, "--show", *args], capture_output=True, text=True)
    assert shown.returncode == 1 and "error: --show needs a display" in shown.stderr
    assert "Traceback" not in shown.stderr


class _Degenerate:
    """Three frames of one good detection plus a NaN box, an empty box and a zero
    embedding (what an untrained network can give)."""

    name, frame_rate = "SEQ", 30.0

    def __len__(self):
        return 3

    def __iter__(self):
        boxes = np.array(
            [
                [10, 10, 60, 130, 0.9],
                [np.nan, 0, 5, 5, 0.8],
                [20, 20, 20, 40, 0.8],
                [5, 5, 9, 9, 0.7],
            ],
            np.float32,
        )
        feats = np.ones((4, 4), np.float32)
        feats[3] = 0
        for frame in range(1, 4):
            yield FrameDetections(frame, boxes.copy(), feats.copy())


def test_degenerate_detections_are_dropped_and_counted_before_the_tracker(tmp_path):
    writers = build_writers(tmp_path, "SEQ", 30.0)
    stats = track_stream(_Degenerate(), JDETracker(), writers=writers, progress=False)
    assert stats.completed and stats.degenerate == 9
    results = read_mot_results(tmp_path / "data" / "SEQ.txt")
    assert results.frames.tolist() == [1, 2, 3] and set(results.ids) == {1}
    assert np.isfinite(results.tlwh).all()


class _NoDetections:
    """A detector that finds nothing (the frames' fate is what is tested)."""

    timings = {"network": 0.0, "decode": 0.0}

    def __call__(self, image):
        return FrameDetections(0, np.zeros((0, 5), np.float32), np.zeros((0, 4), np.float32))


def test_missing_and_damaged_frames_are_reported_once_and_counted(tmp_path, caplog):
    seq = tmp_path / "SEQ-01"
    (seq / "img1").mkdir(parents=True)
    write_seqinfo(seq, SeqInfo("SEQ-01", "img1", 30, 8, 64, 48, ".jpg"))
    for frame in range(1, 7):  # frames 7 and 8 never written: seqLength says 8
        cv2.imwrite(str(seq / "img1" / f"{frame:06d}.jpg"), np.full((48, 64, 3), 90, np.uint8))
    jpeg = (seq / "img1" / "000003.jpg").read_bytes()
    (seq / "img1" / "000003.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    with caplog.at_level("WARNING"):
        (source,) = open_sources(seq)
        stats = track_stream(
            DetectedFrames(source, _NoDetections()), JDETracker(), writers=[], progress=False
        )
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings[0].startswith("SEQ-01: 2 of 8 frames missing (first 000007.jpg; seqLength 8")
    assert warnings[1] == "SEQ-01: 3 frame(s) skipped (1 damaged, 2 missing)"
    assert len(warnings) == 2  # one line each, not one per frame
    assert (stats.frames, stats.skipped) == (5, 3)
    assert "(skipped: 1 damaged, 2 missing)" in summary_table([stats])
    for frame in range(1, 9):
        (seq / "img1" / f"{frame:06d}.jpg").unlink(missing_ok=True)
    with pytest.raises(FormatError, match="none of the frames exists"):
        open_sources(seq)


class _TwoClasses:
    """A person (class 0) and a car (class 1) side by side for four frames."""

    name, frame_rate = "SEQ", 30.0

    def __len__(self):
        return 4

    def __iter__(self):
        boxes = np.array([[10, 10, 60, 130, 0.9], [200, 40, 260, 140, 0.8]], np.float32)
        for frame in range(1, 5):
            yield FrameDetections(frame, boxes + frame, np.eye(2, 4, dtype=np.float32), [0, 1])


def test_classes_reach_the_results_of_a_multi_class_run(tmp_path):
    names = ("pedestrian", "car")
    writers = build_writers(tmp_path, "SEQ", 30.0, save_detections=True, class_names=names)
    track_stream(_TwoClasses(), JDETracker(), writers=writers, progress=False)
    results = read_mot_results(tmp_path / "data" / "SEQ.txt")
    by_id = {i: set(results.classes[results.ids == i].tolist()) for i in set(results.ids)}
    assert by_id == {1: {1}, 2: {2}}  # field 8: class index + 1, one class per identity
    bdd = read_bdd_sequence(tmp_path / "bdd100k" / "SEQ.json")  # what TrackEval reads
    assert bdd.num_frames == 4 and dict(zip(bdd.ids.tolist(), bdd.categories)) == {
        1: "pedestrian",
        2: "car",
    }
    (replayed,) = [ReplayedDetections(s) for s in read_detections_dir(tmp_path / "detections")]
    assert [d.classes.tolist() for d in replayed] == [[0, 1]] * 4


def test_kitti_and_visdrone_layouts_hold_what_their_benchmarks_read(tmp_path):
    from fairmot.data.formats.kitti import read_kitti_labels
    from fairmot.data.formats.visdrone import read_visdrone_boxes

    names = ("Pedestrian", "car")
    for layout in ("kitti", "visdrone"):
        writers = build_writers(tmp_path, "SEQ", 30.0, class_names=names, layout=layout)
        track_stream(_TwoClasses(), JDETracker(), writers=writers, progress=False)
    kitti = read_kitti_labels(tmp_path / "kitti" / "SEQ.txt")
    assert sorted(set(kitti.frames.tolist())) == [0, 1, 2, 3]  # KITTI counts from 0
    assert dict(zip(kitti.ids.tolist(), kitti.types)) == {1: "Pedestrian", 2: "Car"}
    assert kitti.tlbr[kitti.frames == 0].tolist() == [[11, 11, 61, 131], [201, 41, 261, 141]]
    visdrone = read_visdrone_boxes(tmp_path / "visdrone" / "SEQ.txt")
    assert sorted(set(visdrone.frames.tolist())) == [1, 2, 3, 4]
    assert dict(zip(visdrone.ids.tolist(), visdrone.categories.tolist())) == {1: 1, 2: 4}
    assert visdrone.tlwh[visdrone.frames == 1].tolist() == [[11, 11, 50, 120], [201, 41, 60, 100]]


def test_annotation_draws_on_a_copy_and_names_the_classes():
    from fairmot.inference.writers import annotate
    from fairmot.tracker import FrameTracks
    from fairmot.visualization import TrailBuffer

    image = np.zeros((200, 300, 3), np.uint8)
    tracks = FrameTracks(
        np.array([1, 2]), np.array([[20.0, 40, 40, 100], [150, 60, 100, 50]]), np.ones(2), [0, 1]
    )
    plain = annotate(image, tracks, TrailBuffer(0))
    named = annotate(image, tracks, TrailBuffer(0), ("pedestrian", "car"))
    assert not image.any()  # the frame itself stays clean (a preview and a video both draw)
    assert (named.any(axis=2).sum()) > (plain.any(axis=2).sum())  # wider caption labels
