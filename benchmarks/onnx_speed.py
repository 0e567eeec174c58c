"""The network on ONNX Runtime against PyTorch, side by side in one run (DLA-34, batch 1).

    python benchmarks/onnx_speed.py [--threads 2] [--repeat 3]

Both take the same random weights and the same input; ONNX Runtime runs the exported graph
(native DeformConv) on its CPU provider with the same number of threads. Compare ratios
within one run: timing on a shared CPU is noisy.
"""

import argparse
import tempfile
from functools import partial
from pathlib import Path

import torch
from common import Row, format_rows, median_seconds
from network_speed import SIZES, latency_seconds, paper_network

from fairmot.inference.onnx_export import OnnxRuntimeNetwork, export_onnx


def onnx_seconds(net, width: int, height: int, repeat: int, folder: Path) -> float:
    """Median ONNX Runtime (CPU provider) time of one (1, 3, height, width) input."""
    path = export_onnx(net, folder / f"net_{width}x{height}.onnx", (width, height))
    threads = torch.get_num_threads()
    runtime = OnnxRuntimeNetwork(path, providers=["CPUExecutionProvider"], threads=threads)
    return median_seconds(partial(runtime, torch.rand(1, 3, height, width)), repeat)


def summary_rows(repeat: int = 3) -> list:
    """ONNX Runtime (the automatic backend's CPU path) against PyTorch, at both input sizes."""
    net = paper_network("dla34")
    with tempfile.TemporaryDirectory() as tmp:
        return [
            Row(
                f"network DLA-34 on ONNX Runtime, {w}x{h}, batch 1",
                "s/frame",
                onnx_seconds(net, w, h, repeat, Path(tmp)),
                latency_seconds(net, w, h, repeat),
                "PyTorch, INFERENCE.BACKEND torch",
            )
            for w, h in SIZES
        ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(format_rows(summary_rows(args.repeat)))


if __name__ == "__main__":
    main()
