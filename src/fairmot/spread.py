"""The main job over several seeds: the spread of its figures, and the machine it ran on.

Training from scratch is not reproducible across machines (another CPU trains another model
from the same seeds), so a single run's figures say little; their spread over seeds does.
Run k of `run_spread` trains with SEED + k on a training split rendered with SYNTH.SEED + k
(other scenes, people and augmentation) and tracks the val split rendered with
SYNTH.VAL_SEED (the base SYNTH.SEED when -1): every run is scored on the same scenes, so the
rows compare. Each run is `pipeline.run_demo` in OUTPUT_DIR/seed_<k>/, and its row goes to
row.json there: the figures, the last epoch's loss terms (the identity loss and s_id say
how far the re-ID head learned), the re-ID TPR at fixed false-accept rates over the val
boxes, the same detections re-tracked with each tracker preset (what the association adds,
apart from the model), the minutes and the machine. A killed study resumes: runs with a
row.json are read, not re-run. The summary (spread.md/.csv/.json in OUTPUT_DIR) gives each
figure's mean, sample standard deviation, min and max.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

from . import machine
from .data.formats.text_table import atomic_write_text

#: The tracking figures of each row and of the summary (TrackEval's names, rates in %).
METRICS = ("HOTA", "MOTA", "IDF1", "IDSW", "DetA", "AssA")
#: Diagnostics of each row: last-epoch loss terms and re-ID TPR (rates in %).
DIAGNOSTICS = ("id_loss", "s_id", "hm_loss", "TPR@FAR=0.01", "TPR@FAR=0.1")
#: Tracker presets re-run on each row's saved detections, and the figures kept of each.
REPLAY_PRESETS = ("fairmot", "strong")
REPLAY_METRICS = ("HOTA", "MOTA", "IDF1", "IDSW")


def run_config(cfg, k: int):
    """The config of run k (module docstring): seeds moved by k, the val split fixed,
    OUTPUT_DIR/seed_<k>."""
    run = cfg.clone()
    run.defrost()
    run.SEED, run.SYNTH.SEED = cfg.SEED + k, cfg.SYNTH.SEED + k
    run.SYNTH.VAL_SEED = cfg.SYNTH.VAL_SEED if cfg.SYNTH.VAL_SEED >= 0 else cfg.SYNTH.SEED
    run.OUTPUT_DIR = str(Path(cfg.OUTPUT_DIR) / f"seed_{k}")
    run.freeze()
    return run


def _preset_scores(cfg, detections_dir: Path, gt_dir: Path) -> dict:
    """{"<preset> <metric>": value} of the saved detections re-tracked with each preset."""
    from .replay import load_replay
    from .tuning import score_values

    sequences = load_replay(detections_dir, gt_dir)
    scores = {}
    for preset in REPLAY_PRESETS:
        metrics = score_values(cfg, sequences, {"PRESET": preset})
        scores.update({f"{preset} {m}": metrics[m] for m in REPLAY_METRICS})
    return scores


def run_one(cfg, progress: bool = True) -> dict:
    """The main job of `cfg` (a `run_config`) and its row (module docstring)."""
    from .data.synthetic import SyntheticLayout
    from .evaluation import COMBINED
    from .inference.model_metrics import checkpoint_embedding_tpr
    from .pipeline import run_demo

    result = run_demo(cfg, progress=progress)
    out, data = Path(cfg.OUTPUT_DIR), SyntheticLayout(Path(cfg.OUTPUT_DIR) / "data")
    tpr, _ = checkpoint_embedding_tpr(
        cfg, str(out / "model_last.pth"), str(data.data_cfg), progress=progress
    )
    combined = result["metrics"][COMBINED]
    row = {"seed": cfg.SEED, "data_seed": cfg.SYNTH.SEED}
    row.update({m: combined[m] for m in METRICS})
    row.update({k: result["losses"][k] for k in ("id_loss", "s_id", "hm_loss")})
    row.update({f"TPR@FAR={far:g}": 100.0 * value for far, value in tpr.items()})
    row.update(_preset_scores(cfg, result["tracks"].detections_dir, data.split_dir("val")))
    seconds = result["seconds"]
    row["train_min"], row["total_min"] = seconds["train"] / 60, sum(seconds.values()) / 60
    notes = machine.notes()
    row["precision"] = notes.get("training_precision", "")
    row["machine"] = machine.describe_line(notes["machine"])
    return row


def summarise(rows: list[dict], keys) -> dict:
    """{key: {"mean", "std", "min", "max"}} over the rows (std: sample, n - 1; 0 for one
    row)."""
    stats = {}
    for key in keys:
        values = [float(r[key]) for r in rows if key in r]
        if values:
            std = statistics.stdev(values) if len(values) > 1 else 0.0
            stats[key] = {
                "mean": statistics.fmean(values),
                "std": std,
                "min": min(values),
                "max": max(values),
            }
    return stats


def _columns(rows: list[dict]) -> list[str]:
    preset = [f"{p} {m}" for p in REPLAY_PRESETS for m in REPLAY_METRICS]
    wanted = ["seed", "data_seed", *METRICS, *DIAGNOSTICS, *preset, "train_min", "total_min"]
    return [c for c in wanted if any(c in r for r in rows)]


def _cell(value) -> str:
    return (
        f"{value:.1f}"
        if isinstance(value, float) and abs(value) >= 10
        else (f"{value:.3g}" if isinstance(value, float) else str(value))
    )


def format_spread(rows: list[dict], stats: dict) -> str:
    """Markdown: a row per run, then mean / std / min / max, then the machines and
    precisions the runs used."""
    columns = _columns(rows)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    for name in ("mean", "std", "min", "max"):
        cells = [f"**{name}**", ""] + [
            _cell(stats[c][name]) if c in stats else "" for c in columns[2:]
        ]
        lines.append("| " + " | ".join(cells) + " |")
    for key in ("machine", "precision"):
        lines.append(f"\n{key}: " + "; ".join(sorted({r[key] for r in rows if r.get(key)})))
    return "\n".join(lines) + "\n"


def write_spread(rows: list[dict], out_dir: Path) -> tuple[dict, list[Path]]:
    """spread.md, spread.csv (a line per run) and spread.json (runs and summary) in
    `out_dir`; returns (summary, paths)."""
    stats = summarise(rows, [c for c in _columns(rows) if c not in ("seed", "data_seed")])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    paths = [out_dir / "spread.md", out_dir / "spread.csv", out_dir / "spread.json"]
    atomic_write_text(paths[0], format_spread(rows, stats))
    atomic_write_text(paths[1], buffer.getvalue())
    atomic_write_text(paths[2], json.dumps({"runs": rows, "summary": stats}, indent=2) + "\n")
    return stats, paths


def run_spread(cfg, seeds: int, progress: bool = True) -> tuple[list[dict], dict, list[Path]]:
    """The main job of `cfg` over `seeds` runs (module docstring), resuming finished runs.

    Returns:
        (rows, {key: {"mean", "std", "min", "max"}}, written paths).
    """
    rows = []
    for k in range(seeds):
        run = run_config(cfg, k)
        done = Path(run.OUTPUT_DIR) / "row.json"
        if done.is_file():
            print(f"seed_{k}: finished before, read from {done}", flush=True)
            rows.append(json.loads(done.read_text()))
            continue
        print(f"=== run {k + 1}/{seeds}: SEED {run.SEED}, SYNTH.SEED {run.SYNTH.SEED}", flush=True)
        row = run_one(run, progress)
        atomic_write_text(done, json.dumps(row, indent=2) + "\n")
        rows.append(row)
    stats, paths = write_spread(rows, Path(cfg.OUTPUT_DIR))
    return rows, stats, paths
