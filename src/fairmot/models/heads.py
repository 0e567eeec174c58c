"""The four FairMOT heads and the network base class that owns them."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import roi_align

from .decode import PEAK_INDEX, top_peaks

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


def heads_at_points(heads: list, feature: torch.Tensor, inds: torch.Tensor) -> list:
    """`make_head` heads evaluated at K grid points only, not over the whole map.

    The same arithmetic as running each head densely and reading the points (each 3x3
    convolution is its 3x3 patch of `feature` times the weights, zero outside the map), at a
    fraction of the cost: decode reads the size, offset and re-ID heads only at the top-K
    heatmap peaks (K = 500 of 11,520 cells at 576x320).

    Args:
        heads: modules built by `make_head`; feature: (B, C, H, W); inds: (B, K) flat
            indices into H * W.

    Returns:
        one (B, K, out_channels) tensor per head.
    """
    batch, channels, height, width = feature.shape
    k = inds.shape[1]
    # Rows of the zero-padded map: the patch of point (y, x) starts at padded (y, x).
    padded = F.pad(feature, (1, 1, 1, 1)).reshape(batch, channels, -1)
    ys = torch.div(inds, width, rounding_mode="floor")
    corner = ys * (width + 2) + (inds - ys * width)
    row = torch.arange(3, device=inds.device)
    taps = (row[:, None] * (width + 2) + row[None, :]).reshape(9)
    index = (corner[:, :, None] + taps).reshape(batch, 1, k * 9).expand(-1, channels, -1)
    patches = padded.gather(2, index).reshape(batch, channels, k, 9)
    patches = patches.permute(0, 2, 1, 3).reshape(batch, k, channels * 9)
    first = [head[0] for head in heads]
    weight = torch.cat([conv.weight.reshape(conv.out_channels, -1) for conv in first])
    hidden = torch.relu(F.linear(patches, weight, torch.cat([conv.bias for conv in first])))
    hidden = hidden.split([conv.out_channels for conv in first], dim=2)
    return [F.linear(h, head[2].weight.flatten(1), head[2].bias) for h, head in zip(hidden, heads)]


def head_channels(num_classes: int, ltrb: bool, reid_dim: int) -> dict:
    """Channels of each head, in the released models' order: hm, wh, reg, id."""
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    if reid_dim < 1:
        raise ValueError(f"reid_dim must be at least 1, got {reid_dim}")
    return {"hm": num_classes, "wh": 4 if ltrb else 2, "reg": 2, "id": reid_dim}


