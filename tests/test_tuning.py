"""Tuning the tracker on saved detections: a study on the instant config's split runs in
worker processes, writes its files, and resumes where it stopped."""

import csv
from pathlib import Path

import pytest

from fairmot.config import load_cfg
from fairmot.data.formats import list_sequences
from fairmot.data.synthetic import generate_dataset, oracle_detections
from fairmot.errors import UsageError
from fairmot.replay import load_replay
from fairmot.tuning import SEARCH_SPACE, StudySpec, run_study, score_values

REPO = Path(__file__).resolve().parents[1]
INSTANT = REPO / "configs/synthetic_instant.yaml"


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    root = tmp_path_factory.mktemp("tune")
    cfg = load_cfg(INSTANT, ["OUTPUT_DIR", str(root)])
    generate_dataset(cfg.SYNTH, root / "data", progress=False)
    gt_dir = root / "data/images/val"
    for seq in list_sequences(gt_dir):
        oracle_detections(seq, root / "detections")
    return cfg, root


def rows(folder: Path) -> list:
    with open(folder / "trials.csv") as f:
        return list(csv.reader(f))[1:]


def test_a_study_runs_in_two_processes_writes_its_files_and_resumes(split):
    cfg, root = split
    space = {k: SEARCH_SPACE[k] for k in ("MATCH_THRES_REID", "DUPLICATE_THRES", "FEATURE_BUDGET")}
    spec = StudySpec(
        "t",
        root / "study",
        str(root / "detections"),
        str(root / "data/images/val"),
        space=space,
        base_cfg=str(INSTANT),
    )
    values, metrics = run_study(cfg, spec, trials=4, jobs=2)
    first = rows(spec.folder)
    assert len(first) >= 4 and (spec.folder / "trials.png").stat().st_size > 0
    assert set(values) == set(space) and 0.2 <= values["MATCH_THRES_REID"] <= 0.7
    best = load_cfg(spec.folder / "best.yaml")  # an experiment file over the tuned one
    assert best.SYNTH.SEQ_LENGTH == 40 and best.TRACKER.FEATURE_BUDGET == values["FEATURE_BUDGET"]
    # The best trial's metrics are what its keys give when replayed again.
    again = score_values(cfg, load_replay(spec.detections, spec.gt_dir), values)
    assert again["HOTA"] == pytest.approx(metrics["HOTA"]) and again["IDSW"] == metrics["IDSW"]
    assert metrics["HOTA"] == max(float(r[1]) for r in first)
    # The same study again with more trials continues it: the first trials stay.
    run_study(cfg, spec, trials=6, jobs=1)
    resumed = rows(spec.folder)
    assert len(resumed) >= 6 and resumed[: len(first)] == first


def test_two_objectives_and_a_wrong_objective(split):
    cfg, root = split
    space = {"MATCH_THRES_REID": SEARCH_SPACE["MATCH_THRES_REID"]}
    spec = StudySpec(
        "p",
        root / "pair",
        str(root / "detections"),
        str(root / "data/images/val"),
        objective="hota_idsw",
        space=space,
    )
    _, metrics = run_study(cfg, spec, trials=3)
    front = [r for r in rows(spec.folder)]
    assert len(front) == 3 and metrics["HOTA"] == max(float(r[1]) for r in front)
    spec.objective = "mota"
    with pytest.raises(UsageError, match="objective must be one of"):
        run_study(cfg, spec, trials=1)


def test_the_tool_names_a_search_space_key_that_is_not_a_tracker_key(split, tmp_path):
    import subprocess
    import sys

    _, root = split
    space = tmp_path / "space.yaml"
    space.write_text("MATCH_THRES_REID: [float, 0.2, 0.7]\nMATCH_THRESH: [float, 0.1, 0.9]\n")
    done = subprocess.run(
        [sys.executable, str(REPO / "tools/tune_tracker.py"), "--cfg", str(INSTANT)]
        + ["--detections", str(root / "detections"), "--gt", str(root / "data/images/val")]
        + ["--space", str(space), "--trials", "1", "OUTPUT_DIR", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().endswith("MATCH_THRESH are not TRACKER keys"), done.stderr
