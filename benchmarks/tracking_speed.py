"""End-to-end tracking speed: frames/s of read → letterbox → network → decode → association
over a 1920x1080 sequence, with the paper's DLA-34 at 1088x608 and 576x320, ours vs the same
pipeline with torchvision's deformable convolution (the original's network cost), same run.

    python benchmarks/tracking_speed.py [--frames 6] [--threads 2]

The network has random weights (no weights can be downloaded here): read, letterbox, network
and decode cost what they cost with trained weights, but few detections reach the tracker, so
association is timed apart on the reference scene (benchmarks/association_speed.py, ~1 ms).
"""

import argparse
import tempfile
from pathlib import Path

import torch
from common import Row, format_rows
from network_speed import SIZES, paper_network

from fairmot.config import get_cfg
from fairmot.data.synthetic import SceneParams, generate_sequence
from fairmot.inference import Detector, open_sources, track_source


def frames_per_second(seq_dir: Path, size: tuple, implementation: str, out_dir: Path) -> float:
    """Frames/s of tracking `seq_dir` end to end (after one warm-up frame)."""
    detector = Detector(paper_network("dla34", implementation), size, torch.device("cpu"))
    (source,) = open_sources(seq_dir)
    detector(next(iter(source))[1])  # warm-up: first-call allocations
    stats = track_source(source, get_cfg().TRACKER, out_dir, detector, progress=False)
    return stats.fps()


def summary_rows(frames: int = 6) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        seq_dir = Path(tmp) / "SYN-HD"
        params = SceneParams(width=1920, height=1080, length=frames, num_people=20)
        generate_sequence(seq_dir, params, seed=0, write_det=False)
        return [
            Row(
                f"tracking end to end, 1920x1080 frames, DLA-34 at {w}x{h}",
                "frames/s",
                frames_per_second(seq_dir, (w, h), "auto", Path(tmp) / "ours"),
                frames_per_second(seq_dir, (w, h), "torchvision", Path(tmp) / "original"),
                "torchvision DCN, the original's",
                higher_is_better=True,
            )
            for w, h in SIZES
        ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(format_rows(summary_rows(args.frames)))


if __name__ == "__main__":
    main()
