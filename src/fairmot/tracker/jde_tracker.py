"""The JDE/FairMOT online association tracker (SPEC §5), numpy only.

Per frame: predict every tracked and lost track with the Kalman filter; (1) match them to the
detections by embedding cosine distance fused with the Kalman Mahalanobis distance (gated at
the chi-square 95 % quantile), threshold MATCH_THRES_REID; (2) match the remaining tracked
tracks by IoU of the predicted boxes, threshold MATCH_THRES_IOU; optionally (2b, ByteTrack's
second association, off in the paper) match the tracked tracks still left to the low-score
detections (below NEW_TRACK_THRES) by IoU, threshold MATCH_THRES_LOW; (3) match unconfirmed
(one-frame) tracks by IoU, threshold MATCH_THRES_UNCONFIRMED, removing the unmatched; start
tracks from the remaining detections scoring at least NEW_TRACK_THRES; drop lost tracks
after `track_buffer` frames (scaled by frame rate / 30). Decisions, their order and the
numbers follow the original implementation, so the same detections give the same tracks.

Unlike the original, state does not grow with time: removed tracks are forgotten once no
list refers to them, and identities are counted per tracker instance (`reset()` starts at 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import kalman
from .matching import embedding_distance, fuse_motion, iou_distance, linear_assignment

TRACKED, LOST, REMOVED = 1, 2, 3

#: Association modes of the paper's Table 6: (use re-ID, use Kalman motion, use box IoU).
ASSOCIATION_MODES = {
    "iou": (False, False, True),
    "reid": (True, False, False),
    "reid_kf": (True, True, False),
    "reid_kf_iou": (True, True, True),
}


class Track:
    """One track's scalar state; its Kalman mean (8,) and covariance (8, 8) in xyah, smoothed
    unit embedding and last matched box live in the tracker's arrays at row `slot`."""

    __slots__ = ("track_id", "slot", "score", "state", "is_activated", "frame_id", "start_frame")

    def __init__(self, track_id, slot, score, frame_id, activated):
        self.track_id, self.slot, self.score = track_id, slot, score
        self.state = TRACKED
        self.is_activated = activated
        self.frame_id = self.start_frame = frame_id


class _TrackStore:
    """Row-per-track arrays of the live tracks (rows are reused once a track is forgotten,
    so the arrays grow only with the number of tracks alive at once)."""

    def __init__(self):
        self.mean = np.zeros((0, 8))
        self.covariance = np.zeros((0, 8, 8))
        self.feature = None  # (capacity, D), sized by the first embeddings
        self.last_tlwh = np.zeros((0, 4))
        self.free: list = []

    @property
    def capacity(self) -> int:
        return len(self.mean)

    def allocate(self, count: int, dim: int) -> np.ndarray:
        if self.feature is None:
            self.feature = np.zeros((0, dim), np.float32)
        while len(self.free) < count:
            old, new = self.capacity, max(16, 2 * self.capacity)
            self.mean = np.concatenate([self.mean, np.zeros((new - old, 8))])
            self.covariance = np.concatenate([self.covariance, np.zeros((new - old, 8, 8))])
            self.feature = np.concatenate([self.feature, np.zeros((new - old, dim), np.float32)])
            self.last_tlwh = np.concatenate([self.last_tlwh, np.zeros((new - old, 4))])
            self.free.extend(range(new - 1, old - 1, -1))
        return np.array([self.free.pop() for _ in range(count)], dtype=np.int64)

    def tlbr(self, slots: np.ndarray, predicted: bool = True) -> np.ndarray:
        tlwh = kalman.xyah_to_tlwh(self.mean[slots]) if predicted else self.last_tlwh[slots]
        return np.concatenate([tlwh[:, :2], tlwh[:, :2] + tlwh[:, 2:]], axis=1)


@dataclass
class FrameTracks:
    """The tracks a frame reports.

    Attributes:
        ids: (K,) int64 track identities (from 1).
        tlwh: (K, 4) float64 boxes, x y w h in frame pixels.
        scores: (K,) float64 score of each track's last detection.
    """

    ids: np.ndarray
    tlwh: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _joint(a: list, b: list) -> list:
    """a, then the tracks of b whose id is not in a (order kept)."""
    seen = {t.track_id for t in a}
    return a + [t for t in b if t.track_id not in seen and not seen.add(t.track_id)]


