"""The network side of tracking: letterbox a frame, run the model, decode detections."""

from __future__ import annotations

import dataclasses
import functools
import time
from pathlib import Path

import numpy as np
import torch

from ..config import ConfigError
from ..data.letterbox import letterbox, to_network_input
from ..models import build_model, load_checkpoint, select_device
from ..models.decode import TWO_STAGE, DecodeParams, Detections, decode

BACKENDS = ("torch", "onnxruntime")


class Detector:
    """Frames in, detections with embeddings out (in frame pixels).

    Args:
        model: the network (eval mode is set here).
        input_wh: (width, height) of the letterboxed input, multiples of 32.
        device: where the network runs.
        decode_params: decoding (`models.decode.DecodeParams`); its sampling "two_stage"
            goes with a two-stage network, the others with a dense id head.
        pad_value: letterbox padding grey level.

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
    ):
        self.model = model.to(device).eval()
        self.input_wh, self.device = tuple(input_wh), device
        embed_boxes = model.embed_boxes if model.two_stage else None
        params = dataclasses.asdict(decode_params or DecodeParams())
        self.decode = functools.partial(decode, **params, embed_boxes=embed_boxes)
        self.pad_value = pad_value
        self.timings = {"network": 0.0, "decode": 0.0}

    @torch.no_grad()
    def __call__(self, image_bgr: np.ndarray) -> Detections:
        start = time.perf_counter()
        padded, *_ = letterbox(image_bgr, *self.input_wh, self.pad_value)
        blob = torch.from_numpy(to_network_input(padded))[None].to(self.device)
        outputs = self.model(blob)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        middle = time.perf_counter()
        frame_wh = (image_bgr.shape[1], image_bgr.shape[0])
        (result,) = self.decode(outputs, frame_wh, self.input_wh)
        self.timings = {"network": middle - start, "decode": time.perf_counter() - middle}
        return result


def test_input_size(cfg) -> tuple:
    """(width, height) of the network input for tracking and evaluation: INPUT.TEST_WIDTH /
    TEST_HEIGHT, or the training size where those are 0."""
    return (cfg.INPUT.TEST_WIDTH or cfg.INPUT.WIDTH, cfg.INPUT.TEST_HEIGHT or cfg.INPUT.HEIGHT)


def build_detector(cfg, weights: str) -> Detector:
    """The detector of a config with trained weights: a checkpoint (loaded strictly), or
    with INFERENCE.BACKEND "onnxruntime" an exported .onnx file or a checkpoint exported on
    the fly (to OUTPUT_DIR/onnx/<name>_<W>x<H>.onnx)."""
    if cfg.INFERENCE.BACKEND not in BACKENDS:
        raise ValueError(
            f"INFERENCE.BACKEND must be one of {BACKENDS}, got {cfg.INFERENCE.BACKEND!r}"
        )
    if cfg.INFERENCE.BACKEND == "onnxruntime" or Path(weights).suffix == ".onnx":
        model = _onnx_network(cfg, weights)
    else:
        model = build_model(cfg)
        load_checkpoint(model, weights, strict=True)
    check_sampling(cfg.DECODE.REID_SAMPLING, model)
    return Detector(
        model,
        test_input_size(cfg),
        select_device(cfg.DEVICE),
        decode_params=DecodeParams.from_config(cfg),
        pad_value=cfg.INPUT.PAD_VALUE,
    )


def _onnx_network(cfg, weights: str):
    from .onnx_export import OnnxRuntimeNetwork, export_onnx

    input_wh = test_input_size(cfg)
    path = Path(weights)
    if path.suffix != ".onnx":
        model = build_model(cfg)
        load_checkpoint(model, path, strict=True)
        onnx_path = Path(cfg.OUTPUT_DIR) / "onnx" / f"{path.stem}_{input_wh[0]}x{input_wh[1]}.onnx"
        path = export_onnx(model, onnx_path, input_wh, config_text=cfg.dump())
    return OnnxRuntimeNetwork(path, input_wh)


def check_sampling(sampling: str, model) -> None:
    """DECODE.REID_SAMPLING must fit the network (asked whether it is two-stage)."""
    if (sampling == TWO_STAGE) != model.two_stage:
        raise ConfigError(
            f"DECODE.REID_SAMPLING {sampling!r} does not fit this network: 'two_stage' goes "
            "with MODEL.REID_HEAD 'roi' (a two-stage network) and the other samplings with "
            "MODEL.REID_HEAD 'dense'"
        )
