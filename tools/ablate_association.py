"""The association ablation (paper Table 6): the same detections tracked with IoU only,
re-ID only, re-ID + Kalman gating, and all three (the default); one Markdown table.

    python tools/ablate_association.py --cfg configs/synthetic.yaml --weights MODEL.pth
    python tools/ablate_association.py --cfg configs/synthetic.yaml --detections DIR

With --weights the model first tracks EVAL.GT_DIR once and saves its detections
(OUTPUT_DIR/tracks/fairmot/detections); with --detections (from `track.py
--save-detections`, or any detector in that layout) those are used. Every row then replays
the same detections and embeddings. Writes OUTPUT_DIR/eval/association_ablation.md.
"""

from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.evaluation import ground_truth_dir, write_ablation
from fairmot.inference import run_tracking
from fairmot.pipeline import association_ablation


def main():
    parser = argument_parser(__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", help="trained checkpoint: detect once, then ablate")
    source.add_argument("--detections", help="folder of <SEQ>.npz precomputed detections")
    parser.add_argument("--gt", default="", help="ground-truth split folder (EVAL.GT_DIR)")
    args = parser.parse_args()
    cfg = setup(args)
    gt_dir = ground_truth_dir(args.gt, cfg)
    detections = args.detections
    if args.weights:
        stats = run_tracking(cfg, inputs=gt_dir, weights=args.weights, save_detections=True)
        detections = stats[0].results.parent.parent / "detections"
    rows = association_ablation(cfg, detections, gt_dir)
    table, path = write_ablation(rows, Path(cfg.OUTPUT_DIR) / "eval")
    print(table)
    print(f"wrote {path}")


if __name__ == "__main__":
    run_tool(main)
