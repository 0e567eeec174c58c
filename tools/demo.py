"""The main job on the embedded default (what `make demo` runs).

python tools/demo.py --cfg configs/synthetic.yaml [KEY VALUE ...]
"""

import logging

from fairmot.config import argument_parser, setup
from fairmot.pipeline import run_demo


def main():
    args = argument_parser(__doc__).parse_args()
    logging.basicConfig(level=logging.INFO, format="      %(message)s")
    run_demo(setup(args))


if __name__ == "__main__":
    main()
