"""JDE layout: label files, image lists, data_cfg files."""

import json
from pathlib import Path

import numpy as np
import pytest

from fairmot.data.formats import (
    DataCfg,
    FormatError,
    label_path_for_image,
    read_data_cfg,
    read_image_list,
    read_jde_labels,
    write_data_cfg,
    write_image_list,
    write_jde_labels,
)


def test_labels_round_trip(tmp_path):
    labels = np.array([[0, 5, 0.5, 0.25, 0.1, 0.3], [0, -1, 1.05, -0.01, 0.000123, 0.2]])
    write_jde_labels(tmp_path / "a.txt", labels)
    assert (tmp_path / "a.txt").read_text().splitlines()[
        1
    ] == "0 -1 1.050000 -0.010000 0.000123 0.200000"
    np.testing.assert_allclose(read_jde_labels(tmp_path / "a.txt"), labels, atol=5e-7)


def test_empty_label_file_means_no_boxes(tmp_path):
    write_jde_labels(tmp_path / "e.txt", np.zeros((0, 6)))
    assert read_jde_labels(tmp_path / "e.txt").shape == (0, 6)


@pytest.mark.parametrize(
    "row, message",
    [
        ("0 1 0.5 0.5 0.1", "expected 6 fields"),
        ("0 1 0.5 0.5 0.1 x", "field 'x' is not a number"),
        ("0 1 0.5 0.5 0 0.2", "w and h .* must be positive"),
        ("0 1 0.5 0.5 0.1 -0.2", "w and h .* must be positive"),
        ("0 -2 0.5 0.5 0.1 0.2", "identity .* >= -1"),
        ("0.5 1 0.5 0.5 0.1 0.2", "class .* whole number >= 0"),
    ],
)
def test_label_errors_name_file_and_line(tmp_path, row, message):
    path = tmp_path / "lab.txt"
    path.write_text("0 1 0.5 0.5 0.1 0.2\n" + row + "\n")
    with pytest.raises(FormatError, match=f"lab.txt:2: {message}"):
        read_jde_labels(path)


def test_label_path_for_image():
    assert label_path_for_image("MOT17/images/train/S/img1/000001.jpg") == Path(
        "MOT17/labels_with_ids/train/S/img1/000001.txt"
    )
    assert label_path_for_image("/d/images/x/images/a.png") == Path(
        "/d/images/x/labels_with_ids/a.txt"
    )
    with pytest.raises(FormatError, match="no 'images' folder"):
        label_path_for_image("MOT17/train/a.jpg")


def test_image_list(tmp_path):
    write_image_list(tmp_path / "l.train", ["a/images/1.jpg", "a/images/2.jpg"])
    assert read_image_list(tmp_path / "l.train") == ["a/images/1.jpg", "a/images/2.jpg"]
    (tmp_path / "empty.train").write_text("\n")
    with pytest.raises(FormatError, match="image list is empty"):
        read_image_list(tmp_path / "empty.train")
    with pytest.raises(FormatError, match="missing image list"):
        read_image_list(tmp_path / "nope.train")


def test_data_cfg_round_trip_with_relative_root(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    write_image_list(root / "a.train", ["x/images/1.jpg"])
    write_image_list(root / "a.val", ["x/images/2.jpg"])
    cfg = DataCfg(root=root, train={"a": root / "a.train"}, test={"a": root / "a.val"})
    write_data_cfg(tmp_path / "cfgs" / "d.json", cfg)
    data = json.loads((tmp_path / "cfgs" / "d.json").read_text())
    assert data == {"root": "../data", "train": {"a": "a.train"}, "test": {"a": "a.val"}}
    back = read_data_cfg(tmp_path / "cfgs" / "d.json")
    assert back.root == root.resolve() and back.train == {"a": root.resolve() / "a.train"}
    assert back.image_paths("train", "a") == [root.resolve() / "x/images/1.jpg"]
    assert back.test_emb == {}


@pytest.mark.parametrize(
    "content, message",
    [
        (
            '{"root": "data", "train": {"a": "missing.train"}}',
            "train data set 'a': image list .* does not exist",
        ),
        ('{"root": "nowhere"}', "data root .* does not exist"),
        ('{"train": {}}', "missing 'root'"),
        ('{"root": "data", "trian": {}}', r"unknown key\(s\) \['trian'\]"),
        ('{"root": "data",\n "train": [1]}', "'train' must map data set names"),
        ('{"root": "data",\n "train": {', r"d.json:2: not valid JSON"),
    ],
)
def test_data_cfg_errors(tmp_path, content, message):
    (tmp_path / "data").mkdir()
    (tmp_path / "d.json").write_text(content)
    with pytest.raises(FormatError, match=message):
        read_data_cfg(tmp_path / "d.json")


def test_shipped_data_cfgs_are_valid_json_with_known_keys():
    repo = Path(__file__).resolve().parents[3]
    files = sorted((repo / "data_cfg").glob("*.json"))
    assert {f.stem for f in files} >= {
        "mix",
        "mot17_half",
        "crowdhuman_selfsup",
        "mot15",
        "mot20",
        "synthetic",
    }
    for path in files:
        data = json.loads(path.read_text())
        assert set(data) <= {"root", "train", "test", "test_emb"} and data["train"]
