"""tools/track.py and the tracking runner on synthetic sequences, videos, image folders and
precomputed detections, with a randomly initialised small model."""

import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from fairmot.config import load_cfg
from fairmot.data.formats import FormatError, read_mot_results
from fairmot.data.synthetic import generate_dataset
from fairmot.inference import prefetch, run_tracking
from fairmot.models import build_model, save_checkpoint
from fairmot.visualization import VideoWriter
from tests import reference as fixtures
from tests.conftest import SMALL_MODEL
from tests.reference import needs_reference

REPO = Path(__file__).resolve().parents[2]
SMALL = [*SMALL_MODEL, "DECODE.TOP_K", "50"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("tracking")
    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(root), *SMALL])
    generate_dataset(cfg.SYNTH, root / "data", progress=False)
    torch.manual_seed(0)
    model = build_model(cfg)
    # Random weights, but distinct peaks (about 40 per frame scoring 0.4-0.9; as built, the
    # heatmap saturates at 1.0, where which of the tied peaks a runtime keeps is float
    # rounding) and boxes of a sensible size: 3 grid cells (30 frame px) to each side.
    with torch.no_grad():
        model.hm[-1].weight.mul_(-0.3)
    torch.nn.init.zeros_(model.hm[-1].bias)
    torch.nn.init.zeros_(model.wh[-1].weight)
    torch.nn.init.constant_(model.wh[-1].bias, 3.0)
    save_checkpoint(root / "random.pth", model, epoch=0)
    return root


def small_cfg(out, *extra):
    return load_cfg(
        REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(out), *SMALL, *extra]
    )


def run_track_tool(weights, out, *args):
    """tools/track.py with the small model, writing under `out`."""
    return subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/track.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            "--weights",
            str(weights),
            *args,
            "OUTPUT_DIR",
            str(out),
            *SMALL,
        ],
        capture_output=True,
        text=True,
    )


def test_tool_tracks_a_split_with_video_and_timings(workspace, tmp_path):
    result = run_track_tool(
        workspace / "random.pth",
        tmp_path,
        "--input",
        str(workspace / "data/images/val"),
        "--video",
        "--timings",
    )
    assert result.returncode == 0, result.stderr
    assert "SYN-02" in result.stdout and "frames/s" in result.stdout
    out = tmp_path / "tracks" / "fairmot"
    tracks = read_mot_results(out / "data" / "SYN-02.txt", seq_length=40)
    assert len(tracks) > 0 and set(np.unique(tracks.frames)) <= set(range(1, 41))
    capture = cv2.VideoCapture(str(out / "videos" / "SYN-02.mp4"))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 40
    lines = (out / "timings" / "SYN-02.csv").read_text().splitlines()
    assert lines[0].startswith("frame,read_ms,network_ms") and len(lines) == 41


def test_video_and_image_folder_inputs(workspace, tmp_path):
    frames = sorted((workspace / "data/images/val/SYN-02/img1").glob("*.jpg"))[:12]
    with VideoWriter(tmp_path / "clip.mp4", 25, (640, 360)) as video:
        for path in frames:
            video.write(cv2.imread(str(path)))
    folder = tmp_path / "folder"
    folder.mkdir()
    for path in frames:
        shutil.copy(path, folder / path.name)
    cfg = small_cfg(tmp_path / "out")
    weights = str(workspace / "random.pth")
    (video_stats,) = run_tracking(
        cfg, inputs=tmp_path / "clip.mp4", weights=weights, progress=False
    )
    (folder_stats,) = run_tracking(cfg, inputs=folder, weights=weights, progress=False)
    assert video_stats.name == "clip" and video_stats.frames == 12
    assert folder_stats.name == "folder" and folder_stats.frames == 12
    for stats in (video_stats, folder_stats):
        assert read_mot_results(stats.results).frames.max() <= 12


def test_a_frame_that_fails_to_decode_is_skipped(workspace, tmp_path):
    seq = tmp_path / "split" / "SYN-02"
    shutil.copytree(workspace / "data/images/val/SYN-02", seq)
    (seq / "img1" / "000005.jpg").write_bytes(b"\xff\xd8 truncated")
    (stats,) = run_tracking(
        small_cfg(tmp_path / "out"),
        inputs=seq,
        weights=str(workspace / "random.pth"),
        progress=False,
    )
    assert stats.skipped == 1 and stats.frames == 39
    frames = read_mot_results(stats.results).frames
    assert 5 not in frames and frames.max() == 40


