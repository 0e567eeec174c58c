"""Every benchmark, one table: network latency, target encoding, training samples,
association, evaluation, end-to-end tracking and the training step, each against its
baseline measured in the same run where one exists here.

    python benchmarks/run_all.py [--threads 2] [--quick]

About nine minutes on a 2-core CPU (--quick: fewer repeats, about four). Timing on a shared
machine is noisy: read the speed-up column (both sides measured side by side), not the
absolute figures. Each benchmark also runs alone with a more detailed table.
"""

import argparse
import time

import association_speed
import data_speed
import eval_speed
import network_speed
import onnx_speed
import torch
import tracking_speed
import train_speed
from common import format_rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    repeat = 1 if args.quick else 3
    suites = (
        ("network", lambda: network_speed.summary_rows(repeat)),
        ("onnx", lambda: onnx_speed.summary_rows(repeat + 2)),
        ("data", lambda: data_speed.summary_rows(10 if args.quick else 40)),
        ("association", lambda: association_speed.summary_rows(repeat=repeat + 2)),
        (
            "evaluation",
            lambda: eval_speed.summary_rows(frames=300 if args.quick else 600, repeat=repeat),
        ),
        ("tracking", lambda: tracking_speed.summary_rows(*((6, 2) if args.quick else (8, 3)))),
        ("training", lambda: train_speed.summary_rows(repeat + 2)),
    )
    rows = []
    for name, measure in suites:
        start = time.perf_counter()
        print(f"running {name} ...", flush=True)
        rows += measure()
        print(f"  {time.perf_counter() - start:.0f} s", flush=True)
    print(f"\n{torch.get_num_threads()} threads, {torch.__version__}\n")
    print(format_rows(rows))


if __name__ == "__main__":
    main()
