"""The main job, one function per stage: generate → train → track → evaluate → ablate.

`run_demo(cfg)` chains them on the synthetic data set (what `make demo` runs). The stages
are the library's own entry points (`generate_dataset`, `engine.train`,
`inference.run_tracking`, `evaluation.evaluate_tracks`) plus `association_ablation`, which is
also behind tools/ablate_association.py.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from .data.synthetic import SyntheticLayout, generate_dataset
from .evaluation import (
    ABLATION_PARAMS,
    ABLATION_ROWS,
    COMBINED,
    combined_metrics,
    evaluate_tracks,
    format_table,
    write_ablation,
)
from .evaluation.multiclass import CLASS_AVERAGED, DETECTION_AVERAGED


def association_ablation(
    cfg, detections_dir, gt_dir=None, progress: bool = True, *, eval_gt=None
) -> dict:
    """The paper's Table 6: track the same detections with each association mode (and the
    default with the long-term re-ID gallery).

    Args:
        cfg: full config (TRACKER thresholds, EVAL.BENCHMARK, OUTPUT_DIR for the results).
        detections_dir: one saved-detections .npz per sequence (`track.py
            --save-detections`), so every row sees the same detections and embeddings.
        gt_dir: the split tracked (default EVAL.GT_DIR).
        eval_gt: the ground truth evaluated against (`evaluate_tracks`), default `gt_dir`;
            with several classes, default the synthetic set's BDD100K layout of the split.

    Returns:
        {mode: {metric: value}} over ABLATION_ROWS, combined over the sequences (with
        several classes, detection-averaged).
    """
    from .inference import run_tracking
    from .tracker import TrackerParams

    gt_dir = gt_dir or cfg.EVAL.GT_DIR
    eval_gt = eval_gt or _evaluated_ground_truth(cfg, gt_dir)
    params = TrackerParams.from_config(cfg.TRACKER)
    rows = {}
    for mode in ABLATION_ROWS:
        run = run_tracking(
            cfg,
            inputs=gt_dir,
            detections_dir=detections_dir,
            name=f"association_{mode}",
            tracker_params=dataclasses.replace(params, **ABLATION_PARAMS[mode]),
            progress=progress,
        )
        seqs = [s.name for s in run]
        result, _ = evaluate_tracks(
            cfg, eval_gt, run.evaluated_dir, seqs=seqs, classes=model_classes(cfg)
        )
        rows[mode] = combined_metrics(result)
    return rows


def _evaluated_ground_truth(cfg, split_dir) -> Path:
    """What the tracks of the split `split_dir` are evaluated against: the split itself for
    one class; for several, the BDD100K layout the synthetic generator writes beside it."""
    split_dir = Path(split_dir)
    if cfg.MODEL.NUM_CLASSES == 1:
        return split_dir
    return SyntheticLayout(split_dir.parents[1]).bdd_dir(split_dir.name)  # <root>/images/<split>


def model_classes(cfg) -> list | None:
    """The categories a multi-class model is evaluated on: its own (None: one class)."""
    return list(cfg.DATA.CLASS_NAMES) if cfg.MODEL.NUM_CLASSES > 1 else None


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
         "videos": [paths], "tracks": the val split's TrackingRun, "seconds": {stage: wall
         time}}.
    """
    out = Path(cfg.OUTPUT_DIR)
    stages = _Stages(5)
    layout = SyntheticLayout(out / "data")
    data = _render(cfg, layout.root, stages, progress)
    split_dir, gt_dir = layout.split_dir("val"), layout.ground_truth("val", cfg.MODEL.NUM_CLASSES)
    weights, losses = _train(cfg, layout.data_cfg, stages, progress)
    run = _track(cfg, split_dir, weights, stages, progress)
    stages.start("evaluate", "evaluating against the val ground truth")
    metrics, paths = _evaluate(cfg, gt_dir, run.evaluated_dir, out / "eval")
    stages.done()
    print(format_table(metrics, "class" if cfg.MODEL.NUM_CLASSES > 1 else "sequence"))
    stages.start("ablation", "association ablation (paper Table 6) on the same detections")
    ablation = association_ablation(
        cfg, run.detections_dir, split_dir, progress=progress, eval_gt=gt_dir
    )
    table, ablation_path = write_ablation(ablation, out / "eval")
    stages.done()
    print(table)
    videos = sorted(run.videos_dir.glob("*.mp4"))
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
        "tracks": run,
        "seconds": stages.seconds,
    }


def _evaluate(cfg, gt_dir: Path, results_dir: Path, out_dir: Path) -> tuple:
    """Stage 4: ({row: metrics} of the printed table, written paths). One class: a row per
    sequence and COMBINED; several: a row per class and the class and detection averages
    over the whole split."""
    result, paths = evaluate_tracks(cfg, gt_dir, results_dir, out_dir, classes=model_classes(cfg))
    summary = result.summary()
    if cfg.MODEL.NUM_CLASSES == 1:
        return summary, paths
    rows = [*cfg.DATA.CLASS_NAMES, CLASS_AVERAGED, DETECTION_AVERAGED]
    return {n: summary[n][COMBINED] for n in rows}, paths


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


def _track(cfg, gt_dir: Path, weights: Path, stages: _Stages, progress: bool):
    from .inference import run_tracking, summary_table

    stages.start("track", f"tracking {gt_dir} with {weights}")
    run = run_tracking(
        cfg,
        inputs=gt_dir,
        weights=str(weights),
        video=True,
        save_detections=True,
        progress=progress,
    )
    stages.done()
    print(summary_table(run))
    return run
