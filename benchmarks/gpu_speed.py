"""The paper's network and end-to-end tracking on a CUDA GPU: DLA-34 (released heads, random
weights) forward latency in float32 and under fp16 autocast at 1088x608 and 576x320, and
frames/s of read → letterbox → network → decode → association over 1920x1080 frames, with
the heads at the heatmap peaks (INFERENCE.PEAK_HEADS, the default) against the dense maps,
the letterbox on the GPU (INFERENCE.DEVICE_LETTERBOX, the default there) against OpenCV's
on the CPU, and batches of frames in flight (INFERENCE.FRAMES_IN_FLIGHT) against one frame
at a time.

    python benchmarks/gpu_speed.py [--repeat 30] [--frames 60] [--device cuda] [--batches 4 8]

Meant for a CUDA device (there the deformable layers run torchvision's CUDA kernel);
`--device cpu` runs the same code on the CPU (a smoke test: benchmarks/run_all.py is the CPU
benchmark). Each latency is the median of `--repeat` synchronised forwards after 5 warm-ups.
"""

import argparse
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import torch
from common import Row, format_rows
from network_speed import SIZES, paper_network
from tracking_speed import frames_per_second, hd_sequence


def latency_ms(net, width: int, height: int, repeat: int, half: bool, device) -> float:
    x = torch.rand(1, 3, height, width, device=device)
    times = []
    with torch.no_grad(), torch.autocast(device.type, dtype=torch.float16, enabled=half):
        for k in range(5 + repeat):
            start = time.perf_counter()
            net(x)
            if device.type == "cuda":
                torch.cuda.synchronize()
            if k >= 5:
                times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def summary_rows(repeat: int = 30, frames: int = 60, device: str = "cuda", batches=(4, 8)) -> list:
    device = torch.device(device)
    net = paper_network("dla34").to(device)
    rows = []
    for width, height in SIZES:
        for half in (False, True):
            rows.append(
                Row(
                    f"network DLA-34, {width}x{height}, batch 1, {'fp16' if half else 'fp32'}",
                    "ms/frame",
                    latency_ms(net, width, height, repeat, half, device),
                )
            )
    with tempfile.TemporaryDirectory() as tmp:
        seq_dir = hd_sequence(Path(tmp), frames)
        for width, height in SIZES:
            run = partial(frames_per_second, net, seq_dir, (width, height), device=device)
            rows += _tracking_rows(f"DLA-34 at {width}x{height}", run, Path(tmp), batches)
    return rows


def _tracking_rows(network: str, run, tmp: Path, batches) -> list:
    """End-to-end frames/s of each path `run` (`frames_per_second` of one network and size)
    takes, each path tracked once, and the rows comparing each with the path before it."""
    peaks = run(out_dir=tmp / "peaks", peak_heads=True)
    on_device = partial(run, peak_heads=True, device_letterbox=True)
    one_frame = on_device(out_dir=tmp / "device")
    comparisons = [
        ("", peaks, run(out_dir=tmp / "dense"), "dense head maps"),
        (
            ", letterbox on the device (INFERENCE.DEVICE_LETTERBOX)",
            one_frame,
            peaks,
            "letterbox on the CPU",
        ),
    ]
    for depth in batches:
        fps = on_device(out_dir=tmp / "batch", frames_in_flight=depth)
        label = f", batches of {depth} frames (INFERENCE.FRAMES_IN_FLIGHT {depth})"
        comparisons.append((label, fps, one_frame, "one frame at a time"))
    name = f"tracking end to end, 1920x1080 frames, {network}"
    return [
        Row(f"{name}{label}", "frames/s", ours, base, base_name, higher_is_better=True)
        for label, ours, base, base_name in comparisons
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--device", default="cuda")
    parser.add_argument(
        "--batches", type=int, nargs="*", default=[4, 8], help="frames in flight to time"
    )
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA device here; benchmarks/run_all.py times the CPU")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"{name}, torch {torch.__version__}")
    print(format_rows(summary_rows(args.repeat, args.frames, device, args.batches)))


if __name__ == "__main__":
    main()
