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


def kitti_line(frame, track, kind, x1, y1, x2, y2, trunc=0, occl=0) -> str:
    return f"{frame} {track} {kind} {trunc} {occl} -10 {x1} {y1} {x2} {y2} 1.5 1.6 3.9 1 1 10 0\n"


#: KITTI sequence 0000: a pedestrian (track 0) in frames 0-2, a car (track 1) in frames 0
#: and 2, a van (track 2, not trained), a DontCare region; 0001: a pedestrian (track 0).
KITTI_0000 = [
    kitti_line(0, 0, "Pedestrian", 10, 8, 26, 40),
    kitti_line(0, 1, "Car", 30, 20, 62, 40),
    kitti_line(0, -1, "DontCare", 0, 0, 8, 8, -1, -1),
    kitti_line(1, 0, "Pedestrian", 11, 8, 27, 40),
    kitti_line(1, 2, "Van", 40, 10, 60, 30),
    kitti_line(2, 0, "Pedestrian", 12, 8, 28, 40),
    kitti_line(2, 1, "car", 32, 20, 64, 40),
]
KITTI_0001 = [kitti_line(1, 0, "Pedestrian", 5, 5, 15, 35)]


def make_kitti_release(src: Path):
    """training/image_02/<SEQ>/000000.png ... and training/label_02/<SEQ>.txt."""
    for name, lines, length in (("0000", KITTI_0000, 3), ("0001", KITTI_0001, 2)):
        for frame in range(length):
            write_image(src / "training" / "image_02" / name / f"{frame:06d}.png", value=frame)
        (src / "training" / "label_02").mkdir(parents=True, exist_ok=True)
        (src / "training" / "label_02" / f"{name}.txt").write_text("".join(lines))


#: VisDrone annotations (frame,id,x,y,w,h,score,category,truncation,occlusion): a pedestrian
#: (id 1), a car (id 2), an ignored region (score 0, category 0), "others" (11), a van not
#: trained with the default of make_visdrone's test (classes pedestrian, car).
VISDRONE_TRAIN = [
    "1,1,10,8,16,20,1,1,0,0",
    "1,2,30,20,30,20,1,4,0,1",
    "1,0,0,0,8,8,0,0,0,0",
    "2,1,11,8,16,20,1,1,0,0",
    "2,3,40,10,20,20,1,5,0,0",
    "2,4,0,30,8,8,1,11,0,0",
]
VISDRONE_VAL = ["2,7,5,5,10,20,1,4,0,0"]


def make_visdrone_release(src: Path):
    """VisDrone2019-MOT-{train,val}/{sequences/<SEQ>/0000001.jpg, annotations/<SEQ>.txt}."""
    for split, name, lines in (
        ("train", "uav0000013_00000_v", VISDRONE_TRAIN),
        ("val", "uav0000086_00000_v", VISDRONE_VAL),
    ):
        folder = src / f"VisDrone2019-MOT-{split}"
        for frame in range(1, 3):
            write_image(folder / "sequences" / name / f"{frame:07d}.jpg", value=frame)
        (folder / "annotations").mkdir(parents=True, exist_ok=True)
        (folder / "annotations" / f"{name}.txt").write_text("\n".join(lines) + "\n")
