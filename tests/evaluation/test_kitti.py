"""KITTI tracking evaluation: TrackEval's Kitti2DBox rules on our arrays give TrackEval's own
files for the same label files (distractor Van / Person, truncated and occluded boxes,
DontCare regions, boxes under the minimum height), and label-file errors name the line."""

from pathlib import Path

import numpy as np
import pytest

from fairmot.data.formats import FormatError
from fairmot.data.formats.kitti import format_kitti_results, read_kitti_labels
from fairmot.evaluation import multiclass_layout, write_trackeval_files
from fairmot.evaluation.kitti import evaluate_kitti_split

from .trackeval_run import run_trackeval

#: (type, truncated, occluded, width, height) of the scene's movers.
MOVERS = (
    ("Car", 0, 0, 80, 40),
    ("Car", 0, 1, 90, 45),
    ("Car", 1, 0, 70, 40),  # truncated: a distractor for Car
    ("Van", 0, 0, 90, 50),  # a distractor for Car
    ("Pedestrian", 0, 0, 20, 50),
    ("Pedestrian", 0, 3, 20, 50),  # occluded beyond level 2: a distractor
    ("Person", 0, 0, 25, 40),  # a sitting person: a distractor for Pedestrian
    ("Cyclist", 0, 0, 25, 45),  # neither class
)


def gt_line(frame, track, kind, trunc, occl, box) -> str:
    x1, y1, x2, y2 = box
    return (
        f"{frame} {track} {kind} {trunc} {occl} -10 {x1:.2f} {y1:.2f} {x2:.2f} {y2:.2f}"
        " 1.5 1.6 3.9 1 1 10 0\n"
    )


def scene(rng, frames: int = 25) -> tuple[str, str]:
    """One sequence's ground truth and results: jittered matches, misses, an identity
    switch, results on the distractors, a small false positive and one in a DontCare box."""
    gt, res = [], [[], [], [], [], []]
    start = rng.uniform(50, 600, (len(MOVERS), 2))
    for frame in range(frames):
        for k, (kind, trunc, occl, w, h) in enumerate(MOVERS):
            x, y = start[k] + frame * np.array([2.0 * (k - 3), 0.5])
            box = [x, y, x + w, y + h]
            gt.append(gt_line(frame, k, kind, trunc, occl, box))
            if kind != "Cyclist" and rng.random() < 0.85:
                track = k + 10 if not (k == 0 and frame > 15) else 99
                label = {"Van": "Car", "Person": "Pedestrian"}.get(kind, kind)
                row = (frame, track, label, np.add(box, rng.normal(0, 2, 4)), rng.uniform(0.3, 1))
                for column, value in enumerate(row):
                    res[column].append(value)
        gt.append(gt_line(frame, -1, "DontCare", -1, -1, [900, 100, 1000, 200]))
        if frame % 3 == 0:
            for track, kind, box in (
                (300 + frame, "Car", [910, 110, 960, 150]),  # inside the DontCare region
                (400 + frame, "Pedestrian", [10, 300, 25, 320]),  # 20 px tall
                (500 + frame, "Car", [10, 10, 80, 60]),  # a plain false positive
            ):
                for column, value in enumerate((frame, track, kind, box, 0.5)):
                    res[column].append(value)
    return "".join(gt), format_kitti_results(*res)


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kitti")
    rng = np.random.default_rng(7)
    seqmap = []
    for seq in ("0000", "0003"):
        gt, res = scene(rng)
        (root / "gt" / "label_02").mkdir(parents=True, exist_ok=True)
        (root / "gt" / "label_02" / f"{seq}.txt").write_text(gt)
        (root / "trackers" / "tracker" / "data").mkdir(parents=True, exist_ok=True)
        (root / "trackers" / "tracker" / "data" / f"{seq}.txt").write_text(res)
        seqmap.append(f"{seq} empty 000000 000025\n")
    (root / "gt" / "evaluate_tracking.seqmap.training").write_text("".join(seqmap))
    return root


def test_equal_to_trackeval_reading_the_files(split, tmp_path):
    written_by_trackeval, printed = run_trackeval("Kitti2DBox", split, tmp_path)
    assert multiclass_layout(split / "gt") == "kitti"
    ours = evaluate_kitti_split(split / "gt", split / "trackers" / "tracker" / "data")
    written = {p.name: p for p in write_trackeval_files(ours, tmp_path / "ours")}
    for cls in ("car", "pedestrian"):
        for name in (f"{cls}_summary.txt", f"{cls}_detailed.csv"):
            assert written[name].read_text() == (written_by_trackeval / name).read_text(), name
    summary = ours.summary()
    assert summary["car"]["COMBINED"]["IDSW"] >= 1  # the switch
    # Two real cars (not the truncated one nor the van) per frame, in both sequences.
    assert summary["car"]["COMBINED"]["GT_Dets"] == 2 * 2 * 25
    assert summary["pedestrian"]["COMBINED"]["GT_Dets"] == 2 * 25
    # Only the plain false positives stay; the DontCare and short ones are removed.
    assert summary["car"]["COMBINED"]["CLR_FP"] == 2 * 9
    assert summary["pedestrian"]["COMBINED"]["CLR_FP"] == 0


def test_label_errors_name_the_line(tmp_path):
    path = tmp_path / "0000.txt"
    box = [1, 2, 3, 4]
    path.write_text(gt_line(0, 1, "Car", 0, 0, box) + gt_line(1, 1, "Lorry", 0, 0, box))
    with pytest.raises(FormatError, match=r"0000.txt:2: type 'Lorry' is not a KITTI tracking type"):
        read_kitti_labels(path)
    path.write_text("0 1 Car 0 0\n")
    with pytest.raises(FormatError, match=r"0000.txt:1: 5 fields; expected 17 or 18 "):
        read_kitti_labels(path)
    path.write_text(gt_line(0, 1, "Person_sitting", 0, 0, [1, 2, 3, 4]))
    assert read_kitti_labels(path).types.tolist() == ["Person"]
