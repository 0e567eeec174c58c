"""Run exported networks (`inference.export_onnx`) with ONNX Runtime in the `Detector`'s
network role: the choice of providers (TensorRT, CUDA, the CPU) and TensorRT's engine cache.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import numpy as np
import torch

from ..models.checkpoint import CheckpointError
from ..models.decode import PEAK_INDEX

logger = logging.getLogger(__name__)

TENSORRT = "TensorrtExecutionProvider"


def default_providers(model_path=None) -> list:
    """ONNX Runtime providers in order of preference among those installed: TensorRT,
    CUDA, then the CPU. Given the model file `model_path`, TensorRT comes with its options
    (`tensorrt_options`: its engines cached)."""
    import onnxruntime as ort

    available = ort.get_available_providers()
    preferred = (TENSORRT, "CUDAExecutionProvider", "CPUExecutionProvider")
    providers = [p for p in preferred if p in available]
    if model_path is not None and TENSORRT in providers:
        providers[0] = (TENSORRT, tensorrt_options(model_path))
    return providers


def tensorrt_options(model_path) -> dict:
    """TensorRT's provider options for the model file `model_path`: its engines cached in
    `<model>.trt/<digest of the file>`. Building them takes minutes, so they are kept; and
    ONNX Runtime's cache does not notice a model re-exported to the same file with new
    weights, so the folder is named by the file's content (the folders of earlier contents
    are removed). Where the folder cannot be made (a read-only model folder), no cache."""
    path = Path(model_path)
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()[:16]
    root = path.with_suffix(".trt")
    for stale in root.glob("*"):
        if stale.name != digest:
            shutil.rmtree(stale, ignore_errors=True)
    cache = root / digest
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("TensorRT engines not cached (%s): each run builds them again", exc)
        return {}
    return {"trt_engine_cache_enable": True, "trt_engine_cache_path": str(cache)}


class OnnxRuntimeNetwork:
    """An exported network run by ONNX Runtime, in the `Detector`'s network role: called
    with a (1, 3, H, W) float tensor, returns the dict of its outputs as torch tensors (the
    head maps, or the outputs at the heatmap peaks where `at_peaks`).

    Raises:
        ValueError: the file is not an exported FairMOT network, or the runtime cannot run
            it (an operator it lacks), or `input_wh` differs from a fixed input size.
    """

    two_stage = False
    concurrent = True  # session.run takes calls from several threads; one frame each

    def __init__(self, path, input_wh=None, providers=None, threads: int | None = None):
        import onnxruntime as ort

        self.path = Path(path)
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # Threads that spin after a run take the CPU from decode, association and frame
        # reading, which run between the network's calls.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:  # the model file is read by TensorRT's options too, where it is installed
            providers = providers or default_providers(self.path)
            self.session = ort.InferenceSession(str(self.path), options, providers=providers)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise CheckpointError(
                f"{self.path}: ONNX Runtime cannot load this model ({exc})"
            ) from None
        self.output_names = [o.name for o in self.session.get_outputs()]
        if "detections" in self.output_names:
            raise CheckpointError(
                f"{self.path} was exported with decode in the graph (for applications); track "
                "with a model exported without --decode"
            )
        self.at_peaks = PEAK_INDEX in self.output_names
        head_maps = {"peak_scores", PEAK_INDEX, "wh"} if self.at_peaks else {"hm", "wh"}
        if not head_maps <= set(self.output_names):
            raise CheckpointError(
                f"{self.path}: not an exported FairMOT network (outputs {self.output_names})"
            )
        shape = self.session.get_inputs()[0].shape
        fixed = all(isinstance(d, int) for d in shape[2:])
        if fixed and input_wh is not None and tuple(shape[:1:-1]) != tuple(input_wh):
            raise CheckpointError(
                f"{self.path} was exported for {shape[3]}x{shape[2]} input, the config asks "
                f"for {input_wh[0]}x{input_wh[1]} (INPUT.TEST_WIDTH / TEST_HEIGHT)"
            )

    def to(self, device):
        return self  # ONNX Runtime places the model by its providers

    def eval(self):
        return self

    def __call__(self, blob: torch.Tensor) -> dict:
        array = np.ascontiguousarray(blob.detach().cpu().numpy(), dtype=np.float32)
        outputs = self.session.run(self.output_names, {"input": array})
        return {name: torch.from_numpy(o) for name, o in zip(self.output_names, outputs)}
