"""Backbones (trunks) of the network."""

from .dla import DLA, dla34
from .hrnet import HRNet
from .resnet import deconv_stage, resnet_trunk, stage_channels

__all__ = ["DLA", "HRNet", "deconv_stage", "dla34", "resnet_trunk", "stage_channels"]
