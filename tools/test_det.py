"""Detection AP (IoU EVAL.DET_IOU_THRES, the original's definition) of a trained model over
the "test" lists of a data_cfg.

    python tools/test_det.py --cfg configs/mot17_half_dla34.yaml --weights model.pth \\
        [--data-cfg data_cfg/mot17_half.json] [KEY VALUE ...]

Writes OUTPUT_DIR/eval/detection.json.
"""

from fairmot.cli import argument_parser, run_tool, setup


def main():
    cfg = setup(args := argument_parser(__doc__, weights=True, data_cfg=True).parse_args())
    from fairmot.inference.model_metrics import checkpoint_detection_ap  # torch: after the config

    summary, path = checkpoint_detection_ap(cfg, args.weights, args.data_cfg)
    print(
        f"mAP@{cfg.EVAL.DET_IOU_THRES}: {summary['mAP']:.4f}  recall {summary['recall']:.4f}"
        f"  precision {summary['precision']:.4f}  over {summary['images']} images ({path})"
    )


if __name__ == "__main__":
    run_tool(main)
