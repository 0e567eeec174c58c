"""Choosing the device the network runs on (DEVICE config key)."""

import torch

from ..config import ConfigError


def select_device(name: str) -> torch.device:
    """ "auto" (CUDA when available), "cpu", "cuda" or "cuda:N"; asking for CUDA without it
    is an error rather than a silent fall-back."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(
            f"DEVICE {name!r} requested but CUDA is not available (DEVICE cpu or auto)"
        )
    return torch.device(name)
