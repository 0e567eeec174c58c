"""Network parameters, FLOPs and CPU latency per backbone, against this machine's FLOP floor.

    python benchmarks/network_speed.py [--archs dla34 ...] [--threads 2] [--repeat 3]

For each backbone and input size (1088x608, 576x320): FLOPs (fairmot.models.complexity),
median forward latency after a warm-up at batch 1, and the ratio to the FLOP floor
(FLOPs / float32 matmul rate, the rate measured in the same run with a 4096^3 matmul).
DLA-34 is also timed with torchvision's deformable convolution, the original's cost, side by
side. Timing on a shared CPU is noisy: compare ratios within one run.
"""

import argparse
from functools import partial

import torch
from common import Row, median_seconds

from fairmot.models import ARCHITECTURES, build_network, head_channels
from fairmot.models.complexity import count_flops
from fairmot.models.layers import set_deform_conv_implementation

SIZES = ((1088, 608), (576, 320))


def paper_network(arch: str = "dla34", implementation: str = "auto") -> torch.nn.Module:
    """The network with the released heads (hm 1, ltrb 4, reg 2, id 128), random weights, in
    eval mode, deformable convolutions by `implementation` ("auto" or "torchvision")."""
    torch.manual_seed(0)
    net = build_network(arch, head_channels(1, True, 128)).eval()
    set_deform_conv_implementation(net, implementation)
    return net


def latency_seconds(net: torch.nn.Module, width: int, height: int, repeat: int) -> float:
    """Median forward time of one (1, 3, height, width) input."""
    x = torch.rand(1, 3, height, width)
    with torch.no_grad():
        return median_seconds(partial(net, x), repeat)


def summary_rows(repeat: int = 3) -> list:
    """DLA-34 latency at both sizes, ours vs torchvision's deformable convolution."""
    ours, original = paper_network("dla34"), paper_network("dla34", "torchvision")
    return [
        Row(
            f"network DLA-34, {w}x{h}, batch 1",
            "s/frame",
            latency_seconds(ours, w, h, repeat),
            latency_seconds(original, w, h, repeat),
            "torchvision DCN, the original's",
        )
        for w, h in SIZES
    ]


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
        net = paper_network(arch, implementation)
        params = sum(p.numel() for p in net.parameters())
        cells = []
        for width, height in SIZES:
            flops = count_flops(net, torch.rand(1, 3, height, width))["total"]
            seconds = latency_seconds(net, width, height, args.repeat)
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
