"""Target encoding against the original's (tests/fixtures/targets_*.npz)."""

import numpy as np
import pytest

from fairmot.data.letterbox import letterbox
from fairmot.data.targets import (
    TooManyObjectsError,
    draw_gaussians,
    encode_targets,
    labels_to_input,
)
from tests import reference as fixtures
from tests.reference import needs_reference


def offsets(ref):
    """Identity offset per data set: the original's tid_start_index."""
    return dict(zip(ref["dataset_order"].tolist(), ref["tid_start_index"].astype(int).tolist()))


@pytest.mark.parametrize(
    "name, size", [("targets_1088x608", (1088, 608)), ("targets_576x320", (576, 320))]
)
@pytest.mark.parametrize("case", [0, 1, 2, 3])
@needs_reference
def test_targets_equal_the_original(name, size, case):
    ref = fixtures.load(name)
    image = ref[f"case{case}_image_bgr"]
    padded, ratio, dw, dh = letterbox(image, *size)
    np.testing.assert_array_equal(padded[:, :, ::-1], ref[f"case{case}_input_rgb_u8"])
    labels = labels_to_input(
        ref[f"case{case}_labels"], (image.shape[1], image.shape[0]), ratio, (dw, dh), size
    )
    ids = labels[:, 1].astype(np.int64)
    ids = np.where(ids > -1, ids + offsets(ref)[str(ref[f"case{case}_dataset"])], -1)
    targets = encode_targets(
        labels[:, 2:6], labels[:, 0].astype(int), ids, output_wh=(size[0] // 4, size[1] // 4)
    )
    np.testing.assert_allclose(targets["hm"], ref[f"case{case}_hm"], rtol=0, atol=1e-6)
    # Everything else equals the original bit for bit (same float32 operations).
    for key in ("ind", "reg_mask", "ids", "wh", "reg", "bbox"):
        np.testing.assert_array_equal(targets[key], ref[f"case{case}_{key}"], err_msg=key)


def test_gaussian_splat_by_hand():
    hm = np.zeros((7, 7), np.float32)
    draw_gaussians(hm, np.array([[3, 3], [0, 0]]), np.array([1, 0]))
    sigma = 3 / 6
    assert hm[3, 3] == 1 and hm[0, 0] == 1
    assert hm[3, 4] == pytest.approx(np.exp(-1 / (2 * sigma**2)))
    assert hm[4, 4] == pytest.approx(np.exp(-2 / (2 * sigma**2)))
    assert hm[3, 5] == 0  # outside the 3x3 window


def test_too_many_objects():
    boxes = np.tile([[0.5, 0.5, 0.1, 0.2]], (6, 1))
    with pytest.raises(TooManyObjectsError, match="6 objects in one image, more than max_objs = 5"):
        encode_targets(boxes, np.zeros(6, int), np.arange(6), output_wh=(16, 8), max_objs=5)
    targets = encode_targets(
        boxes, np.zeros(6, int), np.arange(6), output_wh=(16, 8), max_objs=5, truncate=True
    )
    assert targets["reg_mask"].sum() == 5