def _sub(a: list, b_ids: set) -> list:
    return [t for t in a if t.track_id not in b_ids]


class JDETracker:
    """Online multi-object tracker over detections with appearance embeddings.

    Args:
        frame_rate: frames per second of the sequence (scales the lost-track buffer).
        new_track_thres: minimum detection score to start a track (paper: 0.4).
        track_buffer: frames a lost track is kept at 30 frames/s (paper: 30).
        association: "iou", "reid", "reid_kf" or "reid_kf_iou" (paper default; Table 6).
        motion_lambda: weight of the appearance cost when fused with motion (paper: 0.98).
        feature_momentum: EMA momentum of a track's embedding (paper: 0.9).
        gating_thres: gate on the squared Mahalanobis distance (chi-square 95 %, 4 dof).
        match_thres_reid, match_thres_iou, match_thres_unconfirmed: cost thresholds of the
            three matching stages (paper: 0.4, 0.5, 0.7).
        low_score_matching: when True, detections scoring below `new_track_thres` take part
            only in stage 2b: IoU matching to the tracked tracks that stages 1 and 2 left,
            threshold `match_thres_low` (ByteTrack's second association; it keeps people
            tracked through partial occlusion, where the detector's score drops). Their
            embeddings do not update the tracks' features. False (paper): every detection
            given takes part in every stage.
    """

    def __init__(
        self,
        frame_rate: float = 30.0,
        new_track_thres: float = 0.4,
        track_buffer: int = 30,
        association: str = "reid_kf_iou",
        motion_lambda: float = 0.98,
        feature_momentum: float = 0.9,
        gating_thres: float = kalman.CHI2_95[4],
        match_thres_reid: float = 0.4,
        match_thres_iou: float = 0.5,
        match_thres_unconfirmed: float = 0.7,
        low_score_matching: bool = False,
        match_thres_low: float = 0.5,
    ):
        if association not in ASSOCIATION_MODES:
            raise ValueError(
                f"association must be one of {sorted(ASSOCIATION_MODES)}, got {association!r}"
            )
        self.use_reid, self.use_motion, self.use_iou = ASSOCIATION_MODES[association]
        self.new_track_thres = new_track_thres
        self.max_time_lost = int(frame_rate / 30.0 * track_buffer)
        self.motion_lambda = motion_lambda
        self.momentum = feature_momentum
        self.gating_thres = gating_thres
        self.match_thres_reid = match_thres_reid
        self.match_thres_iou = match_thres_iou
        self.match_thres_unconfirmed = match_thres_unconfirmed
        self.low_score_matching, self.match_thres_low = low_score_matching, match_thres_low
        self.reset()

    def reset(self) -> None:
        """Forget every track; the next identity is 1 and the next frame is frame 1."""
        self.frame_id = 0
        self.next_id = 1
        self.tracked: list = []  # confirmed and unconfirmed tracks, in the original's order
        self.lost: list = []
        self.removed_ids: set = set()  # removed tracks still referenced by a list
        self.store = _TrackStore()

    @property
    def num_live_tracks(self) -> int:
        return len(self.tracked) + len(self.lost)

    # -- state changes ---------------------------------------------------------------------

    def _correct(self, tracks: list, det_index: np.ndarray, dets, features: bool = True) -> None:
        """Kalman-update `tracks` with detections `det_index` (and their embeddings unless
        `features` is False); batch over the pairs."""
        if not tracks:
            return
        store, slots = self.store, _slots(tracks)
        store.mean[slots], store.covariance[slots] = kalman.update(
            store.mean[slots], store.covariance[slots], dets.xyah[det_index]
        )
        if features:
            smooth = (
                self.momentum * store.feature[slots]
                + (1 - self.momentum) * dets.features[det_index]
            )
            store.feature[slots] = smooth / np.linalg.norm(smooth, axis=1, keepdims=True)
        store.last_tlwh[slots] = dets.tlwh[det_index]
        for track in tracks:
            track.frame_id = self.frame_id

    def _apply_matches(self, tracks, matches, dets, activated, refound, features=True) -> None:
        if not len(matches):
            return
        matched = [tracks[i] for i in matches[:, 0].tolist()]
        self._correct(matched, matches[:, 1], dets, features)
        scores = dets.scores[matches[:, 1]].tolist()
        for track, score in zip(matched, scores):
            if track.state == TRACKED:
                track.score = score  # a re-found track keeps its old score
                activated.append(track)
            else:
                refound.append(track)
            track.state, track.is_activated = TRACKED, True

    # -- one frame -------------------------------------------------------------------------

    def update(self, dets_tlbr_score: np.ndarray, features: np.ndarray) -> FrameTracks:
        """Associate one frame's detections.

        Args:
            dets_tlbr_score: (N, 5) x1 y1 x2 y2 score, frame pixels (already thresholded).
            features: (N, D) embeddings (normalised here).

        Returns:
            The confirmed tracks of this frame.
        """
        self.frame_id += 1
        dets = _Detections(dets_tlbr_score, features)
        activated, refound, newly_lost, removed = [], [], [], []

        unconfirmed = [t for t in self.tracked if not t.is_activated]
        confirmed = [t for t in self.tracked if t.is_activated]
        pool = _joint(confirmed, self.lost)
        store, pool_slots = self.store, _slots(pool)
        if pool:
            means = store.mean[pool_slots]
            means[[t.state != TRACKED for t in pool], 7] = 0  # lost: no height velocity
            means, covs = kalman.predict(means, store.covariance[pool_slots])
            store.mean[pool_slots], store.covariance[pool_slots] = means, covs

        if self.low_score_matching:
            low = np.flatnonzero(dets.scores < self.new_track_thres)
            high = np.flatnonzero(dets.scores >= self.new_track_thres)
        else:
            low, high = np.zeros(0, np.int64), np.arange(len(dets))

        # Stage 1: appearance (+ motion), or IoU alone.
        if self.use_reid:
            cost = embedding_distance(
                store.feature[pool_slots] if pool else np.zeros((0, dets.features.shape[1])),
                dets.features[high],
            )
            if self.use_motion and pool and len(high):
                gating = kalman.gating_distance(means, covs, dets.xyah[high])
                cost = fuse_motion(cost, gating, self.gating_thres, self.motion_lambda)
            threshold = self.match_thres_reid
        else:
            predicted = store.tlbr(pool_slots, predicted=self.use_motion)
            cost = iou_distance(predicted, dets.tlbr[high])
            threshold = self.match_thres_iou
        matches, unmatched_tracks, remaining = linear_assignment(cost, threshold)
        matches[:, 1], remaining = high[matches[:, 1]], high[remaining]
        self._apply_matches(pool, matches, dets, activated, refound)

        # Stage 2: IoU of the still-unmatched tracked tracks.
        candidates = [pool[i] for i in unmatched_tracks.tolist() if pool[i].state == TRACKED]
        if self.use_reid and self.use_iou and candidates and len(remaining):
            cost = iou_distance(store.tlbr(_slots(candidates)), dets.tlbr[remaining])
            matches, unmatched, left = linear_assignment(cost, self.match_thres_iou)
            matches[:, 1] = remaining[matches[:, 1]]
            self._apply_matches(candidates, matches, dets, activated, refound)
            candidates, remaining = [candidates[i] for i in unmatched], remaining[left]
        # Stage 2b (optional): IoU of the tracked tracks still left with low-score detections.
        if candidates and len(low):
            cost = iou_distance(store.tlbr(_slots(candidates)), dets.tlbr[low])
            matches, unmatched, _ = linear_assignment(cost, self.match_thres_low)
            matches[:, 1] = low[matches[:, 1]]
            self._apply_matches(candidates, matches, dets, activated, refound, features=False)
            candidates = [candidates[i] for i in unmatched]
        for track in candidates:
            track.state = LOST
            newly_lost.append(track)

        # Stage 3: unconfirmed tracks by IoU; unmatched ones are dropped.
        if unconfirmed:
            cost = iou_distance(store.tlbr(_slots(unconfirmed)), dets.tlbr[remaining])
            matches, unmatched, left = linear_assignment(cost, self.match_thres_unconfirmed)
            matches[:, 1] = remaining[matches[:, 1]]
            self._apply_matches(unconfirmed, matches, dets, activated, refound)
            for i in unmatched.tolist():
                unconfirmed[i].state = REMOVED
                removed.append(unconfirmed[i])
            remaining = remaining[left]

        # New tracks from confident leftovers (confirmed at once only in the first frame).
        new = remaining[dets.scores[remaining] >= self.new_track_thres]
        if len(new):
            slots = store.allocate(len(new), dets.features.shape[1])
            store.mean[slots], store.covariance[slots] = kalman.initiate(dets.xyah[new])
            store.feature[slots] = dets.features[new]
            store.last_tlwh[slots] = dets.tlwh[new]
            for slot, d in zip(slots, new):
                activated.append(
                    Track(
                        self.next_id,
                        int(slot),
                        float(dets.scores[d]),
                        self.frame_id,
                        activated=self.frame_id == 1,
                    )
                )
                self.next_id += 1

        for track in self.lost:
            if self.frame_id - track.frame_id > self.max_time_lost:
                track.state = REMOVED
                removed.append(track)

        # Bookkeeping in the original's order. Tracks removed in this frame leave the lost
        # list only in the next frame (the original subtracts its removed list before adding
        # them to it), and may be found again meanwhile.
        self.tracked = [t for t in self.tracked if t.state == TRACKED]
        self.tracked = _joint(_joint(self.tracked, activated), refound)
        tracked_ids = {t.track_id for t in self.tracked}
        self.lost = _sub(self.lost, tracked_ids) + newly_lost
        self.lost = _sub(self.lost, self.removed_ids)
        self.removed_ids.update(t.track_id for t in removed)
        self.tracked, self.lost = _remove_duplicates(store, self.tracked, self.lost)
        # Forget tracks no list refers to any more (their rows are reused): bounded memory.
        live = self.tracked + self.lost
        self.removed_ids &= {t.track_id for t in live}
        live_slots = {t.slot for t in live}
        for track in pool + unconfirmed + removed:
            if track.slot not in live_slots:
                live_slots.add(track.slot)  # free each row once
                store.free.append(track.slot)

        out = [t for t in self.tracked if t.is_activated]
        if not out:
            return FrameTracks(np.zeros(0, np.int64), np.zeros((0, 4)), np.zeros(0))
        return FrameTracks(
            ids=np.array([t.track_id for t in out], np.int64),
            tlwh=kalman.xyah_to_tlwh(store.mean[_slots(out)]),
            scores=np.array([t.score for t in out]),
        )


