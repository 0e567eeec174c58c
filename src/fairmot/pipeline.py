"""The main job, one function per stage: generate → train → track → evaluate → ablate.

`run_demo(cfg)` chains them on the synthetic data set (what `make demo` runs); each stage is
also usable alone (`evaluate_and_report` behind tools/eval_mot.py, `association_ablation`
behind tools/ablate_association.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from .data.formats import atomic_write_text
from .data.synthetic import generate_dataset
from .evaluation import COMBINED, evaluate_split, format_table, write_reports
from .visualization.plots import plot_hota_vs_alpha, plot_per_sequence

#: Paper Table 6 rows: association mode -> what it uses.
ABLATION_ROWS = {
    "iou": "IoU only",
    "reid": "re-ID only",
    "reid_kf": "re-ID + Kalman gating",
    "reid_kf_iou": "re-ID + Kalman + IoU (default)",
}
#: Metrics of the ablation table (TrackEval names).
ABLATION_METRICS = ("MOTA", "IDF1", "HOTA", "AssA", "IDSW")


def evaluate_and_report(gt_dir, results_dir, out_dir, seqs=None, benchmark: str = "MOT17") -> tuple:
    """Evaluate result files against the ground truth and write metrics.json, metrics.csv,
    hota_alpha.png and sequences.png into `out_dir`.

    Returns:
        (summary {sequence or COMBINED: {metric: value}}, list of written paths).
    """
    result = evaluate_split(gt_dir, results_dir, seqs, benchmark)
    summary = result.summary()
    out_dir = Path(out_dir)
    paths = list(write_reports(summary, out_dir))
    title = f"combined over {len(result.sequences)} sequence(s)"
    paths.append(
        plot_hota_vs_alpha(
            result.alphas, result.raw[COMBINED]["HOTA"], out_dir / "hota_alpha.png", title
        )
    )
    paths.append(plot_per_sequence(summary, out_dir / "sequences.png"))
    return summary, paths


def association_ablation(cfg, detections_dir, gt_dir=None, progress: bool = True) -> dict:
    """The paper's Table 6: track the same detections with each association mode.

    Args:
        cfg: full config (TRACKER thresholds, EVAL.BENCHMARK, OUTPUT_DIR for the results).
        detections_dir: one PrecomputedDetections .npz per sequence (`track.py
            --save-detections`), so every row sees the same detections and embeddings.
        gt_dir: ground-truth split (default EVAL.GT_DIR).

    Returns:
        {mode: {metric: value}} over ABLATION_ROWS, combined over the sequences.
    """
    from .inference.runner import run_tracking

    gt_dir = gt_dir or cfg.EVAL.GT_DIR
    rows = {}
    for mode in ABLATION_ROWS:
        mode_cfg = cfg.clone()
        mode_cfg.defrost()
        mode_cfg.TRACKER.ASSOCIATION = mode
        stats = run_tracking(
            mode_cfg,
            inputs=gt_dir,
            detections_dir=detections_dir,
            name=f"association_{mode}",
            progress=progress,
        )
        summary = evaluate_split(
            gt_dir, stats[0].results.parent, [s.name for s in stats], cfg.EVAL.BENCHMARK
        ).summary()
        rows[mode] = summary[COMBINED]
    return rows


def format_ablation(rows: dict) -> str:
    """A Markdown table of `association_ablation`'s rows (rates in %, IDSW a count)."""
    lines = [
        "| association | " + " | ".join(ABLATION_METRICS) + " |",
        "|---|" + "---|" * len(ABLATION_METRICS),
    ]
    for mode, row in rows.items():
        cells = [str(row[m]) if m == "IDSW" else f"{row[m]:.1f}" for m in ABLATION_METRICS]
        lines.append(f"| {ABLATION_ROWS[mode]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_ablation(rows: dict, out_dir) -> tuple:
    """Write `format_ablation(rows)` to out_dir/association_ablation.md (atomically).

    Returns:
        (the table, its path).
    """
    table = format_ablation(rows)
    path = Path(out_dir) / "association_ablation.md"
    atomic_write_text(path, table + "\n")
    return table, path


def run_demo(cfg, progress: bool = True) -> dict:
    """The main job on the synthetic data set, everything written under OUTPUT_DIR.

    1. render the data set (SYNTH) into OUTPUT_DIR/data;
    2. train the configured model on its train split (OUTPUT_DIR/model_last.pth);
    3. track the val split: results, annotated videos and the detections
       (OUTPUT_DIR/tracks/fairmot/{data,videos,detections});
    4. evaluate: metrics table, metrics.json/csv, HOTA-vs-alpha plot (OUTPUT_DIR/eval);
    5. the association ablation on the same detections (OUTPUT_DIR/eval/association_ablation.md).

    DATA.CFG and EVAL.GT_DIR are pointed at the data rendered in step 1.

    Returns:
        {"data": dataset summary, "metrics": {sequence or COMBINED: {metric: value}},
         "ablation": {mode: metrics}, "videos": [paths], "seconds": {stage: wall time}}.
    """
    from .engine import train
    from .inference.runner import run_tracking, summary_table

    out = Path(cfg.OUTPUT_DIR)
    data_root = out / "data"
    cfg = cfg.clone()
    cfg.defrost()
    cfg.DATA.CFG = str(data_root / "synthetic.json")
    cfg.EVAL.GT_DIR = str(data_root / "images" / "val")
    cfg.freeze()
    seconds = {}

    def stage(number: int, text: str) -> float:
        print(f"[{number}/5] {text}", flush=True)
        return time.perf_counter()

    start = stage(1, f"rendering the synthetic data set into {data_root}")
    data = generate_dataset(cfg.SYNTH, data_root, progress=progress)
    seconds["data"] = time.perf_counter() - start
    print(f"      {data['frames']} frames, {data['identities']} identities")

    start = stage(
        2,
        f"training {cfg.MODEL.ARCH} at {cfg.INPUT.WIDTH}x{cfg.INPUT.HEIGHT} for "
        f"{cfg.SOLVER.EPOCHS} epochs (losses per epoch below; curves in {out / 'tensorboard'})",
    )
    losses = train(cfg, progress=progress)
    seconds["train"] = time.perf_counter() - start
    weights = out / "model_last.pth"
    print("      last epoch: " + "  ".join(f"{k} {v:.3f}" for k, v in losses.items()))

    start = stage(3, f"tracking {cfg.EVAL.GT_DIR} with {weights}")
    stats = run_tracking(
        cfg, weights=str(weights), video=True, save_detections=True, progress=progress
    )
    seconds["track"] = time.perf_counter() - start
    print(summary_table(stats))
    track_dir = stats[0].results.parent.parent

    start = stage(4, "evaluating against the val ground truth")
    metrics, paths = evaluate_and_report(
        cfg.EVAL.GT_DIR, track_dir / "data", out / "eval", benchmark=cfg.EVAL.BENCHMARK
    )
    seconds["evaluate"] = time.perf_counter() - start
    print(format_table(metrics))

    start = stage(5, "association ablation (paper Table 6) on the same detections")
    ablation = association_ablation(cfg, track_dir / "detections", progress=progress)
    table, ablation_path = write_ablation(ablation, out / "eval")
    seconds["ablation"] = time.perf_counter() - start
    print(table)

    videos = sorted((track_dir / "videos").glob("*.mp4"))
    total = sum(seconds.values())
    print(
        f"done in {total / 60:.1f} min ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
        + f"): metrics {paths[0]}, HOTA plot {paths[2]}, ablation {ablation_path}, "
        f"videos {', '.join(str(v) for v in videos)}"
    )
    return {
        "data": data,
        "metrics": metrics,
        "ablation": ablation,
        "videos": videos,
        "seconds": seconds,
    }