def test_bad_inputs_fail_with_clear_messages(workspace, tmp_path):
    (tmp_path / "broken.mp4").write_bytes(b"not a video")
    cfg, weights = small_cfg(tmp_path / "out"), str(workspace / "random.pth")
    with pytest.raises(FormatError, match="broken.mp4: cannot read a frame"):
        run_tracking(cfg, inputs=tmp_path / "broken.mp4", weights=weights, progress=False)
    (tmp_path / "empty" / "SEQ").mkdir(parents=True)
    with pytest.raises(FormatError, match="holds no sequence folders"):
        run_tracking(cfg, inputs=tmp_path / "empty", weights=weights, progress=False)
    with pytest.raises(ValueError, match="needs a trained model"):
        run_tracking(
            small_cfg(tmp_path / "out"), inputs=workspace / "data/images/val", progress=False
        )
    result = run_track_tool(
        workspace / "random.pth", tmp_path, "--input", str(tmp_path / "broken.mp4")
    )
    assert result.returncode == 1 and "cannot read a frame" in result.stderr


@needs_reference
def test_precomputed_detections_behind_any_detector(tmp_path):
    scene = fixtures.load("tracker_scene_stream")
    arrays = {"num_frames": np.array(60)}
    for f in range(1, 61):
        arrays[f"frame{f:06d}_dets"] = scene[f"frame{f:06d}_dets"]
        arrays[f"frame{f:06d}_feats"] = scene[f"frame{f:06d}_feats"]
    (tmp_path / "dets").mkdir()
    np.savez(tmp_path / "dets" / "SCENE.npz", **arrays)
    # The paper's association (the library default), which the original's tracks come from.
    overrides = ["OUTPUT_DIR", str(tmp_path), "TRACKER.PRESET", "fairmot"]
    cfg = load_cfg(REPO / "configs/synthetic.yaml", overrides)
    (stats,) = run_tracking(cfg, detections_dir=tmp_path / "dets", progress=False)
    ours = read_mot_results(stats.results)

    reference = fixtures.official_tracks()
    reference = reference[reference[:, 0] <= 60]
    reference = reference[np.lexsort((reference[:, 1], reference[:, 0]))]
    order = np.lexsort((ours.ids, ours.frames))
    np.testing.assert_array_equal(ours.frames[order], reference[:, 0])
    np.testing.assert_array_equal(ours.ids[order], reference[:, 1])
    np.testing.assert_allclose(ours.tlwh[order], reference[:, 2:6], atol=0.006)


def test_saved_detections_replay_to_the_same_tracks(workspace, tmp_path):
    """track.py --save-detections writes what the network saw; tracking those precomputed
    detections (the ablation's input) gives the very same result rows."""
    cfg = small_cfg(tmp_path)
    val = workspace / "data/images/val"
    (direct,) = run_tracking(
        cfg,
        inputs=val,
        weights=str(workspace / "random.pth"),
        save_detections=True,
        progress=False,
    )
    saved = direct.results.parent.parent / "detections" / "SYN-02.npz"
    data = np.load(saved)
    assert int(data["num_frames"]) == 40 and float(data["frame_rate"]) == 30.0
    assert data["frame000001_dets"].shape[1] == 5
    assert data["frame000001_feats"].shape == (len(data["frame000001_dets"]), 16)
    (replayed,) = run_tracking(
        cfg, inputs=val, detections_dir=saved.parent, name="replay", progress=False
    )
    assert direct.boxes > 0
    assert replayed.results.read_text() == direct.results.read_text()


def test_tracking_input_size_may_differ_from_training(workspace, tmp_path):
    from fairmot.inference import build_detector

    weights = str(workspace / "random.pth")
    same = small_cfg(tmp_path, "INPUT.TEST_WIDTH", "0", "INPUT.TEST_HEIGHT", "0")
    assert build_detector(same, weights).input_wh == (256, 160)  # 0: the training size
    cfg = small_cfg(tmp_path, "INPUT.TEST_WIDTH", "320", "INPUT.TEST_HEIGHT", "192")
    detector = build_detector(cfg, weights)
    assert detector.input_wh == (320, 192)
    frame = np.full((360, 640, 3), 127, np.uint8)
    detector(frame)  # the network accepts the larger input
    assert detector.timings["network"] > 0


def test_prefetch_keeps_order_and_reraises():
    assert list(prefetch(iter(range(50)), depth=3)) == list(range(50))

    def failing():
        yield 1
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(prefetch(failing()))


