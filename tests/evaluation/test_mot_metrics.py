"""Tracking metrics equal to TrackEval's own pipeline (reading the files itself) on the real
MOT15 files shipped with motmetrics and on synthetic MOT17 cases with distractors and
zero-marked rows; CLEAR and IDF1 also equal to motmetrics."""

import contextlib
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from fairmot.config import load_cfg
from fairmot.data.formats import (
    FormatError,
    MotTracks,
    SeqInfo,
    list_sequences,
    read_mot_gt,
    write_mot_results,
    write_seqinfo,
)
from fairmot.data.synthetic import generate_dataset
from fairmot.evaluation.mot_metrics import (
    COMBINED,
    METRICS,
    EvaluationError,
    evaluate_split,
)

REPO = Path(__file__).resolve().parents[2]
TUD = ("TUD-Campus", "TUD-Stadtmitte")


def run_trackeval(gt_dir: Path, trackers_dir: Path, benchmark: str, output: bool = False):
    """TrackEval end to end, reading the files itself; (its results, what it printed). With
    `output`, it prints its tables and writes its summary and detailed files into
    `trackers_dir/tracker/`."""
    import trackeval

    seqs = {s.name: s.info.seq_length for s in list_sequences(gt_dir)}
    evaluator = trackeval.Evaluator(
        {
            "USE_PARALLEL": False,
            "PRINT_RESULTS": output,
            "PRINT_ONLY_COMBINED": False,
            "PRINT_CONFIG": False,
            "TIME_PROGRESS": False,
            "DISPLAY_LESS_PROGRESS": True,
            "OUTPUT_SUMMARY": output,
            "OUTPUT_EMPTY_CLASSES": False,
            "OUTPUT_DETAILED": output,
            "PLOT_CURVES": False,
        }
    )
    dataset = trackeval.datasets.MotChallenge2DBox(
        {
            "GT_FOLDER": str(gt_dir),
            "TRACKERS_FOLDER": str(trackers_dir),
            "BENCHMARK": benchmark,
            "SKIP_SPLIT_FOL": True,
            "SEQ_INFO": seqs,
            "PRINT_CONFIG": False,
            "TRACKERS_TO_EVAL": ["tracker"],
        }
    )
    metrics = [trackeval.metrics.HOTA(), trackeval.metrics.CLEAR(), trackeval.metrics.Identity()]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        results, _ = evaluator.evaluate([dataset], metrics)
    return results["MotChallenge2DBox"]["tracker"], printed.getvalue()


def trackeval_reference(gt_dir: Path, trackers_dir: Path, benchmark: str) -> dict:
    """TrackEval's numbers for the METRICS: {seq or COMBINED: {metric: value}}."""
    per_seq, _ = run_trackeval(gt_dir, trackers_dir, benchmark)
    out = {}
    for seq, res in per_seq.items():
        flat = {
            **res["pedestrian"]["HOTA"],
            **res["pedestrian"]["CLEAR"],
            **res["pedestrian"]["Identity"],
        }
        name = COMBINED if seq == "COMBINED_SEQ" else seq
        out[name] = {m: float(np.mean(flat[m])) for m in METRICS}
    return out


def assert_equal_to_trackeval(ours: dict, reference: dict):
    assert set(ours) == set(reference)
    for seq in reference:
        for metric in METRICS:
            scale = 1 if metric in ("IDSW", "Frag", "MT", "PT", "ML", "CLR_FP", "CLR_FN") else 100
            assert ours[seq][metric] == pytest.approx(
                scale * reference[seq][metric], rel=0, abs=1e-9
            ), (seq, metric)


@pytest.fixture(scope="module")
def tud(tmp_path_factory):
    """The two MOT15 sequences with gt and a tracker's output, in the MOTChallenge layout."""
    import motmetrics

    data = Path(motmetrics.__file__).parent / "data"
    root = tmp_path_factory.mktemp("tud")
    for seq in TUD:
        seq_dir = root / "gt" / seq
        (seq_dir / "gt").mkdir(parents=True)
        shutil.copy(data / seq / "gt.txt", seq_dir / "gt" / "gt.txt")
        length = int(read_mot_gt(seq_dir / "gt" / "gt.txt").frames.max())
        write_seqinfo(seq_dir, SeqInfo(seq, "img1", 25, length, 640, 480, ".jpg"))
        (root / "trackers" / "tracker" / "data").mkdir(parents=True, exist_ok=True)
        shutil.copy(data / seq / "test.txt", root / "trackers" / "tracker" / "data" / f"{seq}.txt")
    return root


