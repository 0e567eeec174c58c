"""Replay saved FairMOT detections and embeddings through one of BoxMOT's trackers.

Run by `benchmarks/tracker_compare.py` with the Python of a separate environment that has
BoxMOT installed (BoxMOT pulls the GUI build of OpenCV, which must not share this
project's environment). Self-contained on purpose: it imports numpy, OpenCV, torch and
boxmot only, never this project.

    BOXMOT_PYTHON benchmarks/boxmot_replay.py --tracker strongsort \
        --detections DIR --gt SPLIT --out RESULTS_DIR [--thresh 0.4] [--max-age 30] \
        [--no-cmc] [--set ARG JSON ...]

Reads `DIR/<SEQ>.npz` (frameNNNNNN_dets (N, 5) x1 y1 x2 y2 score, frameNNNNNN_feats (N,
D), num_frames) and, for the trackers that compensate camera motion, the frames of
`SPLIT/<SEQ>/` (seqinfo.ini's imDir and imExt); writes `RESULTS_DIR/<SEQ>.txt` in the
MOTChallenge layout, and prints one JSON line: {"tracker", "frames", "seconds"} (seconds of
the trackers' update calls alone).
"""

import argparse
import configparser
import inspect
import json
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from boxmot.structures import Boxes, Detections
from boxmot.trackers.config import load_tracker_config
from boxmot.trackers.registry import _load_tracker_class, get_tracker_definition

#: Constructor arguments that are a tracker's detection or new-track score threshold: all
#: set to ours, so every tracker sees and starts from the same detections.
THRESHOLD_KEYS = (
    "det_thresh",
    "min_conf",
    "track_thresh",
    "track_high_thresh",
    "new_track_thresh",
)


def build(name: str, thresh: float, max_age: int, overrides=None, cmc: bool = True):
    """The BoxMOT tracker `name` with its own defaults, our thresholds and lost-track age,
    then `overrides` {constructor argument: value}; `cmc` False: no camera motion
    compensation (for trackers that build one)."""
    cls = _load_tracker_class(get_tracker_definition(name))
    accepted = set(inspect.signature(cls.__init__).parameters)
    options = load_tracker_config(name)
    options = {k: v for k, v in options.items() if k in accepted or k in _base_keys()}
    for key in THRESHOLD_KEYS:
        if key in accepted or key in _base_keys():
            options[key] = thresh
    options["max_age"] = max_age
    if name == "bytetrack":
        options.pop("det_thresh", None)
    options.update(overrides or {})
    tracker = cls(**options)
    if not cmc and hasattr(tracker, "cmc"):
        tracker.cmc = None
    return tracker


def _base_keys() -> set:
    from boxmot.trackers.base import BaseTracker

    return set(inspect.signature(BaseTracker.__init__).parameters)


def frames_of(seq_dir: Path):
    """Frame number -> image path of a MOTChallenge sequence folder."""
    info = configparser.ConfigParser()
    info.read(seq_dir / "seqinfo.ini")
    section = info["Sequence"]
    folder = seq_dir / section.get("imDir", "img1")
    ext = section.get("imExt", ".jpg")
    return lambda frame: folder / f"{frame:06d}{ext}"


def replay(tracker, npz: Path, seq_dir: Path, out: Path) -> tuple:
    """Track one sequence; returns (frames, seconds in update)."""
    data = np.load(npz)
    frames = int(data["num_frames"])
    image_path = frames_of(seq_dir)
    rows, seconds = [], 0.0
    for frame in range(1, frames + 1):
        key = f"frame{frame:06d}"
        dets = data[f"{key}_dets"] if f"{key}_dets" in data else np.zeros((0, 5), np.float32)
        feats = data[f"{key}_feats"] if f"{key}_dets" in data else np.zeros((0, 1), np.float32)
        image = cv2.imread(str(image_path(frame)))
        detections = Detections(
            geometry=Boxes(torch.as_tensor(np.ascontiguousarray(dets[:, :4]), dtype=torch.float32)),
            scores=torch.as_tensor(np.clip(dets[:, 4], 0, 1), dtype=torch.float32),
            class_ids=torch.zeros(len(dets), dtype=torch.int64),
            sample_id=f"{npz.stem}-{frame}",
            embeddings=torch.as_tensor(feats.astype(np.float32)) if len(dets) else None,
        )
        start = time.perf_counter()
        tracks = tracker.update(detections, image)
        seconds += time.perf_counter() - start
        boxes = tracks.geometry.values.numpy()
        for (x1, y1, x2, y2), tid, score in zip(
            boxes, tracks.track_ids.tolist(), tracks.scores.tolist()
        ):
            rows.append(
                f"{frame},{tid},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},{score:.4f},-1,-1,-1"
            )
    out.write_text("\n".join(rows) + ("\n" if rows else ""))
    return frames, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracker", required=True)
    parser.add_argument("--detections", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--thresh", type=float, default=0.4)
    parser.add_argument("--max-age", type=int, default=30)
    parser.add_argument("--no-cmc", action="store_true", help="no camera motion compensation")
    parser.add_argument(
        "--set",
        nargs=2,
        action="append",
        default=[],
        metavar=("ARG", "JSON"),
        help="a constructor argument of the tracker (value as JSON), e.g. --set n_init 1",
    )
    args = parser.parse_args()
    overrides = {key: json.loads(value) for key, value in args.set}
    args.out.mkdir(parents=True, exist_ok=True)
    total_frames, total_seconds = 0, 0.0
    for npz in sorted(args.detections.glob("*.npz")):
        tracker = build(args.tracker, args.thresh, args.max_age, overrides, not args.no_cmc)
        frames, seconds = replay(tracker, npz, args.gt / npz.stem, args.out / f"{npz.stem}.txt")
        total_frames += frames
        total_seconds += seconds
    print(json.dumps({"tracker": args.tracker, "frames": total_frames, "seconds": total_seconds}))


if __name__ == "__main__":
    main()
