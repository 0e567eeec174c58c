"""Train FairMOT.

    python tools/train.py --cfg configs/mot17_half_dla34.yaml [--resume] [KEY VALUE ...]
    torchrun --nproc_per_node 4 tools/train.py --cfg configs/mix_dla34.yaml   (several GPUs)

Writes OUTPUT_DIR/model_last.pth every epoch (and model_<epoch>.pth every
SOLVER.CHECKPOINT_PERIOD epochs), TensorBoard scalars to OUTPUT_DIR/tensorboard. Ctrl-C stops
cleanly: the last good checkpoint stays (it is written atomically) and --resume continues
from it.
"""

import logging

from fairmot.cli import argument_parser, run_tool, setup


def main():
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--resume", action="store_true", help="continue from OUTPUT_DIR/model_last.pth"
    )
    cfg = setup(args := parser.parse_args())
    from fairmot.engine import train  # torch: after the config is checked
    from fairmot.inference.model_metrics import detection_evaluation

    means = train(cfg, resume=args.resume, evaluate=detection_evaluation(cfg))
    print("last epoch: " + "  ".join(f"{k} {v:.4f}" for k, v in means.items()))


if __name__ == "__main__":
    run_tool(main, log_level=logging.INFO, log_format="%(asctime)s %(levelname)s %(message)s")
