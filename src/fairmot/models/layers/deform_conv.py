"""Modulated deformable convolution (DCNv2) on top of `torchvision.ops.deform_conv2d`.

Parameter names match the DCNv2 extension the released FairMOT models were trained with:
`weight`, `bias` and `conv_offset_mask` (a 3x3 convolution predicting, per kernel tap,
a y and an x offset and a modulation logit: 2 * 9 offset channels then 9 mask channels,
the mask passed through a sigmoid). No compiled extension is needed.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torchvision.ops import deform_conv2d


class ModulatedDeformConv2d(nn.Module):
    """DCNv2 layer: a 3x3 (by default) convolution sampling at learned, modulated offsets.

    Args:
        in_channels, out_channels: channel counts.
        kernel_size, stride, padding, dilation: as for nn.Conv2d (square kernels).
        deformable_groups: offset groups (the released models use 1).

    Shapes:
        input (B, in_channels, H, W) -> output (B, out_channels, H', W').
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        padding: int = 1,
        dilation: int = 1,
        deformable_groups: int = 1,
    ):
        super().__init__()
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.kernel_size = kernel_size
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels))
        taps = deformable_groups * kernel_size * kernel_size
        self.conv_offset_mask = nn.Conv2d(
            in_channels,
            3 * taps,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            bias=True,
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # As DCNv2: uniform weights scaled by fan-in, zero bias; zero offsets and mask logits
        # (mask 0.5) so training starts from a regular convolution.
        fan_in = self.weight.shape[1] * self.kernel_size * self.kernel_size
        bound = 1.0 / math.sqrt(fan_in)
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.zeros_(self.bias)
        nn.init.zeros_(self.conv_offset_mask.weight)
        nn.init.zeros_(self.conv_offset_mask.bias)

    def offsets_and_mask(self, x: torch.Tensor):
        """(offset (B, 2*taps, H', W'), mask (B, taps, H', W')) predicted from `x`."""
        out = self.conv_offset_mask(x)
        taps = out.shape[1] // 3
        return out[:, : 2 * taps], torch.sigmoid(out[:, 2 * taps :])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        offset, mask = self.offsets_and_mask(x)
        if x.device.type == "cpu" and (
            torch.is_autocast_enabled("cpu") or x.dtype in (torch.float16, torch.bfloat16)
        ):
            # torchvision's CPU kernel has no half-precision path: compute in float32 and
            # hand back the precision the caller runs in.
            out_dtype = (
                torch.get_autocast_dtype("cpu") if torch.is_autocast_enabled("cpu") else x.dtype
            )
            with torch.autocast("cpu", enabled=False):
                out = deform_conv2d(
                    x.float(),
                    offset.float(),
                    self.weight.float(),
                    self.bias.float(),
                    stride=self.stride,
                    padding=self.padding,
                    dilation=self.dilation,
                    mask=mask.float(),
                )
            return out.to(out_dtype)
        return deform_conv2d(
            x,
            offset,
            self.weight,
            self.bias,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            mask=mask,
        )
