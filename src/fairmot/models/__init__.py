"""Models layer: backbones (DLA-34, ResNet, HRNet), necks, the four heads, checkpoints.

`build_model(cfg)` returns the network; `load_checkpoint(model, path, strict)` reads the
released checkpoint format.
"""

from .build import ARCHITECTURES, build_model, build_network
from .checkpoint import (
    CheckpointError,
    LoadReport,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
    stored_config,
)
from .device import select_device
from .heads import FairMOTNet, head_channels

__all__ = [
    "ARCHITECTURES",
    "CheckpointError",
    "FairMOTNet",
    "LoadReport",
    "build_model",
    "build_network",
    "head_channels",
    "load_checkpoint",
    "read_checkpoint",
    "save_checkpoint",
    "select_device",
    "stored_config",
]
