"""Multi-class evaluation: per class, class-averaged, detection-averaged and per super-category,
equal to TrackEval's own BDD100K run on the same files (its files byte for byte, its printed
tables), with distractors and crowd regions."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from fairmot.data.formats import FormatError
from fairmot.data.formats.bdd100k import BddTracks, read_bdd_sequence, write_bdd_sequence
from fairmot.evaluation import trackeval_tables, write_trackeval_files
from fairmot.evaluation.multiclass import (
    CLASS_AVERAGED,
    DETECTION_AVERAGED,
    evaluate_bdd_split,
)

from .trackeval_run import run_trackeval

CATEGORIES = ("pedestrian", "pedestrian", "car", "car", "bicycle", "rider")


def scene(rng, frames: int = 30) -> tuple:
    """Ground truth of six movers (people, cars, a bicycle, a rider), an 'other vehicle'
    distractor and a crowd box; results: jittered, some boxes missed, one identity switch,
    false positives (one inside the crowd box, where it is ignored)."""
    gt, res = [], []
    start = rng.uniform(50, 400, (len(CATEGORIES), 2))
    for frame in range(1, frames + 1):
        for k, category in enumerate(CATEGORIES):
            x, y = start[k] + frame * np.array([3.0 * (k - 2), 1.0])
            w, h = (60, 40) if category == "car" else (20, 50)
            box = [x, y, x + w, y + h]
            gt.append((frame, k + 1, box, category, False))
            if rng.random() < 0.9:
                track_id = k + 1 if not (k == 0 and frame > 20) else 99  # a switch
                jitter = rng.normal(0, 2, 4)
                res.append((frame, track_id, list(np.add(box, jitter)), category, False))
        gt.append((frame, 50, [600, 300, 680, 340], "other vehicle", False))
        gt.append((frame, 51, [700, 50, 800, 150], "pedestrian", True))
        if frame % 3 == 0:
            res.append((frame, 60 + frame, [720, 60, 740, 110], "pedestrian", False))
            res.append((frame, 200 + frame, [10, 500, 50, 560], "car", False))
    return to_tracks(gt, frames), to_tracks(res, frames)


def to_tracks(rows, frames) -> BddTracks:
    return BddTracks(
        frames=np.array([r[0] for r in rows]),
        ids=np.array([r[1] for r in rows]),
        tlbr=np.array([r[2] for r in rows], float),
        categories=np.array([r[3] for r in rows]),
        scores=np.ones(len(rows)),
        crowd=np.array([r[4] for r in rows]),
        num_frames=frames,
    )


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bdd")
    rng = np.random.default_rng(4)
    for seq in ("b1c66a42-6f7d68ca", "b1d0a191-06deb55d"):
        gt, res = scene(rng)
        write_bdd_sequence(root / "gt" / f"{seq}.json", seq, gt)
        write_bdd_sequence(root / "trackers" / "tracker" / "data" / f"{seq}.json", seq, res)
    return root


def test_round_trip(split):
    (path,) = sorted((split / "gt").glob("b1c*.json"))
    tracks = read_bdd_sequence(path)
    assert tracks.num_frames == 30 and len(tracks) == 30 * 8
    assert set(tracks.categories) == {*CATEGORIES, "other vehicle"} and tracks.crowd.sum() == 30


def test_equal_to_trackeval_reading_the_files(split, tmp_path):
    written_by_trackeval, printed = run_trackeval("BDD100K", split, tmp_path)
    ours = evaluate_bdd_split(split / "gt", split / "trackers" / "tracker" / "data")
    written = write_trackeval_files(ours, tmp_path / "ours")
    assert len(written) == 2 * (8 + 2 + 3)  # classes, two averages, three super-categories
    for path in written:
        assert path.read_text() == (written_by_trackeval / path.name).read_text(), path.name
    tables = trackeval_tables(ours, "tracker").strip()
    assert tables in printed
    summary = ours.summary()
    assert summary["car"]["COMBINED"]["IDSW"] == 0  # the switch was a pedestrian's
    assert summary["pedestrian"]["COMBINED"]["IDSW"] >= 1
    mean_hota = np.mean([summary[c]["COMBINED"]["HOTA"] for c in ours.classes])
    assert summary[CLASS_AVERAGED]["COMBINED"]["HOTA"] == pytest.approx(mean_hota)
    assert summary[DETECTION_AVERAGED]["COMBINED"]["Dets"] == sum(
        summary[c]["COMBINED"]["Dets"] for c in ours.classes
    )


def test_errors_name_the_file(split, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"index": 0, "labels": [{"id": "1", "category": "car"}]}]')
    with pytest.raises(FormatError, match=r"bad.json: frame entry 0: a label needs id"):
        read_bdd_sequence(bad)
    shutil.copytree(split, tmp_path / "copy")
    (result,) = sorted((tmp_path / "copy/trackers/tracker/data").glob("b1c*.json"))
    result.write_text(result.read_text().replace('"car"', '"lorry"'))
    with pytest.raises(FormatError, match=r"unknown categor.*'lorry'"):
        evaluate_bdd_split(tmp_path / "copy/gt", tmp_path / "copy/trackers/tracker/data")


def test_eval_tool_on_the_bdd_layout(split, tmp_path):
    import json
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(repo / "tools/eval_mot.py"), "--gt", str(split / "gt")]
        + ["--results", str(split / "trackers/tracker/data"), "OUTPUT_DIR", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "HOTA: tracker-car" in result.stdout and "CLEAR: tracker-cls_comb_det_av" in result.stdout
    )
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert set(metrics) >= {"pedestrian", "car", "bicycle", CLASS_AVERAGED, "VEHICLE"}
    assert (tmp_path / "eval" / "car_summary.txt").is_file()


def test_a_subset_of_classes_is_averaged_over_itself(split):
    """Evaluating only some categories (TrackEval's CLASSES_TO_EVAL) averages over those;
    a super-category none of whose classes is evaluated is left out (TrackEval fails)."""
    gt, res = split / "gt", split / "trackers" / "tracker" / "data"
    every = evaluate_bdd_split(gt, res).summary()
    some = evaluate_bdd_split(gt, res, classes=["pedestrian", "car"]).summary()
    assert some["car"] == every["car"] and "BIKE" not in some and "HUMAN" in some
    mean = (every["pedestrian"]["COMBINED"]["HOTA"] + every["car"]["COMBINED"]["HOTA"]) / 2
    assert some[CLASS_AVERAGED]["COMBINED"]["HOTA"] == pytest.approx(mean)


def test_evaluate_tracks_dispatches_by_the_ground_truth_layout(split, tmp_path):
    """`evaluate_tracks` evaluates a BDD100K-layout ground truth per class (the same numbers
    as `evaluate_bdd_split`), given the results folder or a tracking run's folder holding
    it (`<run>/bdd100k/`), and writes the reports only when told where."""
    from fairmot.config import get_cfg
    from fairmot.evaluation import combined_metrics, evaluate_tracks

    cfg = get_cfg()
    res = split / "trackers" / "tracker" / "data"
    expected = evaluate_bdd_split(split / "gt", res, classes=["pedestrian", "car"]).summary()
    run = tmp_path / "tracks" / "fairmot"
    shutil.copytree(res, run / "bdd100k")
    for given, out in ((res, None), (run, tmp_path / "eval")):
        result, paths = evaluate_tracks(
            cfg, split / "gt", given, out, classes=["pedestrian", "car"]
        )
        assert result.summary() == expected
        assert combined_metrics(result) == expected[DETECTION_AVERAGED]["COMBINED"]
        assert bool(paths) == (out is not None)
    assert (tmp_path / "eval" / "metrics.json").is_file()