class _Detections:
    """One frame's detections in the forms the stages use."""

    def __init__(self, dets_tlbr_score: np.ndarray, features: np.ndarray):
        dets = np.asarray(dets_tlbr_score).reshape(-1, 5)
        features = np.asarray(features, dtype=np.float32)
        features = features.reshape(len(dets), features.shape[-1] if features.ndim > 1 else -1)
        if len(features) != len(dets):
            raise ValueError(f"{len(dets)} detections but {len(features)} embeddings")
        tlwh = dets[:, :4].copy()
        tlwh[:, 2:] -= tlwh[:, :2]  # in the detections' precision, as the original
        self.tlwh = tlwh.astype(np.float64)
        self.tlbr = np.concatenate([self.tlwh[:, :2], self.tlwh[:, :2] + self.tlwh[:, 2:]], 1)
        self.xyah = kalman.tlwh_to_xyah(self.tlwh)
        self.scores = dets[:, 4].astype(np.float64)
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        self.features = features / np.where(norms > 0, norms, 1)

    def __len__(self) -> int:
        return len(self.scores)


def _slots(tracks: list) -> np.ndarray:
    return np.fromiter((t.slot for t in tracks), dtype=np.int64, count=len(tracks))


def _remove_duplicates(store: _TrackStore, tracked: list, lost: list):
    """Of a tracked and a lost track overlapping with IoU > 0.85, drop the younger."""
    if not tracked or not lost:
        return tracked, lost
    close = np.argwhere(iou_distance(store.tlbr(_slots(tracked)), store.tlbr(_slots(lost))) < 0.15)
    drop_tracked, drop_lost = set(), set()
    for p, q in close:
        age_p = tracked[p].frame_id - tracked[p].start_frame
        age_q = lost[q].frame_id - lost[q].start_frame
        if age_p > age_q:
            drop_lost.add(q)
        else:
            drop_tracked.add(p)
    return (
        [t for i, t in enumerate(tracked) if i not in drop_tracked],
        [t for i, t in enumerate(lost) if i not in drop_lost],
    )
