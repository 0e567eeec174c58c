"""Evaluating a split: fairmot's eval vs TrackEval on the same files, side by side.

    python benchmarks/eval_speed.py [--seqs 4] [--frames 600] [--repeat 3]

Renders a synthetic split, writes a noisy tracker output for it, then times
`fairmot.evaluation.evaluate_split` (our readers + TrackEval's pre-processing and metrics)
and TrackEval's own Evaluator reading the files (HOTA, CLEAR, Identity), median of runs.
"""

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
from common import Row, median_seconds

from fairmot.config import get_cfg
from fairmot.data.formats import MotTracks, list_sequences, write_mot_results
from fairmot.data.synthetic import generate_dataset
from fairmot.evaluation import evaluate_split


def trackeval_run(gt_dir: Path, trackers: Path) -> None:
    import trackeval

    seqs = {s.name: s.info.seq_length for s in list_sequences(gt_dir)}
    evaluator = trackeval.Evaluator(
        {
            "USE_PARALLEL": False,
            "PRINT_RESULTS": False,
            "PRINT_CONFIG": False,
            "TIME_PROGRESS": False,
            "OUTPUT_SUMMARY": False,
            "OUTPUT_DETAILED": False,
            "PLOT_CURVES": False,
            "DISPLAY_LESS_PROGRESS": True,
        }
    )
    dataset = trackeval.datasets.MotChallenge2DBox(
        {
            "GT_FOLDER": str(gt_dir),
            "TRACKERS_FOLDER": str(trackers),
            "BENCHMARK": "MOT17",
            "SKIP_SPLIT_FOL": True,
            "SEQ_INFO": seqs,
            "PRINT_CONFIG": False,
            "TRACKERS_TO_EVAL": ["tracker"],
        }
    )
    with contextlib.redirect_stdout(io.StringIO()):
        evaluator.evaluate(
            [dataset],
            [trackeval.metrics.HOTA(), trackeval.metrics.CLEAR(), trackeval.metrics.Identity()],
        )


def timings(seqs: int = 4, frames: int = 600, repeat: int = 3) -> tuple:
    """({"fairmot evaluate_split": s, "TrackEval Evaluator": s} medians, gt rows)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cfg = get_cfg()
        cfg.SYNTH.TRAIN_SEQS, cfg.SYNTH.VAL_SEQS = seqs, 0
        cfg.SYNTH.SEQ_LENGTH, cfg.SYNTH.WRITE_DET = frames, False
        generate_dataset(cfg.SYNTH, root / "data", progress=False)
        gt_dir, out = root / "data/images/train", root / "trackers/tracker/data"
        rng = np.random.default_rng(0)
        rows = 0
        for seq in list_sequences(gt_dir):
            gt = seq.read_gt()
            keep = np.isin(gt.classes, (1, 7, 8)) & (rng.random(len(gt)) > 0.1)
            write_mot_results(
                out / f"{seq.name}.txt",
                MotTracks(
                    gt.frames[keep],
                    gt.ids[keep],
                    gt.tlwh[keep] + rng.normal(0, 2, (keep.sum(), 4)),
                    np.ones(keep.sum()),
                ),
            )
            rows += len(gt)
        # One warm-up each: the first call pays for importing TrackEval, not evaluating.
        result = {
            "fairmot evaluate_split": median_seconds(
                lambda: evaluate_split(gt_dir, out), repeat, warmup=1
            ),
            "TrackEval Evaluator": median_seconds(
                lambda: trackeval_run(gt_dir, root / "trackers"), repeat, warmup=1
            ),
        }
    return result, rows


def summary_rows(seqs: int = 4, frames: int = 600, repeat: int = 3) -> list:
    seconds, _ = timings(seqs, frames, repeat)
    return [
        Row(
            f"evaluation, {seqs} sequences x {frames} frames (HOTA, CLEAR, Identity)",
            "s",
            seconds["fairmot evaluate_split"],
            seconds["TrackEval Evaluator"],
            "TrackEval reading the files itself",
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seqs", type=int, default=4)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seconds, rows = timings(args.seqs, args.frames, args.repeat)
    print(f"{args.seqs} sequences x {args.frames} frames, {rows} gt rows")
    print("| evaluator | seconds (median) |\n|---|---|")
    for name, value in seconds.items():
        print(f"| {name} | {value:.2f} |")
    ours, theirs = seconds.values()
    print(f"ratio fairmot / TrackEval: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
