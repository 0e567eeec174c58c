"""Reading and writing checkpoints in the released format `{'epoch', 'state_dict', ...}`.

- strict loading (a complete trained model): every key and shape must match; otherwise the
  error names the first missing, unexpected and mismatching keys with their shapes. A
  checkpoint with other heads (e.g. a different re-ID dimension) cannot silently load.
- non-strict loading (initialisation from a COCO CenterNet model, a pre-training with other
  heads, an ImageNet backbone file): the keys that fit are loaded; skipped and missing keys
  are returned and logged by name. A file of a sub-network (an ImageNet DLA-34 whose keys
  are those of the model's `base`) is loaded into the child module it fits best. A checkpoint
  of which nothing fits is an error.

Keys saved from a data-parallel wrapper (`module.` prefix) are accepted.
"""

from __future__ import annotations

import logging
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from ..errors import FairMOTError

logger = logging.getLogger(__name__)


class CheckpointError(FairMOTError, RuntimeError):
    """A checkpoint that does not fit the model."""


@dataclass
class LoadReport:
    """What a load did (names of the model's state-dict keys; `prefix` is the child module
    the checkpoint was loaded into, "" for the whole model)."""

    loaded: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # model keys not loaded (left at init)
    unexpected: list = field(default_factory=list)  # in the checkpoint, not in the model
    mismatched: list = field(default_factory=list)  # (key, checkpoint shape, model shape)
    prefix: str = ""


def read_checkpoint(path: str | os.PathLike, *, weights_only: bool = True):
    """The checkpoint file's contents, loaded on the CPU. `weights_only` (the default) runs
    no code from the file; resuming one's own training run turns it off (the optimiser and
    scheduler states hold more than tensors). A missing, truncated or foreign file raises
    a one-line `CheckpointError` saying which."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        return torch.load(path, map_location="cpu", weights_only=weights_only)
    except Exception as exc:  # torch raises many kinds for a corrupt or foreign file
        raise CheckpointError(
            f"cannot read checkpoint {path}: {_why_unreadable(path, exc)}"
        ) from None


def _why_unreadable(path: Path, exc: Exception) -> str:
    """One line for what torch reports in many (the weights-only notice runs to a page)."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"PK") and not zipfile.is_zipfile(path):
        return "the file is truncated or damaged (an interrupted copy or download?)"
    if not head.startswith(b"PK") and not head.startswith(b"\x80"):
        return "not a PyTorch checkpoint (neither a torch.save archive nor a pickle)"
    first = str(exc).strip().splitlines()
    return first[0] if first else type(exc).__name__


def read_state_dict(path: str | os.PathLike) -> tuple:
    """Load a checkpoint file on the CPU; returns (state_dict without `module.`, epoch)."""
    path = Path(path)
    data = read_checkpoint(path)
    if isinstance(data, dict) and "state_dict" in data:
        state, epoch = data["state_dict"], data.get("epoch")
    elif isinstance(data, dict) and all(isinstance(v, torch.Tensor) for v in data.values()):
        state, epoch = data, None  # a bare state dict (e.g. an ImageNet backbone file)
    else:
        raise CheckpointError(
            f"{path}: expected {{'epoch', 'state_dict'}} or a bare state dict, got "
            f"{type(data).__name__} with keys {list(data)[:5] if isinstance(data, dict) else ''}"
        )
    state = {(k[len("module.") :] if k.startswith("module.") else k): v for k, v in state.items()}
    return state, epoch


def _compare(model: nn.Module, state: dict, prefix: str = "") -> LoadReport:
    own = model.state_dict()
    state = {prefix + k: v for k, v in state.items()}
    report = LoadReport(prefix=prefix)
    for key, value in state.items():
        if key not in own:
            report.unexpected.append(key)
        elif tuple(value.shape) != tuple(own[key].shape):
            report.mismatched.append((key, tuple(value.shape), tuple(own[key].shape)))
        else:
            report.loaded.append(key)
    loaded = set(report.loaded)
    report.missing = [k for k in own if k not in loaded]
    return report


def _class_count_mismatch(report: LoadReport) -> str | None:
    """Words for a checkpoint trained with another number of classes (the heatmap head's
    output channels differ), the commonest mismatch with several classes."""
    for key, theirs, ours in report.mismatched:
        if key.startswith("hm.") and key.endswith(".weight") and theirs[0] != ours[0]:
            return (
                f"the checkpoint was trained with {theirs[0]} class(es), the config asks for "
                f"{ours[0]} (MODEL.NUM_CLASSES, DATA.CLASSES)"
            )
    return None


