"""Complete FairMOT networks, one class per backbone family."""

from __future__ import annotations

import torch
from torch import nn

from .backbones import HRNet, deconv_stage, dla34, resnet_trunk, stage_channels
from .heads import FairMOTNet
from .layers import DeformConvBlock
from .necks import DLAUp, IDAUp


class DLASeg(FairMOTNet):
    """DLA-34 + DLAUp + IDAUp with deformable up-sampling (the released FairMOT model).

    Attributes `base`, `dla_up`, `ida_up` and the heads carry the released key names.
    """

    first_level, last_level = 2, 5  # stride 4 (2**2) output; levels 2..4 fused by ida_up

    def __init__(
        self, heads: dict, head_conv: int = 256, hm_bias: float = -2.19, deformable: bool = True
    ):
        super().__init__()
        self.base = dla34()
        channels = self.base.channels[self.first_level :]
        scales = [2**i for i in range(len(channels))]
        self.dla_up = DLAUp(self.first_level, channels, scales, deformable)
        span = self.last_level - self.first_level
        self.ida_up = IDAUp(channels[0], channels[:span], scales[:span], deformable)
        self.add_heads(channels[0], heads, head_conv, hm_bias)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        levels = self.dla_up(self.base(x))
        fused = [levels[i].clone() for i in range(self.last_level - self.first_level)]
        self.ida_up(fused, 0, len(fused))
        return fused[-1]


class _ResNetNet(FairMOTNet):
    """A torchvision ResNet trunk registered on the network itself (its keys stay those of
    torchvision's ImageNet files, so such a file initialises it non-strictly), an
    up-sampling path to stride 4 (`add_up_path`, per subclass), and the heads."""

    def __init__(
        self,
        heads: dict,
        head_conv: int = 256,
        hm_bias: float = -2.19,
        deformable: bool = True,
        depth_name: str = "resnet34",
    ):
        super().__init__()
        for name, module in resnet_trunk(depth_name).items():
            self.add_module(name, module)
        self.add_up_path(stage_channels(depth_name), deformable)
        self.add_heads(64, heads, head_conv, hm_bias)

    def add_up_path(self, channels: list, deformable: bool) -> None:
        """Register the layers from the stage outputs (`channels` of stages 1-4) to a
        64-channel stride-4 map."""
        raise NotImplementedError

    def stages(self, x: torch.Tensor) -> list:
        """Outputs of stages 1-4 (strides 4, 8, 16, 32)."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        outputs = []
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = layer(x)
            outputs.append(x)
        return outputs


class ResNetDCN(_ResNetNet):
    """ResNet-34/50 with three deformable up-sampling stages (256, 128, 64 channels) from
    stride 32 to stride 4 (CenterNet's resnet_dcn; paper Table 2)."""

    def add_up_path(self, channels: list, deformable: bool) -> None:
        layers, width = [], channels[-1]
        for out in (256, 128, 64):
            layers += deconv_stage(width, out, deformable)
            width = out
        self.deconv_layers = nn.Sequential(*layers)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.deconv_layers(self.stages(x)[-1])


class ResNetFPNDCN(_ResNetNet):
    """ResNet-34 with an FPN-style top-down path: each up-sampling stage (deformable conv +
    x2 transposed conv) is summed with a deformable projection of the lateral stage and
    smoothed by another deformable conv, down to stride 4 (paper Table 2, ResNet-34-FPN)."""

    def add_up_path(self, channels: list, deformable: bool) -> None:
        c2, c3, c4, c5 = channels
        widths, laterals, inputs = (256, 128, 64), (c4, c3, c2), (c5, 256, 128)
        for k, (width, lateral, inp) in enumerate(zip(widths, laterals, inputs), start=1):
            stage = deconv_stage(inp, width, deformable)
            setattr(self, f"deconv_layer{k}", nn.Sequential(*stage))
            setattr(self, f"project_layer{k}", DeformConvBlock(lateral, width, deformable))
            setattr(self, f"smooth_layer{k}", DeformConvBlock(width, width, deformable))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        c2, c3, c4, p = self.stages(x)
        for k, lateral in zip((1, 2, 3), (c4, c3, c2)):
            up = getattr(self, f"deconv_layer{k}")(p)
            p = getattr(self, f"smooth_layer{k}")(up + getattr(self, f"project_layer{k}")(lateral))
        return p


class HRNetSeg(FairMOTNet):
    """HRNet-W18; the heads read the 270-channel concatenation of its four branches."""

    def __init__(
        self, heads: dict, head_conv: int = 256, hm_bias: float = -2.19, deformable: bool = True
    ):
        super().__init__()
        if not deformable:
            raise ValueError("hrnet_w18 has no deformable layers; MODEL.DEFORMABLE must be True")
        self.backbone = HRNet()
        self.add_heads(self.backbone.out_channels, heads, head_conv, hm_bias)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.backbone(x)
