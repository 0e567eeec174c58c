"""The box conversions: hand-computed cases, round trips, dtypes, the letterbox both ways."""

import numpy as np
import pytest

from fairmot import boxes
from fairmot.data.letterbox import letterbox_geometry

TLWH = np.array([[10.0, 20.0, 30.0, 60.0], [0.0, 0.0, 4.0, 2.0]])


def test_named_conversions_by_hand():
    np.testing.assert_array_equal(boxes.tlwh_to_tlbr(TLWH), [[10, 20, 40, 80], [0, 0, 4, 2]])
    np.testing.assert_array_equal(boxes.tlwh_to_xyah(TLWH), [[25, 50, 0.5, 60], [2, 1, 2, 2]])
    np.testing.assert_array_equal(boxes.tlwh_to_cxcywh(TLWH), [[25, 50, 30, 60], [2, 1, 4, 2]])
    cxcywh = boxes.tlwh_to_cxcywh(TLWH)
    np.testing.assert_array_equal(boxes.cxcywh_to_tlbr(cxcywh), boxes.tlwh_to_tlbr(TLWH))
    np.testing.assert_array_equal(boxes.cxcywh_to_tlwh(cxcywh), TLWH)


@pytest.mark.parametrize(
    "forward, backward",
    [
        (boxes.tlwh_to_tlbr, boxes.tlbr_to_tlwh),
        (boxes.tlwh_to_xyah, boxes.xyah_to_tlwh),
        (boxes.tlwh_to_cxcywh, boxes.cxcywh_to_tlwh),
    ],
)
def test_round_trips(forward, backward):
    rng = np.random.default_rng(0)
    tlwh = np.c_[rng.uniform(-50, 500, (20, 2)), rng.uniform(1, 300, (20, 2))]
    np.testing.assert_allclose(backward(forward(tlwh)), tlwh, rtol=1e-12, atol=1e-9)


def test_float32_stays_float32_and_kalman_state_columns_are_ignored():
    tlbr = boxes.cxcywh_to_tlbr(np.array([[0.5, 0.5, 0.2, 0.4]], np.float32))
    assert tlbr.dtype == np.float32
    assert boxes.normalized_to_pixels(tlbr, (640, 360)).dtype == np.float32
    state = np.c_[boxes.tlwh_to_xyah(TLWH), np.ones((2, 4))]  # 8-D Kalman means
    np.testing.assert_allclose(boxes.xyah_to_tlwh(state), TLWH)


def test_letterbox_forward_then_back_to_the_frame():
    """A 1920x1080 frame letterboxed into 1088x608: ratio 608 / 1080, 3.5 columns of
    padding to the left. A box mapped into input pixels, divided by the stride and mapped
    back with the original's centre-and-scale inverse lands where it started (to
    rounding)."""
    frame_wh, input_wh = (1920, 1080), (1088, 608)
    _, _, ratio, pad = letterbox_geometry(frame_wh, input_wh)
    assert ratio == pytest.approx(608 / 1080) and pad == (3.5, 0)
    tlbr = np.array([[100.0, 200.0, 300.0, 700.0]])
    grid = boxes.letterbox_forward(tlbr, ratio, pad) / 4
    np.testing.assert_allclose(boxes.tlbr_to_frame(grid, frame_wh, input_wh), tlbr, atol=0.5)
    normalised = boxes.pixels_to_normalized(tlbr, frame_wh)
    np.testing.assert_allclose(
        boxes.letterbox_forward(normalised, ratio, pad, image_wh=frame_wh),
        boxes.letterbox_forward(tlbr, ratio, pad),
    )
