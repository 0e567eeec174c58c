"""Tracking whole sources: detection streams -> tracker -> writers.

`track_stream` is the loop, the same for live and saved detections; `run_tracking` builds
the streams, the tracker and the writers from a config and runs the loop over each source.
Results go to `<out_dir>/data/<SEQ>.txt` (MOTChallenge rows, the TrackEval layout), written
frame by frame and flushed, so an interrupted run keeps what it tracked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..data.formats import read_detections_dir
from ..errors import UsageError
from ..tracker import JDETracker, OutputFilter, TrackerParams, track_valid_detections
from ..tracker.cmc import CameraMotion, build_camera_motion
from ..tracker.counting import LineCounter
from .run_stats import TrackingRun, TrackingStats
from .sources import open_sources, resolve_read_threads
from .streams import DetectedFrames, ReplayedDetections
from .writers import (
    AnnotatedVideoWriter,
    DetectionsWriter,
    LineCountWriter,
    MultiClassResultsWriter,
    PreviewWindow,
    ResultsWriter,
    TimingsWriter,
    Writer,
)

logger = logging.getLogger(__name__)


def track_stream(
    stream,
    tracker: JDETracker,
    *,
    writers: Sequence[Writer] = (),
    output_filter=None,
    camera_motion: CameraMotion | None = None,
    progress: bool = True,
) -> TrackingStats:
    """Track one detection stream (`streams`), handing each frame's written tracks to the
    writers (`writers`; closed at the end, also after an error).

    Args:
        stream: a detection stream: `name`, `frame_rate`, len, yields `FrameDetections`.
        tracker: a fresh tracker for this stream.
        output_filter: which tracks are written (default `OutputFilter()`, the paper's).
        camera_motion: a fresh camera motion estimator (TRACKER.CMC) for the stream's
            frames, or None (no compensation). Its time is the "motion" stage.
    """
    output_filter = output_filter or OutputFilter()
    stats = TrackingStats(stream.name)
    bar = tqdm(
        total=len(stream) or None, desc=f"track {stream.name}", disable=not progress, leave=False
    )
    frames = iter(stream)
    try:
        for detections in frames:
            bar.update(1)
            if not detections.decoded:  # reported once at the end, with the reasons
                stats.skipped += 1
                continue
            tracks, degenerate = _track_frame(detections, tracker, output_filter, camera_motion)
            stats.degenerate += degenerate
            stats.add(detections.seconds, len(tracks))
            for writer in writers:
                writer.write(detections, tracks)
        stats.completed = True
    except KeyboardInterrupt:  # Ctrl-C: stop here, keep and close what was written
        stats.interrupted = True
    finally:
        getattr(frames, "close", lambda: None)()  # stop readers, release captures
        stats.dropped = getattr(stream, "dropped", 0)
        stats.ended = getattr(stream, "ended", None)
        stats.problems = getattr(stream, "problems", {})
        bar.close()
        for writer in writers:
            writer.close(stats)
    _report(stream.name, stats)
    return stats


def _track_frame(detections, tracker: JDETracker, output_filter, camera_motion) -> tuple:
    """One decoded frame through camera motion estimation (if on) and the tracker, each
    stage's time into `detections.seconds`. Returns (written tracks, degenerate count)."""
    start = time.perf_counter()
    warp = None
    if camera_motion is not None and detections.image is not None:
        warp = camera_motion(detections.image, detections.boxes)
    detections.seconds["motion"] = time.perf_counter() - start
    start = time.perf_counter()
    result = track_valid_detections(
        tracker,
        detections.boxes,
        detections.embeddings,
        output_filter,
        detections.classes,
        warp,
    )
    detections.seconds["association"] = time.perf_counter() - start
    return result


def _report(name: str, stats: TrackingStats) -> None:
    if stats.degenerate:
        logger.warning(
            "%s: %d degenerate detection(s) (non-finite, empty boxes or zero embeddings) "
            "dropped before the tracker",
            name,
            stats.degenerate,
        )
    if stats.dropped:
        logger.warning(
            "%s: %d frame(s) dropped: tracking was slower than the source", name, stats.dropped
        )
    if stats.ended == "stalled":
        logger.warning("%s: the stream stalled (no frame in time); kept what was tracked", name)
    if stats.skipped:
        logger.warning("%s: %d frame(s) skipped (%s)", name, stats.skipped, stats.why_skipped())


def build_writers(
    out_dir,
    name: str,
    frame_rate: float,
    *,
    video=False,
    timings=False,
    save_detections=False,
    show=False,
    trail_length: int = 15,
    class_names=("pedestrian",),
    layout: str = "bdd100k",
    counter: LineCounter | None = None,
) -> list[Writer]:
    """The writers of one sequence under `out_dir`: results always (with several
    `class_names`, a multi-class model: each track's class in the MOT rows, and the
    multi-class `layout` under <layout>/); line counts when a `counter` is given (counts/,
    and on the video); an annotated video, per-frame timings, the detections and a preview
    window on request."""
    out_dir = Path(out_dir)
    folders = TrackingRun(out_dir)  # the run's folder names, in one place
    preview = PreviewWindow(name, trail_length, class_names) if show else None  # before files
    classes = len(class_names) > 1
    writers = [ResultsWriter(folders.results_dir / f"{name}.txt", classes)]
    if classes:
        writers.append(MultiClassResultsWriter(out_dir, name, class_names, layout))
    if counter is not None:  # before the video, which draws the counts
        writers.append(LineCountWriter(out_dir / "counts" / f"{name}.csv", counter, class_names))
    if video:
        video_path = folders.videos_dir / f"{name}.mp4"
        writers.append(
            AnnotatedVideoWriter(video_path, name, frame_rate, trail_length, class_names, counter)
        )
    if timings:
        writers.append(TimingsWriter(out_dir / "timings" / f"{name}.csv"))
    if save_detections:
        writers.append(DetectionsWriter(folders.detections_dir / f"{name}.npz", frame_rate))
    if preview is not None:
        writers.append(preview)
    return writers


def summary_table(all_stats: list) -> str:
    """Frames/s per sequence, overall and per stage."""
    lines = [
        f"{'sequence':<24} {'frames':>7} {'skipped':>7} {'dropped':>7} {'fps':>8} "
        f"{'network':>8} {'decode':>8} {'assoc.':>8}"
    ]
    for s in all_stats:
        per_stage = [s.fps((stage,)) for stage in ("network", "decode", "association")]
        cells = " ".join(f"{v:8.1f}" if np.isfinite(v) else f"{'-':>8}" for v in per_stage)
        note = "  (interrupted)" if s.interrupted else "  (stalled)" if s.ended == "stalled" else ""
        note += f"  (skipped: {s.why_skipped()})" if s.skipped else ""
        lines.append(
            f"{s.name:<24} {s.frames:>7} {s.skipped:>7} {s.dropped:>7} {s.fps():8.1f} {cells}{note}"
        )
    return "\n".join(lines) + "\n(frames/s: overall, then of each stage alone)"


def detection_streams(
    cfg, *, inputs=None, weights="", detections_dir=None, frame_rate=None
) -> list:
    """The detection streams to track: the saved detections in `detections_dir` (frame
    rates from the matching sequences of `inputs` where given), or the frames of `inputs`
    (default EVAL.GT_DIR) through the model in `weights` (default MODEL.WEIGHTS)."""
    if detections_dir is not None:
        sources = {s.name: s for s in open_sources(inputs)} if inputs else {}
        rates = {name: s.frame_rate for name, s in sources.items()}
        saved = read_detections_dir(detections_dir, rates, frame_rate or 30.0)
        if cfg.TRACKER.CMC == "none":
            return [ReplayedDetections(s) for s in saved]
        if not sources:
            raise UsageError(
                f"TRACKER.CMC {cfg.TRACKER.CMC} needs the frames of the saved detections: "
                "give --input with their sequences"
            )
        return [ReplayedDetections(s, sources.get(s.name)) for s in saved]
    inputs = inputs or cfg.EVAL.GT_DIR
    if not inputs:
        raise UsageError("nothing to track: give an input (or set EVAL.GT_DIR)")
    return detected_streams(cfg, [inputs], weights, frame_rate)


def detected_streams(cfg, inputs: list, weights: str = "", frame_rate=None) -> list:
    """The sources of every input (`open_sources`) through one model (`weights`, default
    MODEL.WEIGHTS), in order."""
    weights = weights or cfg.MODEL.WEIGHTS
    if not weights:
        raise UsageError("tracking frames needs a trained model: give --weights (or MODEL.WEIGHTS)")
    options = {
        "drop_frames": cfg.INFERENCE.DROP_FRAMES,
        "stall_seconds": cfg.INFERENCE.STALL_SECONDS,
    }
    sources = [s for target in inputs for s in open_sources(target, frame_rate, **options)]
    from .detector import build_detector  # torch only when a network runs

    detector = build_detector(cfg, weights)
    threads = resolve_read_threads(cfg.INFERENCE.READ_THREADS)
    return [DetectedFrames(source, detector, read_threads=threads) for source in sources]


def run_tracking(
    cfg,
    *,
    inputs=None,
    weights: str = "",
    detections_dir=None,
    name: str = "fairmot",
    video: bool = False,
    timings: bool = False,
    frame_rate: float | None = None,
    save_detections: bool = False,
    show: bool = False,
    tracker_params: TrackerParams | None = None,
    count_lines=None,
    progress: bool = True,
) -> TrackingRun:
    """Track every stream of `detection_streams` under OUTPUT_DIR/tracks/<name>/.

    Args:
        cfg: the config (TRACKER, the model and decoding keys, VIS.TRAIL_LENGTH).
        tracker_params: thresholds to use instead of the config's TRACKER keys.
        video, timings, save_detections, show: also write annotated videos, per-frame
            timings, the detections, or show the frames (see `build_writers`).
        count_lines: (L, 4) lines to count crossings of, instead of COUNT.LINES.

    Returns:
        The TrackingRun: one TrackingStats per sequence tracked, and where they were
        written; after Ctrl-C (or Esc in the preview) the last one is marked `interrupted`
        and the sequences after it are not tracked.
    """
    streams = detection_streams(
        cfg, inputs=inputs, weights=weights, detections_dir=detections_dir, frame_rate=frame_rate
    )
    params = tracker_params or TrackerParams.from_config(cfg.TRACKER)
    output_filter = OutputFilter.from_config(cfg.TRACKER)
    several = len(cfg.DATA.CLASS_NAMES) > 1
    run = TrackingRun(
        Path(cfg.OUTPUT_DIR) / "tracks" / name, cfg.EVAL.MULTICLASS_LAYOUT if several else None
    )
    for stream in streams:
        writers = _stream_writers(
            cfg, run.out_dir, stream, video, timings, save_detections, show, count_lines
        )
        tracker = JDETracker(params, frame_rate=stream.frame_rate)
        stats = track_stream(
            stream,
            tracker,
            writers=writers,
            output_filter=output_filter,
            camera_motion=build_camera_motion(cfg.TRACKER),
            progress=progress,
        )
        stats.results = writers[0].path
        run.append(stats)
        if stats.interrupted:
            break
    return run


def _stream_writers(cfg, out_dir, stream, video, timings, save_detections, show, lines):
    """`build_writers` for one stream of `run_tracking` (detections are saved only from a
    network's frames, never re-saved from saved ones)."""
    return build_writers(
        out_dir,
        stream.name,
        stream.frame_rate,
        video=video,
        timings=timings,
        save_detections=save_detections and isinstance(stream, DetectedFrames),
        show=show,
        trail_length=cfg.VIS.TRAIL_LENGTH,
        class_names=tuple(cfg.DATA.CLASS_NAMES),
        layout=cfg.EVAL.MULTICLASS_LAYOUT,
        counter=_line_counter(cfg, lines),
    )


def _line_counter(cfg, lines=None) -> LineCounter | None:
    """A fresh counter of a sequence for `lines` (default COUNT.LINES), None without lines."""
    lines = lines if lines is not None and len(lines) else cfg.COUNT.LINES
    if not len(lines):
        return None
    return LineCounter(lines, len(cfg.DATA.CLASSES), cfg.COUNT.HYSTERESIS)
