"""Saved detections replayed through the tracker in memory, and scored.

The loop behind the tracker comparison (`benchmarks/tracker_compare.py`), the tracker's
tuning (`tools/tune_tracker.py`) and the association studies: the detections and embeddings
of a split are read once (`load_replay`), then each tracker setting costs one pass of the
tracker over them (`track_replay`, no files written) and one evaluation
(`score_replay`, the project's TrackEval-equal metrics). Torch-free.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .data.formats import MotTracks, list_sequences, read_detections_dir
from .data.formats.images import read_image
from .errors import UsageError
from .evaluation import COMBINED, evaluate_arrays
from .tracker import JDETracker, OutputFilter, TrackerParams, track_valid_detections
from .tracker.cmc import CameraMotion


@dataclass
class ReplaySequence:
    """One sequence's saved detections held in memory, with its ground truth.

    Attributes:
        name: the sequence's name; frame_rate: frames per second; length: frames.
        frames: per 1-based frame (index frame - 1), (dets (N, 5) x1 y1 x2 y2 score in frame
            pixels, feats (N, D), classes (N,)).
        gt: the sequence's MotGroundTruth.
        image_paths: the frames' image files (camera motion is estimated from them once
            per method, `warps`).
    """

    name: str
    frame_rate: float
    length: int
    frames: list
    gt: object
    image_paths: list = field(default_factory=list)
    _warps: dict = field(default_factory=dict, repr=False)

    def warps(self, method: str, downscale: float = 2.0) -> list:
        """Per frame, the (2, 3) camera motion from the previous frame (`cmc`; None where
        the frame could not be read), estimated on first use and kept."""
        key = (method, float(downscale))
        if key not in self._warps:
            motion, warps = CameraMotion(method, downscale), []
            for path, (dets, _, _) in zip(self.image_paths, self.frames):
                image, _ = read_image(path)
                warps.append(None if image is None else motion(image, dets))
            self._warps[key] = warps
        return self._warps[key]


def load_replay(detections_dir, gt_dir) -> list:
    """The saved detections of every sequence of `gt_dir` (`<SEQ>.npz` in `detections_dir`,
    as `track.py --save-detections` writes them), read once.

    Raises:
        UsageError: a sequence of the split has no saved detections.
    """
    sequences = {s.name: s for s in list_sequences(gt_dir)}
    rates = {name: s.info.frame_rate for name, s in sequences.items()}
    saved = {s.name: s for s in read_detections_dir(detections_dir, rates)}
    missing = sorted(set(sequences) - set(saved))
    if missing:
        raise UsageError(
            f"{detections_dir} has no saved detections for {', '.join(missing)} "
            f"(expected {missing[0]}.npz)"
        )
    out = []
    for name, seq in sequences.items():
        det = saved[name]
        length = seq.info.seq_length
        frames = [det.frame(f) for f in range(1, length + 1)]
        paths = [seq.frame_path(f) for f in range(1, length + 1)]
        out.append(ReplaySequence(name, det.frame_rate, length, frames, seq.read_gt(), paths))
    return out


def track_sequence(
    seq: ReplaySequence, params: TrackerParams, output_filter=None, cmc: tuple | None = None
) -> MotTracks:
    """The tracks `JDETracker(params)` writes for one replayed sequence (as `track.py`
    would write them: the output filter applied); `cmc`: (method, downscale) of camera
    motion compensation (TRACKER.CMC, CMC_DOWNSCALE), None: off."""
    output_filter = output_filter or OutputFilter()
    tracker = JDETracker(params, frame_rate=seq.frame_rate)
    warps = seq.warps(*cmc) if cmc else [None] * seq.length
    frames, ids, tlwh, scores = [], [], [], []
    for frame, (dets, feats, classes) in enumerate(seq.frames, start=1):
        warp = warps[frame - 1]
        tracks, _ = track_valid_detections(tracker, dets, feats, output_filter, classes, warp)
        frames.append(np.full(len(tracks), frame, np.int64))
        ids.append(tracks.ids)
        tlwh.append(tracks.tlwh)
        scores.append(tracks.scores)
    return MotTracks(
        frames=np.concatenate(frames),
        ids=np.concatenate(ids),
        tlwh=np.concatenate(tlwh).reshape(-1, 4),
        scores=np.concatenate(scores),
    )


def track_replay(sequences: list, params: TrackerParams, output_filter=None, cmc=None) -> tuple:
    """Every replayed sequence through a fresh tracker (`cmc`: see `track_sequence`; its
    estimates are made before the clock starts, once per sequence and method).

    Returns:
        ({name: MotTracks}, milliseconds of association per frame over all sequences).
    """
    for s in sequences if cmc else ():
        s.warps(*cmc)
    start = time.perf_counter()
    tracks = {s.name: track_sequence(s, params, output_filter, cmc) for s in sequences}
    frames = sum(s.length for s in sequences)
    return tracks, 1000 * (time.perf_counter() - start) / max(frames, 1)


def score_replay(sequences: list, tracks: dict, benchmark: str = "MOT17") -> dict:
    """The combined metrics ({TrackEval name: value}, rates in %) of `tracks` {name:
    MotTracks} against the sequences' ground truth."""
    data = {s.name: (s.gt, tracks[s.name], s.length) for s in sequences}
    return evaluate_arrays(data, benchmark).summary()[COMBINED]
