"""Cross-camera association: per-camera online tracks -> global identities.

Each camera is tracked alone (`JDETracker`); what a camera's track contributes is a
*tracklet*: its frames (as seconds, so cameras of different frame rates line up), boxes, the
mean of its smoothed unit embeddings and, where the camera is calibrated, the ground position
of its foot point in every frame. Two tracklets of different cameras are the same person
when their embeddings are close (cosine distance below `appearance_thres`) and the gates
allow it:

- *seen at the same time* (their times overlap): both calibrated, their ground positions at
  the common times must lie within `overlap_distance` metres (the overlap of two views);
  farther apart they are two people (a cannot-link). Without a calibration, appearance alone
  decides (the documented fallback; MULTICAM.REQUIRE_CALIBRATION makes it an error).
- *one after the other*: the gap between one's end and the other's start must be at most
  `max_gap` seconds to count as evidence, and, both calibrated, the walk between the last
  and the first position must be possible at `max_speed` m/s (plus `position_slack` metres
  for calibration and box errors); an impossible walk is a cannot-link.

Tracklets of one camera are never linked directly (that is the one-camera tracker's own
decision, so one camera gives exactly its tracks); two of one camera overlapping in time, or
too far apart to walk between, are a cannot-link. A person who leaves camera A, is seen
by B and comes back to A becomes one identity through B.

Two modes use the same gates: `OnlineCrossCamera` (a global gallery queried once, when a
track is first written, so each written id is final) and `cluster_tracklets` (offline:
average-linkage clustering of every tracklet of every camera, merging the closest pair of
clusters until no pair is closer than `appearance_thres`, never across a cannot-link).
Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .jde_tracker import FrameTracks

MULTICAM_MODES = ("none", "online", "offline")


@dataclass(frozen=True)
class CrossCameraParams:
    """Thresholds of the cross-camera association (config keys MULTICAM.*).

    Attributes:
        appearance_thres: largest cosine distance between two tracklets' mean embeddings
            (or, offline, the average over two clusters' cross-camera pairs) of a link.
        min_frames: tracklets shorter than this keep an identity of their own (too few
            embeddings to trust; online: a track is matched when first written).
        max_gap: seconds between one tracklet's end and another's start within which the
            second may continue the first.
        max_speed: metres per second a person can walk between two cameras' views.
        position_slack: metres added to every ground-distance gate (calibration, foot-point
            and box errors).
        overlap_distance: metres between two cameras' ground positions of one person seen
            by both at once.
    """

    appearance_thres: float = 0.3
    min_frames: int = 10
    max_gap: float = 60.0
    max_speed: float = 3.0
    position_slack: float = 3.0
    overlap_distance: float = 2.0

    @classmethod
    def from_config(cls, node) -> CrossCameraParams:
        return cls(**{f.name: node[f.name.upper()] for f in fields(cls)})


@dataclass
class Tracklet:
    """One camera's track over its whole life.

    Attributes:
        camera: the camera's name.
        track_id: its id in that camera's tracker.
        times: (n,) float64 seconds of its frames (the camera's time offset + frame /
            frame rate).
        frames: (n,) int64 its 1-based frames.
        feature: (D,) float32 unit mean of its smoothed embeddings.
        ground: (n, 2) float64 ground positions in metres (NaN where unknown), or None for
            an uncalibrated camera.
    """

    camera: str
    track_id: int
    times: np.ndarray
    frames: np.ndarray
    feature: np.ndarray
    ground: np.ndarray | None = None

    @property
    def start(self) -> float:
        return float(self.times[0])

    @property
    def end(self) -> float:
        return float(self.times[-1])


def _unit(features: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(features, axis=-1, keepdims=True)
    return (features / np.maximum(norms, 1e-12)).astype(np.float32)


class TrackletRecorder:
    """Collects one camera's written tracks frame by frame into `Tracklet`s."""

    def __init__(self, camera: str, frame_rate: float, time_offset: float = 0.0):
        self.camera, self.frame_rate = camera, float(frame_rate)
        self.time_offset = time_offset  # seconds frame 1 lags the other cameras' frame 1
        self._parts: list = []  # per frame: (frame, ids, features, ground)

    def add(self, frame: int, tracks: FrameTracks, ground: np.ndarray | None = None) -> None:
        """One frame's written tracks (with their `features`) and, calibrated, their (K, 2)
        ground positions."""
        if not len(tracks):
            return
        if tracks.features is None:
            raise ValueError("cross-camera association needs each track's embedding")
        frames = np.full(len(tracks), frame, np.int64)
        ground = None if ground is None else np.asarray(ground, np.float64).reshape(-1, 2)
        self._parts.append((frames, tracks.ids.copy(), tracks.features.copy(), ground))

    def tracklets(self) -> list[Tracklet]:
        """Every track recorded, as a Tracklet, by id."""
        if not self._parts:
            return []
        frames, ids, features = (np.concatenate([p[i] for p in self._parts]) for i in range(3))
        calibrated = self._parts[0][3] is not None
        ground = np.concatenate([p[3] for p in self._parts]) if calibrated else None
        order = np.lexsort((frames, ids))
        frames, ids, features = frames[order], ids[order], features[order]
        ground = None if ground is None else ground[order]
        unique, starts = np.unique(ids, return_index=True)
        sums = np.add.reduceat(features.astype(np.float64), starts, axis=0)
        bounds = [*starts[1:], len(ids)]
        return [
            Tracklet(
                self.camera,
                int(track_id),
                self.time_offset + frames[a:b] / self.frame_rate,
                frames[a:b],
                _unit(sums[k]),
                None if ground is None else ground[a:b],
            )
            for k, (track_id, a, b) in enumerate(zip(unique, starts, bounds))
        ]


def _transit_ok(a: Tracklet, b: Tracklet, params: CrossCameraParams) -> bool:
    """Whether b (starting after a ends) can be walked to from a's last position."""
    if a.ground is None or b.ground is None:
        return True
    last, first = a.ground[~np.isnan(a.ground).any(1)], b.ground[~np.isnan(b.ground).any(1)]
    if not len(last) or not len(first):
        return True
    distance = float(np.linalg.norm(first[0] - last[-1]))
    return distance <= params.max_speed * (b.start - a.end) + params.position_slack


def _overlap_ok(a: Tracklet, b: Tracklet, params: CrossCameraParams) -> bool:
    """Whether a and b, seen at common times, stand at one place then: the median distance
    between b's positions and a's at the same moments (a's track interpolated, so cameras
    of other frame rates compare too)."""
    if a.ground is None or b.ground is None:
        return True
    common = (b.times >= max(a.start, b.start)) & (b.times <= min(a.end, b.end))
    at = b.times[common]
    mine = np.column_stack([np.interp(at, a.times, a.ground[:, k]) for k in (0, 1)])
    gaps = np.linalg.norm(mine - b.ground[common], axis=1)
    gaps = gaps[np.isfinite(gaps)]
    limit = params.overlap_distance + params.position_slack
    return not len(gaps) or float(np.median(gaps)) <= limit


def pair_evidence(a: Tracklet, b: Tracklet, params: CrossCameraParams) -> tuple:
    """(cosine distance or inf where the pair is no evidence, cannot-link) of two
    tracklets, by the module's gates."""
    overlap = min(a.end, b.end) >= max(a.start, b.start)
    if overlap and (a.camera == b.camera or not _overlap_ok(a, b, params)):
        return np.inf, True
    if not overlap:
        first, second = (a, b) if a.end < b.start else (b, a)
        if not _transit_ok(first, second, params):
            return np.inf, True
        if second.start - first.end > params.max_gap:
            return np.inf, False
    if a.camera == b.camera:
        return np.inf, False  # the camera's own tracker decided they differ
    return float(1.0 - a.feature @ b.feature), False


def evidence_matrices(tracklets: list[Tracklet], params: CrossCameraParams) -> tuple:
    """(n, n) distances (inf: no evidence) and (n, n) bool cannot-links of every pair."""
    n = len(tracklets)
    distance, cannot = np.full((n, n), np.inf), np.zeros((n, n), bool)
    for i in range(n):
        for j in range(i + 1, n):
            distance[i, j], cannot[i, j] = pair_evidence(tracklets[i], tracklets[j], params)
    return np.minimum(distance, distance.T), cannot | cannot.T


def cluster_tracklets(tracklets: list[Tracklet], params: CrossCameraParams) -> np.ndarray:
    """(n,) int64 global identity (from 1) of each tracklet by constrained average-linkage
    clustering (module docstring); tracklets shorter than `min_frames` stay alone.
    Identities are numbered by each cluster's first appearance."""
    n = len(tracklets)
    if not n:
        return np.zeros(0, np.int64)
    distance, cannot = evidence_matrices(tracklets, params)
    short = np.array([len(t.times) < params.min_frames for t in tracklets])
    distance[short, :] = distance[:, short] = np.inf
    evidence = np.isfinite(distance)
    total, count = np.where(evidence, distance, 0.0), evidence.astype(np.float64)
    members = {i: [i] for i in range(n)}
    while True:
        with np.errstate(invalid="ignore", divide="ignore"):
            linkage = np.where((count > 0) & ~cannot, total / count, np.inf)
        np.fill_diagonal(linkage, np.inf)
        a, b = np.unravel_index(np.argmin(linkage), linkage.shape)
        if linkage[a, b] > params.appearance_thres:
            break
        a, b = min(a, b), max(a, b)  # b joins a
        for matrix in (total, count):
            matrix[a] += matrix[b]
            matrix[:, a] = matrix[a]
        cannot[a] |= cannot[b]
        cannot[:, a] = cannot[a]
        count[b] = count[:, b] = 0
        members[a] += members.pop(b)
    return _number_clusters(tracklets, list(members.values()))


def _number_clusters(tracklets: list[Tracklet], clusters: list) -> np.ndarray:
    first_seen = [min((tracklets[i].start, tracklets[i].camera) for i in c) for c in clusters]
    labels = np.zeros(len(tracklets), np.int64)
    for number, k in enumerate(sorted(range(len(clusters)), key=first_seen.__getitem__), 1):
        labels[clusters[k]] = number
    return labels


class _Identity:
    """A global identity in the online gallery: its tracklet in each camera so far."""

    __slots__ = ("number", "parts")

    def __init__(self, number: int):
        self.number, self.parts = number, {}  # camera -> the live Tracklet there


class OnlineCrossCamera:
    """Online global identities for synchronised cameras (module docstring).

    Every frame of every camera goes through `update`; a local track is matched against the
    gallery of global identities once, on the frame it is first written, and keeps the
    answer. Candidates: identities not on screen in this camera now, seen in another camera
    within `max_gap` seconds, and passing the ground-position gates of each of their
    tracklets; the closest mean embedding below `appearance_thres` wins, else a new identity.
    With one camera the global ids are the tracker's own.

    Memory stays bounded on a live feed: a tracklet keeps its first and its last HISTORY
    samples (the gates read its start, its end and its recent positions), and identities
    unseen for longer than `max_gap` seconds (which no gate would let match again) are
    forgotten with their tracks.
    """

    HISTORY = 64

    def __init__(self, cameras: list, params: CrossCameraParams):
        if len(set(cameras)) != len(cameras):
            raise ValueError(f"camera names must differ, got {list(cameras)}")
        self.cameras, self.params = list(cameras), params
        self.identities: list[_Identity] = []
        self._next = 1  # the next new identity's number
        self._local: dict = {}  # (camera, local id) -> _Identity
        self._sums: dict = {}  # (camera, local id) -> (feature sum, count)
        self._seen: dict = {}  # (camera, local id) -> when it was last written (s)
        self._parts: dict = {}  # (camera, local id) -> its Tracklet

    def update(
        self,
        camera: str,
        time: float,
        frame: int,
        tracks: FrameTracks,
        ground: np.ndarray | None = None,
    ) -> np.ndarray:
        """(K,) int64 global ids of one camera's written tracks at `time` seconds (with
        their `features`; `ground`: (K, 2) positions, None uncalibrated)."""
        if len(self.cameras) == 1:
            return tracks.ids.copy()
        out, parts = np.zeros(len(tracks), np.int64), []
        for k, local in enumerate(tracks.ids.tolist()):
            where = None if ground is None else ground[k]
            part = self._observe(camera, local, time, frame, tracks.features[k], where)
            key = (camera, local)
            self._seen[key] = time
            if key not in self._local:
                self._local[key] = self._assign(part)
            out[k] = self._local[key].number
            parts.append(part)
        return self._one_track_per_identity(out, parts)

    def _one_track_per_identity(self, out: np.ndarray, parts: list) -> np.ndarray:
        """A camera's frame holds an identity once: a track the camera's tracker lost and
        found again may meet the track its identity went to meanwhile; the younger of the
        two then takes a new identity (one switch, instead of two people as one)."""
        numbers, counts = np.unique(out, return_counts=True)
        for number in numbers[counts > 1]:
            rows = sorted(np.flatnonzero(out == number), key=lambda k: parts[k].start)
            for k in rows[1:]:
                fresh, self._next = _Identity(self._next), self._next + 1
                fresh.parts[parts[k].camera] = parts[k]
                self.identities.append(fresh)
                self._local[(parts[k].camera, parts[k].track_id)] = fresh
                out[k] = fresh.number
        return out

    def _observe(self, camera, local, time, frame, feature, where) -> Tracklet:
        """The track's tracklet so far, extended by this frame."""
        key = (camera, local)
        total, count = self._sums.get(key, (np.zeros(len(feature)), 0))
        self._sums[key] = (total + feature, count + 1)
        part = self._parts.get(key)
        if part is None:
            ground = None if where is None else np.zeros((0, 2))
            part = Tracklet(camera, local, np.zeros(0), np.zeros(0, np.int64), feature, ground)
            self._parts[key] = part
        identity = self._local.get(key)
        part.times = np.append(part.times, time)
        part.frames = np.append(part.frames, frame)
        part.feature = _unit(self._sums[key][0])
        if where is not None:
            part.ground = np.vstack([part.ground, np.asarray(where, np.float64)[None]])
        if len(part.times) > self.HISTORY:  # the first sample (its start) and the latest
            keep = np.r_[0, len(part.times) - self.HISTORY + 1 : len(part.times)]
            part.times, part.frames = part.times[keep], part.frames[keep]
            part.ground = None if part.ground is None else part.ground[keep]
        if identity is not None:
            identity.parts[camera] = part
        return part

    def _assign(self, part: Tracklet) -> _Identity:
        self._forget(part.end - self.params.max_gap)
        best, best_distance = None, self.params.appearance_thres
        for identity in self.identities:
            distance = self._distance(identity, part)
            if distance <= best_distance:
                best, best_distance = identity, distance
        if best is None:
            best, self._next = _Identity(self._next), self._next + 1
            self.identities.append(best)
        best.parts[part.camera] = part
        return best

    def _forget(self, before: float) -> None:
        """Drop the tracks last written before `before` seconds, and the identities that
        were last seen then."""
        for key in [key for key, seen in self._seen.items() if seen < before]:
            for table in (self._local, self._sums, self._seen, self._parts):
                table.pop(key, None)
        self.identities = [
            i for i in self.identities if max(p.end for p in i.parts.values()) >= before
        ]

    def _distance(self, identity: _Identity, part: Tracklet) -> float:
        """Cosine distance of `part` to the identity's nearest tracklet in another camera,
        inf where a gate forbids the link (or there is no evidence)."""
        mine = identity.parts.get(part.camera)
        if mine is not None and mine.end >= part.start - 1e-9:
            return np.inf  # on screen in this camera now: another person
        distances = []
        for other in identity.parts.values():
            if other.camera == part.camera:
                continue
            distance, cannot = pair_evidence(other, part, self.params)
            if cannot:
                return np.inf
            distances.append(distance)
        return min(distances, default=np.inf)
