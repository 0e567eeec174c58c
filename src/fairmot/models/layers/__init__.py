"""Building blocks shared by backbones and necks."""

from .deform_conv import (
    ModulatedDeformConv2d,
    deform_conv2d_gather,
    set_deform_conv_implementation,
)
from .upsample import DeformConvBlock, fill_up_weights, up_conv

__all__ = [
    "DeformConvBlock",
    "ModulatedDeformConv2d",
    "deform_conv2d_gather",
    "fill_up_weights",
    "set_deform_conv_implementation",
    "up_conv",
]
