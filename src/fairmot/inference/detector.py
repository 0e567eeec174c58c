"""The network side of tracking: letterbox a frame, run the model, decode detections."""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import logging
import os
import time
from pathlib import Path

import numpy as np
import torch

from ..config import ConfigError, inference_input_size
from ..data.letterbox import letterbox, to_network_input
from ..models import build_model, load_checkpoint, select_device
from ..models.decode import TWO_STAGE, DecodeParams, Detections, decode
from .sources import cpu_cores

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "onnxruntime")
#: INFERENCE.PRECISION: the dtype of a PyTorch network's weights and input.
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


class Detector:
    """Frames in, detections with embeddings out (in frame pixels).

    Args:
        model: the network (eval mode is set here).
        input_wh: (width, height) of the letterboxed input, multiples of 32.
        device: where the network runs.
        decode_params: decoding (`models.decode.DecodeParams`); its sampling "two_stage"
            goes with a two-stage network, the others with a dense id head.
        pad_value: letterbox padding grey level.
        peak_heads: run a PyTorch network's `forward_peaks` (the size, offset and re-ID
            heads at the top-k heatmap peaks only) where the sampling is "center": the same
            detections for less work. An ONNX Runtime network returns what it was exported
            with.
        frames_in_flight: how many frames `DetectedFrames` may have in the network at once
            (`detect_frames`): as one batch (`batched`: PyTorch), or each in a thread of its
            own for a network that takes concurrent calls, one frame each (its `concurrent`
            is True: ONNX Runtime, given threads for as many by `build_detector`).
        device_letterbox: letterbox on `device` (`DeviceLetterbox`: the same pixels;
            `prepare` then hands the frame itself on): for a GPU.
        precision: "fp32", or "fp16" / "bf16": a PyTorch network's weights and input in
            that dtype (decoded in float32).
        cuda_graphs: replay a PyTorch network on a CUDA device from CUDA graphs
            (`GraphedNetwork`), one per batch size.

    Attributes:
        timings: seconds of the last call, {"network": ..., "decode": ...}.
    """

    def __init__(
        self,
        model,
        input_wh,
        device,
        *,
        decode_params: DecodeParams | None = None,
        pad_value: float = 127.5,
        peak_heads: bool = False,
        frames_in_flight: int = 1,
        device_letterbox: bool = False,
        precision: str = "fp32",
        cuda_graphs: bool = False,
    ):
        self.dtype = PRECISIONS[precision]
        if self.dtype != torch.float32 and not isinstance(model, torch.nn.Module):
            raise ValueError(f"precision {precision!r} needs a PyTorch network")
        self.model = model.to(device).eval()
        if self.dtype != torch.float32:
            model.to(self.dtype)
        self.input_wh, self.device = tuple(input_wh), device
        embed_boxes = model.embed_boxes if model.two_stage else None
        params = decode_params or DecodeParams()
        self.decode = functools.partial(
            decode, **dataclasses.asdict(params), embed_boxes=embed_boxes
        )
        self.network = model
        if peak_heads and params.sampling == "center" and hasattr(model, "forward_peaks"):
            self.network = functools.partial(model.forward_peaks, k=params.k)
        if cuda_graphs:
            from .cuda_graphs import GraphedNetwork

            self.network = GraphedNetwork(self.network)
        self.pad_value = pad_value
        self.frames_in_flight = frames_in_flight
        self.device_letterbox = None
        if device_letterbox:
            from .device_letterbox import DeviceLetterbox

            self.device_letterbox = DeviceLetterbox(input_wh, device, pad_value)
        self.batched = not getattr(model, "concurrent", False)
        self.timings = {"network": 0.0, "decode": 0.0}

    def prepare(self, image_bgr: np.ndarray) -> np.ndarray:
        """The network input of a frame: letterboxed, (1, 3, H, W) float32 RGB in [0, 1]
        (no torch: `DetectedFrames` runs it in its reading thread); with the letterbox on
        the device, the frame itself."""
        if self.device_letterbox is not None:
            return image_bgr
        padded, *_ = letterbox(image_bgr, *self.input_wh, self.pad_value)
        return to_network_input(padded)[None]

    def _network_input(self, blobs: list) -> torch.Tensor:
        if self.device_letterbox is not None:
            blob = torch.cat([self.device_letterbox(frame) for frame in blobs])
        else:
            blob = torch.from_numpy(np.concatenate(blobs)).to(self.device)
        return blob.to(self.dtype)

    def _run_network(self, blobs: list) -> dict:
        """The network's outputs for `prepare`d frames, floating point ones in float32."""
        outputs = self.network(self._network_input(blobs))
        if self.dtype == torch.float32:
            return outputs
        return {k: v.float() if v.is_floating_point() else v for k, v in outputs.items()}

    def detect(self, blob: np.ndarray, frame_wh) -> Detections:
        """Detections of a `prepare`d frame of size `frame_wh` (width, height), in its pixels."""
        (result,), self.timings = self.detect_frames([blob], [tuple(frame_wh)])
        return result

    @torch.no_grad()
    def detect_frames(self, blobs: list, frame_whs: list) -> tuple:
        """Detections of `prepare`d frames (sizes `frame_whs`, (width, height) each) run
        through the network as one batch: (one Detections per frame, {"network": s,
        "decode": s}). Stores nothing: several threads may call it at once."""
        start = time.perf_counter()
        outputs = self._run_network(blobs)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        middle = time.perf_counter()
        if len(set(frame_whs)) == 1:
            results = self.decode(outputs, frame_whs[0], self.input_wh)
        else:  # frames of different sizes: each decoded to its own
            results = [
                self.decode({k: v[i : i + 1] for k, v in outputs.items()}, wh, self.input_wh)[0]
                for i, wh in enumerate(frame_whs)
            ]
        return results, {"network": middle - start, "decode": time.perf_counter() - middle}

    def __call__(self, image_bgr: np.ndarray) -> Detections:
        start = time.perf_counter()
        blob = self.prepare(image_bgr)
        prepared = time.perf_counter() - start
        result = self.detect(blob, (image_bgr.shape[1], image_bgr.shape[0]))
        self.timings["network"] += prepared  # the letterbox counts with the network here
        return result


