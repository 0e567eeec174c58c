"""ONNX export with native DeformConv, ONNX Runtime against PyTorch for every architecture,
and tracking with the onnxruntime backend equal to the torch backend."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from fairmot.config import ConfigError, get_cfg
from fairmot.data.formats import read_mot_results
from fairmot.inference import run_tracking
from fairmot.inference.export_onnx import export_onnx
from fairmot.inference.onnx_runtime import OnnxRuntimeNetwork
from fairmot.models import ARCHITECTURES, CheckpointError, build_model
from fairmot.models.decode import gather, top_peaks
from fairmot.models.layers.deform_conv import ModulatedDeformConv2d
from tests.inference.test_tracking import small_cfg, workspace  # noqa: F401 - fixture

REPO = Path(__file__).resolve().parents[2]


def random_network(arch: str):
    cfg = get_cfg()
    cfg.MODEL.ARCH, cfg.MODEL.HEAD_CONV, cfg.MODEL.REID_DIM = arch, 16, 16
    torch.manual_seed(0)
    model = build_model(cfg).eval()
    with torch.no_grad():  # non-zero offsets, so the deformable sampling is exercised
        for name, p in model.named_parameters():
            if "conv_offset_mask" in name:
                p.normal_(0, 0.05)
    return model


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_onnx_runtime_equals_pytorch(arch, tmp_path):
    model = random_network(arch)
    path = export_onnx(model, tmp_path / f"{arch}.onnx", (128, 96))
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    deformable = any(isinstance(m, ModulatedDeformConv2d) for m in model.modules())
    assert ("DeformConv" in ops) == deformable  # HRNet has none
    assert all(node.domain in ("", "ai.onnx") for node in onnx.load(str(path)).graph.node)
    x = torch.rand(1, 3, 96, 128)
    ours = OnnxRuntimeNetwork(path, (128, 96))(x)
    with torch.no_grad():
        theirs = model(x)
    for name, value in theirs.items():
        scale = value.abs().max().item()
        assert (ours[name] - value).abs().max().item() <= 1e-4 * scale + 1e-7, name
    with pytest.raises(
        CheckpointError, match="exported for 128x96 input, the config asks for 256x16"
    ):
        OnnxRuntimeNetwork(path, (256, 160))


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_heads_at_the_peaks_on_onnx_runtime_equal_pytorch(arch, tmp_path):
    from fairmot.inference.detector import check_sampling

    model = random_network(arch)
    path = export_onnx(model, tmp_path / f"{arch}_peaks.onnx", (128, 96), peaks=30)
    network = OnnxRuntimeNetwork(path, (128, 96))
    assert network.at_peaks
    x = torch.rand(1, 3, 96, 128)
    ours = network(x)
    with torch.no_grad():
        dense = model(x)
    # Random heads saturate the heatmap (scores tied at 1.0, ties broken by float rounding
    # differently by the runtimes): the graph's peaks must be a top 30 of PyTorch's heatmap,
    # every head there equal to PyTorch's dense map.
    heat, flat = dense["hm"].sigmoid().flatten(1), ours["peak_index"]
    expected, _ = top_peaks(dense["hm"].sigmoid(), 30)
    torch.testing.assert_close(ours["peak_scores"], expected, rtol=0, atol=1e-6)
    torch.testing.assert_close(ours["peak_scores"], heat.gather(1, flat), rtol=0, atol=1e-6)
    inds = flat % (24 * 32)
    for name in ("wh", "reg", "id"):
        value = gather(dense[name], inds)
        scale = value.abs().max().item()
        assert (ours[name] - value).abs().max().item() <= 1e-4 * scale + 1e-7, name
    with pytest.raises(ConfigError, match="exported with its heads at the heatmap peaks"):
        check_sampling("pos_anchor", network)


def test_dynamic_export_takes_other_sizes(tmp_path):
    model = random_network("resnet18")
    path = export_onnx(model, tmp_path / "dynamic.onnx", (128, 96), dynamic=True)
    x = torch.rand(2, 3, 160, 256)
    with torch.no_grad():
        expected = model(x)["hm"]
    np.testing.assert_allclose(OnnxRuntimeNetwork(path)(x)["hm"], expected, atol=1e-4)


def test_tracking_with_onnxruntime_gives_the_torch_tracks(workspace, tmp_path):  # noqa: F811
    """The original's path (PyTorch, dense head maps, one frame at a time) against the heads
    at the peaks, on PyTorch (one frame at a time, and batches of three frames) and on ONNX
    Runtime (exported on the fly; two frames in the network at once)."""
    val, weights = workspace / "data/images/val", str(workspace / "random.pth")
    runs = {
        "dense": ("INFERENCE.BACKEND", "torch", "INFERENCE.PEAK_HEADS", "False"),
        "peaks": ("INFERENCE.BACKEND", "torch"),
        "batches": ("INFERENCE.BACKEND", "torch", "INFERENCE.FRAMES_IN_FLIGHT", "3"),
        "onnx": ("INFERENCE.BACKEND", "onnxruntime", "INFERENCE.FRAMES_IN_FLIGHT", "2"),
    }
    results = {}
    for name, overrides in runs.items():
        cfg = small_cfg(tmp_path, *overrides)
        (stats,) = run_tracking(cfg, inputs=val, weights=weights, name=name, progress=False)
        results[name] = read_mot_results(stats.results)
    assert list((tmp_path / "onnx").glob("random_*.onnx"))  # exported on the fly
    theirs = results["dense"]
    assert len(theirs) > 0
    for ours in (results["peaks"], results["batches"], results["onnx"]):
        np.testing.assert_array_equal(ours.frames, theirs.frames)
        np.testing.assert_array_equal(ours.ids, theirs.ids)
        np.testing.assert_allclose(ours.tlwh, theirs.tlwh, atol=1e-3)


def test_the_automatic_backend_exports_once_for_the_cpu(workspace, tmp_path):  # noqa: F811
    from fairmot.inference.detector import build_detector, cpu_cores, use_onnxruntime

    weights = str(workspace / "random.pth")
    cfg = small_cfg(tmp_path)
    assert cfg.INFERENCE.BACKEND == "auto"
    detector = build_detector(cfg, weights)
    first = detector.model
    assert isinstance(first, OnnxRuntimeNetwork)  # ONNX Runtime on the CPU
    if cpu_cores() >= 2:  # two frames at once, each on half the cores
        threads = first.session.get_session_options().intra_op_num_threads
        assert (detector.frames_in_flight, threads) == (2, cpu_cores() // 2)
    (path,) = (tmp_path / "onnx").glob("random_*.onnx")
    stamp = path.stat().st_mtime_ns
    assert build_detector(cfg, weights).model.path == path
    assert path.stat().st_mtime_ns == stamp  # reused: same checkpoint, size and config
    build_detector(small_cfg(tmp_path, "DECODE.CONF_THRES", "0.3"), weights)
    assert path.stat().st_mtime_ns != stamp  # another config: exported again
    two_stage = build_model(small_cfg(tmp_path, "MODEL.REID_HEAD", "roi"))
    assert not use_onnxruntime("auto", two_stage, torch.device("cpu"))  # torch for those
    assert not use_onnxruntime("auto", first, torch.device("cuda"))  # and on a GPU
    assert use_onnxruntime("onnxruntime", two_stage, torch.device("cpu"))  # asked: tried


def test_export_tool_and_a_checkpoint_that_does_not_fit(workspace, tmp_path):  # noqa: F811
    tool = [sys.executable, str(REPO / "tools/export.py"), "--cfg"]
    small = [
        str(REPO / "configs/synthetic_instant.yaml"),
        "--weights",
        str(workspace / "random.pth"),
    ]
    from tests.conftest import SMALL_MODEL

    out = tmp_path / "model.onnx"
    args = [*small, "--output", str(out), "--peaks", "OUTPUT_DIR", str(tmp_path), *SMALL_MODEL]
    result = subprocess.run([*tool, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and "wrote" in result.stdout
    # The export stores its config: tracking with the .onnx alone needs no --cfg.
    track = [sys.executable, str(REPO / "tools/track.py"), "--weights", str(out), "--input"]
    val = str(workspace / "data/images/val")
    result = subprocess.run(
        [*track, val, "OUTPUT_DIR", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert len(read_mot_results(tmp_path / "tracks/fairmot/data/SYN-02.txt")) > 0
    wrong = [*small, "--output", str(tmp_path / "bad.onnx"), "OUTPUT_DIR", str(tmp_path)]
    result = subprocess.run([*tool, *wrong], capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*bad*"))  # nothing half-written


def test_decode_in_the_graph_equals_decode(tmp_path):
    import onnxruntime as ort

    from fairmot.models.decode import DecodeParams, decode

    model = random_network("resnet18")
    params = DecodeParams(k=20)
    path = export_onnx(model, tmp_path / "decoded.onnx", (128, 96), decode=params)
    x = torch.rand(1, 3, 96, 128)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    dets, embeddings = session.run(["detections", "embeddings"], {"input": x.numpy()})
    with torch.no_grad():  # the frame is the input here: frame pixels = input pixels
        (expected,) = decode(model(x), (128, 96), (128, 96), conf_thres=-1.0, k=20)
    np.testing.assert_allclose(dets[0, :, :5], expected.boxes, atol=1e-3)
    np.testing.assert_array_equal(dets[0, :, 5], expected.classes)
    np.testing.assert_allclose(embeddings[0], expected.embeddings, atol=1e-5)
    with pytest.raises(CheckpointError, match="exported with decode in the graph"):
        OnnxRuntimeNetwork(path)


def test_tensorrt_engines_are_cached_by_the_model_files_content(tmp_path, monkeypatch):
    """Where ONNX Runtime has TensorRT, it comes first with an engine cache beside the model
    whose folder follows the file's content: a model re-exported to the same file with new
    weights gets a new folder (the old one removed), never the old weights' engines."""
    import onnxruntime as ort

    available = ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"]
    monkeypatch.setattr(ort, "get_available_providers", lambda: available)
    sessions = []

    def session(path, options, providers):  # records what the network asks for
        sessions.append(providers)
        raise RuntimeError("no TensorRT here")

    monkeypatch.setattr(ort, "InferenceSession", session)
    path = tmp_path / "m.onnx"
    path.write_bytes(b"a model")  # the session is stood in: only the bytes matter
    with pytest.raises(CheckpointError, match="ONNX Runtime cannot load"):
        OnnxRuntimeNetwork(path)
    (name, options), *others = sessions[-1]
    assert name == "TensorrtExecutionProvider" and others == available[1:]
    first = Path(options["trt_engine_cache_path"])
    assert options["trt_engine_cache_enable"] and first.parent == tmp_path / "m.trt"
    assert first.is_dir()
    with pytest.raises(CheckpointError):
        OnnxRuntimeNetwork(path)  # same file: same folder
    assert sessions[-1][0][1]["trt_engine_cache_path"] == str(first)
    path.write_bytes(b"a model with other weights")
    with pytest.raises(CheckpointError):
        OnnxRuntimeNetwork(path)
    second = Path(sessions[-1][0][1]["trt_engine_cache_path"])
    assert second.parent == first.parent and second != first
    assert second.is_dir() and not first.exists()


def test_tensorrt_runs_without_a_cache_where_the_model_folder_is_read_only(
    tmp_path, monkeypatch, caplog
):
    from fairmot.inference.onnx_runtime import tensorrt_options

    path = tmp_path / "m.onnx"
    path.write_bytes(b"model")

    def read_only(self, *args, **kwargs):
        raise PermissionError(f"read-only: {self}")

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert tensorrt_options(path) == {}
    assert "TensorRT engines not cached (read-only:" in caplog.text
