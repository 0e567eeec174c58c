"""The enhanced DLA neck of FairMOT: DLAUp + IDAUp, every up-sampling step a modulated
deformable convolution, fusing strides 4-32 into one 64-channel stride-4 map.

Module names (`dla_up.ida_k.proj_i`, `up_i`, `node_i`, `ida_up.*`) are those of the released
checkpoints.
"""

from __future__ import annotations

import numpy as np
from torch import nn

from ..layers import DeformConvBlock, fill_up_weights


class IDAUp(nn.Module):
    """Iterative deep aggregation: up-sample each level to the previous one and merge."""

    def __init__(
        self, out_channels: int, channels: list, up_factors: list, deformable: bool = True
    ):
        super().__init__()
        for i in range(1, len(channels)):
            factor = int(up_factors[i])
            up = nn.ConvTranspose2d(
                out_channels,
                out_channels,
                factor * 2,
                stride=factor,
                padding=factor // 2,
                output_padding=0,
                groups=out_channels,
                bias=False,
            )
            fill_up_weights(up)
            setattr(self, f"proj_{i}", DeformConvBlock(channels[i], out_channels, deformable))
            setattr(self, f"up_{i}", up)
            setattr(self, f"node_{i}", DeformConvBlock(out_channels, out_channels, deformable))

    def forward(self, layers: list, start: int, end: int) -> None:
        """Merge layers[start+1:end] into each other in place (layers[end-1] is the result)."""
        for i in range(start + 1, end):
            k = i - start
            layers[i] = getattr(self, f"up_{k}")(getattr(self, f"proj_{k}")(layers[i]))
            layers[i] = getattr(self, f"node_{k}")(layers[i] + layers[i - 1])


class DLAUp(nn.Module):
    """Aggregate the deeper levels upwards: output k has the channels and stride of input k."""

    def __init__(self, start_level: int, channels: list, scales: list, deformable: bool = True):
        super().__init__()
        self.start_level = start_level
        in_channels = list(channels)
        scales = np.array(scales, dtype=int)
        for i in range(len(channels) - 1):
            j = -i - 2
            ida = IDAUp(channels[j], in_channels[j:], scales[j:] // scales[j], deformable)
            setattr(self, f"ida_{i}", ida)
            scales[j + 1 :] = scales[j]
            in_channels[j + 1 :] = [channels[j]] * len(in_channels[j + 1 :])

    def forward(self, layers: list) -> list:
        layers = list(layers)
        out = [layers[-1]]
        for i in range(len(layers) - self.start_level - 1):
            getattr(self, f"ida_{i}")(layers, len(layers) - i - 2, len(layers))
            out.insert(0, layers[-1])
        return out
