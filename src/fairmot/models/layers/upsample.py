"""Up-sampling pieces: bilinear-initialised transposed convolutions and the DCN + BN + ReLU
block of the released models."""

from __future__ import annotations

import math

import torch
from torch import nn

from .deform_conv import ModulatedDeformConv2d

BN_MOMENTUM = 0.1


def fill_up_weights(up: nn.ConvTranspose2d) -> None:
    """Initialise a transposed convolution as bilinear up-sampling: every output channel's
    kernel for input channel 0 (the whole kernel of a depth-wise one), as CenterNet does."""
    weight = up.weight.data
    f = math.ceil(weight.size(2) / 2)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    rows = 1 - torch.abs(torch.arange(weight.size(2), dtype=torch.float64) / f - c)
    cols = 1 - torch.abs(torch.arange(weight.size(3), dtype=torch.float64) / f - c)
    kernel = (rows[:, None] * cols[None, :]).to(weight.dtype)
    weight[:, 0] = kernel


def up_conv(in_channels: int, out_channels: int, deformable: bool = True) -> nn.Module:
    """The 3x3 convolution of the up-sampling path: modulated deformable (the paper's), or
    with `deformable=False` a plain convolution with bias (same `weight`/`bias` names, no
    `conv_offset_mask`; about 1.5x faster to train on a CPU)."""
    if deformable:
        return ModulatedDeformConv2d(in_channels, out_channels, 3, stride=1, padding=1)
    return nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1, bias=True)


class DeformConvBlock(nn.Module):
    """Modulated deformable 3x3 convolution (plain with `deformable=False`), then BatchNorm
    and ReLU.

    Submodule names (`conv`, `actf`) are those of the released checkpoints.
    """

    def __init__(self, in_channels: int, out_channels: int, deformable: bool = True):
        super().__init__()
        self.actf = nn.Sequential(
            nn.BatchNorm2d(out_channels, momentum=BN_MOMENTUM), nn.ReLU(inplace=True)
        )
        self.conv = up_conv(in_channels, out_channels, deformable)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.actf(self.conv(x))
