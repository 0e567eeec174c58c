"""The main job over several seeds: each run's figures and their mean, spread and range.

python tools/seed_spread.py --cfg configs/synthetic.yaml --seeds 3 \\
    [OUTPUT_DIR output/synthetic_spread] [KEY VALUE ...]

Run k trains with SEED + k on training scenes rendered with SYNTH.SEED + k and is scored on
the same val split (SYNTH.VAL_SEED, default the base SYNTH.SEED), in OUTPUT_DIR/seed_<k>/.
Writes OUTPUT_DIR/spread.md, .csv and .json, with the machine each run used. Re-running
the same command continues a killed study: finished runs are read, not repeated.
"""

import logging

from fairmot.cli import argument_parser, run_tool, setup


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--seeds", type=int, default=3, help="number of runs (default 3)")
    args = parser.parse_args()
    cfg = setup(args)
    from fairmot.spread import run_spread  # torch: after the config

    _, _, paths = run_spread(cfg, args.seeds)
    print(paths[0].read_text())
    print("written: " + ", ".join(str(p) for p in paths))


if __name__ == "__main__":
    run_tool(main, log_level=logging.INFO, log_format="      %(message)s")