def _matched_share(ours, theirs, min_iou: float) -> float:
    """The share of `theirs`' boxes that `ours` has in the same frame with IoU >= min_iou."""
    from torchvision.ops import box_iou

    from fairmot.boxes import tlwh_to_tlbr

    def xyxy(tlwh):
        return torch.from_numpy(tlwh_to_tlbr(tlwh))

    matched = 0
    for frame in np.unique(theirs.frames):
        a, b = theirs.tlwh[theirs.frames == frame], ours.tlwh[ours.frames == frame]
        if len(b):
            matched += int((box_iou(xyxy(a), xyxy(b)).max(1).values >= min_iou).sum())
    return matched / len(theirs.frames)


def test_half_precision_tracks_as_float32(workspace, tmp_path, caplog):
    """INFERENCE.PRECISION bf16 (fp16 has no fast CPU kernels; on a GPU it is measured by
    benchmarks/gpu_speed.py): the automatic backend becomes torch, the network runs in
    bf16, and it finds nearly the same boxes as float32."""
    from fairmot.config import ConfigError
    from fairmot.inference.detector import build_detector

    val, weights = workspace / "data/images/val", str(workspace / "random.pth")
    results = {}
    for precision in ("fp32", "bf16"):
        cfg = small_cfg(tmp_path, "INFERENCE.BACKEND", "torch", "INFERENCE.PRECISION", precision)
        (stats,) = run_tracking(cfg, inputs=val, weights=weights, name=precision, progress=False)
        results[precision] = read_mot_results(stats.results)
    # measured: 96.6 % of about 2,000 boxes (a random network's many close peaks; the rest
    # are peaks whose order flips in bf16, or boxes of tracks started a frame apart)
    assert _matched_share(results["bf16"], results["fp32"], min_iou=0.8) >= 0.93
    detector = build_detector(small_cfg(tmp_path, "INFERENCE.PRECISION", "bf16"), weights)
    assert next(detector.model.parameters()).dtype == torch.bfloat16  # auto: torch
    onnx = small_cfg(tmp_path, "INFERENCE.PRECISION", "fp16", "INFERENCE.BACKEND", "onnxruntime")
    with pytest.raises(ConfigError, match="INFERENCE.PRECISION 'fp16' applies to PyTorch"):
        build_detector(onnx, weights)
    build_detector(small_cfg(tmp_path, "INFERENCE.PRECISION", "fp16", "DEVICE", "cpu"), weights)
    assert "fp16 on the CPU is many times slower" in caplog.text


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_every_gpu_option_tracks_as_the_plain_gpu_path(workspace, tmp_path, monkeypatch):
    """On a GPU: CUDA graphs, batches of 4 frames, 3 reading threads and the letterbox on
    the device give the tracks of one frame at a time with OpenCV's letterbox and no graphs;
    fp16 finds nearly the same boxes."""
    # float32 arithmetic (not TF32) throughout: batch sizes may pick other conv algorithms
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    monkeypatch.setattr(torch.backends.cuda.matmul, "allow_tf32", False)
    val, weights = workspace / "data/images/val", str(workspace / "random.pth")
    runs = {
        "plain": ("INFERENCE.DEVICE_LETTERBOX", "False", "INFERENCE.FRAMES_IN_FLIGHT", "1"),
        "fast": (
            *("INFERENCE.CUDA_GRAPHS", "True", "INFERENCE.FRAMES_IN_FLIGHT", "4"),
            *("INFERENCE.READ_THREADS", "3"),
        ),
        "fp16": ("INFERENCE.CUDA_GRAPHS", "True", "INFERENCE.PRECISION", "fp16"),
    }
    results = {}
    for name, overrides in runs.items():
        cfg = small_cfg(tmp_path, "DEVICE", "cuda", "INFERENCE.BACKEND", "torch", *overrides)
        (stats,) = run_tracking(cfg, inputs=val, weights=weights, name=name, progress=False)
        results[name] = read_mot_results(stats.results)
    plain, fast = results["plain"], results["fast"]
    assert len(plain.frames) > 0
    np.testing.assert_array_equal(fast.frames, plain.frames)
    np.testing.assert_array_equal(fast.ids, plain.ids)
    np.testing.assert_allclose(fast.tlwh, plain.tlwh, atol=1e-2)
    assert _matched_share(results["fp16"], plain, min_iou=0.8) >= 0.93