def test_equal_to_trackeval_on_real_mot15_files(tud):
    result = evaluate_split(tud / "gt", tud / "trackers" / "tracker" / "data", benchmark="MOT15")
    reference = trackeval_reference(tud / "gt", tud / "trackers", "MOT15")
    assert_equal_to_trackeval(result.summary(), reference)
    assert 0 < result.summary()[COMBINED]["HOTA"] < 100


def test_eval_tool_writes_trackeval_s_files_and_tables_on_real_mot15_files(tud, tmp_path):
    """The TrackEval files and printed tables, equal to what TrackEval itself writes and
    prints for the same files; metrics.json holds every field."""
    import json
    import subprocess
    import sys

    trackers = tmp_path / "trackers"
    shutil.copytree(tud / "trackers", trackers)
    per_seq, printed = run_trackeval(tud / "gt", trackers, "MOT15", output=True)
    ours = subprocess.run(
        [sys.executable, str(REPO / "tools/eval_mot.py"), "--gt", str(tud / "gt")]
        + ["--results", str(tud / "trackers/tracker/data"), "--benchmark", "MOT15"]
        + ["OUTPUT_DIR", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert ours.returncode == 0, ours.stderr
    for name in ("pedestrian_summary.txt", "pedestrian_detailed.csv"):
        theirs = (trackers / "tracker" / name).read_text()
        assert (tmp_path / "out/eval" / name).read_text() == theirs, name
    tables = ours.stdout.split("\nwrote ")[0].strip()
    assert tables.startswith("HOTA: tracker-pedestrian") and "Count: tracker-pedestrian" in tables
    assert tables in printed
    combined = json.loads((tmp_path / "out/eval/metrics.json").read_text())[COMBINED]
    reference = per_seq["COMBINED_SEQ"]["pedestrian"]
    for family, field in [("HOTA", "OWTA"), ("HOTA", "HOTA(0)"), ("CLEAR", "sMOTA")]:
        assert combined[field] == pytest.approx(100 * np.mean(reference[family][field]), abs=1e-9)
    for family, field in [("CLEAR", "CLR_TP"), ("Identity", "IDTP"), ("Identity", "IDFP")]:
        assert combined[field] == reference[family][field]
    alpha = combined["per_alpha"]["HOTA"]
    assert alpha == pytest.approx([100 * v for v in reference["HOTA"]["HOTA"]], abs=1e-9)
    assert {"Dets", "GT_Dets", "IDs", "GT_IDs", "MODA", "LocA(0)"} <= set(combined)


def test_clear_and_idf1_equal_motmetrics_on_real_files(tud):
    import motmetrics as mm

    from fairmot.tracker.matching import iou_matrix

    result = evaluate_split(tud / "gt", tud / "trackers" / "tracker" / "data", benchmark="MOT15")
    for seq in TUD:
        gt = read_mot_gt(tud / "gt" / seq / "gt" / "gt.txt")
        from fairmot.data.formats import read_mot_results

        hyp = read_mot_results(tud / "trackers" / "tracker" / "data" / f"{seq}.txt")
        acc = mm.MOTAccumulator(auto_id=False)
        for frame in range(1, int(gt.frames.max()) + 1):
            g, h = gt.frames == frame, hyp.frames == frame
            a, b = gt.tlwh[g], hyp.tlwh[h]
            # motmetrics' IoU: continuous boxes (no +1), distance 1 - IoU, gated at 0.5.
            ta = np.c_[a[:, :2], a[:, :2] + a[:, 2:]] - [0, 0, 1, 1]
            tb = np.c_[b[:, :2], b[:, :2] + b[:, 2:]] - [0, 0, 1, 1]
            dist = 1 - iou_matrix(ta, tb)
            dist[dist > 0.5] = np.nan
            acc.update(gt.ids[g], hyp.ids[h], dist, frameid=frame)
        summary = mm.metrics.create().compute(
            acc,
            metrics=[
                "mota",
                "idf1",
                "num_switches",
                "num_false_positives",
                "num_misses",
                "mostly_tracked",
                "mostly_lost",
            ],
        )
        ours = result.summary()[seq]
        assert ours["MOTA"] == pytest.approx(100 * summary["mota"].iloc[0], abs=1e-9)
        assert ours["IDF1"] == pytest.approx(100 * summary["idf1"].iloc[0], abs=1e-9)
        assert ours["IDSW"] == summary["num_switches"].iloc[0]
        assert ours["CLR_FP"] == summary["num_false_positives"].iloc[0]
        assert ours["CLR_FN"] == summary["num_misses"].iloc[0]
        assert ours["MT"] == summary["mostly_tracked"].iloc[0]
        assert ours["ML"] == summary["mostly_lost"].iloc[0]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Synthetic MOT17-style gt (distractor classes 7, 8, occluders, zero-marked walkers)
    and a tracker that finds everything person-like, with noise, misses and id switches."""
    root = tmp_path_factory.mktemp("synthetic")
    cfg = load_cfg(
        REPO / "configs/synthetic_instant.yaml",
        [
            "OUTPUT_DIR",
            str(root),
            "SYNTH.SEQ_LENGTH",
            "60",
            "SYNTH.TRAIN_SEQS",
            "2",
            "SYNTH.VAL_SEQS",
            "0",
            "SYNTH.WRITE_DET",
            "False",
        ],
    )
    generate_dataset(cfg.SYNTH, root / "data", progress=False)
    rng = np.random.default_rng(0)
    out = root / "trackers" / "tracker" / "data"
    for seq in list_sequences(root / "data/images/train"):
        gt = seq.read_gt()
        keep = np.isin(gt.classes, (1, 7, 8)) & (rng.random(len(gt)) > 0.1)
        ids = gt.ids[keep] + 100 * (gt.frames[keep] > 30) * (gt.ids[keep] % 3 == 0)
        tlwh = gt.tlwh[keep] + rng.normal(0, 2, (keep.sum(), 4))
        write_mot_results(
            out / f"{seq.name}.txt", MotTracks(gt.frames[keep], ids, tlwh, np.ones(keep.sum()))
        )
    return root


@pytest.mark.parametrize("benchmark", ["MOT17", "MOT20", "MOT15"])
def test_equal_to_trackeval_with_distractors_and_zero_marked_rows(synthetic, benchmark):
    gt_dir = synthetic / "data/images/train"
    result = evaluate_split(gt_dir, synthetic / "trackers/tracker/data", benchmark=benchmark)
    assert_equal_to_trackeval(
        result.summary(), trackeval_reference(gt_dir, synthetic / "trackers", benchmark)
    )


def test_preprocessing_matters(synthetic):
    """The same files score differently with and without MOTChallenge pre-processing:
    predictions on distractors are false positives only when nothing removes them."""
    gt_dir, res = synthetic / "data/images/train", synthetic / "trackers/tracker/data"
    mot17 = evaluate_split(gt_dir, res, benchmark="MOT17").summary()[COMBINED]
    custom = evaluate_split(gt_dir, res, benchmark="custom").summary()[COMBINED]
    assert custom["CLR_FP"] > mot17["CLR_FP"]


def test_errors_name_what_is_wrong(synthetic, tmp_path):
    gt_dir = synthetic / "data/images/train"
    with pytest.raises(EvaluationError, match="sequence\\(s\\) NOPE not found"):
        evaluate_split(gt_dir, synthetic / "trackers/tracker/data", seqs=["NOPE"])
    with pytest.raises(EvaluationError, match="no results for SYN-01"):
        evaluate_split(gt_dir, tmp_path)
    (tmp_path / "SYN-01.txt").write_text("1,1,10,10,20,40,1,-1,-1,-1\n1,2,10,10,20\n")
    with pytest.raises(FormatError, match="SYN-01.txt:2: expected 10 fields"):
        evaluate_split(gt_dir, tmp_path, seqs=["SYN-01"])
    (tmp_path / "SYN-01.txt").write_text("1,1,10,10,20,40,1,-1,-1,-1\n1,1,50,10,20,40,1,-1,-1,-1\n")
    with pytest.raises(EvaluationError, match="frame 1 holds the same tracker id twice"):
        evaluate_split(gt_dir, tmp_path, seqs=["SYN-01"])


def test_eval_tool_writes_table_reports_and_pictures(synthetic, tmp_path):
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/eval_mot.py"),
            "--gt",
            str(synthetic / "data/images/train"),
            "--results",
            str(synthetic / "trackers/tracker/data"),
            "--benchmark",
            "MOT17",
            "OUTPUT_DIR",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "COMBINED" in result.stdout and "IDF1" in result.stdout
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert set(metrics) == {"SYN-01", "SYN-02", COMBINED}
    assert set(METRICS) < set(metrics[COMBINED])
    csv_lines = (tmp_path / "eval" / "metrics.csv").read_text().splitlines()
    assert csv_lines[0].startswith("sequence,HOTA,DetA") and len(csv_lines) == 4
    for picture in ("hota_alpha.png", "sequences.png"):
        assert (tmp_path / "eval" / picture).read_bytes()[:4] == b"\x89PNG"
    bad = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/eval_mot.py"),
            "--gt",
            str(synthetic / "data/images/train"),
            "--results",
            str(tmp_path / "none"),
            "OUTPUT_DIR",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "no results for SYN-01" in bad.stderr
