"""The network side of tracking: letterbox a frame, run the model, decode detections."""

from __future__ import annotations

import time

import numpy as np
import torch

from ..data.letterbox import letterbox, to_network_input
from ..models import build_model, load_checkpoint, select_device
from ..models.decode import Detections, decode


class Detector:
    """Frames in, detections with embeddings out (in frame pixels).

    Args:
        model: the network (eval mode is set here).
        input_wh: (width, height) of the letterboxed input, multiples of 32.
        device: where the network runs.
        conf_thres, top_k, ltrb, sampling, down_ratio, pad_value: decoding parameters.

    Attributes:
        timings: seconds of the last call, {"network": ..., "decode": ...}.
    """

    def __init__(
        self,
        model,
        input_wh,
        device,
        conf_thres=0.4,
        top_k=500,
        ltrb=True,
        sampling="center",
        down_ratio=4,
        pad_value=127.5,
    ):
        self.model = model.to(device).eval()
        self.input_wh, self.device = tuple(input_wh), device
        self.conf_thres, self.top_k, self.ltrb = conf_thres, top_k, ltrb
        self.sampling, self.down_ratio, self.pad_value = sampling, down_ratio, pad_value
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
        (result,) = decode(
            outputs,
            (image_bgr.shape[1], image_bgr.shape[0]),
            self.input_wh,
            self.conf_thres,
            self.top_k,
            self.ltrb,
            self.sampling,
            self.down_ratio,
            getattr(self.model, "embed_boxes", None),
        )
        self.timings = {"network": middle - start, "decode": time.perf_counter() - middle}
        return result


def test_input_size(cfg) -> tuple:
    """(width, height) of the network input for tracking and evaluation: INPUT.TEST_WIDTH /
    TEST_HEIGHT, or the training size where those are 0."""
    return (cfg.INPUT.TEST_WIDTH or cfg.INPUT.WIDTH, cfg.INPUT.TEST_HEIGHT or cfg.INPUT.HEIGHT)


def build_detector(cfg, weights: str) -> Detector:
    """The detector of a config with a trained checkpoint (loaded strictly)."""
    model = build_model(cfg)
    load_checkpoint(model, weights, strict=True)
    return Detector(
        model,
        test_input_size(cfg),
        select_device(cfg.DEVICE),
        cfg.DECODE.CONF_THRES,
        cfg.DECODE.TOP_K,
        cfg.MODEL.LTRB,
        cfg.DECODE.REID_SAMPLING,
        cfg.INPUT.DOWN_RATIO,
        cfg.INPUT.PAD_VALUE,
    )
