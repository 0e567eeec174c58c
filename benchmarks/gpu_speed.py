"""The paper's network and end-to-end tracking on a CUDA GPU: DLA-34 (released heads, random
weights) forward latency at 1088x608 and 576x320 in float32, in fp16 (INFERENCE.PRECISION)
and replayed from a CUDA graph (INFERENCE.CUDA_GRAPHS), and frames/s of read → letterbox →
network → decode → association over 1920x1080 frames, each option against the path without
it, in turn: the heads at the heatmap peaks (INFERENCE.PEAK_HEADS) against the dense maps,
the letterbox on the GPU (INFERENCE.DEVICE_LETTERBOX) against OpenCV's on the CPU, batches
of frames in flight (INFERENCE.FRAMES_IN_FLIGHT) against one frame at a time, then on the
largest batch CUDA graphs, several reading threads (INFERENCE.READ_THREADS) and fp16; and
the same pipeline with the network's outputs replayed instead of computed, the ceiling the
rest of it (reading, letterbox, decode, association, writing) sets; and where the installed
ONNX Runtime has a CUDA provider, the network on it.

    python benchmarks/gpu_speed.py [--repeat 30] [--frames 64] [--device cuda] [--batches 4 8]
        [--read-threads 4] [--precision fp16]

Meant for a CUDA device (there the deformable layers run torchvision's CUDA kernel);
`--device cpu` runs the same code on the CPU without the CUDA-graph rows (a smoke test, with
`--precision bf16`: the CPU has no fast fp16; benchmarks/run_all.py is the CPU benchmark).
Each latency is the median of `--repeat` synchronised forwards after 5 warm-ups; keep
`--frames` a multiple of the batches (a last, smaller batch records another CUDA graph).
"""

import argparse
import copy
import statistics
import sys
import tempfile
import time
import traceback
from functools import partial
from pathlib import Path

import torch
from common import Row, print_rows_as_measured
from network_speed import SIZES, paper_network
from tracking_speed import frames_per_second, hd_sequence

from fairmot.inference.cuda_graphs import GraphedNetwork
from fairmot.inference.detector import PRECISIONS
from fairmot.inference.export_onnx import export_onnx
from fairmot.inference.onnx_runtime import OnnxRuntimeNetwork
from fairmot.models.decode import PEAK_INDEX, DecodeParams

#: The issue's goal (#14) for the real network's end-to-end rows at 1088x608.
GOAL_FPS = 200


def end_to_end(size) -> str:
    """How the real network's end-to-end rows at input `size` (width, height) begin."""
    return f"tracking end to end, 1920x1080 frames, DLA-34 at {size[0]}x{size[1]}"


class ReplayedOutputs(torch.nn.Module):
    """A stand-in network that returns, for any batch, fixed outputs at the heatmap peaks:
    `detections` people per frame scoring 0.8 (the other peaks 0.1), boxes of 40x80 input
    pixels, random embeddings. Tracking with it costs everything but the network's
    arithmetic (reading, letterbox, upload, decode, association, writing): the ceiling the
    rest of the pipeline sets."""

    two_stage = False

    def __init__(self, input_wh, device, k: int = 500, detections: int = 50, reid_dim: int = 128):
        super().__init__()
        cells = (input_wh[0] // 4) * (input_wh[1] // 4)
        generator = torch.Generator().manual_seed(0)
        scores = torch.full((1, k), 0.1)
        scores[:, :detections] = 0.8
        self.outputs = {
            "peak_scores": scores,
            PEAK_INDEX: torch.randperm(cells, generator=generator)[:k][None],
            "wh": torch.tensor([5.0, 10.0, 5.0, 10.0]).expand(1, k, 4),
            "reg": torch.full((1, k, 2), 0.5),
            "id": torch.randn(1, k, reid_dim, generator=generator),
        }
        self.outputs = {name: value.to(device) for name, value in self.outputs.items()}

    def forward(self, x: torch.Tensor) -> dict:
        return {name: v.expand(len(x), *v.shape[1:]) for name, v in self.outputs.items()}


def latency_ms(network, x: torch.Tensor, repeat: int) -> float:
    """Median milliseconds per frame of `network(x)` ((B, 3, H, W) input)."""
    times = []
    with torch.no_grad():
        for k in range(5 + repeat):
            start = time.perf_counter()
            network(x)
            if x.device.type == "cuda":
                torch.cuda.synchronize()
            if k >= 5:
                times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times) / len(x)


