"""ResNet trunks (torchvision's definitions, randomly initialised: nothing is downloaded; an
ImageNet file given as MODEL.INIT_WEIGHTS loads non-strictly by the same key names)."""

from __future__ import annotations

from torch import nn
from torchvision.models import resnet18, resnet34, resnet50

RESNETS = {"resnet18": resnet18, "resnet34": resnet34, "resnet50": resnet50}


def resnet_trunk(name: str) -> dict:
    """The stem and four stages of a torchvision ResNet, as named modules.

    Returns:
        {"conv1", "bn1", "relu", "maxpool", "layer1" .. "layer4"} -> module; layer k has
        stride 2**(k+1) and 64 * 2**(k-1) * expansion channels.
    """
    if name not in RESNETS:
        raise ValueError(f"unknown ResNet {name!r}; choose one of {sorted(RESNETS)}")
    net = RESNETS[name](weights=None)
    return {
        n: getattr(net, n)
        for n in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4")
    }


def stage_channels(name: str) -> list:
    """Output channels of layer1 .. layer4."""
    expansion = 4 if name == "resnet50" else 1
    return [64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion]


def deconv_stage(in_channels: int, out_channels: int, deformable: bool = True) -> list:
    """DCN 3x3 (in -> out; plain with `deformable=False`) + BN + ReLU, then a
    bilinear-initialised x2 transposed convolution + BN + ReLU (CenterNet's deformable
    up-sampling stage)."""
    from ..layers import fill_up_weights, up_conv

    up = nn.ConvTranspose2d(
        out_channels, out_channels, 4, stride=2, padding=1, output_padding=0, bias=False
    )
    fill_up_weights(up)
    return [
        up_conv(in_channels, out_channels, deformable),
        nn.BatchNorm2d(out_channels, momentum=0.1),
        nn.ReLU(inplace=True),
        up,
        nn.BatchNorm2d(out_channels, momentum=0.1),
        nn.ReLU(inplace=True),
    ]
