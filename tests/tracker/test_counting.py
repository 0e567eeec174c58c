"""Line counting on generated tracks with known crossings."""

import numpy as np
import pytest

from fairmot.tracker.counting import LineCounter


def box_at(x, y_bottom, w=20, h=60):
    """tlwh of a box whose bottom centre is (x, y_bottom)."""
    return [x - w / 2, y_bottom - h, w, h]


def test_crossings_counted_once_per_crossing_with_hysteresis_per_class():
    """A horizontal line y = 100 from x 0 to 400, drawn left to right: moving down is "in".
    Track 1 (class 0) walks down across it; track 2 (class 1) walks up across it; track 3
    (class 0) jitters on the line for 40 frames (never beyond 3 px); track 4 (class 0)
    crosses down, back up, down again; track 5 crosses beyond the segment's end."""
    counter = LineCounter([[0, 100, 400, 100]], num_classes=2, hysteresis=4.0)
    rng = np.random.default_rng(0)
    for t in range(40):
        ids = [1, 2, 3, 4, 5]
        y4 = 100 + 20 * np.sin(t / 40 * 3 * np.pi) * (1 if t else -1)  # down, up, down
        boxes = [
            box_at(50, 60 + 2 * t),  # 60 -> 138: down across
            box_at(150, 140 - 2 * t),  # up across
            box_at(250, 100 + rng.uniform(-3, 3)),  # jitter inside the band
            box_at(300, y4 if t else 80),
            box_at(450, 60 + 2 * t),  # beyond the segment: not counted
        ]
        counts = counter.update(np.array(ids), np.array(boxes), np.array([0, 1, 0, 0, 0]))
    assert counts[0, 0].tolist() == [1 + 2, 1]  # class 0: tracks 1 and 4 (twice) in, 4 out
    assert counts[0, 1].tolist() == [0, 1]  # class 1: track 2 out


def test_memory_is_bounded_and_bad_lines_rejected():
    counter = LineCounter([[0, 0, 10, 0]], forget_after=100)
    for t in range(1000):
        counter.update(np.array([t]), np.array([box_at(5, 50)]), np.array([0]))
    assert len(counter.sides) <= 151
    with pytest.raises(ValueError, match="non-zero length"):
        LineCounter([[5, 5, 5, 5]])
    assert counter.update(np.zeros(0, int), np.zeros((0, 4)), np.zeros(0, int)).sum() == 0
