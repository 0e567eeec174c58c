"""Evaluate tracking results with the MOTChallenge metrics (HOTA, CLEAR, identity).

    python tools/eval_mot.py --gt datasets/MOT17/images/val_half \\
        --results output/mot17_half_dla34/tracks/fairmot/data [--seqs A B] \\
        [--benchmark MOT17] [--cfg FILE] [KEY VALUE ...]

Prints a table per sequence and COMBINED, and writes OUTPUT_DIR/eval/metrics.csv,
metrics.json, hota_alpha.png and sequences.png. Numbers equal TrackEval's.
"""

from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.evaluation import (
    BENCHMARKS,
    format_table,
    ground_truth_dir,
    report_split,
)


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--gt", default="", help="ground-truth split folder (EVAL.GT_DIR)")
    parser.add_argument("--results", required=True, help="folder of <SEQ>.txt result files")
    parser.add_argument("--seqs", nargs="+", default=None, help="sequences (EVAL.SEQS)")
    parser.add_argument(
        "--benchmark",
        choices=BENCHMARKS,
        default=None,
        help="pre-processing rules (EVAL.BENCHMARK)",
    )
    args = parser.parse_args()
    cfg = setup(args)
    summary, paths = report_split(
        ground_truth_dir(args.gt, cfg),
        args.results,
        Path(cfg.OUTPUT_DIR) / "eval",
        args.seqs or list(cfg.EVAL.SEQS) or None,
        args.benchmark or cfg.EVAL.BENCHMARK,
    )
    print(format_table(summary))
    print("wrote " + ", ".join(str(p) for p in paths))


if __name__ == "__main__":
    run_tool(main)
