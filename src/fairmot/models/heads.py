"""The four FairMOT heads and the network base class that owns them."""

from __future__ import annotations

import torch
from torch import nn

#: Output stride of every head map.
OUTPUT_STRIDE = 4
#: Input height and width must be multiples of this (the deepest level has stride 32).
INPUT_MULTIPLE = 32


def make_head(in_channels: int, out_channels: int, head_conv: int) -> nn.Sequential:
    """conv3x3(in -> head_conv) -> ReLU -> conv1x1(head_conv -> out), biases on."""
    return nn.Sequential(
        nn.Conv2d(in_channels, head_conv, kernel_size=3, padding=1, bias=True),
        nn.ReLU(inplace=True),
        nn.Conv2d(head_conv, out_channels, kernel_size=1, stride=1, padding=0, bias=True),
    )


def head_channels(num_classes: int, ltrb: bool, reid_dim: int) -> dict:
    """Channels of each head, in the released models' order: hm, wh, reg, id."""
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    if reid_dim < 1:
        raise ValueError(f"reid_dim must be at least 1, got {reid_dim}")
    return {"hm": num_classes, "wh": 4 if ltrb else 2, "reg": 2, "id": reid_dim}


class FairMOTNet(nn.Module):
    """A trunk producing a stride-4 feature map, and the heads reading it.

    Subclasses build their trunk modules, then call `add_heads`, and implement `features`.
    Registration order makes the state dict list the trunk first, then hm, wh, reg, id.

    forward: (B, 3, H, W) float, H and W multiples of 32 -> dict of raw head outputs
    `hm` (B, num_classes, H/4, W/4) logits, `wh` (B, 4 or 2, H/4, W/4) in output-grid units,
    `reg` (B, 2, H/4, W/4), `id` (B, reid_dim, H/4, W/4) un-normalised embeddings.
    """

    def add_heads(self, in_channels: int, heads: dict, head_conv: int, hm_bias: float) -> None:
        self.head_names = list(heads)
        for name, channels in heads.items():
            head = make_head(in_channels, channels, head_conv)
            if name == "hm":
                nn.init.constant_(head[-1].bias, hm_bias)
            else:
                for module in head:
                    if isinstance(module, nn.Conv2d):
                        nn.init.zeros_(module.bias)
            self.add_module(name, head)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> dict:
        height, width = x.shape[-2:]
        if x.dim() != 4 or height % INPUT_MULTIPLE or width % INPUT_MULTIPLE:
            raise ValueError(
                f"input must be (B, 3, H, W) with H and W multiples of {INPUT_MULTIPLE}; got "
                f"{tuple(x.shape)}. Letterbox frames to a size such as 1088x608 or 576x320 "
                "(INPUT.WIDTH, INPUT.HEIGHT)."
            )
        feature = self.features(x)
        return {name: getattr(self, name)(feature) for name in self.head_names}
