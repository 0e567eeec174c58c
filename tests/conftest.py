"""Shared test settings."""

#: Config overrides for a small, fast network (ResNet-34 trunk, thin heads, 256 x 160 input)
#: used wherever a test needs a real model but not a good one.
SMALL_MODEL = [
    "MODEL.ARCH",
    "resnet34",
    "MODEL.HEAD_CONV",
    "32",
    "MODEL.REID_DIM",
    "16",
    "INPUT.WIDTH",
    "256",
    "INPUT.HEIGHT",
    "160",
]
