"""Cross-camera association (fairmot.tracker.multicam): gates, offline clustering and the
online gallery on hand-built tracklets."""

import numpy as np
import pytest

from fairmot.tracker import FrameTracks
from fairmot.tracker.multicam import (
    CrossCameraParams,
    OnlineCrossCamera,
    Tracklet,
    TrackletRecorder,
    cluster_tracklets,
    pair_evidence,
)

PARAMS = CrossCameraParams(
    appearance_thres=0.3,
    min_frames=3,
    max_gap=20.0,
    max_speed=2.0,
    position_slack=1.0,
    overlap_distance=1.0,
)


def unit(*values):
    v = np.asarray(values, np.float32)
    return v / np.linalg.norm(v)


def tracklet(camera, track_id, start, end, feature, ground=None, rate=1.0):
    frames = np.arange(start, end + 1)
    g = None if ground is None else np.asarray(ground, np.float64).reshape(-1, 2)
    if g is not None and len(g) == 2:  # from a start to an end position
        g = np.linspace(g[0], g[1], len(frames))
    return Tracklet(camera, track_id, frames / rate, frames, unit(*feature), g)


def test_gates_same_camera_overlap_and_transit():
    a = tracklet("c1", 1, 1, 10, (1, 0), [(0, 0), (9, 0)])
    # Same camera: no evidence, and overlapping in time a cannot-link.
    assert pair_evidence(a, tracklet("c1", 2, 12, 20, (1, 0)), PARAMS) == (np.inf, False)
    assert pair_evidence(a, tracklet("c1", 2, 5, 20, (1, 0)), PARAMS)[1]
    # Another camera 4 s later 7 m on: 7 <= 2 m/s * 4 s + 1 -> evidence, distance 0.
    distance, cannot = pair_evidence(
        a, tracklet("c2", 1, 14, 20, (1, 0), [(16, 0), (20, 0)]), PARAMS
    )
    assert distance == pytest.approx(0.0, abs=1e-6) and not cannot
    # 12 m on in 4 s: too fast to walk -> a cannot-link.
    assert pair_evidence(a, tracklet("c2", 1, 14, 20, (1, 0), [(21, 0), (25, 0)]), PARAMS)[1]
    # Seen at once by two cameras at one place: evidence; 5 m apart: two people.
    near = tracklet("c2", 3, 5, 15, (0, 1), [(4.5, 0.5), (14.5, 0.5)])
    assert pair_evidence(a, near, PARAMS) == (pytest.approx(1.0), False)
    far = tracklet("c2", 3, 5, 15, (1, 0), [(4, 5), (14, 5)])
    assert pair_evidence(a, far, PARAMS)[1]
    # Beyond max_gap: no evidence, but no cannot-link either; no calibration: appearance.
    assert pair_evidence(a, tracklet("c2", 1, 40, 50, (1, 0)), PARAMS) == (np.inf, False)
    assert pair_evidence(
        tracklet("c1", 1, 1, 10, (1, 0)), tracklet("c2", 1, 5, 9, (1, 0.2)), PARAMS
    )[0] == pytest.approx(1 - unit(1, 0.2)[0], abs=1e-6)


def test_offline_clusters_across_cameras_never_across_a_cannot_link():
    person, other = (1.0, 0.1, 0.0), (0.0, 1.0, 0.1)
    tracklets = [
        # A person walking at 1 m/s through c1, then c2, then back in c1 (joined through c2).
        tracklet("c1", 1, 1, 20, person, [(0, 0), (19, 0)]),
        tracklet("c2", 1, 25, 40, (1.0, 0.15, 0), [(24, 0), (39, 0)]),
        tracklet("c1", 2, 45, 60, (1.0, 0.15, 0), [(44, 0), (59, 0)]),
        tracklet("c2", 2, 10, 30, other, [(80, 0), (80, 0)]),  # someone else
        # A look-alike standing 50 m away while the person walks through c1 and c2: close
        # in appearance to every sight of the person, and joined to none (cannot-links).
        tracklet("c3", 1, 5, 30, (1.0, 0.12, 0.05), [(50, 5), (50, 5)]),
    ]
    labels = cluster_tracklets(tracklets, PARAMS)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[0], labels[3], labels[4]}) == 3
    # Numbered by first appearance: c1's person at t=1 is 1, c3's at 5 is 2, c2's other 3.
    assert labels.tolist() == [1, 1, 1, 3, 2]


def test_one_camera_keeps_its_tracks_and_short_tracklets_stay_alone():
    same = [tracklet("c1", k, 10 * k, 10 * k + 5, (1, 0)) for k in range(1, 4)]
    assert len(set(cluster_tracklets(same, PARAMS).tolist())) == 3
    short = [tracklet("c1", 1, 1, 10, (1, 0)), tracklet("c2", 1, 12, 13, (1, 0))]
    assert len(set(cluster_tracklets(short, PARAMS).tolist())) == 2
    assert cluster_tracklets([], PARAMS).tolist() == []


