"""The main job on the embedded default (what `make demo` runs).

python tools/demo.py --cfg configs/synthetic.yaml [KEY VALUE ...]
"""

import logging

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.pipeline import run_demo


def main():
    args = argument_parser(__doc__).parse_args()
    run_demo(setup(args))


if __name__ == "__main__":
    run_tool(main, log_level=logging.INFO, log_format="      %(message)s")