def _describe(report: LoadReport, limit: int = 5) -> str:
    parts = [] if _class_count_mismatch(report) is None else [_class_count_mismatch(report)]
    if report.mismatched:
        shown = ", ".join(
            f"{k}: checkpoint {c} vs model {m}" for k, c, m in report.mismatched[:limit]
        )
        parts.append(f"{len(report.mismatched)} shape mismatch(es): {shown}")
    mismatched = {k for k, *_ in report.mismatched}
    absent = [k for k in report.missing if k not in mismatched]
    if absent:
        parts.append(
            f"{len(absent)} key(s) missing from the checkpoint: {', '.join(absent[:limit])}"
        )
    if report.unexpected:
        parts.append(
            f"{len(report.unexpected)} key(s) the model does not have: "
            f"{', '.join(report.unexpected[:limit])}"
        )
    return "; ".join(parts)


def load_checkpoint(model: nn.Module, path: str | os.PathLike, strict: bool = True) -> LoadReport:
    """Load `path` into `model` (see the module docstring for the two modes)."""
    state, epoch = read_state_dict(path)
    report = _compare(model, state)
    if not strict and not report.loaded:
        # Perhaps the file of a sub-network: try each child module, keep the best fit.
        candidates = [_compare(model, state, f"{name}.") for name, _ in model.named_children()]
        best = max(candidates, key=lambda r: len(r.loaded), default=report)
        report = best if best.loaded else report
    state = {report.prefix + k: v for k, v in state.items()}
    if strict and (report.missing or report.unexpected or report.mismatched):
        raise CheckpointError(
            f"{path} does not fit the model ({type(model).__name__}): {_describe(report)}. "
            "Check MODEL.ARCH, MODEL.REID_DIM, MODEL.LTRB, MODEL.NUM_CLASSES and "
            "MODEL.HEAD_CONV against the checkpoint, or load it non-strictly to initialise."
        )
    if not report.loaded:
        raise CheckpointError(
            f"nothing in {path} fits the model ({type(model).__name__}): {_describe(report)}"
        )
    model.load_state_dict({k: state[k] for k in report.loaded}, strict=False)
    if not strict:
        where = f" into {report.prefix[:-1]}" if report.prefix else ""
        logger.info(
            "loaded %d tensors from %s%s (epoch %s)", len(report.loaded), path, where, epoch
        )
        if report.mismatched or report.unexpected:
            logger.warning(
                "%s: skipped (not in the model, or another shape): %s",
                path,
                ", ".join([k for k, *_ in report.mismatched] + report.unexpected),
            )
        if report.missing:
            logger.warning("%s: left at initialisation: %s", path, ", ".join(report.missing))
    return report


#: Metadata key of the config in an exported ONNX model (`inference.export_onnx`).
ONNX_CONFIG_KEY = "fairmot_config"
#: Metadata key of what a cached export was made from (`inference.export_onnx`).
ONNX_SOURCE_KEY = "fairmot_source"


def stored_config(path: str | os.PathLike | None) -> tuple | None:
    """(YAML text of the config a checkpoint was trained with, a description of where it
    comes from); the text is "" for a checkpoint without one (the authors' releases). An
    exported .onnx model carries its checkpoint's config in its metadata. None when no
    path is given (a tool run without --weights)."""
    if not path:
        return None
    path = Path(path)
    if path.suffix == ".onnx":
        return onnx_metadata(path, ONNX_CONFIG_KEY), f"the config stored in {path}"
    data = read_checkpoint(path)
    text = data.get("config", "") if isinstance(data, dict) else ""
    return (text if isinstance(text, str) else ""), f"the config stored in {path}"


def onnx_metadata(path: Path, key: str) -> str:
    """The metadata entry `key` of an ONNX model ("" when it has none)."""
    import onnx

    if not path.is_file():
        raise CheckpointError(f"model not found: {path}")
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:  # onnx raises DecodeError and others for a foreign file
        raise CheckpointError(f"cannot read ONNX model {path}: {exc}") from exc
    return next((p.value for p in model.metadata_props if p.key == key), "")


def save_checkpoint(path: str | os.PathLike, model: nn.Module, epoch: int, **extra) -> None:
    """Write `{'epoch', 'state_dict', **extra}` atomically (temporary file + rename), so an
    interrupted write leaves the previous checkpoint intact. The state dict has no `module.`
    prefix, so the original code's loader reads it too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = model.module.state_dict() if hasattr(model, "module") else model.state_dict()
    atomic_save({"epoch": epoch, "state_dict": state, **extra}, path)


def atomic_save(state: dict, path: str | os.PathLike) -> None:
    """torch.save through a temporary file renamed into place: a crash mid-write leaves the
    previous file intact."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    torch.save(state, tmp)
    os.replace(tmp, path)
