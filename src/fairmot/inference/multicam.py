"""Tracking several synchronised cameras with one identity per person across them.

`run_multicamera` tracks every camera with its own tracker, frame by frame in time order
(a camera's frame k is at k / its frame rate seconds, so cameras of other frame rates or
lengths interleave by time), and gives the tracks global identities (`tracker.multicam`,
MULTICAM.MODE): online as each track is first written, or offline once every camera is
tracked (the result files are then rewritten). Under OUTPUT_DIR/tracks/<name>/:

    data/<camera>.txt      MOTChallenge rows with global identities (evaluate per camera)
    mtmc.txt               every camera in AI City's multi-camera layout (camera numbers
                           from the names, ground positions where calibrated)
    videos/<camera>.mp4    with --video: the frames with global identities

`MultiCameraTracker` is the same for applications: `update({camera: frame})`.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..boxes import tlwh_to_ground
from ..data.formats import read_mot_results, write_mot_results
from ..data.formats.mtmc import (
    CALIBRATION_FILE,
    MtmcRows,
    MultiCameraScene,
    camera_number,
    read_calibration,
    write_mtmc,
)
from ..errors import UsageError
from ..tracker import FrameTracks, JDETracker, OutputFilter, TrackerParams
from ..tracker.cmc import build_camera_motion
from ..tracker.multicam import (
    CrossCameraParams,
    OnlineCrossCamera,
    TrackletRecorder,
    cluster_tracklets,
)
from .run_stats import TrackingRun, TrackingStats
from .runner import _track_frame, build_writers, detected_streams, detection_streams

logger = logging.getLogger(__name__)


def parse_cameras(specs: list) -> dict:
    """{camera name: input} from NAME=INPUT texts (an input alone, or one whose text before
    "=" is a path or URL, is named by its file or folder stem); a name given twice is an
    error."""
    cameras = {}
    for spec in map(str, specs):
        name, sep, target = spec.partition("=")
        if not sep or any(c in name for c in "/\\:"):
            name, target = Path(spec.split("?")[0]).stem or spec, spec
        if name in cameras:
            raise UsageError(f"camera name {name!r} given twice ({cameras[name]} and {target})")
        cameras[name] = target
    return cameras


def scene_cameras(scene_dir) -> dict:
    """{camera: its folder} of a multi-camera scene folder (`data.formats.mtmc`)."""
    return {name: str(seq.root) for name, seq in MultiCameraScene(scene_dir).cameras.items()}


def calibration_path(target) -> Path:
    """Where a camera input's calibration is: <folder>/calibration.txt for a sequence
    folder; <video stem>.calibration.txt beside a video, else its folder's calibration.txt
    (AI City: one camera per folder)."""
    path = Path(str(target))
    if path.is_dir():
        return path / CALIBRATION_FILE
    own = path.with_name(f"{path.stem}.{CALIBRATION_FILE}")
    return own if own.is_file() else path.with_name(CALIBRATION_FILE)


def read_calibrations(cfg, cameras: dict) -> dict:
    """{camera: (3, 3) image -> ground homography or None} (`calibration_path`). Two cameras
    reading one file is an error; with MULTICAM.REQUIRE_CALIBRATION a missing one is too."""
    found, owners = {}, {}
    for name, target in cameras.items():
        path = calibration_path(target)
        found[name] = np.linalg.inv(read_calibration(path)) if path.is_file() else None
        if found[name] is None and cfg.MULTICAM.REQUIRE_CALIBRATION:
            raise UsageError(
                f"camera {name}: no calibration ({path}), and MULTICAM.REQUIRE_CALIBRATION "
                "is set; give one or set it False to skip the ground-plane gates"
            )
        if found[name] is not None and path in owners:
            raise UsageError(
                f"cameras {owners[path]} and {name} would share the calibration {path}; give "
                f"each video its own (<video stem>.{CALIBRATION_FILE}) or folder"
            )
        owners[path] = name
    return found


def camera_streams(cfg, cameras: dict, *, weights: str = "", detections_dir=None) -> dict:
    """{camera: detection stream}: saved detections `detections_dir/<camera>.npz`, or each
    camera's input (one sequence, video or live source) through one model."""
    if detections_dir is not None:
        saved = {s.name: s for s in detection_streams(cfg, detections_dir=detections_dir)}
        missing = [name for name in cameras if name not in saved]
        if missing:
            raise UsageError(f"no saved detections for camera(s) {missing} in {detections_dir}")
        return {name: saved[name] for name in cameras}
    streams = detected_streams(cfg, list(cameras.values()), weights)
    if len(streams) != len(cameras):
        raise UsageError(
            f"each camera takes one input (a sequence, video or stream); {len(cameras)} "
            f"camera(s) gave {len(streams)} sources: {[s.name for s in streams]}"
        )
    return dict(zip(cameras, streams))


