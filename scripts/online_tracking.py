"""Track a video, a camera or a stream frame by frame from Python (the API an application
uses), printing each frame's tracks.

    python scripts/online_tracking.py output/synthetic/model_last.pth VIDEO_OR_CAMERA_OR_URL

The checkpoint must carry its config (the trainer stores it); for the authors' released
checkpoints, pass their config: OnlineTracker.from_checkpoint(path, cfg_file=...).
"""

import sys

from fairmot.inference import OnlineTracker, open_sources


def main(weights: str, source: str) -> None:
    (frames,) = open_sources(source)  # a file, a camera index or a stream URL
    tracker = OnlineTracker.from_checkpoint(weights, frame_rate=frames.frame_rate)
    for frame, image in frames:
        if image is None:
            continue  # a frame that could not be decoded
        tracks = tracker.update(image)
        boxes = ", ".join(
            f"{i}: ({x:.0f}, {y:.0f}, {w:.0f}, {h:.0f}) {s:.2f}"
            for i, (x, y, w, h), s in zip(tracks.ids, tracks.tlwh, tracks.scores)
        )
        print(f"frame {frame}: {boxes}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
