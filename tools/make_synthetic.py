"""Render the synthetic MOT data set into OUTPUT_DIR/data.

python tools/make_synthetic.py --cfg configs/synthetic.yaml [KEY VALUE ...]
"""

import json
from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.data.synthetic import generate_dataset


def main():
    args = argument_parser(__doc__).parse_args()
    cfg = setup(args)
    summary = generate_dataset(cfg.SYNTH, Path(cfg.OUTPUT_DIR) / "data")
    print(json.dumps({k: v for k, v in summary.items() if k != "sequences"}, indent=2))


if __name__ == "__main__":
    run_tool(main)
