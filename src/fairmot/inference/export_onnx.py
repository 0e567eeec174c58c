"""Export a network to ONNX with its deformable convolutions as native `DeformConv`
(opset 19); `inference.onnx_runtime` runs the exported models behind the `Detector`.

The graph takes `input` (B, 3, H, W) float RGB in [0, 1], letterboxed as for PyTorch. It
returns either the raw head maps `hm` (logits), `wh`, `reg`, `id` at stride 4, or, with
`peaks=K`, what decode reads of them (`FairMOTNet.forward_peaks`: the top-K heatmap peaks
`peak_scores`, `peak_index`, and the other heads evaluated there only: about a fifth less
work for DLA-34); `models.decode` post-processes either exactly as it does PyTorch's. A
fixed input size works with every ONNX Runtime provider (and TensorRT); `dynamic=True`
leaves batch, height and width free (CPU and CUDA providers). With `decode`, the graph also
decodes: boxes in input pixels and unit embeddings at the top-K peaks (outputs
`detections`, `embeddings`), for runtimes without Python. Two-stage networks
(MODEL.REID_HEAD "roi") are not exported: their RoI head runs on decoded boxes.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ConfigError, inference_input_size
from ..errors import UsageError
from ..models import build_model, load_checkpoint
from ..models.checkpoint import ONNX_CONFIG_KEY, ONNX_SOURCE_KEY, CheckpointError, onnx_metadata
from ..models.decode import PEAK_INDEX, DecodeParams, decode_peaks
from ..models.layers import set_deform_conv_implementation

OPSET = 19  # the first opset with DeformConv
_registered = False


def _register_deform_conv() -> None:
    """torchvision::deform_conv2d -> ONNX DeformConv (same offset layout, mask and bias)."""
    global _registered
    if _registered:
        return
    from torch.onnx import register_custom_op_symbolic, symbolic_helper

    @symbolic_helper.parse_args(
        "v", "v", "v", "v", "v", "i", "i", "i", "i", "i", "i", "i", "i", "b"
    )
    def deform_conv2d(
        g, x, weight, offset, mask, bias, sh, sw, ph, pw, dh, dw, groups, offset_groups, use_mask
    ):
        kernel = symbolic_helper._get_tensor_sizes(weight)[2:]
        inputs = [x, weight, offset, bias] + ([mask] if use_mask else [])
        return g.op(
            "DeformConv",
            *inputs,
            dilations_i=[dh, dw],
            group_i=groups,
            kernel_shape_i=kernel,
            offset_group_i=offset_groups,
            pads_i=[ph, pw, ph, pw],
            strides_i=[sh, sw],
        )

    register_custom_op_symbolic("torchvision::deform_conv2d", deform_conv2d, OPSET)
    _registered = True


class _Outputs(nn.Module):
    """The network with its output dict as a tuple (ONNX outputs are positional)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model, self.names = model, list(model.head_names)

    def forward(self, x: torch.Tensor):
        outputs = self.model(x)
        return tuple(outputs[name] for name in self.names)


class _Peaks(nn.Module):
    """The network's outputs at its top-`k` heatmap peaks (`FairMOTNet.forward_peaks`) as a
    tuple."""

    def __init__(self, model: nn.Module, k: int):
        super().__init__()
        self.model, self.k = model, k
        self.names = ["peak_scores", PEAK_INDEX] + [n for n in model.head_names if n != "hm"]

    def forward(self, x: torch.Tensor):
        outputs = self.model.forward_peaks(x, self.k)
        return tuple(outputs[name] for name in self.names)


