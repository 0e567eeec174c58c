"""Association speed: the tracker replaying the reference scene (tests/fixtures: the first 400
frames of the original's 1920x1080 scene, about 70 detections with 128-d embeddings per
frame), as frames/s and ms per frame.

    python benchmarks/association_speed.py [--repeat 5] [--scene PATH]

The original association takes about 8.4 ms per frame on this scene on this machine class
(measured outside this repository; its code is not part of it). Without the reference
fixtures (an installed package without the tests) an equivalent scene is generated: the
same size, crowd and embedding dimension, people walking across and being replaced.
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

DEFAULT_SCENE = Path(__file__).resolve().parents[1] / "tests/fixtures/tracker_scene_stream.npz"


def load_scene(path: Path) -> list:
    data = np.load(path)
    return [
        (data[f"frame{f:06d}_dets"], data[f"frame{f:06d}_feats"].astype(np.float32))
        for f in range(1, int(data["num_frames"]) + 1)
    ]


def generated_scene(frames: int = 600, people: int = 80, dim: int = 128, seed: int = 0) -> list:
    """A scene like the reference one: `people` walkers at a time in a 1920x1080 frame
    (boxes 80-300 px tall), each detected with probability 0.93 with 2 px jitter, scores in
    [0.4, 1), and a unit embedding per identity plus noise; a walker leaving the frame is
    replaced by a new identity."""
    rng = np.random.default_rng(seed)

    def spawn(n):
        height = rng.uniform(80, 300, n)
        return np.column_stack(
            [rng.uniform(0, 1920, n), rng.uniform(100, 1000, n), rng.normal(0, 3, n),
             rng.normal(0, 0.5, n), height]
        )  # fmt: skip

    state, ids, next_id = spawn(people), np.arange(people), people
    gallery = {}
    scene = []
    for _ in range(frames):
        state[:, :2] += state[:, 2:4]
        gone = (state[:, 0] < -50) | (state[:, 0] > 1970) | (state[:, 1] < 0) | (state[:, 1] > 1100)
        state[gone] = spawn(int(gone.sum()))
        ids[gone] = np.arange(next_id, next_id + gone.sum())
        next_id += int(gone.sum())
        seen = rng.random(people) < 0.93
        cx, cy, h = state[seen, 0], state[seen, 1], state[seen, 4]
        w = 0.4 * h
        boxes = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        boxes += rng.normal(0, 2, boxes.shape)
        scores = rng.uniform(0.4, 1.0, len(boxes))
        for i in ids[seen]:
            if i not in gallery:
                gallery[i] = rng.normal(size=dim)
        feats = np.stack([gallery[i] for i in ids[seen]]) + rng.normal(0, 0.3, (len(boxes), dim))
        feats /= np.linalg.norm(feats, axis=1, keepdims=True)
        scene.append((np.column_stack([boxes, scores]), feats.astype(np.float32)))
    return scene


def replay_seconds(frames: list, **kwargs) -> float:
    tracker = JDETracker(TrackerParams(**kwargs))
    start = time.perf_counter()
    for dets, feats in frames:
        tracker.update(dets, feats)
    return time.perf_counter() - start


def ms_per_frame(frames: list, mode: str, repeat: int) -> float:
    seconds = statistics.median(replay_seconds(frames, association=mode) for _ in range(repeat))
    return 1e3 * seconds / len(frames)


def scene_frames(scene: Path | None) -> tuple[list, str]:
    """The reference scene when its file exists, else a generated one; (frames, its name)."""
    if scene is not None and scene.is_file():
        return load_scene(scene), "reference scene"
    return generated_scene(), "generated scene (no reference fixtures)"


def summary_rows(scene: Path = DEFAULT_SCENE, repeat: int = 5) -> list:
    """The default association on the reference scene, or on a generated one (no same-run
    baseline: the original tracker is not part of this repository; its figure is quoted in
    the docstring)."""
    frames, name = scene_frames(scene)
    detections = sum(len(d) for d, _ in frames) / len(frames)
    return [
        Row(
            f"association, {name} ({detections:.0f} detections/frame)",
            "ms/frame",
            ms_per_frame(frames, "reid_kf_iou", repeat),
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", type=Path, default=DEFAULT_SCENE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frames, name = scene_frames(args.scene)
    detections = sum(len(d) for d, _ in frames) / len(frames)
    print(f"{name}: {len(frames)} frames, {detections:.1f} detections per frame")
    print("| association | ms/frame (median) | frames/s |")
    print("|---|---|---|")
    for mode in ("reid_kf_iou", "reid_kf", "reid", "iou"):
        ms = ms_per_frame(frames, mode, args.repeat)
        print(f"| {mode} | {ms:.3f} | {1e3 / ms:.0f} |")


if __name__ == "__main__":
    main()
