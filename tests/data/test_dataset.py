"""The training data set: equal to the original's loader without augmentation, boxes that
follow the augmented image, identity counting, bad samples."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from fairmot.data.augment import AugmentParams
from fairmot.data.dataset import JointDataset, collate
from fairmot.data.formats import DataCfg, FormatError, write_image_list, write_jde_labels
from tests import reference as fixtures
from tests.reference import needs_reference

NO_AUG = AugmentParams(enabled=False)


def write_dataset(root: Path, name: str, images: list, labels: list) -> Path:
    paths = []
    for k, (image, rows) in enumerate(zip(images, labels)):
        path = root / name / "images" / f"{k:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), image)
        write_jde_labels(root / name / "labels_with_ids" / f"{k:04d}.txt", rows)
        paths.append(f"{name}/images/{k:04d}.png")
    write_image_list(root / f"{name}.train", paths)
    return root / f"{name}.train"


@pytest.fixture(scope="module")
def reference_sets(tmp_path_factory):
    ref = fixtures.load("targets_576x320")
    root = tmp_path_factory.mktemp("jde")
    lists = {}
    for name in ref["dataset_order"].tolist():
        cases = [c for c in range(4) if str(ref[f"case{c}_dataset"]) == name]
        lists[name] = write_dataset(
            root,
            name,
            [ref[f"case{c}_image_bgr"] for c in cases],
            [ref[f"case{c}_labels"] for c in cases],
        )
    return ref, DataCfg(root=root, train=lists)


@needs_reference
def test_without_augmentation_equal_to_the_original_loader(reference_sets):
    ref, data_cfg = reference_sets
    dataset = JointDataset(data_cfg, input_wh=(576, 320), augment=NO_AUG, id_counting="original")
    assert dataset.num_ids == int(ref["nID"]) == 61
    order = [
        c
        for name in ref["dataset_order"].tolist()
        for c in range(4)
        if str(ref[f"case{c}_dataset"]) == name
    ]
    for index, case in enumerate(order):
        sample = dataset[index]
        np.testing.assert_array_equal(
            sample["input"].transpose(1, 2, 0), ref[f"case{case}_input_rgb_u8"]
        )
        np.testing.assert_allclose(sample["hm"], ref[f"case{case}_hm"], atol=1e-6)
        for key in ("ind", "reg_mask", "ids", "wh", "reg"):
            np.testing.assert_array_equal(sample[key], ref[f"case{case}_{key}"], err_msg=key)


@needs_reference
def test_exact_identity_counting(reference_sets):
    ref, data_cfg = reference_sets
    dataset = JointDataset(data_cfg, input_wh=(576, 320), augment=NO_AUG, id_counting="exact")
    ids = np.concatenate([e.labels[:, 1] for e in dataset.entries])
    distinct = np.unique(ids[ids >= 0])
    assert dataset.num_ids == len(distinct) and distinct.tolist() == list(range(len(distinct)))
    selfsup = JointDataset(data_cfg, input_wh=(576, 320), augment=NO_AUG, self_supervised=True)
    ids = np.concatenate([e.labels[:, 1] for e in selfsup.entries])
    assert (ids >= 0).all() and selfsup.num_ids == len(np.unique(ids)) > dataset.num_ids


def test_augmented_boxes_follow_the_image(tmp_path):
    image = np.full((360, 640, 3), 90, np.uint8)
    image[100:260, 300:360] = 255  # one bright 60 x 160 object
    rows = np.array([[0, 5, 330 / 640, 180 / 360, 60 / 640, 160 / 360]])
    data_cfg = DataCfg(
        root=tmp_path, train={"one": write_dataset(tmp_path, "one", [image], [rows])}
    )
    params = AugmentParams(hsv_saturation=0.0, hsv_value=0.0)
    dataset = JointDataset(data_cfg, input_wh=(576, 320), augment=params, seed=3)
    checked = 0
    for epoch in range(12):
        dataset.set_epoch(epoch)
        sample = dataset[0]
        if sample["reg_mask"].sum() == 0:
            continue  # pushed out of the frame
        bright = sample["input"].min(axis=0) > 200
        ys, xs = np.nonzero(bright)
        x1, y1, x2, y2 = sample["bbox"][0] * 4  # output cells -> input pixels
        # The enclosing box of the rotated bright region, shrunk as JDE does (<= 0.4 %).
        assert abs(x1 - xs.min()) < 4 and abs(x2 - (xs.max() + 1)) < 4
        assert abs(y1 - ys.min()) < 4 and abs(y2 - (ys.max() + 1)) < 4
        checked += 1
    assert checked >= 8
    dataset.set_epoch(0)
    np.testing.assert_array_equal(dataset[0]["input"], dataset[0]["input"])  # deterministic
    dataset.set_epoch(1)
    other = dataset[0]["input"]
    dataset.set_epoch(0)
    assert not np.array_equal(dataset[0]["input"], other)


def test_bad_samples_error_or_skip(tmp_path):
    image = np.full((48, 64, 3), 90, np.uint8)
    good = np.array([[0, 1, 0.5, 0.5, 0.2, 0.4]])
    list_path = write_dataset(tmp_path, "ds", [image, image, image], [good, good, good])
    (tmp_path / "ds/labels_with_ids/0001.txt").write_text("0 1 0.5 0.5 0.2\n")
    data_cfg = DataCfg(root=tmp_path, train={"ds": list_path})
    with pytest.raises(FormatError, match=r"0001.txt:1: expected 6 fields"):
        JointDataset(data_cfg, input_wh=(64, 64), augment=NO_AUG)
    dataset = JointDataset(data_cfg, input_wh=(64, 64), augment=NO_AUG, bad_samples="skip")
    assert len(dataset) == 2 and dataset.skipped_at_load == 1
    (tmp_path / "ds/images/0002.png").write_bytes(b"broken")
    batch = collate([dataset[0], dataset[1]])
    assert batch["skipped"] == 1 and batch["input"].shape == (1, 3, 64, 64)
    write_jde_labels(tmp_path / "ds/labels_with_ids/0001.txt", good)
    strict = JointDataset(data_cfg, input_wh=(64, 64), augment=NO_AUG, bad_samples="error")
    with pytest.raises(FormatError, match="0002.png: cannot read this image"):
        strict[2]


def test_identities_are_counted_per_class(tmp_path):
    """Label class 0 (people) and 2 (cars): a person 7 and a car 7 are two identities, each
    class numbered from its own 0, over both data sets; a class outside DATA.CLASSES is an
    error naming the label file."""
    image = np.full((48, 64, 3), 90, np.uint8)
    first = [
        np.array([[0, 7, 0.3, 0.5, 0.1, 0.4], [2, 7, 0.7, 0.5, 0.3, 0.2]]),
        np.array([[0, 9, 0.3, 0.5, 0.1, 0.4], [2, -1, 0.7, 0.5, 0.3, 0.2]]),
    ]
    second = [np.array([[2, 7, 0.5, 0.5, 0.3, 0.2], [0, 7, 0.2, 0.5, 0.1, 0.4]])]
    data_cfg = DataCfg(
        root=tmp_path,
        train={
            "a": write_dataset(tmp_path, "a", [image, image], first),
            "b": write_dataset(tmp_path, "b", [image], second),
        },
    )
    dataset = JointDataset(data_cfg, input_wh=(64, 64), augment=NO_AUG, classes=(0, 2))
    assert dataset.num_ids_per_class == (3, 2) and dataset.num_ids == 5
    labels = [e.labels[:, :2].tolist() for e in dataset.entries]
    # class index, identity: people 7, 9 of "a" -> 0, 1, person 7 of "b" -> 2; cars 7 of
    # "a" -> 0, car 7 of "b" -> 1; an unlabelled car keeps -1.
    assert labels == [[[0, 0], [1, 0]], [[0, 1], [1, -1]], [[1, 1], [0, 2]]]
    sample = dataset[2]
    assert sample["cls"][:2].tolist() == [1, 0] and sample["ids"][:2].tolist() == [1, 2]
    original = JointDataset(
        data_cfg, input_wh=(64, 64), augment=NO_AUG, classes=(0, 2), id_counting="original"
    )
    assert original.num_ids_per_class == (19, 17)  # per class: sum(max id + 1) + 1
    with pytest.raises(FormatError, match=r"a/labels_with_ids/0000.txt: label class 2 is not"):
        JointDataset(data_cfg, input_wh=(64, 64), augment=NO_AUG, classes=(0,))


def test_identities_per_data_set_from_the_data_cfg(tmp_path):
    """A boxes-only data set trains the re-ID head through self-supervised identities (each
    box its own) and another is left out of the identity loss, by the data_cfg alone."""
    import json

    from fairmot.data.formats import read_data_cfg, write_data_cfg

    image = np.full((48, 64, 3), 90, np.uint8)
    two = np.array([[0, 3, 0.3, 0.5, 0.1, 0.4], [0, 4, 0.7, 0.5, 0.1, 0.4]])
    boxes = np.array([[0, -1, 0.3, 0.5, 0.1, 0.4], [0, -1, 0.7, 0.5, 0.1, 0.4]])
    for name, rows in (("mot", two), ("crowd", boxes), ("detonly", two)):
        write_dataset(tmp_path, name, [image, image], [rows, rows])
    spec = {
        "root": ".",
        "train": {n: f"{n}.train" for n in ("mot", "crowd", "detonly")},
        "identities": {"crowd": "self_supervised", "detonly": "none"},
    }
    (tmp_path / "d.json").write_text(json.dumps(spec))
    data_cfg = read_data_cfg(tmp_path / "d.json")
    dataset = JointDataset(data_cfg, input_wh=(64, 64), augment=NO_AUG)
    ids = [e.labels[:, 1].tolist() for e in dataset.entries]
    assert ids == [[0, 1], [0, 1], [2, 3], [4, 5], [-1, -1], [-1, -1]]
    assert dataset.num_ids == 6
    write_data_cfg(tmp_path / "back.json", data_cfg)
    assert read_data_cfg(tmp_path / "back.json").identities == spec["identities"]
    spec["identities"] = {"crowd": "selfsup"}
    (tmp_path / "bad.json").write_text(json.dumps(spec))
    with pytest.raises(FormatError, match=r"identities: 'crowd' is 'selfsup'; expected"):
        read_data_cfg(tmp_path / "bad.json")
