"""KITTI tracking and VisDrone2019-MOT converters on tiny releases in their formats: the
tracking layout, per-class JDE rows, identities, the evaluation layouts, and the errors."""

import numpy as np
import pytest

from fairmot.data.converters import convert_kitti_tracking, convert_visdrone_mot
from fairmot.data.formats import FormatError, MotSequence, read_image_list
from fairmot.errors import UsageError
from fairmot.evaluation import multiclass_layout

from .fixtures import IM_H, IM_W, make_kitti_release, make_visdrone_release
from .test_converters import REPO, labels_of, run_tool


def assert_rows(root, image, expected):
    np.testing.assert_allclose(labels_of(root, image), expected, atol=1e-6)


def row(cls, identity, x1, y1, x2, y2):
    w, h = x2 - x1, y2 - y1
    return [cls, identity, (x1 + w / 2) / IM_W, (y1 + h / 2) / IM_H, w / IM_W, h / IM_H]


def test_kitti_layouts_classes_and_identities(tmp_path):
    src, root = tmp_path / "KITTI", tmp_path / "datasets"
    make_kitti_release(src)
    result = convert_kitti_tracking(src, root, classes=("Pedestrian", "Car"), val=("0001",))
    assert (result["train"], result["val"]) == (["0000"], ["0001"])
    assert (result["images"], result["identities"], result["boxes"]) == (5, 3, 6)
    seq = MotSequence(root / "KITTI/images/train/0000")
    assert (seq.info.seq_length, seq.info.frame_rate, seq.info.im_ext) == (3, 10.0, ".png")
    # frame 1 of the MOT layout is KITTI's frame 0
    assert seq.frame_path(1).resolve() == (src / "training/image_02/0000/000000.png").resolve()
    images = read_image_list(root / "lists/kitti.train")
    assert images[0] == "KITTI/images/train/0000/img1/000001.png"
    # pedestrian: class 0, identity 1; car: class 1, identity 2; the van and DontCare: none
    assert_rows(root, images[0], [row(0, 1, 10, 8, 26, 40), row(1, 2, 30, 20, 62, 40)])
    assert_rows(root, images[1], [row(0, 1, 11, 8, 27, 40)])
    val = read_image_list(root / "lists/kitti.val")
    assert_rows(root, val[1], [row(0, 3, 5, 5, 15, 35)])
    assert multiclass_layout(root / "KITTI/eval/val") == "kitti"
    seqmap = (root / "KITTI/eval/val/evaluate_tracking.seqmap.val").read_text()
    assert seqmap == "0001 empty 000000 000002\n"


def test_kitti_errors(tmp_path):
    src, root = tmp_path / "KITTI", tmp_path / "datasets"
    make_kitti_release(src)
    with pytest.raises(UsageError, match="KITTI has no type Lorry; expected types among"):
        convert_kitti_tracking(src, root, classes=("Pedestrian", "Lorry"))
    with pytest.raises(UsageError, match=r"validation sequence\(s\) \['0042'\]"):
        convert_kitti_tracking(src, root, val=("0042",))
    label = src / "training/label_02/0001.txt"
    label.write_text(label.read_text().replace("Pedestrian", "Bus"))
    with pytest.raises(FormatError, match=r"0001.txt:1: type 'Bus' is not a KITTI tracking type"):
        convert_kitti_tracking(src, root)
    label.write_text(label.read_text().replace("1 0 Bus", "7 0 Pedestrian"))
    with pytest.raises(FormatError, match="frame 7 but .*image_02/0001 holds 2 frames"):
        convert_kitti_tracking(src, root)


def test_visdrone_layouts_classes_and_identities(tmp_path):
    src, root = tmp_path / "VisDrone", tmp_path / "datasets"
    make_visdrone_release(src)
    result = convert_visdrone_mot(src, root, classes=("pedestrian", "car"))
    assert (result["images"], result["identities"], result["boxes"]) == (4, 3, 4)
    train = read_image_list(root / "lists/visdrone.train")
    assert train[0] == "VisDrone2019-MOT/images/train/uav0000013_00000_v/img1/000001.jpg"
    # the pedestrian is class 0, the car class 1; the ignored region, others and van: none
    assert_rows(root, train[0], [row(0, 1, 10, 8, 26, 28), row(1, 2, 30, 20, 60, 40)])
    assert_rows(root, train[1], [row(0, 1, 11, 8, 27, 28)])
    val = read_image_list(root / "lists/visdrone.val")
    assert_rows(root, val[1], [row(1, 3, 5, 5, 15, 25)])
    assert read_image_list(root / "lists/visdrone.emb") == val[::3]
    assert multiclass_layout(root / "VisDrone2019-MOT/eval/val") == "visdrone"


def test_visdrone_errors(tmp_path):
    src, root = tmp_path / "VisDrone", tmp_path / "datasets"
    with pytest.raises(FormatError, match="holds neither VisDrone2019-MOT-train nor"):
        convert_visdrone_mot(src, root)
    make_visdrone_release(src)
    with pytest.raises(UsageError, match="VisDrone has no category lorry"):
        convert_visdrone_mot(src, root, classes=("car", "lorry"))
    (annotation,) = (src / "VisDrone2019-MOT-val/annotations").glob("*.txt")
    annotation.write_text("2,7,5,5,10,20,1,14,0,0\n")
    with pytest.raises(FormatError, match=r"_v.txt:1: category must be 0-11"):
        convert_visdrone_mot(src, root)


def test_convert_tool_for_the_multi_class_releases(tmp_path):
    make_kitti_release(tmp_path / "KITTI")
    make_visdrone_release(tmp_path / "VisDrone")
    tool, root = REPO / "tools/convert_data.py", tmp_path / "datasets"
    result = run_tool(tool, "kitti", "--src", tmp_path / "KITTI", "--root", root, "--val", "0001")
    assert result.returncode == 0 and '"identities": 3' in result.stdout, result.stderr
    result = run_tool(tool, "visdrone", "--src", tmp_path / "VisDrone", "--root", root)
    # the default classes, the five evaluated, take the van too
    assert result.returncode == 0 and '"identities": 4' in result.stdout, result.stderr
    result = run_tool(tool, "kitti", "--src", tmp_path / "KITTI", "--root", root, "--classes", "x")
    assert result.returncode == 1 and "error: KITTI has no type x" in result.stderr
