"""Tune the tracker's keys on saved detections (Optuna's TPE; fairmot.tuning).

    python tools/tune_tracker.py --cfg configs/synthetic.yaml \\
        --detections output/synthetic/tracks/fairmot/detections \\
        --gt output/synthetic/data/images/val --trials 200 --jobs 2 [--objective hota_idsw]

Each trial replays the same detections and embeddings in memory with one choice of the
TRACKER keys (fairmot.tuning.SEARCH_SPACE, or --space FILE: a YAML mapping KEY to [float,
low, high], [int, low, high] or [choice, [values]]) and scores it. The study is kept in
OUTPUT_DIR/tune/<study>/study.db: the same command again (or after a kill) continues it up
to --trials finished trials. Writes trials.csv, best.yaml (the best trial's TRACKER keys:
`--cfg best.yaml`, or copy them into an experiment file) and trials.png there. Tuned
thresholds fit the split they were tuned on: check them on another (--gt of held-out
sequences) before stating a figure.
"""

from pathlib import Path

import yaml

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.errors import UsageError
from fairmot.tuning import OBJECTIVES, StudySpec, run_study


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--detections", required=True, help="folder of saved <SEQ>.npz")
    parser.add_argument("--gt", required=True, help="the split's folder (ground truth)")
    parser.add_argument("--trials", type=int, default=100, help="finished trials to reach")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--objective", choices=OBJECTIVES, default="hota")
    parser.add_argument("--study", default="tracker", help="study name (its folder)")
    parser.add_argument("--space", default="", help="YAML search space (default: the built-in)")
    parser.add_argument("--seed", type=int, default=0, help="the sampler's seed")
    args = parser.parse_args()
    cfg = setup(args)
    spec = StudySpec(
        name=args.study,
        folder=Path(cfg.OUTPUT_DIR) / "tune" / args.study,
        detections=args.detections,
        gt_dir=args.gt,
        objective=args.objective,
        seed=args.seed,
        base_cfg=args.cfg or "",
    )
    if args.space:
        spec.space = {k: tuple(v) for k, v in yaml.safe_load(Path(args.space).read_text()).items()}
        unknown = [k for k in spec.space if k not in cfg.TRACKER]
        if unknown:
            raise UsageError(f"{args.space}: {', '.join(unknown)} are not TRACKER keys")
    values, metrics = run_study(cfg, spec, args.trials, args.jobs)
    print(
        "best: "
        + ", ".join(f"{k} {v:.1f}" if k != "IDSW" else f"{k} {v}" for k, v in metrics.items())
    )
    print("overrides: " + " ".join(f"TRACKER.{k} {v}" for k, v in values.items()))
    print(f"wrote {spec.folder / 'best.yaml'}, trials.csv and trials.png")


if __name__ == "__main__":
    run_tool(main)
