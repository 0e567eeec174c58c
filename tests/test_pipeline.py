"""The main job end to end on the instant synthetic config, through the real tool."""

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from fairmot.config import load_cfg
from fairmot.data.formats import list_sequences, read_mot_results
from fairmot.data.synthetic import generate_dataset, oracle_detections
from fairmot.evaluation import ABLATION_ROWS, format_ablation
from fairmot.pipeline import association_ablation

REPO = Path(__file__).resolve().parents[1]


def test_demo_tool_writes_everything_under_output_dir(tmp_path):
    """Every stage of the main job runs on the instant config (one short epoch: the model is
    poor, the files are complete)."""
    out = tmp_path / "run"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/demo.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            "OUTPUT_DIR",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for stage in range(1, 6):
        assert f"[{stage}/5]" in result.stdout
    record = json.loads(next((out / "runs").glob("*_demo/run.json")).read_text())
    assert record["status"] == "ok" and record["tool"] == "demo"
    # what the training computed in, and on which machine (SOLVER.AMP auto's choice)
    assert record["training_precision"].split(" (")[0] in (
        "float32",
        "bf16 autocast, channels-last",
    )
    assert record["machine"]["cpu"] and record["machine"]["threads"] >= 1
    assert next((out / "runs").glob("*_demo/config.yaml")).is_file()
    assert (out / "data" / "synthetic.json").is_file()
    assert (out / "model_last.pth").is_file()
    tracks = out / "tracks" / "fairmot"
    assert read_mot_results(tracks / "data" / "SYN-02.txt", 40) is not None
    assert int(np.load(tracks / "detections" / "SYN-02.npz")["num_frames"]) == 40
    capture = cv2.VideoCapture(str(tracks / "videos" / "SYN-02.mp4"))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 40
    metrics = json.loads((out / "eval" / "metrics.json").read_text())
    assert set(metrics) == {"SYN-02", "COMBINED"} and "IDF1" in metrics["COMBINED"]
    assert (out / "eval" / "hota_alpha.png").is_file()
    table = (out / "eval" / "association_ablation.md").read_text().splitlines()
    assert [row.split("|")[1].strip() for row in table[2:]] == list(ABLATION_ROWS.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing written elsewhere


def test_association_ablation_on_oracle_detections(tmp_path):
    """Table 6 on one synthetic sequence with scheduled crossings: IoU-only association swaps
    identities where people cross; re-ID with motion keeps them."""
    cfg = load_cfg(
        REPO / "configs/synthetic.yaml",
        [
            "OUTPUT_DIR",
            str(tmp_path),
            "SYNTH.TRAIN_SEQS",
            "0",
            "SYNTH.VAL_SEQS",
            "1",
            "SYNTH.SEQ_LENGTH",
            "200",
            "SYNTH.CROSSINGS_PER_100",
            "4",
            "SYNTH.WRITE_DET",
            "False",
        ],
    )
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    gt_dir = tmp_path / "data/images/val"
    detections = oracle_detections(list_sequences(gt_dir)[0], tmp_path / "detections")
    rows = association_ablation(cfg, detections, gt_dir, progress=False)
    assert list(rows) == list(ABLATION_ROWS)
    default, iou_only = rows["reid_kf_iou"], rows["iou"]
    assert iou_only["IDSW"] >= default["IDSW"] + 3
    assert default["IDF1"] > iou_only["IDF1"]
    assert default["MOTA"] > 80
    table = format_ablation(rows).splitlines()
    assert table[0] == "| association | MOTA | IDF1 | HOTA | AssA | IDSW |"
    assert table[2].startswith("| IoU only | ") and table[2].endswith(f" {iou_only['IDSW']} |")


def test_ablation_tool_on_saved_detections(tmp_path):
    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(tmp_path)])
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    gt_dir = tmp_path / "data/images/val"
    detections = oracle_detections(list_sequences(gt_dir)[0], tmp_path / "detections")
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/ablate_association.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            "--detections",
            str(detections),
            "--gt",
            str(gt_dir),
            "OUTPUT_DIR",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "out/eval/association_ablation.md").read_text()
    assert written.strip() in result.stdout and "re-ID only" in written


