"""Writing evaluation results: a printed table, metrics.csv, metrics.json and plots."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from ..data.formats import atomic_write_text
from .mot_metrics import COMBINED, COUNT_METRICS, METRICS, EvaluationError, evaluate_split

#: Column titles of the printed table (TrackEval's CLR_FP / CLR_FN shown as FP / FN).
TITLES = {"CLR_FP": "FP", "CLR_FN": "FN"}


def format_table(summary: dict) -> str:
    """One row per sequence and COMBINED; rates in percent with one decimal."""
    names = list(summary)
    width = max(10, *(len(n) for n in names))
    header = f"{'sequence':<{width}} " + " ".join(f"{TITLES.get(m, m):>6}" for m in METRICS)
    lines = [header, "-" * len(header)]
    for name in names:
        cells = [
            f"{summary[name][m]:>6d}" if m in COUNT_METRICS else f"{summary[name][m]:>6.1f}"
            for m in METRICS
        ]
        lines.append(f"{name:<{width}} " + " ".join(cells))
    return "\n".join(lines)


def write_reports(summary: dict, out_dir: str | os.PathLike) -> tuple:
    """metrics.json ({sequence: {metric: value}}, TrackEval names and summary scale) and
    metrics.csv (one row per sequence); returns both paths."""
    out_dir = Path(out_dir)
    json_path, csv_path = out_dir / "metrics.json", out_dir / "metrics.csv"
    atomic_write_text(json_path, json.dumps(summary, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sequence", *METRICS])
    for name, row in summary.items():
        writer.writerow([name, *(row[m] for m in METRICS)])
    atomic_write_text(csv_path, buffer.getvalue())
    return json_path, csv_path


def ground_truth_dir(given, cfg) -> str:
    """The ground-truth split a tool evaluates against: `given` (its --gt) or EVAL.GT_DIR."""
    gt_dir = str(given or cfg.EVAL.GT_DIR)
    if not gt_dir:
        raise EvaluationError("no ground truth to evaluate against: give --gt (or EVAL.GT_DIR)")
    return gt_dir


def report_split(gt_dir, results_dir, out_dir, seqs=None, benchmark: str = "MOT17") -> tuple:
    """Evaluate result files against the ground truth (`evaluate_split`) and write
    metrics.json, metrics.csv, hota_alpha.png and sequences.png into `out_dir`.

    Returns:
        (summary {sequence or COMBINED: {metric: value}}, list of written paths).
    """
    from ..visualization.plots import plot_hota_vs_alpha, plot_per_sequence  # matplotlib

    result = evaluate_split(gt_dir, results_dir, seqs, benchmark)
    summary = result.summary()
    out_dir = Path(out_dir)
    paths = list(write_reports(summary, out_dir))
    title = f"combined over {len(result.sequences)} sequence(s)"
    hota = result.raw[COMBINED]["HOTA"]
    paths.append(plot_hota_vs_alpha(result.alphas, hota, out_dir / "hota_alpha.png", title))
    paths.append(plot_per_sequence(summary, out_dir / "sequences.png"))
    return summary, paths
