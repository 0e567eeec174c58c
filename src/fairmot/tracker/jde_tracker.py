"""The JDE/FairMOT online association tracker (docs/tracking.md), numpy only.

Per frame (`JDETracker.update`, one method per stage): predict every tracked and lost track
with the Kalman filter; (1) match them to the detections by embedding cosine distance fused
with the Kalman Mahalanobis distance (gated at the chi-square 95 % quantile), threshold
match_thres_reid; (2) match the remaining tracked tracks by IoU of the predicted boxes,
threshold match_thres_iou; optionally (2b, ByteTrack's second association, off in the
paper) match the tracked tracks still left to the low-score detections (below
new_track_thres) by IoU, threshold match_thres_low; optionally (2c, OC-SORT's
observation-centric recovery, off in the paper) match the tracked and lost tracks still
left by IoU of their last matched box, threshold match_thres_recovery; (3) match
unconfirmed (one-frame) tracks by IoU, threshold match_thres_unconfirmed, removing the
unmatched; (4) start tracks from the remaining detections scoring at least
new_track_thres; (5) drop lost tracks after
`track_buffer` frames (scaled by frame rate / 30). Decisions, their order and the numbers
follow the original implementation, so the same detections give the same tracks.

Unlike the original, state does not grow with time: removed tracks are forgotten once no
list refers to them, and identities are counted per tracker instance (`reset()` starts at 1).

Several classes: every detection carries a class; in every stage a detection can only
continue a track of its own class (the costs of other pairs are infinite), duplicates are
looked for within a class, identities are unique across classes and a track never changes
class. With one class (the default) nothing of this changes a number.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from .. import boxes
from . import kalman
from .cmc import warp_boxes_tlwh
from .gallery import Gallery
from .matching import (
    class_gate,
    embedding_distance,
    fuse_motion,
    iou_distance,
    linear_assignment,
    nearest_embedding_distance,
)
from .params import TrackerParams, per_class


class TrackState(enum.IntEnum):
    """Where a track is in its life (the original's numbers)."""

    TRACKED = 1
    LOST = 2
    REMOVED = 3


class Track:
    """One track's scalar state; its Kalman mean (8,) and covariance (8, 8) in xyah, smoothed
    unit embedding and last matched box live in the tracker's arrays at row `slot`."""

    __slots__ = (
        "track_id",
        "slot",
        "score",
        "cls",
        "state",
        "is_activated",
        "frame_id",
        "start_frame",
    )

    def __init__(self, track_id, slot, score, frame_id, activated, cls=0):
        self.track_id, self.slot, self.score, self.cls = track_id, slot, score, cls
        self.state = TrackState.TRACKED
        self.is_activated = activated
        self.frame_id = self.start_frame = frame_id


class _TrackStore:
    """Row-per-track arrays of the live tracks (rows are reused once a track is forgotten,
    so the arrays grow only with the number of tracks alive at once).

    With a feature budget K > 0 (StrongSORT's appearance gallery), `history` (capacity, K,
    D) also keeps each track's last K smoothed embeddings (a ring; `history_count` (capacity,)
    of them valid)."""

    def __init__(self, budget: int = 0):
        self.budget = budget
        self.mean = np.zeros((0, 8))
        self.covariance = np.zeros((0, 8, 8))
        self.feature = None  # (capacity, D), sized by the first embeddings
        self.history = None  # (capacity, budget, D) when budget > 0
        self.history_count = np.zeros(0, np.int64)
        self.last_tlwh = np.zeros((0, 4))
        self.free: list = []

    @property
    def capacity(self) -> int:
        return len(self.mean)

    def allocate(self, count: int, dim: int) -> np.ndarray:
        if self.feature is None:
            self.feature = np.zeros((0, dim), np.float32)
            self.history = np.zeros((0, self.budget, dim), np.float32)
        while len(self.free) < count:
            old, new = self.capacity, max(16, 2 * self.capacity)
            grow = new - old
            self.mean = np.concatenate([self.mean, np.zeros((grow, 8))])
            self.covariance = np.concatenate([self.covariance, np.zeros((grow, 8, 8))])
            self.feature = np.concatenate([self.feature, np.zeros((grow, dim), np.float32)])
            if self.budget:
                zeros = np.zeros((grow, self.budget, dim), np.float32)
                self.history = np.concatenate([self.history, zeros])
                self.history_count = np.concatenate([self.history_count, np.zeros(grow, int)])
            self.last_tlwh = np.concatenate([self.last_tlwh, np.zeros((grow, 4))])
            self.free.extend(range(new - 1, old - 1, -1))
        return np.array([self.free.pop() for _ in range(count)], dtype=np.int64)

    def set_features(self, slots: np.ndarray, features: np.ndarray, new: bool = False) -> None:
        """The smoothed embeddings of `slots` become `features`; with a budget they are
        also remembered (a `new` track's history starts with them)."""
        self.feature[slots] = features
        if not self.budget:
            return
        if new:
            self.history_count[slots] = 0
        self.history[slots, self.history_count[slots] % self.budget] = features
        self.history_count[slots] += 1

    def appearance(self, slots: np.ndarray) -> tuple:
        """(P, K, D) remembered embeddings of `slots` and (P, K) bool: which are valid."""
        valid = np.arange(self.budget)[None, :] < self.history_count[slots][:, None]
        return self.history[slots], valid

    def tlbr(self, slots: np.ndarray, predicted: bool = True) -> np.ndarray:
        tlwh = boxes.xyah_to_tlwh(self.mean[slots]) if predicted else self.last_tlwh[slots]
        return boxes.tlwh_to_tlbr(tlwh)


@dataclass
class FrameTracks:
    """The tracks a frame reports.

    Attributes:
        ids: (K,) int64 track identities (from 1).
        tlwh: (K, 4) float64 boxes, x y w h in frame pixels.
        scores: (K,) float64 score of each track's last detection.
        classes: (K,) int64 class index of each track (0 with one class).
        features: (K, D) float32 each track's smoothed unit embedding (what it is matched
            with; cross-camera association reads it), or None.
    """

    ids: np.ndarray
    tlwh: np.ndarray
    scores: np.ndarray
    classes: np.ndarray | None = None
    features: np.ndarray | None = None

    def __post_init__(self):
        if self.classes is None:
            self.classes = np.zeros(len(self.ids), np.int64)
        self.classes = np.asarray(self.classes, np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, keep) -> FrameTracks:
        """The tracks selected by a (K,) bool mask or index array."""
        features = None if self.features is None else self.features[keep]
        return FrameTracks(
            self.ids[keep], self.tlwh[keep], self.scores[keep], self.classes[keep], features
        )


class _Detections:
    """One frame's detections in the forms the stages use."""

    def __init__(self, dets_tlbr_score: np.ndarray, features: np.ndarray, classes=None):
        dets = np.asarray(dets_tlbr_score).reshape(-1, 5)
        self.classes = (
            np.zeros(len(dets), np.int64) if classes is None else np.asarray(classes, np.int64)
        )
        if self.classes.shape != (len(dets),):
            raise ValueError(f"{len(dets)} detections but {self.classes.size} classes")
        features = np.asarray(features, dtype=np.float32)
        features = features.reshape(len(dets), features.shape[-1] if features.ndim > 1 else -1)
        if len(features) != len(dets):
            raise ValueError(f"{len(dets)} detections but {len(features)} embeddings")
        bad = ~(np.isfinite(dets).all(axis=1) & np.isfinite(features).all(axis=1))
        if bad.any():
            raise ValueError(
                f"{int(bad.sum())} of {len(dets)} detections have non-finite boxes, scores or "
                "embeddings (they would corrupt the Kalman state): drop them before the "
                "tracker (fairmot.tracker.degenerate_detections)"
            )
        # x y w h in the detections' precision, as the original.
        self.tlwh = boxes.tlbr_to_tlwh(dets[:, :4]).astype(np.float64)
        self.tlbr = boxes.tlwh_to_tlbr(self.tlwh)
        self.xyah = boxes.tlwh_to_xyah(self.tlwh)
        self.scores = dets[:, 4].astype(np.float64)
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        self.features = features / np.where(norms > 0, norms, 1)

    def __len__(self) -> int:
        return len(self.scores)


@dataclass
class _FrameUpdate:
    """What the stages of one frame decided (the original's per-frame lists)."""

    detections: _Detections
    pool: list  # confirmed tracked + lost tracks, predicted this frame
    unconfirmed: list
    remaining: np.ndarray  # indices of detections no stage has taken yet
    low: np.ndarray  # indices of low-score detections (low-score matching only)
    activated: list = field(default_factory=list)
    refound: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    removed: list = field(default_factory=list)


def _joint(a: list, b: list) -> list:
    """a, then the tracks of b whose id is not in a (order kept)."""
    seen = {t.track_id for t in a}
    return a + [t for t in b if t.track_id not in seen and not seen.add(t.track_id)]


def _sub(a: list, b_ids: set) -> list:
    return [t for t in a if t.track_id not in b_ids]


def _slots(tracks: list) -> np.ndarray:
    return np.fromiter((t.slot for t in tracks), dtype=np.int64, count=len(tracks))


def _classes(tracks: list) -> np.ndarray:
    return np.fromiter((t.cls for t in tracks), dtype=np.int64, count=len(tracks))


def _empty_indices() -> np.ndarray:
    return np.zeros(0, np.int64)


class JDETracker:
    """Online multi-object tracker over detections with appearance embeddings.

    Args:
        params: every threshold (`TrackerParams`; defaults: the paper's).
        frame_rate: frames per second of the sequence (scales the lost-track buffer).
    """

    def __init__(self, params: TrackerParams | None = None, *, frame_rate: float = 30.0):
        self.params = params or TrackerParams()
        self.use_reid, self.use_motion, self.use_iou = self.params.uses
        self.max_time_lost = self.params.max_time_lost(frame_rate)
        self.frame_rate = frame_rate
        self.reset()

    def reset(self) -> None:
        """Forget every track; the next identity is 1 and the next frame is frame 1."""
        self.frame_id = 0
        self.next_id = 1
        self.tracked: list = []  # confirmed and unconfirmed tracks, in the original's order
        self.lost: list = []
        self.removed_ids: set = set()  # removed tracks still referenced by a list
        self.store = _TrackStore(self.params.feature_budget)
        p = self.params
        self.gallery = (
            Gallery(p.gallery_size, int(p.gallery_seconds * self.frame_rate), p.gallery_thres)
            if p.reid_gallery
            else None
        )

    @property
    def num_live_tracks(self) -> int:
        return len(self.tracked) + len(self.lost)

    # -- one frame -------------------------------------------------------------------------

    def update(
        self,
        dets_tlbr_score: np.ndarray,
        features: np.ndarray,
        classes: np.ndarray | None = None,
        warp: np.ndarray | None = None,
    ) -> FrameTracks:
        """Associate one frame's detections.

        Args:
            dets_tlbr_score: (N, 5) x1 y1 x2 y2 score, frame pixels (already thresholded).
            features: (N, D) embeddings (normalised here).
            classes: (N,) class indices (default: all 0, one class).
            warp: (2, 3) camera motion from the previous frame to this one (`cmc`): every
                track's state and last box move with it after the prediction (None: a
                still camera, as the original).

        Returns:
            The confirmed tracks of this frame.
        """
        self.frame_id += 1
        frame = self._begin(_Detections(dets_tlbr_score, features, classes), warp)
        unmatched = self._match_pool(frame)
        candidates = [t for t in unmatched if t.state == TrackState.TRACKED]
        candidates = self._match_iou(frame, candidates)
        candidates = self._match_low_score(frame, candidates)
        candidates = self._match_last_observation(frame, candidates, unmatched)
        self._mark_lost(frame, candidates)
        self._match_unconfirmed(frame)
        self._start_tracks(frame)
        self._expire_lost(frame)
        self._commit(frame)
        return self._output()

    def _begin(self, dets: _Detections, warp=None) -> _FrameUpdate:
        """Split the tracks, predict the pool with the Kalman filter (a lost track's height
        velocity is zeroed first, as the original), move every track with the camera
        (`warp`, if given), split the detections by score."""
        unconfirmed = [t for t in self.tracked if not t.is_activated]
        pool = _joint([t for t in self.tracked if t.is_activated], self.lost)
        store = self.store
        if pool:
            slots = _slots(pool)
            means = store.mean[slots]
            means[[t.state != TrackState.TRACKED for t in pool], 7] = 0
            store.mean[slots], store.covariance[slots] = kalman.predict(
                means, store.covariance[slots]
            )
        if warp is not None and (pool or unconfirmed):
            slots = _slots(pool + unconfirmed)
            store.mean[slots], store.covariance[slots] = kalman.warp(
                store.mean[slots], store.covariance[slots], warp
            )
            store.last_tlwh[slots] = warp_boxes_tlwh(store.last_tlwh[slots], warp)
        remaining, low = np.arange(len(dets)), _empty_indices()
        if self.params.low_score_matching:
            confident = dets.scores >= per_class(self.params.new_track_thres, dets.classes)
            low, remaining = np.flatnonzero(~confident), np.flatnonzero(confident)
        return _FrameUpdate(dets, pool, unconfirmed, remaining, low)

    def _match_pool(self, frame: _FrameUpdate) -> list:
        """Stage 1: the pool against the detections by appearance (+ motion), or by IoU
        alone in the "iou" mode; with the matching cascade, one assignment per age (frames
        since the last match), the freshest first. Returns the unmatched tracks of the
        pool."""
        store, dets, pool, params = self.store, frame.detections, frame.pool, self.params
        slots, high = _slots(pool), frame.remaining
        if self.use_reid:
            cost = self._appearance_cost(slots, dets.features[high])
            if self.use_motion and pool and len(high):
                gating = kalman.gating_distance(
                    store.mean[slots], store.covariance[slots], dets.xyah[high]
                )
                cost = fuse_motion(cost, gating, params.gating_thres, params.motion_lambda)
            threshold = params.match_thres_reid
        else:
            cost = iou_distance(store.tlbr(slots, predicted=self.use_motion), dets.tlbr[high])
            threshold = params.match_thres_iou
        if not (params.matching_cascade and pool):
            unmatched = self._assign(frame, pool, cost, threshold, "remaining")
            return [pool[i] for i in unmatched.tolist()]
        return self._cascade(frame, pool, cost, high, threshold)

    def _cascade(self, frame: _FrameUpdate, pool: list, cost, columns, threshold) -> list:
        """DeepSORT's matching cascade: the pool's rows of `cost` (columns: the detections
        `columns`) assigned age by age, each age to the detections the younger ages left,
        so that a track seen a frame ago is never outbid by one lost for a second."""
        ages = self.frame_id - np.fromiter((t.frame_id for t in pool), np.int64, len(pool))
        unmatched = []
        for age in np.unique(ages).tolist():
            rows = np.flatnonzero(ages == age)
            keep = np.isin(columns, frame.remaining)  # the detections still free, in order
            tracks = [pool[i] for i in rows.tolist()]
            left = self._assign(frame, tracks, cost[np.ix_(rows, keep)], threshold, "remaining")
            unmatched += [tracks[i] for i in left.tolist()]
        return unmatched

    def _appearance_cost(self, slots: np.ndarray, det_features: np.ndarray) -> np.ndarray:
        """(P, M) cosine distance of the tracks at `slots` to the detections: to each
        track's smoothed embedding, or with a feature budget the least distance to its
        remembered ones (StrongSORT's nearest-neighbour metric)."""
        store = self.store
        if not len(slots):
            return np.zeros((0, len(det_features)))
        if not store.budget:
            return embedding_distance(store.feature[slots], det_features)
        return nearest_embedding_distance(*store.appearance(slots), det_features)

    def _match_iou(self, frame: _FrameUpdate, candidates: list) -> list:
        """Stage 2: the still-unmatched tracked tracks by IoU of their predicted boxes."""
        if not (self.use_reid and self.use_iou and candidates and len(frame.remaining)):
            return candidates
        cost = iou_distance(
            self.store.tlbr(_slots(candidates)), frame.detections.tlbr[frame.remaining]
        )
        unmatched = self._assign(frame, candidates, cost, self.params.match_thres_iou, "remaining")
        return [candidates[i] for i in unmatched]

    def _match_low_score(self, frame: _FrameUpdate, candidates: list) -> list:
        """Stage 2b (optional): the tracked tracks still left with the low-score detections,
        by IoU; their embeddings leave the tracks' features as they are."""
        if not (candidates and len(frame.low)):
            return candidates
        cost = iou_distance(self.store.tlbr(_slots(candidates)), frame.detections.tlbr[frame.low])
        unmatched = self._assign(
            frame, candidates, cost, self.params.match_thres_low, "low", features=False
        )
        return [candidates[i] for i in unmatched]

    def _match_last_observation(self, frame: _FrameUpdate, candidates: list, unmatched) -> list:
        """Stage 2c (optional, OC-SORT's observation-centric recovery): the tracked tracks
        still left and the lost tracks stage 1 left, by IoU of the box each was last
        matched to (not its Kalman prediction, which drifts while nothing corrects it),
        threshold match_thres_recovery. Returns the tracked tracks still unmatched."""
        lost = [t for t in unmatched if t.state == TrackState.LOST]
        tracks = candidates + lost
        if not (self.params.observation_recovery and tracks and len(frame.remaining)):
            return candidates
        last = self.store.tlbr(_slots(tracks), predicted=False)
        cost = iou_distance(last, frame.detections.tlbr[frame.remaining])
        left = self._assign(frame, tracks, cost, self.params.match_thres_recovery, "remaining")
        return [tracks[i] for i in left.tolist() if i < len(candidates)]

    def _mark_lost(self, frame: _FrameUpdate, tracks: list) -> None:
        for track in tracks:
            track.state = TrackState.LOST
            frame.lost.append(track)

    def _match_unconfirmed(self, frame: _FrameUpdate) -> None:
        """Stage 3: one-frame tracks by IoU; the unmatched ones are removed."""
        tracks = frame.unconfirmed
        if not tracks:
            return
        cost = iou_distance(self.store.tlbr(_slots(tracks)), frame.detections.tlbr[frame.remaining])
        unmatched = self._assign(
            frame, tracks, cost, self.params.match_thres_unconfirmed, "remaining"
        )
        for i in unmatched.tolist():
            tracks[i].state = TrackState.REMOVED
            frame.removed.append(tracks[i])

    def _start_tracks(self, frame: _FrameUpdate) -> None:
        """Stage 4: a track per confident leftover detection (confirmed at once only in the
        first frame, as the original)."""
        dets, store = frame.detections, self.store
        left = frame.remaining
        new = left[dets.scores[left] >= per_class(self.params.new_track_thres, dets.classes[left])]
        if not len(new):
            return
        slots = store.allocate(len(new), dets.features.shape[1])
        store.mean[slots], store.covariance[slots] = kalman.initiate(dets.xyah[new])
        store.set_features(slots, dets.features[new], new=True)
        store.last_tlwh[slots] = dets.tlwh[new]
        revived = np.full(len(new), -1)
        if self.gallery is not None:  # long-term re-ID: an identity from the gallery
            revived = self.gallery.revive(dets.features[new], dets.classes[new], self.frame_id)
        for slot, score, cls, old in zip(
            slots.tolist(), dets.scores[new].tolist(), dets.classes[new].tolist(), revived.tolist()
        ):
            track_id = old if old >= 0 else self.next_id
            if old < 0:
                self.next_id += 1
            confirmed = self.frame_id == 1 or old >= 0  # a revived identity is known
            frame.activated.append(Track(track_id, slot, score, self.frame_id, confirmed, cls))

    def _expire_lost(self, frame: _FrameUpdate) -> None:
        """Stage 5: lost tracks older than the buffer are removed."""
        for track in self.lost:
            if self.frame_id - track.frame_id > self.max_time_lost:
                track.state = TrackState.REMOVED
                frame.removed.append(track)

    # -- matching helpers ------------------------------------------------------------------

    def _assign(self, frame, tracks, cost, threshold, column_set, features=True) -> np.ndarray:
        """Solve one assignment of `tracks` (rows of `cost`) to the detections of the
        frame's `column_set` ("remaining" or "low"), apply the matches and take the matched
        detections out of that set. A detection only continues a track of its own class
        (other pairs cost inf). Returns the unmatched track rows."""
        columns = getattr(frame, column_set)
        classes = _classes(tracks)
        cost = class_gate(cost, classes, frame.detections.classes[columns])
        matches, unmatched_tracks, unmatched_dets = self._solve(cost, classes, threshold)
        matches[:, 1] = columns[matches[:, 1]]
        setattr(frame, column_set, columns[unmatched_dets])
        self._apply_matches(frame, tracks, matches, features)
        return unmatched_tracks

    @staticmethod
    def _solve(cost: np.ndarray, classes: np.ndarray, threshold):
        """`linear_assignment`; with one threshold per class, one assignment per class of
        the rows (their `classes`; other classes' columns cost inf there), merged in row
        order."""
        if not isinstance(threshold, tuple):
            return linear_assignment(cost, threshold)
        matches, unmatched = [np.empty((0, 2), int)], [np.empty(0, int)]
        for cls in np.unique(classes).tolist():
            rows = np.flatnonzero(classes == cls)
            found, left, _ = linear_assignment(cost[rows], threshold[cls])
            matches.append(np.stack([rows[found[:, 0]], found[:, 1]], axis=1))
            unmatched.append(rows[left])
        matches = np.concatenate(matches)
        matches = matches[np.argsort(matches[:, 0], kind="stable")]
        free = np.setdiff1d(np.arange(cost.shape[1]), matches[:, 1])
        return matches, np.sort(np.concatenate(unmatched)), free

    def _apply_matches(self, frame: _FrameUpdate, tracks, matches, features=True) -> None:
        """Kalman-update the matched tracks (and their embeddings unless `features` is
        False), batched over the pairs; a tracked track takes the new score, a re-found one
        keeps its old score (as the original)."""
        if not len(matches):
            return
        matched = [tracks[i] for i in matches[:, 0].tolist()]
        self._correct(matched, matches[:, 1], frame.detections, features)
        for track, score in zip(matched, frame.detections.scores[matches[:, 1]].tolist()):
            if track.state == TrackState.TRACKED:
                track.score = score
                frame.activated.append(track)
            else:
                frame.refound.append(track)
            track.state, track.is_activated = TrackState.TRACKED, True

    def _correct(self, tracks: list, det_index: np.ndarray, dets, features: bool) -> None:
        store, slots = self.store, _slots(tracks)
        scores = dets.scores[det_index] if self.params.nsa_kalman else None
        store.mean[slots], store.covariance[slots] = kalman.update(
            store.mean[slots], store.covariance[slots], dets.xyah[det_index], scores
        )
        if features:
            momentum = self._momentum(dets, det_index)
            smooth = momentum * store.feature[slots] + (1 - momentum) * dets.features[det_index]
            store.set_features(slots, smooth / np.linalg.norm(smooth, axis=1, keepdims=True))
        store.last_tlwh[slots] = dets.tlwh[det_index]
        for track in tracks:
            track.frame_id = self.frame_id

    def _momentum(self, dets: _Detections, det_index: np.ndarray):
        """The embedding EMA momentum: feature_momentum, or with adaptive_momentum one per
        detection (K, 1), rising to 1 (no update) as its score falls to new_track_thres
        (Deep OC-SORT's dynamic appearance)."""
        alpha = self.params.feature_momentum
        if not self.params.adaptive_momentum:
            return alpha
        floor = per_class(self.params.new_track_thres, dets.classes[det_index])
        trust = np.clip((dets.scores[det_index] - floor) / (1.0 - floor), 0.0, 1.0)
        return (alpha + (1.0 - alpha) * (1.0 - trust))[:, None]

    # -- bookkeeping -----------------------------------------------------------------------

    def _commit(self, frame: _FrameUpdate) -> None:
        """Update the track lists in the original's order, then forget what no list refers
        to. Tracks removed in this frame leave the lost list only in the next frame (the
        original subtracts its removed list before adding them to it), and may be found
        again meanwhile."""
        tracked = [t for t in self.tracked if t.state == TrackState.TRACKED]
        self.tracked = _joint(_joint(tracked, frame.activated), frame.refound)
        tracked_ids = {t.track_id for t in self.tracked}
        self.lost = _sub(_sub(self.lost, tracked_ids) + frame.lost, self.removed_ids)
        self.removed_ids.update(t.track_id for t in frame.removed)
        self._remove_duplicates()
        # Free the rows of tracks no list refers to any more: bounded memory.
        live = self.tracked + self.lost
        self.removed_ids &= {t.track_id for t in live}
        live_slots = {t.slot for t in live}
        for track in frame.pool + frame.unconfirmed + frame.removed:
            if track.slot not in live_slots:
                live_slots.add(track.slot)  # free each row once
                self._to_gallery(track)
                self.store.free.append(track.slot)

    def _to_gallery(self, track: Track) -> None:
        """A confirmed track that expired leaves its embedding to the gallery (if on)."""
        if self.gallery is not None and track.state == TrackState.REMOVED and track.is_activated:
            feature = self.store.feature[track.slot].copy()
            tlwh = self.store.last_tlwh[track.slot].copy()
            self.gallery.add(track.track_id, feature, track.cls, track.frame_id, tlwh)

    def _remove_duplicates(self) -> None:
        """Of a tracked and a lost track whose boxes overlap closer than duplicate_thres
        (IoU distance), drop the younger."""
        tracked, lost = self.tracked, self.lost
        if not tracked or not lost:
            return
        distance = iou_distance(self.store.tlbr(_slots(tracked)), self.store.tlbr(_slots(lost)))
        distance = class_gate(distance, _classes(tracked), _classes(lost))
        drop_tracked, drop_lost = set(), set()
        for p, q in np.argwhere(distance < self.params.duplicate_thres).tolist():
            age_p = tracked[p].frame_id - tracked[p].start_frame
            age_q = lost[q].frame_id - lost[q].start_frame
            if age_p > age_q:
                drop_lost.add(q)
            else:
                drop_tracked.add(p)
        self.tracked = [t for i, t in enumerate(tracked) if i not in drop_tracked]
        self.lost = [t for i, t in enumerate(lost) if i not in drop_lost]

    def _output(self) -> FrameTracks:
        out = [t for t in self.tracked if t.is_activated]
        if not out:
            return FrameTracks(np.zeros(0, np.int64), np.zeros((0, 4)), np.zeros(0))
        return FrameTracks(
            ids=np.array([t.track_id for t in out], np.int64),
            tlwh=boxes.xyah_to_tlwh(self.store.mean[_slots(out)]),
            scores=np.array([t.score for t in out]),
            classes=np.array([t.cls for t in out], np.int64),
            features=self.store.feature[_slots(out)].copy(),
        )