def test_make_synthetic_tool(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/make_synthetic.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            "OUTPUT_DIR",
            str(tmp_path),
            "SYNTH.SEQ_LENGTH",
            "10",
            "SYNTH.NUM_WORKERS",
            "2",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert '"frames": 20' in result.stdout
    assert len(list((tmp_path / "data/images/val").glob("*/img1/*.jpg"))) == 10


def test_line_counting_through_the_tracking_tool(tmp_path):
    """Oracle detections of a synthetic sequence tracked with a counting line across the
    middle of the frame: the per-frame counts CSV agrees with counting the written tracks
    again, every row the cumulative in/out of line 1; people walk across, so some count."""
    from fairmot.tracker.counting import LineCounter

    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(tmp_path)])
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    gt_dir = tmp_path / "data/images/val"
    (seq,) = list_sequences(gt_dir)
    detections = oracle_detections(seq, tmp_path / "detections")
    line = [320, 0, 320, 360]  # vertical, drawn downwards: walking left is "in"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/track.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
        ]
        + ["--detections", str(detections), "--input", str(gt_dir), "--count-line", "320,0,320,360"]
        + ["OUTPUT_DIR", str(tmp_path / "out"), "COUNT.HYSTERESIS", "2"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    rows = (tmp_path / f"out/tracks/fairmot/counts/{seq.name}.csv").read_text().splitlines()
    assert rows[0] == "frame,line,class,in,out" and len(rows) == 1 + seq.info.seq_length
    tracks = read_mot_results(tmp_path / f"out/tracks/fairmot/data/{seq.name}.txt")
    counter = LineCounter([line], hysteresis=2)
    for frame in range(1, seq.info.seq_length + 1):
        at = tracks.frames == frame
        counts = counter.update(tracks.ids[at], tracks.tlwh[at], np.zeros(at.sum(), int))
    assert rows[-1] == f"{seq.info.seq_length},1,pedestrian,{counts[0, 0, 0]},{counts[0, 0, 1]}"
    assert counts.sum() >= 1  # someone crossed in these 40 frames


def test_the_gallery_keeps_identities_of_people_who_leave_and_return(tmp_path):
    """A synthetic sequence where people walk out of view and come back 2-10 s later, the
    same detections (an oracle detector's) tracked with and without the long-term gallery:
    it raises IDF1 and lowers identity switches."""
    cfg = load_cfg(
        REPO / "configs/synthetic_leave_return.yaml",
        ["OUTPUT_DIR", str(tmp_path), "SYNTH.VAL_SEQS", "1", "SYNTH.SEQ_LENGTH", "600"]
        + ["SYNTH.RETURN_PROB", "1.0", "SYNTH.WRITE_DET", "False"],
    )
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    gt_dir = tmp_path / "data/images/val"
    detections = oracle_detections(list_sequences(gt_dir)[0], tmp_path / "detections")
    rows = association_ablation(cfg, detections, gt_dir, progress=False)
    default, gallery = rows["reid_kf_iou"], rows["gallery"]
    assert gallery["IDF1"] > default["IDF1"] + 5
    assert gallery["IDSW"] < default["IDSW"]
    assert gallery["MOTA"] >= default["MOTA"] - 0.5


def test_multi_class_demo_evaluates_per_class(tmp_path):
    """The multi-class main job on instant settings: every stage runs, the evaluation has a
    row per class and the class and detection averages, with TrackEval's files per class."""
    out = tmp_path / "run"
    instant = ["SYNTH.TRAIN_SEQS", "1", "SYNTH.TRAIN_SEQ_LENGTH", "0", "SYNTH.VAL_SEQS", "1"]
    instant += ["SYNTH.SEQ_LENGTH", "40", "SOLVER.EPOCHS", "1", "SOLVER.LR_STEPS", "[1]"]
    result = subprocess.run(
        [sys.executable, str(REPO / "tools/demo.py")]
        + ["--cfg", str(REPO / "configs/synthetic_multiclass.yaml"), "OUTPUT_DIR", str(out)]
        + instant,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "(class 0: " in result.stderr + result.stdout  # identities counted per class
    metrics = json.loads((out / "eval" / "metrics.json").read_text())
    assert {"pedestrian", "car", "cls_comb_cls_av", "cls_comb_det_av"} <= set(metrics)
    assert (out / "eval" / "car_summary.txt").is_file()
    assert (out / "tracks/fairmot/bdd100k/SYN-02.json").is_file()
    assert len((out / "eval/association_ablation.md").read_text().splitlines()) == 2 + 5
