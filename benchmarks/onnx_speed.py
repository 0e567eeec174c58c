"""The network on ONNX Runtime against PyTorch, and its heads at the heatmap peaks against
the dense head maps, side by side in one run (DLA-34, batch 1).

    python benchmarks/onnx_speed.py [--threads 2] [--repeat 3]

All take the same random weights and the same input; ONNX Runtime runs the exported graph
(native DeformConv) on its CPU provider with the same number of threads. "At the peaks"
(INFERENCE.PEAK_HEADS, the default) evaluates the size, offset and re-ID heads at the top
500 heatmap peaks only. The three are called in turn, `--repeat` rounds, and each figure is
a median: load on a shared CPU comes and goes, and alternating gives each the same share.
"""

import argparse
import tempfile
from functools import partial
from pathlib import Path

import torch
from common import Row, format_rows, interleaved_seconds
from network_speed import SIZES, paper_network

from fairmot.inference.export_onnx import export_onnx
from fairmot.inference.onnx_runtime import OnnxRuntimeNetwork
from fairmot.models.decode import DecodeParams


def onnx_runtime(net, width: int, height: int, folder: Path, peaks: int = 0):
    """The network exported at (width, height) on ONNX Runtime's CPU provider, with the
    torch thread count; `peaks`: the graph with the heads at the top-`peaks` peaks."""
    name = f"net_{width}x{height}_{peaks}.onnx"
    path = export_onnx(net, folder / name, (width, height), peaks=peaks)
    threads = torch.get_num_threads()
    return OnnxRuntimeNetwork(path, providers=["CPUExecutionProvider"], threads=threads)


def summary_rows(repeat: int = 3) -> list:
    """At both input sizes: ONNX Runtime against PyTorch (dense head maps both), and ONNX
    Runtime with the heads at the peaks (the default CPU path) against its dense maps;
    medians of `repeat` alternating calls."""
    net, k = paper_network("dla34"), DecodeParams().k
    rows = []
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        for w, h in SIZES:
            x = torch.rand(1, 3, h, w)
            seconds = interleaved_seconds(
                {
                    "torch": partial(net, x),
                    "dense": partial(onnx_runtime(net, w, h, Path(tmp)), x),
                    "peaks": partial(onnx_runtime(net, w, h, Path(tmp), peaks=k), x),
                },
                repeat,
            )
            rows += [
                Row(
                    f"network DLA-34 on ONNX Runtime, {w}x{h}, batch 1",
                    "s/frame",
                    seconds["dense"],
                    seconds["torch"],
                    "PyTorch, INFERENCE.BACKEND torch",
                ),
                Row(
                    f"network DLA-34 on ONNX Runtime, heads at the peaks, {w}x{h}, batch 1",
                    "s/frame",
                    seconds["peaks"],
                    seconds["dense"],
                    "ONNX Runtime, dense head maps",
                ),
            ]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(format_rows(summary_rows(args.repeat)))


if __name__ == "__main__":
    main()
