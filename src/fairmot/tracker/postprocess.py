"""Offline post-processing of written tracks (one sequence's MotTracks at a time).

Online association decides frame by frame; once a sequence is tracked, the whole of every
track is known and three repairs become possible (each off by default, chosen by
POSTPROCESS.METHODS, applied in the order given):

- "link": tracklet linking without appearance (the idea of StrongSORT's AFLink, as a rule
  instead of a learned model): a track that ends and one that starts up to LINK_MAX_GAP
  frames later where the first one's motion puts it (the end box moved on by its last
  velocity, the gap measured in box heights, at most LINK_DISTANCE) are one identity; the
  pairs are chosen by a minimum-cost assignment, so each track links once either way.
- "interpolate": gaps of at most MAX_GAP frames inside a track are filled by linear
  interpolation of the box (ByteTrack's interpolation): the frames where the person was
  hidden count as found instead of missed.
- "gsi": Gaussian-smoothed interpolation: linear interpolation, then every coordinate of
  a track smoothed over time with a Gaussian kernel of GSI_SIGMA frames (StrongSORT's GSI
  fits a Gaussian process with a fixed RBF kernel instead; the kernel smoother is its
  closed-form cousin and needs no solver): jittering boxes become steady.

Pure numpy, like the rest of the tracker package.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import lap
import numpy as np

from ..data.formats import MotTracks, read_mot_results, write_mot_results

#: Post-processing methods by name (POSTPROCESS.METHODS).
POSTPROCESS_METHODS = ("link", "interpolate", "gsi")


@dataclass(frozen=True)
class PostprocessParams:
    """The keys of POSTPROCESS (see the module docstring)."""

    methods: tuple = ()
    max_gap: int = 20
    gsi_sigma: float = 2.0
    link_max_gap: int = 30
    link_distance: float = 0.5

    def __post_init__(self):
        unknown = [m for m in self.methods if m not in POSTPROCESS_METHODS]
        if unknown:
            raise ValueError(
                f"post-processing methods must be of {POSTPROCESS_METHODS}, got {unknown}"
            )

    @classmethod
    def from_config(cls, cfg_node) -> PostprocessParams:
        return cls(
            methods=tuple(cfg_node.METHODS),
            max_gap=cfg_node.MAX_GAP,
            gsi_sigma=cfg_node.GSI_SIGMA,
            link_max_gap=cfg_node.LINK_MAX_GAP,
            link_distance=cfg_node.LINK_DISTANCE,
        )


def postprocess(tracks: MotTracks, params: PostprocessParams) -> MotTracks:
    """`tracks` through each of `params.methods` in order (none: `tracks` itself)."""
    for method in params.methods:
        if method == "link":
            tracks = link_tracklets(tracks, params.link_max_gap, params.link_distance)
        elif method == "interpolate":
            tracks = interpolate(tracks, params.max_gap)
        else:
            tracks = gaussian_smooth(interpolate(tracks, params.max_gap), params.gsi_sigma)
    return tracks


def postprocess_results(results_dir, params: PostprocessParams, out_dir=None) -> list:
    """Post-process every result file `results_dir/<SEQ>.txt` into `out_dir/<SEQ>.txt`
    (default `postprocess_output_dir(results_dir)`; written atomically; the input is left
    as it is).

    Returns:
        The paths written, sorted by sequence name.
    """
    out_dir = Path(out_dir or postprocess_output_dir(results_dir))
    written = []
    for path in sorted(Path(results_dir).glob("*.txt")):
        tracks = postprocess(read_mot_results(path), params)
        out_dir.mkdir(parents=True, exist_ok=True)
        write_mot_results(out_dir / path.name, tracks)
        written.append(out_dir / path.name)
    return written


def postprocess_output_dir(results_dir) -> Path:
    """Where the post-processed results of `results_dir` go by default: beside its tracker
    folder, as a tracker of its own (tracks/<name>/data -> tracks/<name>_post/data)."""
    results_dir = Path(results_dir)
    tracker = results_dir.parent if results_dir.name == "data" else results_dir
    return tracker.with_name(tracker.name + "_post") / "data"


def _sorted(tracks: MotTracks) -> MotTracks:
    order = np.lexsort((tracks.frames, tracks.ids))  # by id, then frame
    return MotTracks(
        tracks.frames[order],
        tracks.ids[order],
        tracks.tlwh[order],
        tracks.scores[order],
        tracks.classes[order],
    )


def interpolate(tracks: MotTracks, max_gap: int) -> MotTracks:
    """Fill every gap of 1 to `max_gap` missing frames inside a track with boxes on the
    straight line between the two boxes around it (score and class of the earlier one).

    Returns:
        The tracks with the new rows, sorted by id then frame.
    """
    t = _sorted(tracks)
    if len(t) < 2:
        return t
    same = t.ids[1:] == t.ids[:-1]
    step = t.frames[1:] - t.frames[:-1]
    gaps = np.flatnonzero(same & (step > 1) & (step <= max_gap + 1))
    if not len(gaps):
        return t
    counts = step[gaps] - 1
    start = np.repeat(gaps, counts)  # the row before each new row
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    weight = (offset / np.repeat(step[gaps], counts))[:, None]
    tlwh = (1 - weight) * t.tlwh[start] + weight * t.tlwh[start + 1]
    new = MotTracks(t.frames[start] + offset, t.ids[start], tlwh, t.scores[start], t.classes[start])
    return _sorted(_concatenate(t, new))


def gaussian_smooth(tracks: MotTracks, sigma: float) -> MotTracks:
    """Every coordinate of every track smoothed over its frames with a Gaussian kernel of
    `sigma` frames, cut at 4 sigma (normalised over the frames the track has, so its ends
    are not pulled towards zero). Rows and their order stay; memory stays linear in the
    rows however long a track is.
    """
    t = _sorted(tracks)
    n = len(t)
    if sigma <= 0 or not n:
        return t
    reach = int(np.ceil(4 * sigma))  # rows within 4 sigma frames are within 4 sigma rows
    rows = np.arange(n)
    total, weight_sum = np.zeros_like(t.tlwh), np.zeros(n)
    for shift in range(-reach, reach + 1):
        other = np.clip(rows + shift, 0, n - 1)
        same = (rows + shift == other) & (t.ids[other] == t.ids)
        gap = (t.frames[other] - t.frames) / sigma
        weight = np.where(same, np.exp(-0.5 * gap * gap), 0.0)
        total += weight[:, None] * t.tlwh[other]
        weight_sum += weight
    return MotTracks(t.frames, t.ids, total / weight_sum[:, None], t.scores, t.classes)


def link_tracklets(tracks: MotTracks, max_gap: int, max_distance: float) -> MotTracks:
    """Join a track that ends to one of the same class that starts 1 to `max_gap` frames
    later where the first track's last velocity (over its last up to 5 frames) carries its
    last box: centre distance at most `max_distance` mean box heights. Each track links at
    most once forward and once backward (minimum-cost assignment); a chain of links takes
    the first track's identity.

    Returns:
        The tracks with the linked identities, sorted by id then frame.
    """
    t = _sorted(tracks)
    ends = _track_ends(t)
    if len(ends["id"]) < 2:
        return t
    cost = _link_cost(ends, max_gap, max_distance)
    _, forward, _ = lap.lapjv(cost, extend_cost=True, cost_limit=max_distance)
    successor = {int(ends["id"][i]): int(ends["id"][j]) for i, j in enumerate(forward) if j >= 0}
    rename = {}
    for first in [i for i in successor if i not in set(successor.values())]:
        nxt = successor.get(first)
        while nxt is not None:
            rename[nxt] = first
            nxt = successor.get(nxt)
    ids = np.array([rename.get(i, i) for i in t.ids.tolist()], np.int64)
    return _sorted(MotTracks(t.frames, ids, t.tlwh, t.scores, t.classes))


def _track_ends(t: MotTracks) -> dict:
    """Per track (rows sorted by id, frame): id, class, first and last frame, first and last
    box centre, mean height, and velocity (px/frame) over its last up to 5 rows."""
    bounds = np.flatnonzero(np.r_[True, t.ids[1:] != t.ids[:-1], True])
    first, last = bounds[:-1], bounds[1:] - 1
    centre = t.tlwh[:, :2] + t.tlwh[:, 2:] / 2
    back = np.maximum(first, last - 4)
    span = np.maximum(t.frames[last] - t.frames[back], 1)[:, None]
    heights = np.add.reduceat(t.tlwh[:, 3], first) / (last - first + 1)
    return {
        "id": t.ids[first],
        "cls": t.classes[first],
        "start": t.frames[first],
        "end": t.frames[last],
        "head": centre[first],
        "tail": centre[last],
        "height": heights,
        "velocity": (centre[last] - centre[back]) / span,
    }


def _link_cost(ends: dict, max_gap: int, max_distance: float) -> np.ndarray:
    """(T, T) cost of continuing track i by track j: the distance, in mean box heights, of
    j's first centre from i's last centre carried on by i's velocity over the gap;
    `max_distance` + 1 where j does not start 1 to `max_gap` frames after i ends or is of
    another class."""
    gap = ends["start"][None, :] - ends["end"][:, None]  # (i, j) frames between
    predicted = ends["tail"][:, None, :] + ends["velocity"][:, None, :] * gap[..., None]
    scale = 0.5 * (ends["height"][:, None] + ends["height"][None, :])
    distance = np.linalg.norm(ends["head"][None, :, :] - predicted, axis=2) / scale
    allowed = (gap >= 1) & (gap <= max_gap) & (ends["cls"][:, None] == ends["cls"][None, :])
    return np.where(allowed, distance, max_distance + 1.0)


def _concatenate(a: MotTracks, b: MotTracks) -> MotTracks:
    return MotTracks(
        np.concatenate([a.frames, b.frames]),
        np.concatenate([a.ids, b.ids]),
        np.concatenate([a.tlwh, b.tlwh]),
        np.concatenate([a.scores, b.scores]),
        np.concatenate([a.classes, b.classes]),
    )
