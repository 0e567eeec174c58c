"""Re-ID true-positive rate at false-accept rates 1e-3, 1e-2, 0.1 (the original's
definition) over the ground-truth boxes of the "test_emb" lists of a data_cfg.

    python tools/test_emb.py --cfg configs/mot17_half_dla34.yaml --weights model.pth \\
        [--data-cfg data_cfg/mot17_half.json] [KEY VALUE ...]

Writes OUTPUT_DIR/eval/embedding.json.
"""

from fairmot.cli import argument_parser, run_tool, setup


def main():
    cfg = setup(args := argument_parser(__doc__, weights=True, data_cfg=True).parse_args())
    from fairmot.inference.model_metrics import checkpoint_embedding_tpr  # torch: after the config

    tpr, path = checkpoint_embedding_tpr(cfg, args.weights, args.data_cfg)
    print("  ".join(f"TPR@FAR={far:g}: {value:.4f}" for far, value in tpr.items()) + f" ({path})")


if __name__ == "__main__":
    run_tool(main)
