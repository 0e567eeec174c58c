"""The main job on the embedded default, as one function per stage.

Today: generate the synthetic data set and render a preview video of a validation sequence
with its ground truth. Training, tracking and evaluation join here as they land.
"""

from __future__ import annotations

import time
from pathlib import Path

from .data.formats import list_sequences
from .data.synthetic import generate_dataset
from .visualization import render_gt_video


def run_demo(cfg, progress: bool = True) -> dict:
    """Run every available stage of the pipeline on the synthetic data set.

    Args:
        cfg: a full config (configs/synthetic.yaml); everything is written under OUTPUT_DIR.

    Returns:
        {"data": dataset summary, "sequence": the previewed MotSequence, "video": path of its
        preview video, "still_frame": the frame also saved as PNG, "seconds": wall time}.
    """
    start = time.perf_counter()
    out = Path(cfg.OUTPUT_DIR)
    print(f"[1/2] rendering the synthetic data set into {out / 'data'}")
    summary = generate_dataset(cfg.SYNTH, out / "data", progress=progress)
    print(
        f"      {summary['frames']} frames at {summary['frames_per_second']} frames/s; "
        f"identities {summary['identities']}"
    )

    split = "val" if cfg.SYNTH.VAL_SEQS > 0 else "train"
    sequence = list_sequences(out / "data" / "images" / split)[0]
    crossings = next(s["crossings"] for s in summary["sequences"] if s["name"] == sequence.name)
    still = crossings[0][0] if crossings else sequence.info.seq_length // 2
    print(f"[2/2] preview video of {sequence.name} with its ground truth")
    video = render_gt_video(
        sequence,
        out / "preview" / f"{sequence.name}.mp4",
        fps=cfg.VIS.FPS,
        trail_length=cfg.VIS.TRAIL_LENGTH,
        max_frames=cfg.VIS.MAX_FRAMES,
        still_frame=still,
        progress=progress,
    )
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.1f} s: data in {out / 'data'}, video {video}")
    return {
        "data": summary,
        "sequence": sequence,
        "video": video,
        "still_frame": still,
        "seconds": seconds,
    }
