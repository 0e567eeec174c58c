"""Modulated deformable convolution (DCNv2) without a compiled extension.

Parameter names match the DCNv2 extension the released FairMOT models were trained with:
`weight`, `bias` and `conv_offset_mask` (a 3x3 convolution predicting, per kernel tap,
a y and an x offset and a modulation logit: 2 * 9 offset channels then 9 mask channels,
the mask passed through a sigmoid).

Two implementations with the same semantics (torchvision's: bilinear sampling, zero outside
the input, offsets ordered (y, x) per tap, the mask multiplying each tap):

- "torchvision": `torchvision.ops.deform_conv2d` (CPU and CUDA).
- "gather" (CPU): the bilinear sampling as one `F.embedding_bag` over a channels-last table
  of the input (each output pixel and tap is a bag of its four neighbour rows, weighted by
  bilinear weight x mask; out-of-image neighbours point at a zero row), then one matrix
  multiplication with the weights. torchvision's CPU kernel samples channel by channel and
  spends most of FairMOT's time there (74-77 %: docs/network.md); gathering whole channel rows is
  about 5x faster for the 64-channel stride-4 layers, equal to 1e-6 relative, and
  differentiable through autograd (embedding_bag has gradients for both the table and the
  weights).

"auto" (the default) takes "gather" for float32/float64 on the CPU with one offset group,
torchvision otherwise.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import deform_conv2d

IMPLEMENTATIONS = ("auto", "gather", "torchvision")


def _pair(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def deform_conv2d_gather(
    x: torch.Tensor,
    offset: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride=1,
    padding=0,
    dilation=1,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Modulated deformable convolution by row gathers (one offset group, groups = 1).

    Args:
        x: (B, C, H, W) input.
        offset: (B, 2*K, Ho, Wo), channel 2k the y and 2k+1 the x offset of tap k
            (K = kh * kw taps in row-major order), in input pixels.
        weight: (Cout, C, kh, kw); bias: (Cout,) or None.
        mask: (B, K, Ho, Wo) modulation, or None for 1.

    Returns:
        (B, Cout, Ho, Wo), laid out channels-last in memory.
    """
    batch, channels, height, width = x.shape
    out_channels, in_channels, kh, kw = weight.shape
    if in_channels != channels or offset.shape[1] != 2 * kh * kw:
        raise ValueError(
            f"deform_conv2d_gather supports one offset group and groups=1: input {channels} "
            f"channels, weight {tuple(weight.shape)}, offset {tuple(offset.shape)}"
        )
    sample_y, sample_x = _sample_points(offset, (kh, kw), stride, padding, dilation, x.dtype)
    indices, weights = _bilinear_bags(sample_y, sample_x, (height, width), mask)
    # The table holds each image's pixels as rows plus a zero row, images one after the other.
    zero_row = height * width
    table = torch.cat(
        [x.permute(0, 2, 3, 1).reshape(batch, zero_row, channels), x.new_zeros(batch, 1, channels)],
        dim=1,
    ).reshape(-1, channels)
    sampled = F.embedding_bag(indices, table, mode="sum", per_sample_weights=weights)
    out_h, out_w = offset.shape[-2:]
    sampled = sampled.view(batch, out_h * out_w, kh * kw * channels)
    matrix = weight.permute(0, 2, 3, 1).reshape(out_channels, kh * kw * channels)
    out = torch.matmul(sampled, matrix.t())
    if bias is not None:
        out = out + bias
    return out.view(batch, out_h, out_w, out_channels).permute(0, 3, 1, 2)


