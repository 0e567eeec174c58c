"""Counting a network's floating-point operations (FLOPs = 2 x multiply-accumulates).

Counted: convolutions, transposed convolutions, linear layers, and deformable convolutions
as their convolution plus the bilinear sampling, 9 FLOPs per sampled value (four
multiply-adds and the modulation). Not counted: normalisation, activations, additions,
interpolation (memory-bound and small next to the convolutions).
"""

from __future__ import annotations

import torch
from torch import nn

from .layers import ModulatedDeformConv2d

SAMPLING_FLOPS = 9


def _conv_flops(module: nn.Conv2d, output: torch.Tensor) -> int:
    kh, kw = module.kernel_size
    per_output = 2 * (module.in_channels // module.groups) * kh * kw
    return per_output * output.numel()


def _transposed_flops(module: nn.ConvTranspose2d, inputs: torch.Tensor) -> int:
    kh, kw = module.kernel_size
    batch, _, height, width = inputs.shape
    per_input = 2 * (module.out_channels // module.groups) * kh * kw
    return per_input * module.in_channels * batch * height * width


def _deform_flops(module: ModulatedDeformConv2d, output: torch.Tensor) -> int:
    in_channels = module.weight.shape[1]
    taps = module.kernel_size * module.kernel_size
    positions = output.numel() // output.shape[1]
    convolution = 2 * in_channels * taps * output.numel()
    return convolution + SAMPLING_FLOPS * in_channels * taps * positions


@torch.no_grad()
def count_flops(model: nn.Module, inputs: torch.Tensor) -> dict:
    """Run `model(inputs)` once and count FLOPs by layer type.

    Returns:
        {"conv": ..., "deform_conv": ..., "conv_transpose": ..., "linear": ..., "total": ...}.
    """
    counts = {"conv": 0, "deform_conv": 0, "conv_transpose": 0, "linear": 0}

    def hook(module, args, output):
        if isinstance(module, ModulatedDeformConv2d):
            counts["deform_conv"] += _deform_flops(module, output)
        elif isinstance(module, nn.Conv2d):
            counts["conv"] += _conv_flops(module, output)
        elif isinstance(module, nn.ConvTranspose2d):
            counts["conv_transpose"] += _transposed_flops(module, args[0])
        elif isinstance(module, nn.Linear):
            counts["linear"] += 2 * module.in_features * output.numel()

    kinds = (ModulatedDeformConv2d, nn.Conv2d, nn.ConvTranspose2d, nn.Linear)
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, kinds)]
    was_training = model.training
    try:
        model.eval()
        model(inputs)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    counts["total"] = sum(counts.values())
    return counts