def _latency_rows(net, half_net, size, repeat: int, precision: str, batch: int) -> list:
    """Batch-1 latency in float32, in `precision`, from a CUDA graph (on CUDA), and the
    three together at `batch` frames, each against float32 alone."""
    (width, height), device = size, next(net.parameters()).device
    dtype = PRECISIONS[precision]
    x = torch.rand(1, 3, height, width, device=device)
    name = f"network DLA-34, {width}x{height}"
    fp32 = latency_ms(net, x, repeat)
    rows = [Row(f"{name}, batch 1, fp32", "ms/frame", fp32)]
    half = latency_ms(half_net, x.to(dtype), repeat)
    rows.append(Row(f"{name}, batch 1, {precision}", "ms/frame", half, fp32, "fp32"))
    if device.type == "cuda":
        graphed = attempt("CUDA graph", latency_ms, GraphedNetwork(net), x, repeat)
        many = torch.rand(batch, 3, height, width, device=device, dtype=dtype)
        best = attempt("CUDA graph", latency_ms, GraphedNetwork(half_net), many, repeat)
        if graphed is not None and best is not None:
            label = f"{name}, batch 1, fp32, CUDA graph"
            rows.append(Row(label, "ms/frame", graphed, fp32, "fp32"))
            label = f"{name}, batch {batch}, {precision}, CUDA graph, per frame"
            rows.append(Row(label, "ms/frame", best, fp32, "batch 1, fp32"))
    return rows


def attempt(what: str, measure, *args, **kwargs):
    """`measure(*args, **kwargs)`, or None with the error printed: a path that fails (CUDA
    graphs had never run on a GPU when this was written) must not cost a lent machine's
    run the rows after it."""
    try:
        return measure(*args, **kwargs)
    except Exception:
        print(f"{what} failed; going on without it:", file=sys.stderr, flush=True)
        traceback.print_exc()
        return None


def measured_rows(
    repeat: int = 30,
    frames: int = 64,
    device: str = "cuda",
    batches=(4, 8),
    read_threads: int = 4,
    precision: str = "fp16",
):
    """The table's rows, yielded as each is measured: per input size (1088x608 first), the
    latencies, the end-to-end paths, the ceiling, then ONNX Runtime's CUDA provider."""
    device = torch.device(device)
    net = paper_network("dla34").to(device).eval()
    half_net = copy.deepcopy(net).to(PRECISIONS[precision])
    options = {"read_threads": read_threads, "precision": precision, "cuda": device.type == "cuda"}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        seq_dir = hd_sequence(tmp, frames)
        largest = max(batches, default=1)
        for size in SIZES:
            yield from _latency_rows(net, half_net, size, repeat, precision, largest)
            run = partial(frames_per_second, seq_dir=seq_dir, size=size, device=device)
            runs = (partial(run, net), partial(run, half_net))
            yield from _tracking_rows(size, runs, tmp, batches, options)
            stand_in = ReplayedOutputs(size, device)
            yield from _ceiling_rows(partial(run, stand_in), tmp, batches, read_threads)
            if device.type == "cuda":
                yield from attempt("ONNX Runtime", _runtime_rows, seq_dir, size, tmp, options) or []