def _sample_points(offset, kernel, stride, padding, dilation, dtype) -> tuple:
    """(B, K, Ho, Wo) y and x input coordinates each tap samples: the regular grid of the
    convolution plus the learned offsets."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, _pair(stride), _pair(padding)
    dh, dw = _pair(dilation)
    out_h, out_w = offset.shape[-2:]
    device, taps = offset.device, kh * kw
    rows = (torch.arange(out_h, dtype=dtype, device=device) * sh - ph).view(1, 1, out_h, 1)
    cols = (torch.arange(out_w, dtype=dtype, device=device) * sw - pw).view(1, 1, 1, out_w)
    tap_y = (torch.arange(kh, dtype=dtype, device=device) * dh).repeat_interleave(kw)
    tap_x = (torch.arange(kw, dtype=dtype, device=device) * dw).repeat(kh)
    sample_y = rows + tap_y.view(1, taps, 1, 1) + offset[:, 0::2]
    sample_x = cols + tap_x.view(1, taps, 1, 1) + offset[:, 1::2]
    return sample_y, sample_x


def _bilinear_bags(sample_y, sample_x, size, mask) -> tuple:
    """Rows of the pixel table and bilinear weights (times the modulation) of the 4
    neighbours of every sample point: (N, 4) each, bags ordered (batch, output pixel, tap).
    Neighbours outside the image point at the image's zero row."""
    height, width = size
    batch = sample_y.shape[0]
    y0, x0 = torch.floor(sample_y), torch.floor(sample_x)
    frac_y, frac_x = sample_y - y0, sample_x - x0
    y0, x0 = y0.long(), x0.long()
    zero_row = height * width
    indices, weights = [], []
    for dy, weight_y in ((0, 1 - frac_y), (1, frac_y)):
        for dx, weight_x in ((0, 1 - frac_x), (1, frac_x)):
            yy, xx = y0 + dy, x0 + dx
            inside = (yy >= 0) & (yy < height) & (xx >= 0) & (xx < width)
            indices.append(torch.where(inside, yy * width + xx, zero_row))
            weights.append(weight_y * weight_x if mask is None else weight_y * weight_x * mask)
    first_row = (torch.arange(batch, device=y0.device) * (zero_row + 1)).view(batch, 1, 1, 1, 1)
    indices = (torch.stack(indices, -1) + first_row).permute(0, 2, 3, 1, 4).reshape(-1, 4)
    weights = torch.stack(weights, -1).permute(0, 2, 3, 1, 4).reshape(-1, 4)
    return indices, weights


class ModulatedDeformConv2d(nn.Module):
    """DCNv2 layer: a 3x3 (by default) convolution sampling at learned, modulated offsets.

    Args:
        in_channels, out_channels: channel counts.
        kernel_size, stride, padding, dilation: as for nn.Conv2d (square kernels).
        deformable_groups: offset groups (the released models use 1).
        implementation: "auto", "gather" or "torchvision" (see the module docstring); an
            attribute, so `set_deform_conv_implementation` can switch a built model.

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
        implementation: str = "auto",
    ):
        super().__init__()
        if implementation not in IMPLEMENTATIONS:
            raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}")
        self.implementation = implementation
        self.deformable_groups = deformable_groups
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
        weight, bias = self.weight, self.bias
        out_dtype, device = None, x.device.type
        autocast = torch.is_autocast_enabled(device)
        if autocast or x.dtype in (torch.float16, torch.bfloat16):
            # Computed in float32 and handed back in the caller's precision: neither CPU path
            # has a half-precision kernel, torchvision's CUDA kernel none for bf16, and its
            # fp16 one would sample at fp16 coordinates (steps of 1/4 cell beyond 256 cells).
            out_dtype = torch.get_autocast_dtype(device) if autocast else x.dtype
            x, offset, mask = x.float(), offset.float(), mask.float()
            weight, bias = weight.float(), bias.float()
        with torch.autocast(device, enabled=False):
            out = self._convolve(x, offset, mask, weight, bias)
        return out if out_dtype is None else out.to(out_dtype)

    def _convolve(self, x, offset, mask, weight, bias):
        gather = self.implementation == "gather" or (
            self.implementation == "auto"
            and x.device.type == "cpu"
            and x.dtype in (torch.float32, torch.float64)
            and self.deformable_groups == 1
        )
        function = deform_conv2d_gather if gather else deform_conv2d
        return function(
            x,
            offset,
            weight,
            bias,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            mask=mask,
        )


def set_deform_conv_implementation(model: nn.Module, implementation: str) -> int:
    """Switch every deformable convolution in `model`; returns how many were switched."""
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}")
    layers = [m for m in model.modules() if isinstance(m, ModulatedDeformConv2d)]
    for layer in layers:
        layer.implementation = implementation
    return len(layers)
