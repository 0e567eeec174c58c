"""Ablation studies (fairmot.study, tools/ablate.py): study files, the table's means, spreads
and the paper's direction, resuming a killed study, every shipped study file loads and each
synthetic study's trainings start."""

import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from fairmot.config import ConfigError, load_cfg
from fairmot.study import (
    StudyRow,
    finished_twin,
    first_steps,
    load_study,
    paper_direction,
    run_study,
    summarise_rows,
)

REPO = Path(__file__).resolve().parents[1]

INSTANT_STUDY = """
title: Two rows on the instant config
config: configs/synthetic_instant.yaml
overrides: [TRACKER.PRESET, fairmot]
seeds: 2
compare: IDF1
baseline: joint
rows:
  - name: joint
    paper: {IDF1: 72.8}
  - name: iou
    reuse: joint
    overrides: [TRACKER.ASSOCIATION, iou]
    paper: {IDF1: 67.2}
"""


def write_study(tmp_path, text: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


def test_every_shipped_study_loads_with_every_row():
    """The tool's --check: each study file of configs/studies reads, and every row's config
    (its overrides and pre-training) loads; --table finds the files by the paper's numbers."""
    studies = sorted((REPO / "configs/studies").glob("*.yaml"))
    assert {p.stem for p in studies} >= {
        f"{s}_table{n}" for s in ("synthetic", "mot17_half") for n in (1, 2, 3, 5, 6, 7)
    }
    for path in studies:
        result = subprocess.run(
            [sys.executable, str(REPO / "tools/ablate.py"), "--study", str(path), "--check"],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert result.returncode == 0, (path.name, result.stderr[-1000:])
        assert "every config loads" in result.stdout
    result = subprocess.run(
        [sys.executable, str(REPO / "tools/ablate.py"), "--table", "4"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 1 and "no study file synthetic_table4.yaml" in result.stderr


@pytest.mark.parametrize(
    "body, message",
    [
        ("rows:\n  - name: a\n  - name: a\n", "each name once"),
        ("rows:\n  - name: b\n    reuse: a\n  - name: a\n", "not a row above it"),
        ("baseline: z\nrows:\n  - name: a\n", "baseline 'z' is not a row"),
        ("compare: FPS\nrows:\n  - name: a\n", "compare must be one of"),
        ("rows:\n  - name: a\n    overrides: SEED 3\n", "a list of KEY VALUE pairs"),
    ],
)
def test_a_bad_study_file_is_an_error_naming_it(tmp_path, body, message):
    path = write_study(tmp_path, "config: configs/synthetic_instant.yaml\n" + body)
    with pytest.raises(ConfigError, match=message) as error:
        load_study(path)
    assert str(path) in str(error.value)


def test_the_paper_direction_holds_reverses_or_lies_within_the_spread(tmp_path):
    study = load_study(write_study(tmp_path, INSTANT_STUDY))
    records = [
        {"row": "joint", "IDF1": 70.0},
        {"row": "joint", "IDF1": 72.0},
        {"row": "iou", "IDF1": 60.0},
        {"row": "iou", "IDF1": 61.0},
    ]
    summary = summarise_rows(study, records)
    assert summary["joint"]["IDF1"] == {"mean": 71.0, "std": pytest.approx(math.sqrt(2)), "n": 2}
    iou = study.row("iou")
    assert paper_direction(study, summary, iou) == "holds"  # the paper: iou below joint
    summary["iou"]["IDF1"]["mean"] = 80.0
    assert paper_direction(study, summary, iou) == "reversed"
    summary["iou"]["IDF1"]["mean"] = 72.5  # 1.5 apart, spread hypot(1.41, 0.71) = 1.58
    assert paper_direction(study, summary, iou) == "within spread"
    summary["iou"]["IDF1"]["n"] = 1
    assert paper_direction(study, summary, iou) == "reversed (one run: no spread)"
    assert paper_direction(study, summary, study.row("joint")) == ""
    assert paper_direction(study, summary, StudyRow("other")) == ""  # no paper figure


def test_a_training_another_study_finished_is_found_by_its_config(tmp_path):
    shelf = tmp_path / "studies"

    def run(study, row, *opts, finished=True):
        cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", [*opts])
        cfg.defrost()
        cfg.OUTPUT_DIR = str(shelf / study / row / "seed_0")
        out = Path(cfg.OUTPUT_DIR)
        out.mkdir(parents=True)
        (out / "config.yaml").write_text(cfg.dump())
        (out / "model_last.pth").write_bytes(b"")
        if finished:
            (out / "trained.json").write_text("{}")
        return cfg

    run("table5", "128", "MODEL.REID_DIM", "128")
    twin = run("table5", "64", "MODEL.REID_DIM", "64")
    run("table5", "32", "MODEL.REID_DIM", "32", finished=False)  # killed: no twin
    # Tracked otherwise, written elsewhere: the same training.
    ours = run("table6", "kf", "MODEL.REID_DIM", "64", "TRACKER.ASSOCIATION", "iou", finished=False)
    assert finished_twin(ours, shelf) == Path(twin.OUTPUT_DIR)
    for key, value in (("SEED", "2"), ("SOLVER.EPOCHS", "2"), ("SYNTH.SEED", "5")):
        other = ours.clone()
        other.merge_from_list([key, value])
        assert finished_twin(other, shelf) is None, key
    other = ours.clone()
    other.merge_from_list(["MODEL.REID_DIM", "32"])
    assert finished_twin(other, shelf) is None  # its only run did not finish
    assert finished_twin(twin, shelf) is None  # a run is not its own twin


@pytest.mark.slow
def test_a_two_row_study_runs_writes_its_table_and_resumes(tmp_path, monkeypatch):
    study = load_study(write_study(tmp_path, INSTANT_STUDY))
    cfg = load_cfg(study.config, [*study.overrides, "OUTPUT_DIR", str(tmp_path / "out")])
    records, summary, paths = run_study(cfg, study, progress=False)
    assert [(r["row"], r["seed"]) for r in records] == [
        ("joint", 0),
        ("iou", 0),
        ("joint", 1),
        ("iou", 1),
    ]
    out = tmp_path / "out"
    for row in ("joint", "iou"):
        runs = [json.loads((out / row / f"seed_{k}" / "result.json").read_text()) for k in (0, 1)]
        metrics = ("HOTA", "IDF1", "IDSW") + (("TPR@FAR=0.1",) if row == "joint" else ())
        for metric in metrics:
            values = [r[metric] for r in runs]
            assert summary[row][metric]["mean"] == pytest.approx(statistics.fmean(values))
            assert summary[row][metric]["std"] == pytest.approx(statistics.stdev(values))
    # The reusing row tracks the trained row's model of the same seed, with its own tracker.
    iou = json.loads((out / "iou/seed_1/result.json").read_text())
    assert iou["weights"] == str(out / "joint/seed_1/model_last.pth")
    assert "TPR@FAR=0.01" not in iou and "TPR@FAR=0.01" in summary["joint"]
    assert "ASSOCIATION: iou" in (out / "iou/seed_1/config.yaml").read_text()
    table = paths[0].read_text()
    assert "| joint | 2 |" in table and "paper IDF1" in table and "72.8" in table
    # Killed before the last run finished: the same call runs that one only.
    (out / "iou/seed_1/result.json").unlink()
    calls = []
    import fairmot.study as study_module

    real = study_module.run_row
    monkeypatch.setattr(
        study_module, "run_row", lambda *a, **k: calls.append(a[2].name) or real(*a, **k)
    )
    again, _, _ = run_study(cfg, study, progress=False)
    assert calls == ["iou"] and len(again) == 4
    assert again[:3] == records[:3]
    # A study beside it with the same training (as Table 6 after Table 5): nothing trains,
    # and the reusing row tracks the other study's model, scoring what it scored there.
    beside = load_cfg(study.config, [*study.overrides, "OUTPUT_DIR", str(tmp_path / "beside")])
    twins, _, _ = run_study(beside, study, seeds=1, progress=False)
    assert [r["weights"] for r in twins] == [str(out / "joint/seed_0/model_last.pth")] * 2
    assert twins[1]["IDF1"] == records[1]["IDF1"] and twins[1]["IDSW"] == records[1]["IDSW"]
    assert not list((tmp_path / "beside").glob("*/seed_0/model_last.pth"))


#: The trainings each synthetic study runs (rows reusing another's model train nothing).
TRAININGS = {
    1: ["center", "two_stage"],
    2: ["resnet34", "resnet50", "resnet34_fpn", "hrnet_w18", "dla34"],
    3: ["uncertainty", "fixed", "detection_only", "reid_only"],
    5: ["512", "256", "128", "64"],
    6: ["reid_kf_iou"],
    7: ["supervised", "selfsup_finetuned pre-training", "selfsup_finetuned"],
}


@pytest.mark.slow
def test_every_synthetic_study_starts_each_training_on_the_instant_config(tmp_path):
    """`--first-step`: each training of every synthetic study (the backbones, the two-stage
    head, the loss weightings, self-supervised pre-training) builds and takes a step on the
    instant config's data; the step's loss is the row's weighting of its terms."""
    opts = ["OUTPUT_DIR", str(tmp_path), "SYNTH.TRAIN_SEQS", "1", "SOLVER.BATCH_SIZE", "2"]
    steps = {}
    for table, names in TRAININGS.items():
        study = load_study(REPO / f"configs/studies/synthetic_table{table}.yaml")
        cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", [*study.overrides, *opts])
        steps[table] = dict(first_steps(cfg, study))
        assert list(steps[table]) == names
        assert all(math.isfinite(t["loss"]) for t in steps[table].values())
    weighting = steps[3]
    det, ids = weighting["fixed"]["det_loss"], weighting["fixed"]["id_loss"]
    assert weighting["fixed"]["loss"] == pytest.approx(det + ids, rel=1e-5)
    u = weighting["uncertainty"]  # the paper's initial s_det -1.85, s_id -1.05
    expected = 0.5 * (math.exp(1.85) * u["det_loss"] + math.exp(1.05) * u["id_loss"] - 2.9)
    assert u["loss"] == pytest.approx(expected, rel=1e-4)
    only = weighting["detection_only"]
    assert only["loss"] == pytest.approx(only["det_loss"], rel=1e-5) and only["id_loss"] > 0
    only = weighting["reid_only"]
    assert only["det_loss"] == 0 and only["loss"] == pytest.approx(only["id_loss"], rel=1e-5)
    # The tool: each training's step printed, no run started.
    result = subprocess.run(
        [sys.executable, str(REPO / "tools/ablate.py"), "--table", "7", "--first-step"]
        + ["--cfg", str(REPO / "configs/synthetic_instant.yaml"), *opts],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "selfsup_finetuned pre-training: one training step, loss" in result.stdout
    assert not (tmp_path / "supervised").exists()  # no run folder: only the data