@dataclass
class _Camera:
    """One camera's tracking state in a multi-camera run."""

    name: str
    stream: object
    tracker: JDETracker
    image_to_ground: np.ndarray | None
    writers: list
    recorder: TrackletRecorder
    stats: TrackingStats
    camera_motion: object = None
    time_offset: float = 0.0  # seconds its frame 1 lags the others' (timestamps.txt)


def _in_time_order(cameras: list):
    """(camera, FrameDetections) of every camera, by time (`_seconds`), cameras in order at
    equal times."""
    iterators = [iter(c.stream) for c in cameras]
    heap = []
    for k, it in enumerate(iterators):
        first = next(it, None)
        if first is not None:
            heap.append((_seconds(cameras[k], first.frame), k, first))
    heapq.heapify(heap)
    while heap:
        _, k, detections = heapq.heappop(heap)
        yield cameras[k], detections
        following = next(iterators[k], None)
        if following is not None:
            heapq.heappush(heap, (_seconds(cameras[k], following.frame), k, following))


def _seconds(camera: _Camera, frame: int) -> float:
    """When a camera's frame was taken: its offset plus frame / its frame rate."""
    return camera.time_offset + frame / camera.stream.frame_rate


class MultiCameraRun(TrackingRun):
    """A `TrackingRun` of several cameras (one TrackingStats per camera), with the
    multi-camera file."""

    @property
    def mtmc_path(self) -> Path:
        """Every camera's rows in AI City's multi-camera layout."""
        return self.out_dir / "mtmc.txt"


def run_multicamera(
    cfg,
    cameras: dict,
    *,
    weights: str = "",
    detections_dir=None,
    name: str = "fairmot",
    video: bool = False,
    time_offsets: dict | None = None,
    progress: bool = True,
) -> MultiCameraRun:
    """Track `cameras` ({name: input}, `parse_cameras`) with global identities (module
    docstring) under OUTPUT_DIR/tracks/<name>/.

    Args:
        cfg: the config (TRACKER, MULTICAM, the model's keys).
        weights, detections_dir: the model, or saved detections `<camera>.npz`.
        video: annotated videos with the global ids (online: as tracked; offline and
            none: drawn once the ids are known, from each camera's frames again).
        time_offsets: {camera: seconds its frame 1 lags the scene's start} (a scene's
            timestamps.txt); default 0: the cameras start together.
    """
    streams = camera_streams(cfg, cameras, weights=weights, detections_dir=detections_dir)
    calibrations = read_calibrations(cfg, cameras)
    run = MultiCameraRun(Path(cfg.OUTPUT_DIR) / "tracks" / name)
    mode = cfg.MULTICAM.MODE
    offsets = time_offsets or {}
    states = [
        _open_camera(cfg, run, camera, stream, calibrations[camera], video and mode == "online")
        for camera, stream in streams.items()
    ]
    for state in states:  # when its frames were taken: offset + frame / frame rate
        state.time_offset = state.recorder.time_offset = float(offsets.get(state.name, 0.0))
    online = None
    if mode == "online":
        online = OnlineCrossCamera(list(cameras), CrossCameraParams.from_config(cfg.MULTICAM))
    _track_all(states, OutputFilter.from_config(cfg.TRACKER), online, progress)
    for state in states:
        run.append(state.stats)
    if mode != "online" and len(states) > 1:
        _relabel(run, states, CrossCameraParams.from_config(cfg.MULTICAM), mode)
    write_multicamera_file(run, states)
    if video and mode != "online":
        _draw_videos(cfg, run, cameras, states)
    return run


def _open_camera(cfg, run, camera: str, stream, image_to_ground, video: bool) -> _Camera:
    writers = build_writers(
        run.out_dir, camera, stream.frame_rate, video=video, trail_length=cfg.VIS.TRAIL_LENGTH
    )
    return _Camera(
        name=camera,
        stream=stream,
        tracker=JDETracker(TrackerParams.from_config(cfg.TRACKER), frame_rate=stream.frame_rate),
        image_to_ground=image_to_ground,
        writers=writers,
        recorder=TrackletRecorder(camera, stream.frame_rate),
        stats=TrackingStats(camera),
        camera_motion=build_camera_motion(cfg.TRACKER),
    )


