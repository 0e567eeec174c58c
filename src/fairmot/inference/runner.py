"""Tracking whole sources: frames -> detector -> tracker -> result files (and videos).

Results go to `<out_dir>/data/<SEQ>.txt` (MOTChallenge rows, the TrackEval layout), written
frame by frame and flushed, so an interrupted run keeps what it tracked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..tracker import build_tracker, keep_for_output
from ..visualization import TrailBuffer, VideoWriter, draw_text, draw_tracks
from .sources import PrecomputedDetections, prefetch

logger = logging.getLogger(__name__)
STAGES = ("read", "network", "decode", "association")


@dataclass
class TrackingStats:
    """What tracking one source did; `seconds` sums each stage over the frames."""

    name: str
    frames: int = 0
    skipped: int = 0
    boxes: int = 0
    seconds: dict = field(default_factory=lambda: {s: 0.0 for s in STAGES})
    results: Path | None = None

    def fps(self, stages=STAGES) -> float:
        total = sum(self.seconds[s] for s in stages)
        return self.frames / total if total > 0 else float("inf")


class _ResultWriter:
    """MOTChallenge result rows, flushed after every frame."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "w")  # noqa: SIM115 - closed in close()

    def write(self, frame: int, ids: np.ndarray, tlwh: np.ndarray) -> None:
        self.file.write(
            "".join(
                f"{frame},{i},{x:.2f},{y:.2f},{w:.2f},{h:.2f},1,-1,-1,-1\n"
                for i, (x, y, w, h) in zip(ids, tlwh)
            )
        )
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def write_detections(path: Path, arrays: dict, num_frames: int, frame_rate: float) -> None:
    """Write per-frame `frameNNNNNN_dets` / `_feats` arrays as a PrecomputedDetections .npz
    (atomically: a partial file never carries the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, num_frames=num_frames, frame_rate=frame_rate, **arrays)
    partial.replace(path)


def track_source(
    source,
    tracker_cfg,
    out_dir: str | Path,
    detector=None,
    min_box_area=100.0,
    max_aspect=1.6,
    video: bool = False,
    trail_length: int = 15,
    timings: bool = False,
    save_detections: bool = False,
    progress: bool = True,
) -> TrackingStats:
    """Track one source.

    Args:
        source: frames (ImageFiles, VideoFile) with `detector`, or PrecomputedDetections.
        tracker_cfg: the TRACKER config node (a fresh tracker is built at the source's rate).
        out_dir: `<out>/<name>`; writes data/<SEQ>.txt, and videos/, timings/ on request.
        save_detections: also write the detector's output as detections/<SEQ>.npz, the
            PrecomputedDetections layout, so other trackers can run on the same detections.
    """
    out_dir = Path(out_dir)
    tracker = build_tracker(tracker_cfg, source.frame_rate)
    stats = TrackingStats(source.name, results=out_dir / "data" / f"{source.name}.txt")
    writer = _ResultWriter(stats.results)
    per_frame = []
    trails = TrailBuffer(trail_length)
    precomputed = isinstance(source, PrecomputedDetections)
    saved = {} if save_detections and not precomputed else None
    frames = ((f, None) for f in range(1, len(source) + 1)) if precomputed else prefetch(source)
    video_writer = None
    bar = tqdm(
        total=len(source) or None, desc=f"track {source.name}", disable=not progress, leave=False
    )
    try:
        wait_start = time.perf_counter()
        for frame, image in frames:
            read = time.perf_counter() - wait_start
            bar.update(1)
            if precomputed:
                boxes, feats = source.frame(frame)
                network = decode = 0.0
            elif image is None:
                stats.skipped += 1
                logger.warning("%s: frame %d cannot be decoded; skipped", source.name, frame)
                wait_start = time.perf_counter()
                continue
            else:
                detections = detector(image)
                boxes, feats = detections.boxes, detections.embeddings
                network, decode = detector.timings["network"], detector.timings["decode"]
                if saved is not None:
                    saved[f"frame{frame:06d}_dets"] = boxes
                    saved[f"frame{frame:06d}_feats"] = feats
            start = time.perf_counter()
            tracks = tracker.update(boxes, feats)
            keep = keep_for_output(tracks.tlwh, min_box_area, max_aspect)
            association = time.perf_counter() - start
            ids, tlwh = tracks.ids[keep], tracks.tlwh[keep]
            writer.write(frame, ids, tlwh)
            stats.frames += 1
            stats.boxes += len(ids)
            for stage, seconds in zip(STAGES, (read, network, decode, association)):
                stats.seconds[stage] += seconds
            per_frame.append((frame, read, network, decode, association, len(boxes)))
            if video and image is not None:
                if video_writer is None:
                    video_writer = VideoWriter(
                        out_dir / "videos" / f"{source.name}.mp4",
                        source.frame_rate,
                        (image.shape[1], image.shape[0]),
                    )
                trails.update(tlwh, ids)
                draw_tracks(image, tlwh, ids, trails)
                draw_text(image, f"{source.name} {frame}  {len(ids)} tracks")
                video_writer.write(image)
            wait_start = time.perf_counter()
    finally:
        bar.close()
        writer.close()
        if video_writer is not None:
            video_writer.close()
    if stats.skipped:
        logger.warning(
            "%s: %d frame(s) could not be decoded and were skipped", source.name, stats.skipped
        )
    if saved is not None:
        path = out_dir / "detections" / f"{source.name}.npz"
        write_detections(path, saved, stats.frames + stats.skipped, source.frame_rate)
    if timings:
        path = out_dir / "timings" / f"{source.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = "".join(
            f"{f},{r * 1e3:.3f},{n * 1e3:.3f},{d * 1e3:.3f},{a * 1e3:.3f},{k}\n"
            for f, r, n, d, a, k in per_frame
        )
        path.write_text("frame,read_ms,network_ms,decode_ms,association_ms,detections\n" + rows)
    return stats


def summary_table(all_stats: list) -> str:
    """Frames/s per sequence, overall and per stage."""
    lines = [
        f"{'sequence':<24} {'frames':>7} {'skipped':>7} {'fps':>8} {'network':>8} "
        f"{'decode':>8} {'assoc.':>8}"
    ]
    for s in all_stats:
        per_stage = [s.fps((stage,)) for stage in ("network", "decode", "association")]
        cells = " ".join(f"{v:8.1f}" if np.isfinite(v) else f"{'-':>8}" for v in per_stage)
        lines.append(f"{s.name:<24} {s.frames:>7} {s.skipped:>7} {s.fps():8.1f} {cells}")
    return "\n".join(lines) + "\n(frames/s: overall, then of each stage alone)"


def run_tracking(
    cfg,
    inputs=None,
    weights: str = "",
    detections_dir=None,
    name: str = "fairmot",
    video: bool = False,
    timings: bool = False,
    frame_rate: float | None = None,
    save_detections: bool = False,
    progress: bool = True,
) -> list:
    """Track every source of `inputs` (default EVAL.GT_DIR) with the model in `weights`
    (default MODEL.WEIGHTS), or the precomputed detections in `detections_dir` (one .npz per
    sequence), writing under OUTPUT_DIR/tracks/<name>/. Returns one TrackingStats per
    sequence."""
    from .detector import build_detector
    from .sources import open_sources

    out_dir = Path(cfg.OUTPUT_DIR) / "tracks" / name
    if detections_dir is not None:
        files = sorted(Path(detections_dir).glob("*.npz"))
        if not files:
            raise FileNotFoundError(f"no .npz detection files in {detections_dir}")
        rates = {}
        if inputs:  # sequence frame rates from the matching seqinfo.ini files
            rates = {s.name: s.frame_rate for s in open_sources(inputs)}
        sources = [PrecomputedDetections(f, rates.get(f.stem, frame_rate or 30.0)) for f in files]
        detector = None
    else:
        inputs = inputs or cfg.EVAL.GT_DIR
        if not inputs:
            raise ValueError("nothing to track: give an input (or set EVAL.GT_DIR)")
        weights = weights or cfg.MODEL.WEIGHTS
        if not weights:
            raise ValueError(
                "tracking frames needs a trained model: give --weights (or MODEL.WEIGHTS)"
            )
        sources = open_sources(inputs, frame_rate)
        detector = build_detector(cfg, weights)
    all_stats = []
    for source in sources:
        all_stats.append(
            track_source(
                source,
                cfg.TRACKER,
                out_dir,
                detector,
                cfg.TRACKER.MIN_BOX_AREA,
                cfg.TRACKER.MAX_ASPECT,
                video=video,
                trail_length=cfg.VIS.TRAIL_LENGTH,
                timings=timings,
                save_detections=save_detections,
                progress=progress,
            )
        )
    return all_stats