def frame(ids, features, boxes=None):
    n = len(ids)
    boxes = np.tile([10.0, 10, 20, 40], (n, 1)) if boxes is None else boxes
    return FrameTracks(
        np.asarray(ids), boxes, np.ones(n), features=np.asarray(features, np.float32)
    )


def test_the_recorder_averages_each_tracks_embeddings():
    recorder = TrackletRecorder("c1", frame_rate=10)
    recorder.add(1, frame([4, 2], [unit(1, 0), unit(0, 1)]), ground=[[0, 0], [1, 1]])
    recorder.add(2, frame([4], [unit(0, 1)]), ground=[[0.5, 0]])
    two, four = recorder.tracklets()
    assert (two.track_id, four.track_id) == (2, 4)
    np.testing.assert_allclose(four.feature, unit(1, 1), atol=1e-6)
    np.testing.assert_allclose(four.times, [0.1, 0.2])
    np.testing.assert_allclose(four.ground, [[0, 0], [0.5, 0]])


def test_online_gives_a_person_entering_another_camera_its_identity():
    online = OnlineCrossCamera(["c1", "c2"], PARAMS)
    person, other = unit(1, 0.05), unit(0.05, 1)
    for t in range(1, 6):  # c1 sees two people
        ids = online.update("c1", float(t), t, frame([7, 8], [person, other]))
    assert ids.tolist() == [1, 2]
    # Person 7 walks into c2 (local id 1) after c1 lost it; someone new (local 2) too.
    ids = online.update("c2", 8.0, 8, frame([1, 2], [person, unit(1, -1)]))
    assert ids.tolist() == [1, 3]
    # Identity 2 is still on screen in c1: a c1 newcomer looking like it is someone else.
    assert online.update("c1", 9.0, 9, frame([8, 9], [other, other])).tolist() == [2, 4]


def test_online_with_one_camera_writes_the_trackers_ids():
    online = OnlineCrossCamera(["solo"], PARAMS)
    assert online.update("solo", 0.1, 1, frame([5, 9], [unit(1, 0), unit(0, 1)])).tolist() == [5, 9]
    with pytest.raises(ValueError, match="must differ"):
        OnlineCrossCamera(["a", "a"], PARAMS)


def test_online_memory_stays_bounded_on_a_live_feed():
    online = OnlineCrossCamera(["c1", "c2"], PARAMS)  # max_gap 20 s
    rng = np.random.default_rng(0)
    for t in range(1, 3001):  # 50 minutes at 1 frame/s: one person always on c1, and on
        # c2 a new person every 10 s (each a new identity, forgotten 20 s after it left)
        online.update("c1", float(t), t, frame([1], [unit(1, 0, 0)]))
        ids = online.update("c2", float(t), t, frame([100 + t // 10], [unit(*rng.normal(size=3))]))
    assert ids[0] > 200  # identities keep their numbers, never reused
    assert len(online.identities) <= 6 and len(online._local) <= 6
    (part,) = (p for i in online.identities for p in i.parts.values() if p.camera == "c1")
    assert len(part.times) == OnlineCrossCamera.HISTORY and part.start == 1.0 and part.end == 3000.0


def test_online_never_writes_one_identity_twice_in_a_frame():
    online = OnlineCrossCamera(["c1", "c2"], PARAMS)
    person = unit(1, 0)
    for t in (1, 2, 3):
        online.update("c2", float(t), t, frame([3], [person]))  # seen in c2 first
    assert online.update("c1", 4.0, 4, frame([5], [person])).tolist() == [1]
    # c1's tracker loses track 5; a new track 8 takes identity 1 (through c2) ...
    assert online.update("c1", 6.0, 6, frame([8], [person])).tolist() == [1]
    # ... and then finds track 5 again beside it: the younger one (8) takes a new identity.
    assert online.update("c1", 7.0, 7, frame([5, 8], [person, person])).tolist() == [1, 2]
    assert online.update("c1", 8.0, 8, frame([8], [person])).tolist() == [2]


def test_the_overlap_gate_compares_cameras_of_other_frame_rates():
    # One walk (1 m/s east) seen at 10 frames/s by c1 and at 4 frames/s by c2: no common
    # time stamps but 1.0 s, 1.5 s, ...; c1's positions are interpolated at c2's times.
    a = tracklet("c1", 1, 10, 60, (1, 0), [(1, 0), (6, 0)], rate=10.0)
    same = tracklet("c2", 1, 5, 20, (1, 0), [(1.25, 0), (5.0, 0)], rate=4.0)
    assert pair_evidence(a, same, PARAMS)[1] is False
    apart = tracklet("c2", 1, 5, 20, (1, 0), [(1.25, 4), (5.0, 4)], rate=4.0)  # 4 m away
    assert pair_evidence(a, apart, PARAMS)[1] is True
