"""The association ablation (paper Table 6): the same detections tracked with IoU only,
re-ID only, re-ID + Kalman gating, all three (the default), and the default with the
long-term re-ID gallery; one Markdown table.

    python tools/ablate_association.py --cfg configs/synthetic.yaml --weights MODEL.pth
    python tools/ablate_association.py --cfg configs/synthetic.yaml --detections DIR
    python tools/ablate_association.py --cfg configs/synthetic_leave_return.yaml --oracle

With --weights the model first tracks EVAL.GT_DIR once and saves its detections
(OUTPUT_DIR/tracks/fairmot/detections); with --detections (from `track.py
--save-detections`, or any detector in that layout) those are used; with --oracle they are
made from the ground truth of a synthetic split (data.synthetic.oracle_detections: boxes of
the ground truth, an embedding per identity plus noise), which measures the tracker alone.
Every row then replays the same detections and embeddings. Writes
OUTPUT_DIR/eval/association_ablation.md.
"""

from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.data.formats import list_sequences
from fairmot.data.synthetic import oracle_detections
from fairmot.evaluation import ground_truth_dir, write_ablation
from fairmot.inference import run_tracking
from fairmot.pipeline import association_ablation


def main():
    parser = argument_parser(__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", help="trained checkpoint: detect once, then ablate")
    source.add_argument("--detections", help="folder of <SEQ>.npz precomputed detections")
    source.add_argument(
        "--oracle", action="store_true", help="detections from the ground truth (synthetic)"
    )
    parser.add_argument("--gt", default="", help="ground-truth split folder (EVAL.GT_DIR)")
    args = parser.parse_args()
    cfg = setup(args)
    gt_dir = ground_truth_dir(args.gt, cfg)
    detections = args.detections
    if args.weights:
        run = run_tracking(cfg, inputs=gt_dir, weights=args.weights, save_detections=True)
        detections = run.detections_dir
    elif args.oracle:
        detections = Path(cfg.OUTPUT_DIR) / "oracle_detections"
        for seq in list_sequences(gt_dir):
            oracle_detections(seq, detections)
    rows = association_ablation(cfg, detections, gt_dir)
    table, path = write_ablation(rows, Path(cfg.OUTPUT_DIR) / "eval")
    print(table)
    print(f"wrote {path}")


if __name__ == "__main__":
    run_tool(main)
