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

from fairmot.tracker import JDETracker

DEFAULT_SCENE = Path(__file__).resolve().parents[2] / "shared/reference/tracker_scene_stream.npz"


def load_scene(path: Path) -> list:
    data = np.load(path)
    return [
        (data[f"frame{f:06d}_dets"], data[f"frame{f:06d}_feats"].astype(np.float32))
        for f in range(1, int(data["num_frames"]) + 1)
    ]


def replay_seconds(frames: list, **kwargs) -> float:
    tracker = JDETracker(**kwargs)
    start = time.perf_counter()
    for dets, feats in frames:
        tracker.update(dets, feats)
    return time.perf_counter() - start


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
        seconds = statistics.median(
            replay_seconds(frames, association=mode) for _ in range(args.repeat)
        )
        print(f"| {mode} | {seconds / len(frames) * 1e3:.3f} | {len(frames) / seconds:.0f} |")


if __name__ == "__main__":
    main()
