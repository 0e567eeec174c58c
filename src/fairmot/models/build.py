"""`build_model(cfg)`: the only place the network reads the config."""

from __future__ import annotations

from functools import partial

from torch import nn

from .heads import head_channels
from .networks import DLASeg, HRNetSeg, ResNetDCN, ResNetFPNDCN

#: MODEL.ARCH -> network constructor taking (heads, head_conv=, hm_bias=, deformable=).
ARCHITECTURES = {
    "dla34": DLASeg,
    "resnet18": partial(ResNetDCN, depth_name="resnet18"),
    "resnet34": partial(ResNetDCN, depth_name="resnet34"),
    "resnet50": partial(ResNetDCN, depth_name="resnet50"),
    "resnet18_fpn": partial(ResNetFPNDCN, depth_name="resnet18"),
    "resnet34_fpn": partial(ResNetFPNDCN, depth_name="resnet34"),
    "hrnet_w18": HRNetSeg,
}


def build_network(
    arch: str,
    heads: dict,
    head_conv: int = 256,
    hm_bias: float = -2.19,
    deformable: bool = True,
) -> nn.Module:
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown MODEL.ARCH {arch!r}; choose one of {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[arch](heads, head_conv=head_conv, hm_bias=hm_bias, deformable=deformable)


def build_model(cfg) -> nn.Module:
    """The network described by cfg.MODEL (randomly initialised; see load_checkpoint)."""
    m = cfg.MODEL
    heads = head_channels(m.NUM_CLASSES, m.LTRB, m.REID_DIM)
    return build_network(
        m.ARCH, heads, head_conv=m.HEAD_CONV, hm_bias=m.HM_BIAS_INIT, deformable=m.DEFORMABLE
    )
