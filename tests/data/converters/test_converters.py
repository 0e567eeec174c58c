"""Converters on tiny releases the tests write in each source format."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fairmot.data.converters import (
    convert_crowdhuman,
    convert_jde_zoo,
    convert_mot_release,
    make_half_split,
    read_odgt,
)
from fairmot.data.formats import (
    FormatError,
    list_sequences,
    read_image_list,
    read_jde_labels,
)

from .fixtures import (
    IM_H,
    IM_W,
    make_crowdhuman_release,
    make_jde_zoo,
    make_mot15_release,
    make_mot17_release,
    make_visdrone_release,
)

REPO = Path(__file__).resolve().parents[3]


def labels_of(root, image):
    rel = image.replace("/images/", "/labels_with_ids/").rsplit(".", 1)[0] + ".txt"
    return read_jde_labels(root / rel)


def expected_row(identity, x, y, w, h, im_w=IM_W, im_h=IM_H):
    return [0, identity, (x + w / 2) / im_w, (y + h / 2) / im_h, w / im_w, h / im_h]


@pytest.fixture
def mot17(tmp_path):
    src, root = tmp_path / "downloads" / "MOT17", tmp_path / "datasets"
    make_mot17_release(src)
    result = convert_mot_release("MOT17", src, root)
    return root, result


def test_mot17_uses_the_sdp_copy_and_offsets_identities(mot17):
    root, result = mot17
    images = read_image_list(root / "lists" / "mot17.train")
    assert len(images) == 10 and result["images"] == 10
    assert images[0] == "MOT17/images/train/MOT17-02-SDP/img1/000001.jpg"
    assert images[5] == "MOT17/images/train/MOT17-04-SDP/img1/000001.jpg"
    # MOT17-02: pedestrian ids 3, 7 -> 1, 2 (static person and zero-marked rows dropped);
    # MOT17-04: ids 1, 2 -> 3, 4.
    np.testing.assert_allclose(
        labels_of(root, images[0]),
        [expected_row(1, 10, 8, 16, 20), expected_row(2, 30, 4, 8, 24)],
        atol=5e-7,
    )
    assert labels_of(root, images[2]).shape == (0, 6)  # only the zero-marked row in frame 3
    np.testing.assert_allclose(
        labels_of(root, images[3]), [expected_row(2, -4, 2, 8, 24)], atol=5e-7
    )  # not clipped
    np.testing.assert_allclose(labels_of(root, images[7])[:, 1], [3])
    np.testing.assert_allclose(labels_of(root, images[5])[:, 1], [4])
    assert result["identities"] == 4 and result["boxes"] == 8
    assert read_image_list(root / "lists" / "mot17.emb") == images[::3]
    # The release itself is linked, not copied or modified.
    assert (root / "MOT17" / "images" / "train").is_symlink()
    assert not list((root.parent / "downloads").rglob("labels_with_ids"))


@pytest.mark.parametrize("benchmark", ["MOT16", "MOT20"])
def test_mot16_and_mot20_use_every_sequence(tmp_path, benchmark):
    from .fixtures import GT_02, GT_04, write_mot_sequence

    src, root = tmp_path / benchmark, tmp_path / "datasets"
    write_mot_sequence(src / "train" / f"{benchmark}-02", GT_02)
    write_mot_sequence(src / "train" / f"{benchmark}-01", GT_04)
    result = convert_mot_release(benchmark, src, root)
    images = read_image_list(root / "lists" / f"{benchmark.lower()}.train")
    assert images[0] == f"{benchmark}/images/train/{benchmark}-01/img1/000001.jpg"
    np.testing.assert_allclose(labels_of(root, images[0])[:, 1], [2])  # -01 first: ids 1, 2
    np.testing.assert_allclose(labels_of(root, images[5])[:, 1], [3, 4])  # -02: ids 3, 7
    assert result["identities"] == 4


def test_mot15_keeps_every_considered_row_of_its_11_sequences(tmp_path):
    src, root = tmp_path / "MOT15", tmp_path / "datasets"
    make_mot15_release(src)
    result = convert_mot_release("MOT15", src, root)
    assert len(result["sequences"]) == 11 and result["skipped"] == ["PETS09-S2L2"]
    images = read_image_list(root / "lists" / "mot15.train")
    assert images[0].startswith("MOT15/images/train/ADL-Rundle-6/")  # sorted by name
    np.testing.assert_allclose(
        labels_of(root, images[0]), [expected_row(1, 5, 5, 10, 20)], atol=5e-7
    )
    campus = images.index("MOT15/images/train/TUD-Campus/img1/000002.jpg")
    np.testing.assert_allclose(labels_of(root, images[campus])[:, 1], [2])
    assert result["identities"] == 2 and isinstance(result["boxes"], int)


def test_an_incomplete_release_is_an_error_naming_the_folder(tmp_path):
    make_mot17_release(tmp_path / "MOT17")
    shutil.rmtree(tmp_path / "MOT17" / "train" / "MOT17-04-SDP")
    with pytest.raises(FormatError, match=r"MOT17-04-SDP: missing MOT17 sequence"):
        convert_mot_release("MOT17", tmp_path / "MOT17", tmp_path / "a")
    (tmp_path / "MOT17" / "train" / "MOT17-02-DPM" / "seqinfo.ini").unlink()
    with pytest.raises(FormatError, match=r"MOT17-02-DPM: sequence folder without seqinfo.ini"):
        convert_mot_release("MOT17", tmp_path / "MOT17", tmp_path / "b")
    make_mot15_release(tmp_path / "MOT15")
    shutil.rmtree(tmp_path / "MOT15" / "train" / "KITTI-13")
    with pytest.raises(FormatError, match=r"KITTI-13: missing MOT15 sequence"):
        convert_mot_release("MOT15", tmp_path / "MOT15", tmp_path / "c")


def test_half_split(mot17):
    root, _ = mot17
    result = make_half_split(root, "MOT17")
    train = read_image_list(root / "lists" / "mot17_half.train")
    val = read_image_list(root / "lists" / "mot17_half.val")
    assert [Path(p).name for p in train[:2]] == ["000001.jpg", "000002.jpg"] and len(train) == 4
    assert [Path(p).name for p in val[:3]] == ["000003.jpg", "000004.jpg", "000005.jpg"]
    assert read_image_list(root / "lists" / "mot17_half.emb") == val[::3]
    seqs = list_sequences(result["gt_dir"])
    assert [s.name for s in seqs] == ["MOT17-02-SDP", "MOT17-04-SDP"]
    seq = seqs[0]
    assert seq.info.seq_length == 3
    gt = seq.read_gt()
    np.testing.assert_array_equal(gt.frames, [1, 2, 3])  # frames 3, 4, 5 renumbered
    np.testing.assert_array_equal(gt.ids, [9, 7, 3])
    # Renumbered frames are the original images.
    original = root / "MOT17/images/train/MOT17-02-SDP/img1/000004.jpg"
    assert os.path.samefile(seq.frame_path(2), original)


def test_half_split_needs_converted_labels(tmp_path):
    src, root = tmp_path / "MOT17", tmp_path / "datasets"
    make_mot17_release(src)
    (root / "MOT17" / "images").mkdir(parents=True)
    (root / "MOT17" / "images" / "train").symlink_to(src / "train")
    with pytest.raises(FormatError, match="convert MOT17 before splitting"):
        make_half_split(root, "MOT17")


def test_mot_release_errors(tmp_path):
    with pytest.raises(FormatError, match="missing folder"):
        convert_mot_release("MOT17", tmp_path / "nowhere", tmp_path / "datasets")
    src = tmp_path / "MOT17"
    make_mot17_release(src)
    (src / "train" / "MOT17-02-SDP" / "img1" / "000003.jpg").unlink()
    with pytest.raises(FormatError, match=r"000003.jpg: missing frame"):
        convert_mot_release("MOT17", src, tmp_path / "datasets")
    (tmp_path / "other").mkdir()
    (tmp_path / "d2" / "MOT17" / "images").mkdir(parents=True)
    (tmp_path / "d2" / "MOT17" / "images" / "train").mkdir()
    with pytest.raises(FormatError, match="already exists"):
        convert_mot_release("MOT17", src, tmp_path / "d2")


def test_crowdhuman_both_modes(tmp_path):
    src, root = tmp_path / "CrowdHuman", tmp_path / "datasets"
    make_crowdhuman_release(src)
    result = convert_crowdhuman(src, root)
    det = read_image_list(root / "lists" / "crowdhuman.train")
    selfsup = read_image_list(root / "lists" / "crowdhuman_selfsup.train")
    assert det == ["CrowdHuman/images/train/img_a.jpg", "CrowdHuman/images/train/img_b.jpg"]
    assert selfsup == [
        "CrowdHuman_selfsup/images/train/img_a.jpg",
        "CrowdHuman_selfsup/images/train/img_b.jpg",
    ]
    # Ignore-marked box skipped; normalised by the real image size (100x80), not clipped.
    a_det = labels_of(root, det[0])
    np.testing.assert_allclose(
        a_det,
        [expected_row(-1, 10, 20, 30, 40, 100, 80), expected_row(-1, -5, 10, 20, 60, 100, 80)],
        atol=5e-7,
    )
    np.testing.assert_array_equal(labels_of(root, selfsup[0])[:, 1], [0, 1])
    np.testing.assert_array_equal(labels_of(root, selfsup[1])[:, 1], [2])  # over the file
    np.testing.assert_allclose(
        labels_of(root, det[1]), [expected_row(-1, 6, 4, 12, 16, 60, 40)], atol=5e-7
    )
    assert result["train"] == {"images": 2, "boxes": 3, "identities": 3}
    assert result["val"]["images"] == 1
    assert (root / "CrowdHuman_selfsup/images/train/img_a.jpg").is_file()


def test_odgt_errors_name_the_line(tmp_path):
    path = tmp_path / "annotation_train.odgt"
    path.write_text('{"ID": "a", "gtboxes": []}\n{"ID": "b"}\n')
    with pytest.raises(FormatError, match=r"annotation_train.odgt:2: expected a JSON record"):
        read_odgt(path)
    path.write_text('{"ID": "a", "gtboxes": [{"fbox": [1, 2, 0, 5]}]}\n')
    with pytest.raises(FormatError, match=r"odgt:1: image a: every fbox needs width and height"):
        read_odgt(path)
    src = tmp_path / "src"
    src.mkdir()
    (src / "annotation_val.odgt").write_text('{"ID": "zz", "gtboxes": []}\n')
    with pytest.raises(FormatError, match=r"zz.jpg: missing CrowdHuman image"):
        convert_crowdhuman(src, tmp_path / "root")


def test_jde_zoo_lists_and_eth_filter(tmp_path):
    make_jde_zoo(tmp_path)
    result = convert_jde_zoo(tmp_path)
    assert set(result) == {"eth", "caltech"}
    eth = read_image_list(tmp_path / "lists" / "eth.train")
    assert eth == [
        "ETHZ/eth01/images/image_00000000_0.png",
        "ETHZ/eth01/images/image_00000001_0.png",
    ]
    assert read_image_list(tmp_path / "lists" / "caltech.all") == [
        "Caltech/data/images/set00_V000_1.png"
    ]


def test_jde_zoo_errors(tmp_path):
    make_jde_zoo(tmp_path)
    label = tmp_path / "Caltech/data/labels_with_ids/set00_V000_1.txt"
    label.write_text("0 -1 0.5 0.5 0.2 0.4\n0 -1 0.5 0.5 0.2\n")
    with pytest.raises(FormatError, match=r"set00_V000_1.txt:2: expected 6 fields"):
        convert_jde_zoo(tmp_path, ("caltech",))
    label.unlink()
    with pytest.raises(FormatError, match=r"missing label file \(1 of 1 images"):
        convert_jde_zoo(tmp_path, ("caltech",))


def run_tool(*args):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True)


def test_check_data_passes_on_converted_fixtures_and_reports_each_defect(tmp_path):
    root = tmp_path / "datasets"
    make_mot17_release(tmp_path / "MOT17")
    convert_mot_release("MOT17", tmp_path / "MOT17", root)
    make_crowdhuman_release(tmp_path / "CrowdHuman")
    convert_crowdhuman(tmp_path / "CrowdHuman", root)
    cfg = tmp_path / "data.json"
    make_jde_zoo(root)
    convert_jde_zoo(root)
    cfg.write_text(
        '{"root": "datasets", "train": {"mot17": "lists/mot17.train", '
        '"crowdhuman": "lists/crowdhuman_selfsup.train", "eth": "lists/eth.train"}, '
        '"test": {"missing": "lists/nothing.val"}}'
    )
    result = run_tool(REPO / "tools/check_data.py", "--data-cfg", cfg, "--purpose", "train")
    assert result.returncode == 0, result.stderr
    assert "no defects found" in result.stdout
    rows = {line.split()[1]: line.split()[2:] for line in result.stdout.splitlines()[2:] if line}
    assert rows["mot17"][:3] == ["10", "8", "4"]  # images, boxes, identities
    assert rows["crowdhuman"][:3] == ["2", "3", "3"]
    assert rows["eth"][:3] == ["2", "2", "2"]

    # A box wholly outside its image (kept by the rules, found in MOT17-10): a warning.
    mot_images = root / "MOT17/images/train/MOT17-04-SDP/img1"
    labels = root / "MOT17/labels_with_ids/train/MOT17-02-SDP/img1"
    (labels / "000004.txt").write_text("0 2 0.5 0.5 0.1 0.2\n0 2 1.2 0.5 0.1 0.2\n")
    result = run_tool(REPO / "tools/check_data.py", "--data-cfg", cfg, "--purpose", "train")
    assert result.returncode == 0 and "no defects found" in result.stdout
    assert "[box_outside]" in result.stderr and "1: 1 box_outside warning(s)" in result.stderr

    # Break it in every way the checker knows.
    os.unlink(root / "CrowdHuman/images/train/img_b.jpg")  # missing image
    (labels / "000002.txt").unlink()  # missing label
    (labels / "000003.txt").write_text("0 1 0.5 0.5 0.1 0.2\n0 1 0.5 x 0.1 0.2\n")  # malformed
    (labels / "000004.txt").write_text("0 2 0.5 0.5 0.1 0.2\n0 2 1.2 0.5 0.1 0.2\n")  # outside
    (mot_images / "000005.jpg").write_bytes(b"not a jpeg")  # unreadable
    whole = (mot_images / "000001.jpg").read_bytes()
    (mot_images / "000002.jpg").write_bytes(whole[: len(whole) // 2])  # truncated
    result = run_tool(REPO / "tools/check_data.py", "--data-cfg", cfg)
    assert result.returncode == 1
    err = result.stderr
    assert "[missing_image]" in err and "img_b.jpg" in err
    assert "[missing_label]" in err and "000002.txt" in err
    assert "[malformed_label]" in err and "000003.txt:2" in err
    assert "[box_outside]" in err and "000004.txt:2" in err
    assert "[unreadable_image]" in err and "000005.jpg" in err
    assert "[missing_list]" in err and "nothing.val" in err
    assert "6: 1 damaged_image, 1 malformed_label" in err and "1: 1 box_outside warning(s)" in err


def test_convert_tool(tmp_path):
    make_mot17_release(tmp_path / "MOT17")
    result = run_tool(
        REPO / "tools/convert_data.py",
        "mot",
        "--benchmark",
        "MOT17",
        "--src",
        tmp_path / "MOT17",
        "--root",
        tmp_path / "datasets",
    )
    assert result.returncode == 0, result.stderr
    assert '"identities": 4' in result.stdout
    result = run_tool(REPO / "tools/convert_data.py", "mot17_half", "--root", tmp_path / "datasets")
    assert result.returncode == 0 and '"val_images": 6' in result.stdout
    result = run_tool(
        REPO / "tools/convert_data.py",
        "crowdhuman",
        "--src",
        tmp_path / "none",
        "--root",
        tmp_path / "datasets",
    )
    assert result.returncode == 1 and "no CrowdHuman annotation files" in result.stderr


def test_shipped_data_cfgs_name_only_lists_the_converters_write():
    import json

    from fairmot.data.converters import JDE_ZOO, MOT_BENCHMARKS
    from fairmot.data.converters.crowdhuman import SPLITS

    written = {f"{b.lower()}.{k}" for b in MOT_BENCHMARKS for k in ("train", "emb")}
    written |= {f"mot17_half.{k}" for k in ("train", "val", "emb")}
    written |= {f"{m}.{s}" for m in ("crowdhuman", "crowdhuman_selfsup") for s in SPLITS}
    written |= {list_name for _, list_name, _ in JDE_ZOO.values()}
    written |= {f"{m}.{s}" for m in ("kitti", "visdrone") for s in ("train", "val", "emb")}
    for path in (REPO / "data_cfg").glob("*.json"):
        if path.stem == "synthetic":
            continue
        data = json.loads(path.read_text())
        for purpose in ("train", "test", "test_emb"):
            for name, list_file in data.get(purpose, {}).items():
                assert list_file.startswith("lists/"), (path, name)
                assert list_file[len("lists/") :] in written, (path.name, name, list_file)


def test_prepare_data_script_runs_every_converter_it_finds(tmp_path):
    downloads, root = tmp_path / "downloads", tmp_path / "datasets"
    make_mot17_release(downloads / "MOT17")
    make_crowdhuman_release(downloads / "CrowdHuman")
    make_visdrone_release(downloads / "VisDrone")
    make_jde_zoo(root)
    env = dict(os.environ, DOWNLOADS=str(downloads), ROOT=str(root), PYTHON=sys.executable)
    result = subprocess.run(
        ["bash", str(REPO / "scripts/prepare_data.sh")],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "-- MOT20: not found" in result.stdout
    assert "-- KITTI tracking: not found" in result.stdout
    lists = {p.name for p in (root / "lists").iterdir()}
    assert {
        "mot17.train",
        "mot17_half.train",
        "mot17_half.val",
        "crowdhuman.train",
        "crowdhuman_selfsup.train",
        "eth.train",
        "caltech.all",
        "visdrone.train",
        "visdrone.val",
    } <= lists
    assert (root / "MOT17/images/val_half/MOT17-02-SDP/gt/gt.txt").is_file()
    # crowdhuman_selfsup.json names only lists that now exist: its check passes; mix.json
    # misses the data sets not downloaded.
    sections = dict(part.split("\n", 1) for part in result.stdout.split("== check ")[1:])
    assert "no defects found" in sections["data_cfg/crowdhuman_selfsup.json"]
    assert "incomplete" in sections["data_cfg/mix.json"]
