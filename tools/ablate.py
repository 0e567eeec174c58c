"""The paper's ablation tables as commands: each row of a study file trained (or reusing
another row's model), tracked and evaluated over seeds, one table of mean ± std beside the
paper's figures.

    python tools/ablate.py --table 5 [--set synthetic] [--seeds 3] [KEY VALUE ...]
    python tools/ablate.py --study configs/studies/synthetic_table6.yaml --rows iou default
    python tools/ablate.py --table 2 --set mot17_half        (the paper's setting: a GPU)
    python tools/ablate.py --table 2 --first-step          (one step of each training)

--table N reads configs/studies/<set>_table<N>.yaml (the paper's table numbers: 1 re-ID
sampling, 2 backbones, 3 detection alone vs joint training and the loss weighting, 5 re-ID
dimension, 6 association, 7 self-supervised pre-training). Overrides apply to every row
(after the study's own). Writes OUTPUT_DIR (default output/studies/<study>) /study.md,
.csv and .json, each run in OUTPUT_DIR/<row>/seed_<k>/ with its result.json. The same
command again continues a killed study: finished runs are read, not repeated.
"""

import logging
from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.errors import UsageError

STUDIES = Path(__file__).resolve().parents[1] / "configs" / "studies"


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--study", default="", help="a study file (configs/studies/*.yaml)")
    parser.add_argument("--table", type=int, default=None, help="the paper's table number")
    parser.add_argument(
        "--set", default="synthetic", help="with --table: synthetic (a CPU) or mot17_half"
    )
    parser.add_argument("--seeds", type=int, default=None, help="runs per row (study default)")
    parser.add_argument("--rows", nargs="+", default=None, help="only these rows")
    parser.add_argument("--check", action="store_true", help="load every row's config, then stop")
    parser.add_argument(
        "--first-step",
        action="store_true",
        help="load every row's config, take one training step of each row that trains, stop",
    )
    args = parser.parse_args()
    from fairmot.study import check_rows, load_study

    study = load_study(_study_path(args))
    args.cfg = args.cfg or str(study.config)
    args.opts = [*study.overrides, "OUTPUT_DIR", f"output/studies/{study.path.stem}", *args.opts]
    cfg = setup(args)
    check_rows(cfg, study)
    if args.check:
        print(f"{study.path}: {len(study.rows)} rows, every config loads")
        return
    if args.first_step:
        from fairmot.study import first_steps  # torch: after the configs are checked

        for name, terms in first_steps(cfg, study):
            print(f"{name}: one training step, loss {terms['loss']:.4g}")
        print(f"{study.path}: every row that trains takes a step")
        return
    from fairmot.study import run_study

    _, _, paths = run_study(cfg, study, args.seeds, args.rows)
    print(paths[0].read_text())
    print("written: " + ", ".join(str(p) for p in paths))


def _study_path(args) -> Path:
    if bool(args.study) == (args.table is not None):
        raise UsageError("give --study FILE or --table N (with --set), one of the two")
    if args.study:
        return Path(args.study)
    path = STUDIES / f"{args.set}_table{args.table}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in STUDIES.glob("*.yaml"))
        raise UsageError(f"no study file {path.name}; the studies are: {', '.join(known)}")
    return path


if __name__ == "__main__":
    run_tool(main, log_level=logging.INFO, log_format="      %(message)s")
