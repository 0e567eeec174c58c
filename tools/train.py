"""Train FairMOT.

    python tools/train.py --cfg configs/mot17_half_dla34.yaml [--resume] [KEY VALUE ...]
    torchrun --nproc_per_node 4 tools/train.py --cfg configs/mix_dla34.yaml   (several GPUs)

Writes OUTPUT_DIR/model_last.pth every epoch (and model_<epoch>.pth every
SOLVER.CHECKPOINT_PERIOD epochs), TensorBoard scalars to OUTPUT_DIR/tensorboard.
"""

import logging
import sys

from fairmot.config import argument_parser, setup
from fairmot.data.formats import FormatError
from fairmot.data.targets import TooManyObjectsError
from fairmot.engine import TrainingError, train
from fairmot.models import CheckpointError


def main():
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--resume", action="store_true", help="continue from OUTPUT_DIR/model_last.pth"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    cfg = setup(args)
    try:
        means = train(cfg, resume=args.resume)
    except (TrainingError, FormatError, CheckpointError, TooManyObjectsError) as exc:
        sys.exit(f"error: {exc}")
    print("last epoch: " + "  ".join(f"{k} {v:.4f}" for k, v in means.items()))


if __name__ == "__main__":
    main()
