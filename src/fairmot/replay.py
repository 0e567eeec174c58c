"""Saved detections replayed through the tracker in memory, and scored.

The loop behind the tracker comparison (`benchmarks/tracker_compare.py`), the tracker's
tuning (`tools/tune_tracker.py`) and the association studies: the detections and embeddings
of a split are read once (`load_replay`), then each tracker setting costs one pass of the
tracker over them (`track_replay`, no files written) and one evaluation
(`score_replay`, the project's TrackEval-equal metrics). Torch-free.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .data.formats import MotTracks, list_sequences, read_detections_dir
from .errors import UsageError
from .evaluation import COMBINED, evaluate_arrays
from .tracker import JDETracker, OutputFilter, TrackerParams, track_valid_detections


@dataclass
class ReplaySequence:
    """One sequence's saved detections held in memory, with its ground truth.

    Attributes:
        name: the sequence's name; frame_rate: frames per second; length: frames.
        frames: per 1-based frame (index frame - 1), (dets (N, 5) x1 y1 x2 y2 score in frame
            pixels, feats (N, D), classes (N,)).
        gt: the sequence's MotGroundTruth.
    """

    name: str
    frame_rate: float
    length: int
    frames: list
    gt: object


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
        out.append(ReplaySequence(name, det.frame_rate, length, frames, seq.read_gt()))
    return out


def track_sequence(seq: ReplaySequence, params: TrackerParams, output_filter=None) -> MotTracks:
    """The tracks `JDETracker(params)` writes for one replayed sequence (as `track.py`
    would write them: the output filter applied)."""
    output_filter = output_filter or OutputFilter()
    tracker = JDETracker(params, frame_rate=seq.frame_rate)
    frames, ids, tlwh, scores = [], [], [], []
    for frame, (dets, feats, classes) in enumerate(seq.frames, start=1):
        tracks, _ = track_valid_detections(tracker, dets, feats, output_filter, classes)
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


def track_replay(sequences: list, params: TrackerParams, output_filter=None) -> tuple:
    """Every replayed sequence through a fresh tracker.

    Returns:
        ({name: MotTracks}, milliseconds of association per frame over all sequences).
    """
    start = time.perf_counter()
    tracks = {s.name: track_sequence(s, params, output_filter) for s in sequences}
    frames = sum(s.length for s in sequences)
    return tracks, 1000 * (time.perf_counter() - start) / max(frames, 1)


def score_replay(sequences: list, tracks: dict, benchmark: str = "MOT17") -> dict:
    """The combined metrics ({TrackEval name: value}, rates in %) of `tracks` {name:
    MotTracks} against the sequences' ground truth."""
    data = {s.name: (s.gt, tracks[s.name], s.length) for s in sequences}
    return evaluate_arrays(data, benchmark).summary()[COMBINED]
