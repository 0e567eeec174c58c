"""`build_model(cfg)`: the only place the network reads the config."""

from __future__ import annotations

from functools import partial

from torch import nn

from .heads import RoIReIDHead, head_channels
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


#: MODEL.REID_HEAD values: the dense id map sampled at centres, or the two-stage RoI head.
REID_HEADS = ("dense", "roi")


def build_network(
    arch: str,
    heads: dict,
    head_conv: int = 256,
    hm_bias: float = -2.19,
    deformable: bool = True,
    reid_head: str = "dense",
    roi_pool_size: int = 7,
    roi_fc_dim: int = 256,
) -> nn.Module:
    """A network with the given heads ({name: channels}); with reid_head "roi" the `id`
    entry sizes a RoIReIDHead (roi_pool_size, roi_fc_dim) instead of a dense head."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown MODEL.ARCH {arch!r}; choose one of {sorted(ARCHITECTURES)}")
    if reid_head not in REID_HEADS:
        raise ValueError(f"unknown MODEL.REID_HEAD {reid_head!r}; choose one of {REID_HEADS}")
    dense = {name: c for name, c in heads.items() if reid_head == "dense" or name != "id"}
    net = ARCHITECTURES[arch](dense, head_conv=head_conv, hm_bias=hm_bias, deformable=deformable)
    if reid_head == "roi":
        net.set_roi_reid_head(
            RoIReIDHead(net.feature_channels, heads["id"], roi_pool_size, roi_fc_dim)
        )
    return net


def build_model(cfg) -> nn.Module:
    """The network described by cfg.MODEL (randomly initialised; see load_checkpoint)."""
    m = cfg.MODEL
    heads = head_channels(m.NUM_CLASSES, m.LTRB, m.REID_DIM)
    return build_network(
        m.ARCH,
        heads,
        head_conv=m.HEAD_CONV,
        hm_bias=m.HM_BIAS_INIT,
        deformable=m.DEFORMABLE,
        reid_head=m.REID_HEAD,
        roi_pool_size=m.ROI_POOL_SIZE,
        roi_fc_dim=m.ROI_FC_DIM,
    )
