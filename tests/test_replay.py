"""Saved detections replayed in memory (fairmot.replay) give what track.py writes, and the
tracker comparison benchmark builds its table from them (BoxMOT stood in)."""

import sys
from pathlib import Path

import numpy as np
import pytest

from fairmot.config import load_cfg
from fairmot.data.formats import list_sequences, read_mot_results
from fairmot.data.synthetic import generate_dataset, oracle_detections
from fairmot.errors import UsageError
from fairmot.evaluation import combined_metrics, evaluate_tracks
from fairmot.inference import run_tracking
from fairmot.replay import load_replay, score_replay, track_replay
from fairmot.tracker import TrackerParams

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    root = tmp_path_factory.mktemp("replay")
    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(root)])
    generate_dataset(cfg.SYNTH, root / "data", progress=False)
    gt_dir = root / "data/images/val"
    detections = root / "detections"
    for seq in list_sequences(gt_dir):
        oracle_detections(seq, detections)
    return cfg, gt_dir, detections


def test_replay_gives_the_tracks_track_py_writes(split):
    cfg, gt_dir, detections = split
    stats = run_tracking(cfg, inputs=gt_dir, detections_dir=detections, progress=False)
    sequences = load_replay(detections, gt_dir)
    tracks, ms = track_replay(sequences, TrackerParams.from_config(cfg.TRACKER))
    assert ms > 0
    for stat in stats:
        written = read_mot_results(stat.results)
        ours = tracks[stat.name]
        assert len(written) == len(ours) > 0
        order = np.lexsort((ours.ids, ours.frames))
        np.testing.assert_array_equal(written.frames, ours.frames[order])
        np.testing.assert_array_equal(written.ids, ours.ids[order])
        np.testing.assert_allclose(written.tlwh, ours.tlwh[order], atol=0.01)  # 2 decimals
    metrics = score_replay(sequences, tracks)
    assert 80 < metrics["MOTA"] <= 100 and metrics["IDSW"] >= 0
    # The run says where it wrote; the evaluation takes its folder or the result files.
    assert stats.out_dir == Path(cfg.OUTPUT_DIR) / "tracks" / "fairmot"
    assert {s.results.parent for s in stats} == {stats.results_dir} == {stats.evaluated_dir}
    for given in (stats.out_dir, stats.results_dir):
        result, paths = evaluate_tracks(cfg, gt_dir, given)
        assert paths == []  # files written with 2 decimals: localisation differs in the 7th
        assert combined_metrics(result) == pytest.approx(metrics, rel=1e-6)


def test_a_sequence_without_saved_detections_is_named(split, tmp_path):
    _, gt_dir, detections = split
    (tmp_path / "OTHER.npz").write_bytes((next(detections.glob("*.npz"))).read_bytes())
    with pytest.raises(UsageError, match="no saved detections for SYN-"):
        load_replay(tmp_path, gt_dir)


STAND_IN = """
import argparse, json, shutil
from pathlib import Path
p = argparse.ArgumentParser()
for a in ("--tracker", "--detections", "--gt", "--out", "--thresh", "--max-age"):
    p.add_argument(a)
p.add_argument("--no-cmc", action="store_true")
a = p.parse_args()
assert a.thresh == "0.4" and a.max_age == "30", (a.thresh, a.max_age)
for seq in Path(a.gt).iterdir():
    if (seq / "gt").is_dir():
        rows = [r.split(",") for r in (seq / "gt/gt.txt").read_text().split()]
        Path(a.out, seq.name + ".txt").write_text(
            "".join(",".join(r[:6]) + ",1,-1,-1,-1\\n" for r in rows if r[6] == "1"))
print(json.dumps({"tracker": a.tracker, "frames": 40, "seconds": 0.04}))
"""


def test_comparison_table_has_every_preset_and_the_stood_in_boxmot_rows(split, tmp_path):
    """BoxMOT stood in by a script answering as `boxmot_replay.py` does, writing the ground
    truth as its tracks: its row must score perfectly."""
    import tracker_compare

    _, gt_dir, detections = split
    stand_in = tmp_path / "boxmot_stand_in.py"
    stand_in.write_text(STAND_IN)
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nshift\nexec {sys.executable} {stand_in} "$@"\n')
    python.chmod(0o755)
    out = tmp_path / "table.md"
    argv = ["--detections", str(detections), "--gt", str(gt_dir), "--out", str(out)]
    argv += ["--cfg", str(REPO / "configs/synthetic_instant.yaml")]
    rows = tracker_compare.main(argv + ["--boxmot-python", str(python), "--boxmot", "fake"])
    names = list(rows)
    assert names == [
        "ours, fairmot",
        "ours, fairmot + link+gsi",
        "ours, strong",
        "ours, strong + link+gsi",
        "ours, oc",
        "ours, oc + link+gsi",
        "BoxMOT fake",
    ]
    metrics, ms = rows["BoxMOT fake"]
    assert metrics["HOTA"] > 99 and metrics["IDSW"] == 0 and ms == pytest.approx(1.0)
    table = out.read_text().splitlines()
    assert table[0] == "| tracker | HOTA | MOTA | IDF1 | IDSW | AssA | DetA | ms/frame |"
    assert len(table) == 2 + len(rows) and table[3].endswith(" | — |")  # post: offline


def test_camera_motion_on_saved_detections_reads_their_frames_and_is_timed(split):
    """TRACKER.CMC on saved detections: the frames come from the matching sequences of
    --input, the estimate's time is the timings' motion column, and the in-memory replay
    with the same method gives the same tracks. Without frames: a sentence."""
    cfg, gt_dir, detections = split
    cfg = cfg.clone()
    cfg.defrost()
    cfg.TRACKER.CMC = "sof"
    cfg.freeze()
    stats = run_tracking(
        cfg, inputs=gt_dir, detections_dir=detections, name="cmc", timings=True, progress=False
    )
    timings = np.genfromtxt(
        stats[0].results.parents[1] / "timings" / f"{stats[0].name}.csv", delimiter=",", names=True
    )
    assert (timings["motion_ms"][1:] > 0).all() and stats[0].seconds["motion"] > 0
    sequences = load_replay(detections, gt_dir)
    tracks, _ = track_replay(sequences, TrackerParams.from_config(cfg.TRACKER), cmc=("sof", 2.0))
    written = read_mot_results(stats[0].results)
    ours = tracks[stats[0].name]
    order = np.lexsort((ours.ids, ours.frames))
    np.testing.assert_array_equal(written.ids, ours.ids[order])
    np.testing.assert_allclose(written.tlwh, ours.tlwh[order], atol=0.01)
    with pytest.raises(UsageError, match="TRACKER.CMC sof needs the frames"):
        run_tracking(cfg, detections_dir=detections, progress=False)
