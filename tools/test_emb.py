"""Re-ID true-positive rate at false-accept rates 1e-3, 1e-2, 0.1 (the original's
definition) over the ground-truth boxes of the "test_emb" lists of a data_cfg.

    python tools/test_emb.py --cfg configs/mot17_half_dla34.yaml --weights model.pth \\
        [--data-cfg data_cfg/mot17_half.json] [KEY VALUE ...]
"""

import json
import sys
from pathlib import Path

from fairmot.config import argument_parser, setup
from fairmot.data.formats import FormatError
from fairmot.inference.model_metrics import checkpoint_embedding_tpr
from fairmot.models import CheckpointError


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--weights", default="", help="trained checkpoint (MODEL.WEIGHTS)")
    parser.add_argument("--data-cfg", default=None, help="data_cfg file (DATA.CFG)")
    args = parser.parse_args()
    cfg = setup(args)
    try:
        tpr = checkpoint_embedding_tpr(cfg, args.weights, args.data_cfg)
    except (FormatError, CheckpointError, ValueError) as exc:
        sys.exit(f"error: {exc}")
    for far, value in tpr.items():
        print(f"TPR@FAR={far:g}: {value:.4f}")
    out = Path(cfg.OUTPUT_DIR) / "eval" / "embedding.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({f"TPR@FAR={k:g}": v for k, v in tpr.items()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