def build_detector(cfg, weights: str, *, frames_in_flight: int | None = None) -> Detector:
    """The detector of a config with trained weights: a checkpoint (loaded strictly) or an
    exported .onnx file. The network runs on INFERENCE.BACKEND: "torch"; "onnxruntime" (a
    checkpoint is exported to OUTPUT_DIR/onnx/<name>_<W>x<H>.onnx, reused while checkpoint,
    input size and config stay the same); "auto" (the default): ONNX Runtime for a
    one-stage network on the CPU where it is installed, the fastest correct CPU path
    measured (benchmarks/onnx_speed.py), else torch. `frames_in_flight` overrides
    INFERENCE.FRAMES_IN_FLIGHT (the frame-by-frame API passes 1)."""
    input_wh, device = inference_input_size(cfg), select_device(cfg.DEVICE)
    model, runtime = weights, Path(weights).suffix == ".onnx"
    if not runtime:
        model = build_model(cfg)
        load_checkpoint(model, weights, strict=True)
        runtime = use_onnxruntime(cfg.INFERENCE.BACKEND, model, device, cfg.INFERENCE.PRECISION)
    check_precision(cfg.INFERENCE.PRECISION, runtime, device)
    if frames_in_flight is None:
        frames_in_flight = resolve_frames_in_flight(cfg.INFERENCE.FRAMES_IN_FLIGHT, runtime)
    if runtime:
        model = _on_runtime(cfg, model, weights, input_wh, frames_in_flight)
    check_sampling(cfg.DECODE.REID_SAMPLING, model)
    torch_on_gpu = device.type == "cuda" and not runtime  # the GPU-only options apply
    return Detector(
        model,
        input_wh,
        device,
        decode_params=DecodeParams.from_config(cfg),
        pad_value=cfg.INPUT.PAD_VALUE,
        peak_heads=peak_heads(cfg),
        frames_in_flight=frames_in_flight,
        device_letterbox=cfg.INFERENCE.DEVICE_LETTERBOX and torch_on_gpu,
        precision=cfg.INFERENCE.PRECISION,
        cuda_graphs=cfg.INFERENCE.CUDA_GRAPHS and torch_on_gpu,
    )


