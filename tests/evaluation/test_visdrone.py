"""VisDrone2019-MOT evaluation by the toolkit's rules: the ignore map's pixel arithmetic by
hand, and a sequence whose every count is worked out below."""

import cv2
import numpy as np
import pytest

from fairmot.data.formats import FormatError
from fairmot.data.formats.visdrone import VisDroneBoxes, read_visdrone_boxes, write_visdrone_boxes
from fairmot.evaluation import multiclass_layout
from fairmot.evaluation.multiclass import DETECTION_AVERAGED
from fairmot.evaluation.visdrone import (
    evaluate_visdrone_split,
    ignored_fraction,
)


def test_ignored_fraction_counts_pixels_as_the_toolkit():
    region = np.array([[10, 10, 20, 20]])  # pixels 10..30 in both directions (1-based)
    boxes = np.array([[20, 20, 20, 20], [10, 10, 10, 10], [25, 12, 10, 10], [0.4, 0.4, 5, 5]])
    # rows/columns 21..40 overlap 21..30: 10 x 10; 11..20 all inside; columns 26..35 overlap
    # 26..30: 5 x 10; a box at the corner (rounded to 1) covers rows/columns 2..6, outside.
    fraction = ignored_fraction(boxes, region, (100, 80))
    assert fraction.tolist() == [100 / 400, 1.0, 0.5, 0.0]
    assert ignored_fraction(boxes, np.zeros((0, 4)), (100, 80)).tolist() == [0, 0, 0, 0]


def rows(*entries) -> VisDroneBoxes:
    """(frames, id, box, category) entries, one row per frame."""
    out = [(f, i, box, c) for frames, i, box, c in entries for f in frames]
    return VisDroneBoxes(
        frames=np.array([r[0] for r in out]),
        ids=np.array([r[1] for r in out]),
        tlwh=np.array([r[2] for r in out], float),
        scores=np.ones(len(out)),
        categories=np.array([r[3] for r in out]),
    )


CAR, PEDESTRIAN, TRUCK, OTHERS, IGNORED = 4, 1, 6, 11, 0
ALL = range(1, 5)


@pytest.fixture
def split(tmp_path):
    (tmp_path / "sequences" / "uav0000001_00000_v").mkdir(parents=True)
    frame = np.zeros((100, 200, 3), np.uint8)
    cv2.imwrite(str(tmp_path / "sequences" / "uav0000001_00000_v" / "0000001.jpg"), frame)
    gt = rows(
        (ALL, 1, [10, 10, 40, 20], CAR),
        (ALL, 2, [100, 10, 10, 30], PEDESTRIAN),
        (ALL, 3, [155, 55, 10, 20], PEDESTRIAN),  # inside the ignored region: dropped
        (ALL, 0, [150, 50, 40, 40], IGNORED),
        (ALL, 0, [60, 60, 20, 20], OTHERS),
    )
    results = rows(
        ((1, 2), 7, [11, 10, 40, 20], CAR),
        ((3, 4), 8, [11, 10, 40, 20], CAR),  # an identity switch
        ((1, 2, 3), 5, [100, 11, 10, 30], PEDESTRIAN),  # missed in frame 4
        (ALL, 9, [160, 60, 20, 20], CAR),  # inside the ignored region: dropped
        ((1,), 10, [0, 70, 20, 20], CAR),  # a false positive
        ((1, 2), 11, [0, 0, 20, 20], TRUCK),  # no truck in the ground truth: not counted
        ((2,), 12, [62, 62, 15, 15], CAR),  # inside the "others" box: dropped
        ((5,), 13, [10, 10, 40, 20], CAR),  # after the last annotated frame: dropped
        ((1,), 14, [10, 60, 30, 30], OTHERS),  # category 11: dropped
    )
    write_visdrone_boxes(tmp_path / "annotations" / "uav0000001_00000_v.txt", gt)
    write_visdrone_boxes(tmp_path / "results" / "uav0000001_00000_v.txt", results)
    return tmp_path


def test_counts_follow_the_toolkit_rules(split):
    assert multiclass_layout(split) == "visdrone"
    summary = evaluate_visdrone_split(split, split / "results").summary()
    car, person = summary["car"]["COMBINED"], summary["pedestrian"]["COMBINED"]
    assert (car["GT_Dets"], car["CLR_TP"], car["CLR_FP"], car["IDSW"]) == (4, 4, 1, 1)
    assert car["MOTA"] == pytest.approx(100 * (1 - 2 / 4))
    assert (person["GT_Dets"], person["CLR_TP"], person["CLR_FN"], person["CLR_FP"]) == (4, 3, 1, 0)
    assert summary["truck"]["COMBINED"]["CLR_FP"] == 0
    combined = summary[DETECTION_AVERAGED]["COMBINED"]
    assert combined["MOTA"] == pytest.approx(100 * (1 - 3 / 8))
    assert combined["IDF1"] == pytest.approx(100 * 2 * 5 / (8 + 8))  # 2 + 3 identity matches


def test_read_errors_name_the_line(tmp_path):
    path = tmp_path / "seq.txt"
    path.write_text("1,1,10,10,5,5,1,4,0,0\n1,2,10,10,5,5,1,12,0,0\n")
    with pytest.raises(FormatError, match=r"seq.txt:2: category must be 0-11"):
        read_visdrone_boxes(path)
