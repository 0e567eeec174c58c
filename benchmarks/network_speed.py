"""Network parameters, FLOPs and CPU latency per backbone, against this machine's FLOP floor.

    python benchmarks/network_speed.py [--archs dla34 ...] [--threads 2] [--repeat 3]

For each backbone and input size (1088x608, 576x320): FLOPs (fairmot.models.complexity),
median forward latency after a warm-up at batch 1, and the ratio to the FLOP floor
(FLOPs / float32 matmul rate, the rate measured in the same run with a 4096^3 matmul).
DLA-34 is also timed with torchvision's deformable convolution, the original's cost, side by
side. Timing on a shared CPU is noisy: compare ratios within one run.
"""

import argparse
import statistics
import time
from functools import partial

import torch

from fairmot.models import ARCHITECTURES, build_network, head_channels
from fairmot.models.complexity import count_flops
from fairmot.models.layers import set_deform_conv_implementation

SIZES = ((1088, 608), (576, 320))


def median_seconds(function, repeat: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def matmul_rate(repeat: int) -> float:
    a, b = torch.randn(4096, 4096), torch.randn(4096, 4096)
    return 2 * 4096**3 / median_seconds(lambda: a @ b, repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", nargs="+", default=sorted(ARCHITECTURES))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rate = matmul_rate(args.repeat)
    print(f"float32 matmul rate: {rate / 1e9:.0f} GFLOP/s ({args.threads} threads)\n")

    rows = []
    variants = [(arch, "auto") for arch in args.archs]
    if "dla34" in args.archs:
        variants.insert(args.archs.index("dla34") + 1, ("dla34", "torchvision"))
    for arch, implementation in variants:
        torch.manual_seed(0)
        net = build_network(arch, head_channels(1, True, 128)).eval()
        set_deform_conv_implementation(net, implementation)
        params = sum(p.numel() for p in net.parameters())
        cells = []
        for width, height in SIZES:
            x = torch.rand(1, 3, height, width)
            flops = count_flops(net, x)["total"]
            with torch.no_grad():
                seconds = median_seconds(partial(net, x), args.repeat)
            cells.append((flops, seconds, seconds / (flops / rate)))
        name = arch if implementation == "auto" else f"{arch} (torchvision DCN)"
        rows.append((name, params, cells))

    header = (
        "| backbone | params | "
        + " | ".join(f"GFLOPs {w}x{h} | s | x floor" for w, h in SIZES)
        + " |"
    )
    print(header)
    print("|" + "---|" * (2 + 3 * len(SIZES)))
    for name, params, cells in rows:
        values = " | ".join(f"{f / 1e9:.0f} | {s:.2f} | {r:.1f}" for f, s, r in cells)
        print(f"| {name} | {params / 1e6:.1f} M | {values} |")


if __name__ == "__main__":
    main()