def _track_all(states: list, output_filter, online, progress: bool) -> None:
    """Every frame of every camera in time order through its tracker (and the online
    association); the writers closed at the end, also after an error or Ctrl-C."""
    total = sum(len(s.stream) for s in states) or None
    bar = tqdm(total=total, desc="track cameras", disable=not progress, leave=False)
    try:
        for state, detections in _in_time_order(states):
            bar.update(1)
            if not detections.decoded:
                state.stats.skipped += 1
                continue
            tracks, degenerate = _track_frame(
                detections, state.tracker, output_filter, state.camera_motion
            )
            state.stats.degenerate += degenerate
            ground = None
            if state.image_to_ground is not None:
                ground = tlwh_to_ground(tracks.tlwh, state.image_to_ground)
            state.recorder.add(detections.frame, tracks, ground)
            if online is not None:
                seconds = _seconds(state, detections.frame)
                ids = online.update(state.name, seconds, detections.frame, tracks, ground)
                tracks = FrameTracks(ids, tracks.tlwh, tracks.scores, tracks.classes)
            state.stats.add(detections.seconds, len(tracks))
            for writer in state.writers:
                writer.write(detections, tracks)
        for state in states:
            state.stats.completed = True
    except KeyboardInterrupt:
        for state in states:
            state.stats.interrupted = True
    finally:
        bar.close()
        for state in states:
            state.stats.results = state.writers[0].path
            for writer in state.writers:
                writer.close(state.stats)


def _relabel(run: MultiCameraRun, states: list, params: CrossCameraParams, mode: str) -> None:
    """Rewrite each camera's result file with global ids: offline clustering of every
    camera's tracklets, or (mode none) each (camera, track) its own id."""
    tracklets = [t for s in states for t in s.recorder.tracklets()]
    if mode == "offline":
        labels = cluster_tracklets(tracklets, params)
    else:
        labels = np.arange(1, len(tracklets) + 1)
    mapping = {(t.camera, t.track_id): int(g) for t, g in zip(tracklets, labels)}
    for state in states:
        path = run.results_dir / f"{state.name}.txt"
        rows = read_mot_results(path)
        rows.ids = np.array([mapping[(state.name, i)] for i in rows.ids.tolist()], np.int64)
        write_mot_results(path, rows)
    logger.info(
        "%d tracklets of %d cameras -> %d identities (%s)",
        len(tracklets),
        len(states),
        len(set(labels.tolist())),
        mode,
    )


def write_multicamera_file(run: MultiCameraRun, states: list) -> Path:
    """`run.mtmc_path`: every camera's rows in AI City's layout, ground positions from
    each camera's calibration (-1 -1 without one)."""
    parts = []
    for state in states:
        rows = read_mot_results(run.results_dir / f"{state.name}.txt")
        world = np.full((len(rows), 2), -1.0)
        if state.image_to_ground is not None:
            world = np.nan_to_num(tlwh_to_ground(rows.tlwh, state.image_to_ground), nan=-1.0)
        number = np.full(len(rows), camera_number(state.name), np.int64)
        parts.append(MtmcRows(number, rows.ids, rows.frames, rows.tlwh, np.round(world, 3)))
    write_mtmc(run.mtmc_path, MtmcRows.concatenate(parts))
    return run.mtmc_path


def _draw_videos(cfg, run: MultiCameraRun, cameras: dict, states: list) -> None:
    """Annotated videos with the global ids known at the end: each camera's frames read
    again (files and sequences; a live source cannot be replayed and is not drawn)."""
    from .sources import LiveCapture, open_sources
    from .streams import FrameDetections
    from .writers import AnnotatedVideoWriter

    for state in states:
        source = open_sources(cameras[state.name])[0]
        if isinstance(source, LiveCapture):
            logger.warning("%s: a live source is not read twice; no video drawn", state.name)
            continue
        rows = read_mot_results(run.results_dir / f"{state.name}.txt")
        path = run.videos_dir / f"{state.name}.mp4"
        writer = AnnotatedVideoWriter(path, state.name, source.frame_rate, cfg.VIS.TRAIL_LENGTH)
        empty = np.zeros((0, 5), np.float32), np.zeros((0, 1), np.float32)
        for frame, image in source:
            if image is None:
                continue
            keep = rows.frames == frame
            tracks = FrameTracks(rows.ids[keep], rows.tlwh[keep], rows.scores[keep])
            writer.write(FrameDetections(frame, *empty, image=image), tracks)
        writer.close(state.stats)
