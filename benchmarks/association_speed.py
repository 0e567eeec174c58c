"""Association speed: the tracker replaying the reference scene (600 frames of 1920x1080,
about 70 detections with 128-d embeddings per frame), as frames/s and ms per frame.

    python benchmarks/association_speed.py [--repeat 5] [--scene PATH]

The original association takes about 8.4 ms per frame on this scene on this machine class
(measured outside this repository; its code is not part of it).
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from common import Row

from fairmot.tracker import JDETracker, TrackerParams

#: The original association on the reference scene, this machine class (measured outside).
ORIGINAL_MS_PER_FRAME = 8.4

DEFAULT_SCENE = Path(__file__).resolve().parents[2] / "shared/reference/tracker_scene_stream.npz"


def load_scene(path: Path) -> list:
    data = np.load(path)
    return [
        (data[f"frame{f:06d}_dets"], data[f"frame{f:06d}_feats"].astype(np.float32))
        for f in range(1, int(data["num_frames"]) + 1)
    ]


def replay_seconds(frames: list, **kwargs) -> float:
    tracker = JDETracker(TrackerParams(**kwargs))
    start = time.perf_counter()
    for dets, feats in frames:
        tracker.update(dets, feats)
    return time.perf_counter() - start


def ms_per_frame(frames: list, mode: str, repeat: int) -> float:
    seconds = statistics.median(replay_seconds(frames, association=mode) for _ in range(repeat))
    return 1e3 * seconds / len(frames)


def summary_rows(scene: Path = DEFAULT_SCENE, repeat: int = 5) -> list:
    """The default association on the reference scene (no same-run baseline: the original
    tracker is not part of this repository; its figure is quoted in the docstring)."""
    frames = load_scene(scene)
    detections = sum(len(d) for d, _ in frames) / len(frames)
    return [
        Row(
            f"association, reference scene ({detections:.0f} detections/frame)",
            "ms/frame",
            ms_per_frame(frames, "reid_kf_iou", repeat),
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", type=Path, default=DEFAULT_SCENE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frames = load_scene(args.scene)
    detections = sum(len(d) for d, _ in frames) / len(frames)
    print(f"scene: {len(frames)} frames, {detections:.1f} detections per frame")
    print("| association | ms/frame (median) | frames/s |")
    print("|---|---|---|")
    for mode in ("reid_kf_iou", "reid_kf", "reid", "iou"):
        ms = ms_per_frame(frames, mode, args.repeat)
        print(f"| {mode} | {ms:.3f} | {1e3 / ms:.0f} |")


if __name__ == "__main__":
    main()
