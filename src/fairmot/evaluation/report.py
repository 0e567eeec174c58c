"""Writing evaluation results: a printed table, metrics.csv, metrics.json, plots and
TrackEval's own summary and detailed files."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from ..data.formats import atomic_write_text
from ..data.formats.mtmc import is_multicamera_scene
from .kitti import evaluate_kitti_split
from .mot_metrics import (
    COMBINED,
    COUNT_METRICS,
    METRICS,
    EvaluationError,
    EvaluationResult,
    evaluate_split,
)
from .mtmc import evaluate_scene
from .multiclass import DETECTION_AVERAGED, MultiClassResult, evaluate_bdd_split
from .trackeval_output import write_trackeval_files
from .visdrone import evaluate_visdrone_split

#: Column titles of the printed table (TrackEval's CLR_FP / CLR_FN shown as FP / FN).
TITLES = {"CLR_FP": "FP", "CLR_FN": "FN"}


def format_table(summary: dict, title: str = "sequence") -> str:
    """One row per sequence and COMBINED (or per class, `title` "class"); rates in percent
    with one decimal."""
    names = list(summary)
    width = max(10, *(len(n) for n in names))
    header = f"{title:<{width}} " + " ".join(f"{TITLES.get(m, m):>6}" for m in METRICS)
    lines = [header, "-" * len(header)]
    for name in names:
        cells = [
            f"{summary[name][m]:>6d}" if m in COUNT_METRICS else f"{summary[name][m]:>6.1f}"
            for m in METRICS
        ]
        lines.append(f"{name:<{width}} " + " ".join(cells))
    return "\n".join(lines)


def write_reports(result: EvaluationResult, out_dir: str | os.PathLike) -> tuple:
    """metrics.json ({sequence or COMBINED: {field: value}}: every summary field TrackEval
    reports, in its names and summary scale, plus "per_alpha": {HOTA array field: [percent
    at each alpha]}) and metrics.csv (one row per sequence, the table's METRICS); returns
    both paths."""
    out_dir = Path(out_dir)
    json_path, csv_path = out_dir / "metrics.json", out_dir / "metrics.csv"
    everything, per_alpha = result.summary(fields=None), result.per_alpha()
    for name, row in everything.items():
        row["per_alpha"] = per_alpha[name]
    atomic_write_text(json_path, json.dumps(everything, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sequence", *METRICS])
    for name, row in result.summary().items():
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
    metrics.json, metrics.csv, hota_alpha.png, sequences.png and TrackEval's
    pedestrian_summary.txt and pedestrian_detailed.csv into `out_dir`.

    Returns:
        (the EvaluationResult, list of written paths in that order).
    """
    from ..visualization.plots import plot_hota_vs_alpha, plot_per_sequence  # matplotlib

    result = evaluate_split(gt_dir, results_dir, seqs, benchmark)
    summary = result.summary()
    out_dir = Path(out_dir)
    paths = list(write_reports(result, out_dir))
    title = f"combined over {len(result.sequences)} sequence(s)"
    hota = result.raw[COMBINED]["HOTA"]
    paths.append(plot_hota_vs_alpha(result.alphas, hota, out_dir / "hota_alpha.png", title))
    paths.append(plot_per_sequence(summary, out_dir / "sequences.png"))
    paths += write_trackeval_files(result, out_dir)
    return result, paths


def report_multiclass_split(
    gt_dir, results_dir, out_dir, seqs=None, classes=None, layout: str | None = None
) -> tuple:
    """Evaluate multi-class results per class by their benchmark's rules (the ground truth's
    layout, `multiclass_layout`: BDD100K, KITTI or VisDrone) and write metrics.json ({class
    or combination: {sequence or COMBINED: {field: value}}}) and TrackEval's
    `<class>_summary.txt` / `<class>_detailed.csv` for every class, `cls_comb_cls_av`,
    `cls_comb_det_av` (and BDD100K's super-categories) into `out_dir`. `classes`: the
    categories evaluated (TrackEval's CLASSES_TO_EVAL; default all the benchmark's, whose
    class average then counts the empty ones as zeros).

    Returns:
        (the MultiClassResult, list of written paths).
    """
    layout = layout or multiclass_layout(gt_dir)
    if layout not in MULTICLASS_LAYOUTS:
        raise EvaluationError(
            f"{gt_dir}: not a multi-class ground truth layout; expected one of "
            f"{', '.join(f'{k} ({v[0]})' for k, v in MULTICLASS_LAYOUTS.items())}"
        )
    result = MULTICLASS_LAYOUTS[layout][1](gt_dir, results_dir, seqs, classes)
    out_dir = Path(out_dir)
    json_path = out_dir / "metrics.json"
    atomic_write_text(json_path, json.dumps(result.summary(), indent=2) + "\n")
    return result, [json_path, *write_trackeval_files(result, out_dir)]


#: Multi-class layouts: (what marks the ground-truth folder, its evaluation).
MULTICLASS_LAYOUTS = {
    "bdd100k": ("<SEQ>.json files", evaluate_bdd_split),
    "kitti": ("label_02/ and evaluate_tracking.seqmap.<split>", evaluate_kitti_split),
    "visdrone": ("annotations/ and sequences/", evaluate_visdrone_split),
}


def multiclass_layout(gt_dir) -> str | None:
    """The multi-class layout of a ground-truth folder (a key of MULTICLASS_LAYOUTS), or
    None for MOTChallenge's single-class layout (<SEQ>/gt/gt.txt)."""
    gt_dir = Path(gt_dir)
    if not gt_dir.is_dir():
        return None
    if any(gt_dir.glob("*.json")):
        return "bdd100k"
    if (gt_dir / "label_02").is_dir() and any(gt_dir.glob("evaluate_tracking.seqmap.*")):
        return "kitti"
    if (gt_dir / "annotations").is_dir() and (gt_dir / "sequences").is_dir():
        return "visdrone"
    return None


def evaluate_tracks(
    cfg, gt_dir, tracks_dir, out_dir=None, *, seqs=None, classes=None, benchmark=None
) -> tuple:
    """Evaluate tracking results against a ground truth by its layout: MOTChallenge's
    single-class split by EVAL.BENCHMARK's rules (`report_split`), a multi-class layout per
    class by its benchmark's (`report_multiclass_split`), a multi-camera scene per camera
    and over all cameras (`report_scene`).

    Args:
        gt_dir: the ground-truth split (empty: EVAL.GT_DIR).
        tracks_dir: the result files, or a tracking run's folder (tracks/<name>, holding
            data/ and the multi-class layout folders): the layout's folder in it is taken.
        out_dir: where the reports go; None: nothing written.
        seqs: the sequences (default EVAL.SEQS, else all the ground truth's).
        classes: several classes: the categories evaluated (default all the benchmark's).
        benchmark: one class: the pre-processing rules (default EVAL.BENCHMARK).

    Returns:
        (an EvaluationResult or MultiClassResult, the written paths: [] without out_dir).
    """
    gt_dir = ground_truth_dir(gt_dir, cfg)
    if is_multicamera_scene(gt_dir):
        results = _layout_folder(tracks_dir, "data")
        return report_scene(gt_dir, results, out_dir, benchmark or cfg.EVAL.BENCHMARK)
    layout = multiclass_layout(gt_dir)
    results = _layout_folder(tracks_dir, layout or "data")
    seqs = seqs or list(cfg.EVAL.SEQS) or None
    if layout is None:
        benchmark = benchmark or cfg.EVAL.BENCHMARK
        if out_dir is None:
            return evaluate_split(gt_dir, results, seqs, benchmark), []
        return report_split(gt_dir, results, out_dir, seqs, benchmark)
    if out_dir is None:
        return MULTICLASS_LAYOUTS[layout][1](gt_dir, results, seqs, classes), []
    return report_multiclass_split(gt_dir, results, out_dir, seqs, classes, layout)


def report_scene(scene_dir, results_dir, out_dir=None, benchmark: str = "MOT17") -> tuple:
    """A multi-camera scene's per-camera figures and its cross-camera figures
    (`mtmc.evaluate_scene`; `result.cross_camera`), and with `out_dir` metrics.json,
    metrics.csv (per camera) and multicamera.json written there.

    Returns:
        (the EvaluationResult with `cross_camera` set, the written paths).
    """
    result, cross = evaluate_scene(scene_dir, results_dir, benchmark)
    result.cross_camera = cross
    if out_dir is None:
        return result, []
    paths = [*write_reports(result, out_dir), Path(out_dir) / "multicamera.json"]
    atomic_write_text(paths[-1], json.dumps(cross, indent=2) + "\n")
    return result, paths


def format_cross_camera(figures: dict) -> str:
    """One line of the cross-camera figures."""
    rates = "  ".join(f"{k} {figures[k]:.1f}" for k in ("IDF1", "IDP", "IDR"))
    counts = "  ".join(f"{k} {figures[k]}" for k in ("IDTP", "IDFP", "IDFN"))
    return f"all cameras (global identities): {rates}  {counts}"


def _layout_folder(tracks_dir, layout: str) -> Path:
    """`tracks_dir`'s `layout` folder where it is a tracking run's folder, else itself."""
    inner = Path(tracks_dir) / layout
    return inner if inner.is_dir() else Path(tracks_dir)


def combined_metrics(result) -> dict:
    """The one row that sums a result up: COMBINED over the sequences; with several classes,
    the detection average's."""
    summary = result.summary()
    if isinstance(result, MultiClassResult):
        summary = summary[DETECTION_AVERAGED]
    return summary[COMBINED]


def tracker_name(results_dir) -> str:
    """The tracker's name as TrackEval shows it: the folder above `data/` in the TrackEval
    layout (`<trackers>/<name>/data/<SEQ>.txt`, or a multi-class layout's folder such as
    `<name>/kitti/`), else the results folder's own name."""
    path = Path(results_dir).resolve()
    return path.parent.name if path.name in ("data", *MULTICLASS_LAYOUTS) else path.name