def check_precision(precision: str, runtime: bool, device) -> None:
    """INFERENCE.PRECISION must fit the backend (ONNX Runtime: fp32); fp16 on the CPU works
    but is slow, hence a warning."""
    if runtime and precision != "fp32":
        raise ConfigError(
            f"INFERENCE.PRECISION {precision!r} applies to PyTorch networks: set "
            "INFERENCE.BACKEND torch (and give a checkpoint), or PRECISION fp32"
        )
    if precision == "fp16" and device.type == "cpu":
        logger.warning(
            "INFERENCE.PRECISION fp16 on the CPU is many times slower than fp32 (no fast fp16 "
            "CPU kernels): it is meant for a GPU; bf16 is the CPU's half precision"
        )


def resolve_frames_in_flight(setting: int, runtime: bool) -> int:
    """INFERENCE.FRAMES_IN_FLIGHT `setting` for a network on ONNX Runtime (`runtime`) or
    torch: 0 (automatic) is 2 on ONNX Runtime's CPU provider with 2 cores or more (measured:
    benchmarks/tracking_speed.py), else 1."""
    if setting or not runtime:
        return max(setting, 1)
    from .onnx_runtime import default_providers

    on_cpu = default_providers()[0] == "CPUExecutionProvider"
    return 2 if on_cpu and cpu_cores() >= 2 else 1


def peak_heads(cfg) -> bool:
    """Whether tracking evaluates the heads other than the heatmap at its peaks only:
    INFERENCE.PEAK_HEADS, where decode samples the embeddings at the peak centres."""
    return cfg.INFERENCE.PEAK_HEADS and cfg.DECODE.REID_SAMPLING == "center"


def use_onnxruntime(backend: str, model, device, precision: str = "fp32") -> bool:
    """Whether INFERENCE.BACKEND `backend` runs `model` on ONNX Runtime on `device` ("auto":
    only a one-stage network on the CPU in INFERENCE.PRECISION fp32)."""
    if backend != "auto":
        return backend == "onnxruntime"
    runtime = importlib.util.find_spec("onnxruntime") is not None
    return runtime and device.type == "cpu" and not model.two_stage and precision == "fp32"


def _on_runtime(cfg, model, weights: str, input_wh, frames_in_flight: int):
    """`model` (a network loaded from the checkpoint `weights`, or the path of an exported
    .onnx file) on ONNX Runtime, with threads for `frames_in_flight` frames at once."""
    from .export_onnx import cached_export, default_export_path
    from .onnx_runtime import OnnxRuntimeNetwork

    path = model
    if not isinstance(model, (str, os.PathLike)):
        peaks = cfg.DECODE.TOP_K if peak_heads(cfg) else 0
        path = default_export_path(cfg, weights, input_wh)
        path = cached_export(model, weights, path, input_wh, cfg.dump(), peaks=peaks)
    return OnnxRuntimeNetwork(path, input_wh, threads=runtime_threads(frames_in_flight))


def runtime_threads(frames_in_flight: int) -> int | None:
    """ONNX Runtime threads of each of `frames_in_flight` frames in the network at once: its
    share of the cores, or None (ONNX Runtime's default, every core) for one at a time."""
    return max(1, cpu_cores() // frames_in_flight) if frames_in_flight > 1 else None


def check_sampling(sampling: str, model) -> None:
    """DECODE.REID_SAMPLING must fit the network (asked whether it is two-stage, and for an
    exported one whether it returns its outputs at the heatmap peaks)."""
    if (sampling == TWO_STAGE) != model.two_stage:
        raise ConfigError(
            f"DECODE.REID_SAMPLING {sampling!r} does not fit this network: 'two_stage' goes "
            "with MODEL.REID_HEAD 'roi' (a two-stage network) and the other samplings with "
            "MODEL.REID_HEAD 'dense'"
        )
    if getattr(model, "at_peaks", False) and sampling != "center":
        raise ConfigError(
            f"DECODE.REID_SAMPLING {sampling!r} needs the dense id map, and this model was "
            "exported with its heads at the heatmap peaks (--peaks): export it without"
        )