class RoIReIDHead(nn.Module):
    """The two-stage re-ID head (paper Table 1, "Two-Stage"): RoIAlign of the trunk's
    stride-4 feature map inside each box, then two fully connected layers.

    Args:
        in_channels: channels of the feature map; reid_dim: embedding size.
        pool_size: RoIAlign output cells per side; fc_dim: hidden width.

    forward(feature (B, C, H, W), rois (R, 5) batch index, x1 y1 x2 y2 in output-grid units)
    -> (R, reid_dim) un-normalised embeddings.
    """

    def __init__(self, in_channels: int, reid_dim: int, pool_size: int = 7, fc_dim: int = 256):
        super().__init__()
        self.pool_size = pool_size
        self.fc1 = nn.Linear(in_channels * pool_size * pool_size, fc_dim)
        self.fc2 = nn.Linear(fc_dim, reid_dim)

    def forward(self, feature: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        # pooled in float32 (torchvision has no bf16 CPU kernel), the layers in their dtype
        pooled = roi_align(
            feature.float(),
            rois.float(),
            self.pool_size,
            spatial_scale=1.0,
            sampling_ratio=2,
            aligned=True,
        )
        pooled = pooled.flatten(1).to(self.fc1.weight.dtype)
        return self.fc2(torch.relu(self.fc1(pooled)))


class FairMOTNet(nn.Module):
    """A trunk producing a stride-4 feature map, and the heads reading it.

    Subclasses build their trunk modules, then call `add_heads`, and implement `features`.
    Registration order makes the state dict list the trunk first, then hm, wh, reg, id.

    forward: (B, 3, H, W) float, H and W multiples of 32 -> dict of raw head outputs
    `hm` (B, num_classes, H/4, W/4) logits, `wh` (B, 4 or 2, H/4, W/4) in output-grid units,
    `reg` (B, 2, H/4, W/4), `id` (B, reid_dim, H/4, W/4) un-normalised embeddings. A
    two-stage network (`set_roi_reid_head`) has no `id` map; it returns the trunk's
    `feature` map (B, C, H/4, W/4) instead, which `embed_boxes` reads.
    """

    def __init__(self):
        super().__init__()
        self.roi_id: RoIReIDHead | None = None

    def add_heads(self, in_channels: int, heads: dict, head_conv: int, hm_bias: float) -> None:
        self.feature_channels = in_channels
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

    @property
    def two_stage(self) -> bool:
        """True when re-ID embeddings come from the RoI head on boxes (MODEL.REID_HEAD
        "roi"): the outputs then hold `feature` instead of `id`."""
        return self.roi_id is not None

    def set_roi_reid_head(self, head: RoIReIDHead) -> None:
        """Make this a two-stage network: `head` gives the re-ID embeddings (the network
        must have been built without a dense `id` head)."""
        if "id" in self.head_names:
            raise ValueError("a two-stage network has no dense 'id' head; build it without one")
        self.roi_id = head

    def embed_boxes(
        self, feature: torch.Tensor, boxes: torch.Tensor, keep: torch.Tensor
    ) -> torch.Tensor:
        """Two-stage re-ID embeddings of the boxes where `keep` is true.

        Args:
            feature: (B, C, H, W) the `feature` output; boxes: (B, K, 4) x1 y1 x2 y2 in
                output-grid units; keep: (B, K) bool.

        Returns:
            (M, reid_dim) un-normalised, in the row-major order of `keep`'s true entries.
        """
        if self.roi_id is None:
            raise ValueError("this network has no RoI re-ID head (MODEL.REID_HEAD 'roi')")
        image, slot = keep.nonzero(as_tuple=True)
        rois = torch.cat([image[:, None].to(boxes.dtype), boxes[image, slot]], dim=1)
        return self.roi_id(feature, rois)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> dict:
        check_input(x)
        feature = self.features(x)
        outputs = {name: getattr(self, name)(feature) for name in self.head_names}
        if self.roi_id is not None:
            outputs["feature"] = feature
        return outputs

    def forward_peaks(self, x: torch.Tensor, k: int) -> dict:
        """The outputs decode reads, the heads other than `hm` evaluated at the top-`k`
        heatmap peaks only (`heads_at_points`; inference, one-stage networks).

        Returns:
            `peak_scores` (B, k) heatmap scores after the sigmoid, best first; `peak_index`
            (B, k) int64 flat indices into C * H/4 * W/4 of the heatmap; and per other head
            (`wh`, `reg`, `id`) its (B, k, channels) values at the peaks.
        """
        if self.two_stage:
            raise ValueError("a two-stage network embeds boxes, not peaks: use forward()")
        check_input(x)
        feature = self.features(x)
        scores, flat = top_peaks(self.hm(feature).float().sigmoid(), k)
        names = [name for name in self.head_names if name != "hm"]
        inds = flat % (feature.shape[-2] * feature.shape[-1])
        values = heads_at_points([getattr(self, name) for name in names], feature, inds)
        return {"peak_scores": scores, PEAK_INDEX: flat, **dict(zip(names, values))}


def check_input(x: torch.Tensor) -> None:
    """A network input must be (B, 3, H, W) with H and W multiples of INPUT_MULTIPLE."""
    height, width = x.shape[-2:]
    if x.dim() != 4 or height % INPUT_MULTIPLE or width % INPUT_MULTIPLE:
        raise ValueError(
            f"input must be (B, 3, H, W) with H and W multiples of {INPUT_MULTIPLE}; got "
            f"{tuple(x.shape)}. Letterbox frames to a size such as 1088x608 or 576x320 "
            "(INPUT.WIDTH, INPUT.HEIGHT)."
        )
