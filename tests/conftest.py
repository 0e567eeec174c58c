"""Shared test settings."""

import os
from pathlib import Path

import pytest


def reference_dir():
    """The fixtures computed by the original code: $FAIRMOT_REFERENCE_DIR, else
    ../shared/reference next to the checkout, else /work/shared/reference; None if absent."""
    candidates = (
        [Path(os.environ["FAIRMOT_REFERENCE_DIR"])] if "FAIRMOT_REFERENCE_DIR" in os.environ else []
    )
    candidates += [
        Path(__file__).resolve().parents[2] / "shared" / "reference",
        Path("/work/shared/reference"),
    ]
    return next((c for c in candidates if (c / "README.md").is_file()), None)


REFERENCE = reference_dir()
#: Marks tests that compare against the original's fixtures.
needs_reference = pytest.mark.skipif(
    REFERENCE is None,
    reason="reference fixtures (shared/reference) not found; set FAIRMOT_REFERENCE_DIR",
)


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
