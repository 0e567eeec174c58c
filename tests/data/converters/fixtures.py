"""Tiny data set releases written in each source format, for the converter tests."""

import json
from pathlib import Path

import cv2
import numpy as np

from fairmot.data.formats import SeqInfo, write_seqinfo

IM_W, IM_H, SEQ_LEN = 64, 48, 5


def write_image(path: Path, width=IM_W, height=IM_H, value=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.full((height, width, 3), value, np.uint8)
    assert cv2.imwrite(str(path), image)


def write_mot_sequence(seq_dir: Path, gt_lines: list, length=SEQ_LEN):
    seq_dir.mkdir(parents=True, exist_ok=True)
    write_seqinfo(seq_dir, SeqInfo(seq_dir.name, "img1", 30, length, IM_W, IM_H, ".jpg"))
    for frame in range(1, length + 1):
        write_image(seq_dir / "img1" / f"{frame:06d}.jpg", value=frame)
    (seq_dir / "gt").mkdir(exist_ok=True)
    (seq_dir / "gt" / "gt.txt").write_text("".join(line + "\n" for line in gt_lines))


#: MOT17-style gt: pedestrians 3 and 7 (non-contiguous ids), a static person (class 7), a
#: zero-marked pedestrian (id 9).
GT_02 = [
    "1,3,10,8,16,20,1,1,1",
    "1,7,30,4,8,24,1,1,0.5",
    "1,5,0,0,10,10,0,7,1",
    "2,3,11,8,16,20,1,1,1",
    "3,9,40,10,6,12,0,1,1",
    "4,7,-4,2,8,24,1,1,0.2",
    "5,3,12,9,16,20,1,1,1",
]
GT_04 = ["1,2,5,5,10,20,1,1,1", "3,1,20,6,12,30,1,1,1", "5,2,6,5,10,20,1,1,1"]


def make_mot17_release(src: Path):
    for copy in ("DPM", "FRCNN", "SDP"):
        write_mot_sequence(src / "train" / f"MOT17-02-{copy}", GT_02)
        write_mot_sequence(src / "train" / f"MOT17-04-{copy}", GT_04)


def make_mot15_release(src: Path):
    """The 11 training sequences (two with boxes), and a test sequence dropped in train/."""
    from fairmot.data.converters.mot import MOT15_TRAIN

    for name in (*MOT15_TRAIN, "PETS09-S2L2"):
        write_mot_sequence(src / "train" / name, [], length=2)
    write_mot_sequence(
        src / "train" / "TUD-Campus",
        ["1,1,10,8,16,20,1,-1,-1,-1", "2,1,11,8,16,20,1,-1,-1,-1", "2,4,30,4,8,24,0,-1,-1,-1"],
    )
    write_mot_sequence(src / "train" / "ADL-Rundle-6", ["1,2,5,5,10,20,1,-1,-1,-1"])


def make_crowdhuman_release(src: Path):
    records = [
        {
            "ID": "img_a",
            "gtboxes": [
                {"tag": "person", "fbox": [10, 20, 30, 40], "extra": {}},
                {"tag": "mask", "fbox": [0, 0, 50, 50], "extra": {"ignore": 1}},
                {"tag": "person", "fbox": [-5, 10, 20, 60]},
            ],
        },
        {
            "ID": "img_b",
            "gtboxes": [{"tag": "person", "fbox": [6, 4, 12, 16], "extra": {"ignore": 0}}],
        },
    ]
    (src / "annotation_train.odgt").parent.mkdir(parents=True, exist_ok=True)
    (src / "annotation_train.odgt").write_text("".join(json.dumps(r) + "\n" for r in records))
    (src / "annotation_val.odgt").write_text(json.dumps(records[1]) + "\n")
    write_image(src / "Images" / "img_a.jpg", width=100, height=80)
    write_image(src / "Images" / "img_b.jpg", width=60, height=40)


def make_jde_zoo(root: Path):
    """ETHZ with eth01 (kept) and eth04 (dropped), and a Caltech folder."""
    for seq in ("eth01", "eth04"):
        for k in range(2):
            write_image(root / "ETHZ" / seq / "images" / f"image_{k:08d}_0.png")
            label = root / "ETHZ" / seq / "labels_with_ids" / f"image_{k:08d}_0.txt"
            label.parent.mkdir(parents=True, exist_ok=True)
            label.write_text(f"0 {k} 0.5 0.5 0.2 0.4\n")
    write_image(root / "Caltech" / "data" / "images" / "set00_V000_1.png")
    label = root / "Caltech" / "data" / "labels_with_ids" / "set00_V000_1.txt"
    label.parent.mkdir(parents=True, exist_ok=True)
    label.write_text("0 -1 0.5 0.5 0.2 0.4\n0 -1 0.1 0.9 0.05 0.1\n")
