"""Building blocks shared by backbones and necks."""

from .deform_conv import ModulatedDeformConv2d
from .upsample import DeformConvBlock, fill_up_weights

__all__ = ["DeformConvBlock", "ModulatedDeformConv2d", "fill_up_weights"]
