"""The seed-spread study: the runs' configs, the summary's arithmetic, resume after a kill."""

import json
import statistics
from pathlib import Path

import pytest

from fairmot import spread
from fairmot.config import load_cfg

REPO = Path(__file__).resolve().parents[1]


def test_run_k_moves_the_training_seeds_and_keeps_the_val_split(tmp_path):
    cfg = load_cfg(REPO / "configs/synthetic.yaml", ["OUTPUT_DIR", str(tmp_path), "SEED", "5"])
    runs = [spread.run_config(cfg, k) for k in range(3)]
    assert [(r.SEED, r.SYNTH.SEED, r.SYNTH.VAL_SEED) for r in runs] == [
        (5, 1, 1),
        (6, 2, 1),
        (7, 3, 1),
    ]
    assert runs[2].OUTPUT_DIR == str(tmp_path / "seed_2")


def test_summary_is_mean_sample_std_min_max():
    rows = [{"HOTA": 40.0, "IDSW": 200}, {"HOTA": 46.0, "IDSW": 180}, {"HOTA": 43.0, "IDSW": 190}]
    stats = spread.summarise(rows, ["HOTA", "IDSW"])
    assert stats["HOTA"] == {"mean": 43.0, "std": 3.0, "min": 40.0, "max": 46.0}
    assert stats["IDSW"]["std"] == pytest.approx(statistics.stdev([200, 180, 190]))
    assert spread.summarise(rows[:1], ["HOTA"])["HOTA"]["std"] == 0.0


def test_two_seeds_end_to_end_then_resume_reads_the_finished_runs(tmp_path, monkeypatch):
    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(tmp_path)])
    rows, stats, paths = spread.run_spread(cfg, 2, progress=False)
    assert [(r["seed"], r["data_seed"]) for r in rows] == [(0, 1), (1, 2)]
    for row in rows:
        assert set(spread.METRICS) | set(spread.DIAGNOSTICS) <= set(row)
        assert "strong IDF1" in row and row["machine"] and row["precision"]
    id_losses = [r["id_loss"] for r in rows]
    assert stats["id_loss"]["mean"] == pytest.approx(statistics.fmean(id_losses))
    assert stats["id_loss"]["std"] == pytest.approx(statistics.stdev(id_losses))
    written = json.loads(paths[2].read_text())
    assert written["runs"] == rows and written["summary"] == json.loads(json.dumps(stats))
    table = paths[0].read_text()
    assert table.count("\n| 0 | 1 |") == 1 and "**std**" in table and "machine:" in table
    # a killed study: the second run's row is gone; only that run is repeated
    (tmp_path / "seed_1" / "row.json").unlink()
    ran = []
    monkeypatch.setattr(spread, "run_one", lambda run, progress: ran.append(run.SEED) or rows[1])
    again, _, _ = spread.run_spread(cfg, 2, progress=False)
    assert ran == [1] and again == rows
