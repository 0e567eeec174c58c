"""End-to-end tracking speed: frames/s of read → letterbox → network → decode → association
over a 1920x1080 sequence, with the paper's DLA-34 at 1088x608 and 576x320, same run:
- the default CPU path (INFERENCE.BACKEND auto: ONNX Runtime, the heads evaluated at the
  heatmap peaks (INFERENCE.PEAK_HEADS), INFERENCE.FRAMES_IN_FLIGHT automatic (2 frames in
  the network at once on 2 cores or more, each on its share of the cores); frames read and
  letterboxed in a background thread while the network runs) vs the torch network with its
  dense head maps and the letterbox in the loop (the path before these became the default),
  and vs the default path one frame at a time (FRAMES_IN_FLIGHT 1, all cores on each frame);
- the torch network with our deformable convolution vs the same pipeline with torchvision's
  (the original's network cost).

    python benchmarks/tracking_speed.py [--frames 8] [--rounds 3] [--threads 2]

The network has random weights (no weights can be downloaded here): read, letterbox, network
and decode cost what they cost with trained weights, but few detections reach the tracker, so
association is timed apart on the reference scene (benchmarks/association_speed.py, ~1 ms).
"""

import argparse
import tempfile
from functools import partial
from pathlib import Path

import torch
from common import Row, format_rows, interleaved_medians
from network_speed import SIZES, paper_network

from fairmot.data.synthetic import SceneParams, generate_sequence
from fairmot.inference import (
    DetectedFrames,
    Detector,
    build_writers,
    open_sources,
    track_stream,
)
from fairmot.inference.detector import resolve_frames_in_flight, runtime_threads
from fairmot.inference.export_onnx import export_onnx
from fairmot.inference.onnx_runtime import OnnxRuntimeNetwork
from fairmot.models.decode import DecodeParams
from fairmot.tracker import JDETracker


def hd_sequence(folder: Path, frames: int) -> Path:
    """Render a 1920x1080 synthetic sequence of 20 people into `folder`/SYN-HD."""
    seq_dir = Path(folder) / "SYN-HD"
    params = SceneParams(width=1920, height=1080, length=frames, num_people=20)
    generate_sequence(seq_dir, params, seed=0, write_det=False)
    return seq_dir


class InlineLetterbox:
    """A detector without `prepare`: the letterbox runs in the tracking loop, not in the
    reading thread."""

    def __init__(self, detector):
        self.detector = detector

    def __call__(self, image):
        return self.detector(image)

    @property
    def timings(self) -> dict:
        return self.detector.timings


def frames_per_second(
    net,
    seq_dir: Path,
    size: tuple,
    out_dir: Path,
    device=None,
    inline: bool = False,
    read_threads: int = 1,
    **detector_options,
) -> float:
    """Frames/s of tracking `seq_dir` end to end with `net` on `device` (default the CPU),
    after a warm-up call (`_warm_up`); `inline`: the letterbox in the tracking loop;
    `read_threads`: threads reading the frames (INFERENCE.READ_THREADS);
    `detector_options`: `Detector`'s (`peak_heads`: a PyTorch network's heads at the
    peaks, an exported one returns what it was exported with; `frames_in_flight`: frames
    in the network at once, an ONNX Runtime network with threads for as many;
    `device_letterbox`, `precision`, `cuda_graphs`)."""
    detector = Detector(net, size, device or torch.device("cpu"), **detector_options)
    (source,) = open_sources(seq_dir)
    _warm_up(detector, next(iter(source))[1])
    detector = InlineLetterbox(detector) if inline else detector
    stream = DetectedFrames(source, detector, read_threads=read_threads)
    tracker = JDETracker(frame_rate=source.frame_rate)
    writers = build_writers(out_dir, source.name, source.frame_rate)
    stats = track_stream(stream, tracker, writers=writers, progress=False)
    return stats.fps()


def _warm_up(detector: Detector, image) -> None:
    """One call in the shape tracking will use (a batch of the frames in flight on
    PyTorch): its first-call allocations, kernel choice and CUDA graph out of the timing."""
    batch = detector.frames_in_flight if detector.batched else 1
    size = (image.shape[1], image.shape[0])
    detector.detect_frames([detector.prepare(image)] * batch, [size] * batch)


def summary_rows(frames: int = 8, rounds: int = 3) -> list:
    """The default CPU path against the torch path before it and against one frame at a
    time (medians of `rounds` alternating runs each), and the torch network against
    torchvision's DCN (one run)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seq_dir = hd_sequence(tmp, frames)
        ours, original = paper_network("dla34", "auto"), paper_network("dla34", "torchvision")
        depth = resolve_frames_in_flight(0, runtime=True)
        rows = []
        for w, h in SIZES:
            path = export_onnx(ours, tmp / f"net_{w}x{h}.onnx", (w, h), peaks=DecodeParams().k)
            run = partial(frames_per_second, seq_dir=seq_dir, size=(w, h))
            default = partial(
                run,
                OnnxRuntimeNetwork(path, threads=runtime_threads(depth)),
                out_dir=tmp / "a",
                frames_in_flight=depth,
            )
            fps = interleaved_medians(
                {
                    "default": default,
                    "one at a time": partial(run, OnnxRuntimeNetwork(path), out_dir=tmp / "b"),
                    "torch": partial(run, ours, out_dir=tmp / "c", inline=True),
                },
                rounds,
            )
            rows += _default_rows(f"DLA-34 at {w}x{h}", fps, depth)
            rows.append(
                Row(
                    f"tracking end to end, 1920x1080 frames, DLA-34 at {w}x{h}, torch network",
                    "frames/s",
                    frames_per_second(ours, seq_dir, (w, h), tmp / "ours"),
                    frames_per_second(original, seq_dir, (w, h), tmp / "original"),
                    "torchvision DCN, the original's",
                    higher_is_better=True,
                )
            )
        return rows


def _default_rows(network: str, fps: dict, depth: int) -> list:
    name = f"tracking end to end, 1920x1080 frames, {network}, default CPU path"
    return [
        Row(
            name,
            "frames/s",
            fps["default"],
            fps["torch"],
            "torch network, dense heads, letterbox in the loop",
            higher_is_better=True,
        ),
        Row(
            f"{name} ({depth} frames in flight)",
            "frames/s",
            fps["default"],
            fps["one at a time"],
            "the same, one frame at a time",
            higher_is_better=True,
        ),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per path")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(format_rows(summary_rows(args.frames, args.rounds)))


if __name__ == "__main__":
    main()