def _runtime_rows(seq_dir: Path, size, tmp: Path, options: dict) -> list:
    """End to end with the network exported and run by ONNX Runtime's CUDA provider, where
    the installed ONNX Runtime has one (not TensorRT: building its engines takes minutes),
    two frames in flight, the reading threads of `options`."""
    import onnxruntime as ort

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        return []
    threads = options["read_threads"]
    path = export_onnx(paper_network("dla34"), tmp / "net.onnx", size, peaks=DecodeParams().k)
    network = OnnxRuntimeNetwork(path, providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    fps = frames_per_second(
        network, seq_dir, size, tmp / "runtime", frames_in_flight=2, read_threads=threads
    )
    label = f"ONNX Runtime CUDA provider, 2 frames in flight, {threads} reading threads"
    return [Row(f"{end_to_end(size)}, {label}", "frames/s", fps, higher_is_better=True)]


def _ceiling_rows(run, tmp: Path, batches, read_threads: int) -> list:
    """Frames/s end to end with `ReplayedOutputs` in place of the network, batches of the
    most frames in flight, the letterbox on the device: one reading thread, then several."""
    depth = max(batches, default=1)
    best = dict(device_letterbox=True, frames_in_flight=depth)
    one = run(out_dir=tmp / "ceiling", **best)
    several = run(out_dir=tmp / "ceiling", read_threads=read_threads, **best)
    name = (
        "tracking end to end, 1920x1080 frames, network outputs replayed (all but its "
        f"arithmetic: the rest's ceiling), batches of {depth}"
    )
    return [
        Row(f"{name}, one reading thread", "frames/s", one),
        Row(
            f"{name}, {read_threads} reading threads",
            "frames/s",
            several,
            one,
            "one reading thread",
            higher_is_better=True,
        ),
    ]


def _tracking_rows(size, runs, tmp: Path, batches, options: dict):
    """End-to-end frames/s of each path `runs` (`frames_per_second` of the network at `size`,
    its float32 and its `options["precision"]` copy) take, each path tracked once; yields
    the row comparing each with the path before it as soon as both are measured (CUDA
    graphs where `options["cuda"]`)."""
    run, run_half = runs
    name = end_to_end(size)

    def row(label, ours, base, base_name):
        return Row(f"{name}{label}", "frames/s", ours, base, base_name, higher_is_better=True)

    peaks = run(out_dir=tmp / "peaks", peak_heads=True)
    yield row("", peaks, run(out_dir=tmp / "dense"), "dense head maps")
    on_device = partial(run, peak_heads=True, device_letterbox=True)
    one_frame = on_device(out_dir=tmp / "device")
    label = ", letterbox on the device (INFERENCE.DEVICE_LETTERBOX)"
    yield row(label, one_frame, peaks, "letterbox on the CPU")
    fps = one_frame
    for depth in batches:
        fps = on_device(out_dir=tmp / "batch", frames_in_flight=depth)
        label = f", batches of {depth} frames (INFERENCE.FRAMES_IN_FLIGHT {depth})"
        yield row(label, fps, one_frame, "one frame at a time")
    best = dict(peak_heads=True, device_letterbox=True, frames_in_flight=max(batches, default=1))
    graphs = options["cuda"] and attempt(
        "CUDA graphs", run, out_dir=tmp / "graphs", cuda_graphs=True, **best
    )
    if graphs:
        yield row(", + CUDA graphs", graphs, fps, "without")
        best["cuda_graphs"], fps = True, graphs
    threads = options["read_threads"]
    readers = run(out_dir=tmp / "readers", read_threads=threads, **best)
    yield row(f", + {threads} reading threads", readers, fps, "one reading thread")
    precision = options["precision"]
    half = run_half(out_dir=tmp / "half", read_threads=threads, precision=precision, **best)
    yield row(f", + {precision}", half, readers, "fp32")


def goal_line(rows: list) -> str:
    """The issue's goal against the fastest end-to-end path measured at 1088x608."""
    paths = [r for r in rows if r.benchmark.startswith(end_to_end((1088, 608)))]
    if not paths:
        return f"goal {GOAL_FPS} frames/s end to end at 1088x608: not measured"
    best = max(paths, key=lambda r: r.ours)
    verdict = "reached" if best.ours >= GOAL_FPS else "not reached"
    return (
        f"goal {GOAL_FPS} frames/s end to end at 1088x608: {verdict}, {best.ours:.3g} "
        f"frames/s ({best.benchmark})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--frames", type=int, default=64)
    parser.add_argument("--device", default="cuda")
    parser.add_argument(
        "--batches", type=int, nargs="*", default=[4, 8], help="frames in flight to time"
    )
    parser.add_argument("--read-threads", type=int, default=4)
    parser.add_argument("--precision", choices=["fp16", "bf16"], default="fp16")
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA device here; benchmarks/run_all.py times the CPU")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"{name}, torch {torch.__version__}")
    rows = print_rows_as_measured(
        measured_rows(
            args.repeat, args.frames, device, args.batches, args.read_threads, args.precision
        )
    )
    print(goal_line(rows))


if __name__ == "__main__":
    main()