class _Decoded(nn.Module):
    """The network with decode in the graph: outputs `detections` (B, K, 6) x1 y1 x2 y2
    score class in input pixels (before any threshold, best first) and `embeddings`
    (B, K, D) unit re-ID embeddings at the peaks ("center" sampling, the paper's)."""

    names = ["detections", "embeddings"]

    def __init__(self, model: nn.Module, params: DecodeParams):
        super().__init__()
        if params.sampling != "center":
            raise ConfigError(
                f"decode in the graph samples embeddings at the centre; got DECODE.REID_SAMPLING "
                f"{params.sampling!r}"
            )
        self.model, self.params = model, params

    def forward(self, x: torch.Tensor):
        outputs = self.model.forward_peaks(x, self.params.k)
        grid_hw = [size // self.params.down_ratio for size in x.shape[-2:]]
        dets, _, _ = decode_peaks(outputs, grid_hw, self.params.ltrb)
        scale = dets.new_tensor([self.params.down_ratio] * 4 + [1.0, 1.0])
        return dets * scale, F.normalize(outputs["id"], dim=2)


def export_onnx(
    model: nn.Module,
    path,
    input_wh,
    *,
    dynamic: bool = False,
    peaks: int = 0,
    decode: DecodeParams | None = None,
    config_text: str = "",
    source: str = "",
) -> Path:
    """Write `model` (eval mode, on the CPU) as an ONNX file at `path` (atomically).

    Args:
        input_wh: (width, height) of the letterboxed input the graph is traced at (and
            fixed to unless `dynamic`).
        peaks: K > 0: the outputs at the top-K heatmap peaks (`_Peaks`) instead of the
            head maps; what the `Detector` exports for tracking (DECODE.TOP_K).
        decode: put decode in the graph too (see `_Decoded`): a runtime then needs no
            Python post-processing beyond the threshold and the letterbox's inverse. Such a
            model serves applications; `OnnxRuntimeNetwork` runs the plain one.
        config_text: the config (YAML) stored in the model's metadata, so that tracking
            with it needs no --cfg (`models.stored_config`).
        source: what the export was made from, stored for `cached_export`.

    Returns:
        The written path.
    """
    if getattr(model, "two_stage", False):
        raise UsageError("two-stage networks (MODEL.REID_HEAD 'roi') cannot be exported yet")
    _register_deform_conv()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model = model.cpu().eval()
    previous = {m: m.implementation for m in model.modules() if hasattr(m, "implementation")}
    set_deform_conv_implementation(model, "torchvision")  # the op the symbolic maps
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        _trace(_wrapper(model, peaks, decode).eval(), tmp, input_wh, dynamic)
        if config_text or source:
            _store_metadata(tmp, {ONNX_CONFIG_KEY: config_text, ONNX_SOURCE_KEY: source})
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        for module, implementation in previous.items():
            module.implementation = implementation
    return path


def _trace(wrapper: nn.Module, path: Path, input_wh, dynamic: bool) -> None:
    sample = torch.rand(1, 3, input_wh[1], input_wh[0])
    axes = {"input": {0: "batch", 2: "height", 3: "width"}} if dynamic else None
    with warnings.catch_warnings():  # shape checks traced as constants: meant so
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            wrapper,
            (sample,),
            str(path),
            opset_version=OPSET,
            input_names=["input"],
            output_names=wrapper.names,
            dynamic_axes=axes,
            dynamo=False,
        )


def _wrapper(model: nn.Module, peaks: int, decode: DecodeParams | None) -> nn.Module:
    if decode is not None:
        return _Decoded(model, decode)
    return _Peaks(model, peaks) if peaks > 0 else _Outputs(model)


def _store_metadata(path: Path, entries: dict) -> None:
    import onnx

    model = onnx.load(str(path))
    for key, value in entries.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(path))


def default_export_path(cfg, weights, input_wh) -> Path:
    """Where a checkpoint's export goes unless told: OUTPUT_DIR/onnx/<name>_<W>x<H>.onnx."""
    return Path(cfg.OUTPUT_DIR) / "onnx" / f"{Path(weights).stem}_{input_wh[0]}x{input_wh[1]}.onnx"


def export_checkpoint(
    cfg, weights: str, output="", *, dynamic: bool = False, peaks: bool = False, decode=False
) -> tuple:
    """tools/export.py: the network of `cfg` with the checkpoint `weights` (or MODEL.WEIGHTS,
    loaded strictly) exported at the tracking input size (`export_onnx`; the config stored
    with it) to `output`, default `default_export_path`. `peaks`: the outputs at the top
    DECODE.TOP_K peaks; `decode`: decode in the graph (DECODE's keys). Returns (the path,
    the input (width, height))."""
    weights = weights or cfg.MODEL.WEIGHTS
    if not weights:
        raise UsageError("give --weights (or MODEL.WEIGHTS): the checkpoint to export")
    model = build_model(cfg)
    load_checkpoint(model, weights, strict=True)
    input_wh = inference_input_size(cfg)
    path = export_onnx(
        model,
        output or default_export_path(cfg, weights, input_wh),
        input_wh,
        dynamic=dynamic,
        peaks=cfg.DECODE.TOP_K if peaks else 0,
        decode=DecodeParams.from_config(cfg) if decode else None,
        config_text=cfg.dump(),
    )
    return path, input_wh


def cached_export(
    model: nn.Module, weights, path, input_wh, config_text: str = "", peaks: int = 0
) -> Path:
    """`export_onnx` of `model` (loaded from the checkpoint file `weights`) to `path`, unless
    the file there was exported from the same checkpoint file (path, size, modification
    time) at the same input size, `peaks` and config: exporting costs seconds, and the
    automatic backend exports at every start."""
    weights, path = Path(weights).resolve(), Path(path)
    stat = weights.stat()
    digest = hashlib.sha1(config_text.encode()).hexdigest()
    size = f"{input_wh[0]}x{input_wh[1]}"
    source = f"{weights}|{stat.st_size}|{stat.st_mtime_ns}|{size}|peaks {peaks}|{digest}"
    if path.is_file():
        try:
            if onnx_metadata(path, ONNX_SOURCE_KEY) == source:
                return path
        except CheckpointError:
            pass  # a damaged file is exported again
    return export_onnx(model, path, input_wh, peaks=peaks, config_text=config_text, source=source)
