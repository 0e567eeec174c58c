"""The main job, one function per stage: generate → train → track → evaluate → ablate.

`run_demo(cfg)` chains them on the synthetic data set (what `make demo` runs). The stages
are the library's own entry points (`generate_dataset`, `engine.train`,
`inference.run_tracking`, `evaluation.report_split`, or `report_multiclass_split` per class with
several classes) plus `association_ablation`, which is also behind
tools/ablate_association.py.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from .data.synthetic import generate_dataset
from .evaluation import (
    ABLATION_PARAMS,
    ABLATION_ROWS,
    COMBINED,
    evaluate_split,
    format_table,
    report_multiclass_split,
    report_split,
    write_ablation,
)
from .evaluation.multiclass import CLASS_AVERAGED, DETECTION_AVERAGED, evaluate_bdd_split


def association_ablation(cfg, detections_dir, gt_dir=None, progress: bool = True) -> dict:
    """The paper's Table 6: track the same detections with each association mode (and the
    default with the long-term re-ID gallery).

    Args:
        cfg: full config (TRACKER thresholds, EVAL.BENCHMARK, OUTPUT_DIR for the results).
        detections_dir: one saved-detections .npz per sequence (`track.py
            --save-detections`), so every row sees the same detections and embeddings.
        gt_dir: ground-truth split (default EVAL.GT_DIR).

    Returns:
        {mode: {metric: value}} over ABLATION_ROWS, combined over the sequences.
    """
    from .inference import run_tracking
    from .tracker import TrackerParams

    gt_dir = gt_dir or cfg.EVAL.GT_DIR
    params = TrackerParams.from_config(cfg.TRACKER)
    rows = {}
    for mode in ABLATION_ROWS:
        stats = run_tracking(
            cfg,
            inputs=gt_dir,
            detections_dir=detections_dir,
            name=f"association_{mode}",
            tracker_params=dataclasses.replace(params, **ABLATION_PARAMS[mode]),
            progress=progress,
        )
        rows[mode] = _combined_metrics(cfg, gt_dir, stats)
    return rows


def _combined_metrics(cfg, gt_dir, stats) -> dict:
    """The metrics of one tracking run over its sequences: pedestrians by the MOTChallenge
    rules, or with several classes every class by the BDD100K rules, detection-averaged."""
    results = stats[0].results.parent  # tracks/<name>/data
    if cfg.MODEL.NUM_CLASSES > 1:
        result = evaluate_bdd_split(
            bdd_ground_truth_dir(gt_dir), results.parent / "bdd100k", None, cfg.DATA.CLASS_NAMES
        )
        return result.summary()[DETECTION_AVERAGED][COMBINED]
    names = [s.name for s in stats]
    return evaluate_split(gt_dir, results, names, cfg.EVAL.BENCHMARK).summary()[COMBINED]


def bdd_ground_truth_dir(gt_dir) -> Path:
    """The BDD100K-layout ground truth the synthetic generator writes next to a split with
    several classes: data/images/<split> -> data/bdd100k/<split>."""
    gt_dir = Path(gt_dir)
    return gt_dir.parents[1] / "bdd100k" / gt_dir.name


class _Stages:
    """Numbered stage headers and the wall time of each stage."""

    def __init__(self, total: int):
        self.total, self.number, self.seconds = total, 0, {}

    def start(self, key: str, text: str) -> None:
        self.number += 1
        self.key, self.began = key, time.perf_counter()
        print(f"[{self.number}/{self.total}] {text}", flush=True)

    def done(self) -> None:
        self.seconds[self.key] = time.perf_counter() - self.began

    def summary(self) -> str:
        total = sum(self.seconds.values())
        parts = ", ".join(f"{k} {v:.0f} s" for k, v in self.seconds.items())
        return f"done in {total / 60:.1f} min ({parts})"


def run_demo(cfg, progress: bool = True) -> dict:
    """The main job on the synthetic data set, everything written under OUTPUT_DIR.

    1. render the data set (SYNTH) into OUTPUT_DIR/data;
    2. train the configured model on its train split (OUTPUT_DIR/model_last.pth);
    3. track the val split: results, annotated videos and the detections
       (OUTPUT_DIR/tracks/fairmot/{data,videos,detections});
    4. evaluate: metrics table, metrics.json/csv, HOTA-vs-alpha plot (OUTPUT_DIR/eval);
    5. the association ablation on the same detections (OUTPUT_DIR/eval/association_ablation.md).

    The config's DATA.CFG and EVAL.GT_DIR are not used: the stages take the data of step 1.

    Returns:
        {"data": dataset summary, "metrics": {sequence or COMBINED: {metric: value}},
         "ablation": {mode: metrics}, "losses": the last epoch's mean loss terms,
         "videos": [paths], "seconds": {stage: wall time}}.
    """
    out = Path(cfg.OUTPUT_DIR)
    stages = _Stages(5)
    data = _render(cfg, out / "data", stages, progress)
    gt_dir = out / "data" / "images" / "val"
    weights, losses = _train(cfg, out / "data" / "synthetic.json", stages, progress)
    track_dir = _track(cfg, gt_dir, weights, stages, progress)
    stages.start("evaluate", "evaluating against the val ground truth")
    metrics, paths = _evaluate(cfg, gt_dir, track_dir, out / "eval")
    stages.done()
    print(format_table(metrics, "class" if cfg.MODEL.NUM_CLASSES > 1 else "sequence"))
    stages.start("ablation", "association ablation (paper Table 6) on the same detections")
    ablation = association_ablation(cfg, track_dir / "detections", gt_dir, progress=progress)
    table, ablation_path = write_ablation(ablation, out / "eval")
    stages.done()
    print(table)
    videos = sorted((track_dir / "videos").glob("*.mp4"))
    print(
        f"{stages.summary()}: metrics {paths[0]}, ablation {ablation_path}, "
        f"videos {', '.join(str(v) for v in videos)}"
    )
    return {
        "data": data,
        "metrics": metrics,
        "ablation": ablation,
        "losses": losses,
        "videos": videos,
        "seconds": stages.seconds,
    }


def _evaluate(cfg, gt_dir: Path, track_dir: Path, out_dir: Path) -> tuple:
    """Stage 4: ({row: metrics} of the printed table, written paths). One class: a row per
    sequence and COMBINED; several: a row per class and the class and detection averages
    over the whole split."""
    if cfg.MODEL.NUM_CLASSES == 1:
        benchmark = cfg.EVAL.BENCHMARK
        result, paths = report_split(gt_dir, track_dir / "data", out_dir, benchmark=benchmark)
        return result.summary(), paths
    names = list(cfg.DATA.CLASS_NAMES)
    result, paths = report_multiclass_split(
        bdd_ground_truth_dir(gt_dir), track_dir / "bdd100k", out_dir, classes=names
    )
    summary = result.summary()
    return {n: summary[n][COMBINED] for n in [*names, CLASS_AVERAGED, DETECTION_AVERAGED]}, paths


def _render(cfg, data_root: Path, stages: _Stages, progress: bool) -> dict:
    stages.start("data", f"rendering the synthetic data set into {data_root}")
    data = generate_dataset(cfg.SYNTH, data_root, progress=progress)
    stages.done()
    print(f"      {data['frames']} frames, {data['identities']} identities")
    return data


def _train(cfg, data_cfg: Path, stages: _Stages, progress: bool) -> tuple:
    from .engine import train
    from .inference.model_metrics import detection_evaluation

    out = Path(cfg.OUTPUT_DIR)
    stages.start(
        "train",
        f"training {cfg.MODEL.ARCH} at {cfg.INPUT.WIDTH}x{cfg.INPUT.HEIGHT} for "
        f"{cfg.SOLVER.EPOCHS} epochs (losses per epoch below; curves in {out / 'tensorboard'})",
    )
    evaluate = detection_evaluation(cfg, str(data_cfg))
    losses = train(cfg, data_cfg=str(data_cfg), progress=progress, evaluate=evaluate)
    stages.done()
    print("      last epoch: " + "  ".join(f"{k} {v:.3f}" for k, v in losses.items()))
    return out / "model_last.pth", losses


def _track(cfg, gt_dir: Path, weights: Path, stages: _Stages, progress: bool) -> Path:
    from .inference import run_tracking, summary_table

    stages.start("track", f"tracking {gt_dir} with {weights}")
    stats = run_tracking(
        cfg,
        inputs=gt_dir,
        weights=str(weights),
        video=True,
        save_detections=True,
        progress=progress,
    )
    stages.done()
    print(summary_table(stats))
    return stats[0].results.parent.parent
