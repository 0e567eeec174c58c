"""The tracker against the original's replay, its association modes, and bounded memory."""

import gc
import resource

import numpy as np
import pytest

from fairmot.config import get_cfg, load_cfg
from fairmot.tracker import (
    FrameTracks,
    JDETracker,
    OutputFilter,
    TrackerParams,
    TrackState,
    build_tracker,
    degenerate_detections,
    keep_for_output,
)
from tests import reference as fixtures
from tests.reference import needs_reference


@pytest.fixture(scope="module")
def scene():
    data = fixtures.load("tracker_scene_stream")
    frames = int(data["num_frames"])
    return [
        (
            data[f"frame{f:06d}_dets"],
            data[f"frame{f:06d}_feats"].astype(np.float32),
            data[f"frame{f:06d}_truth"],
        )
        for f in range(1, frames + 1)
    ]


def replay(scene, **kwargs):
    tracker = JDETracker(TrackerParams(**kwargs))
    rows = []
    for frame, (dets, feats, _) in enumerate(scene, start=1):
        out = tracker.update(dets, feats)
        keep = keep_for_output(out.tlwh, min_area=100, max_aspect=1.6)
        rows += [[frame, i, *box] for i, box in zip(out.ids[keep], out.tlwh[keep])]
    return np.array(rows)


@needs_reference
def test_reproduces_the_original_tracker(scene):
    reference = fixtures.official_tracks()
    ours = replay(scene)
    assert ours.shape[0] == reference.shape[0]
    ours = ours[np.lexsort((ours[:, 1], ours[:, 0]))]
    reference = reference[np.lexsort((reference[:, 1], reference[:, 0]))]
    np.testing.assert_array_equal(ours[:, :2], reference[:, :2])  # same frames, same ids
    np.testing.assert_allclose(ours[:, 2:6], reference[:, 2:6], rtol=0, atol=1e-3)


def identity_switches(scene, rows) -> int:
    """Switches of the track id matched (IoU >= 0.5, Hungarian) to each true person."""
    import motmetrics as mm

    from fairmot.tracker.matching import iou_matrix

    def tlbr(tlwh):
        return np.c_[tlwh[:, :2], tlwh[:, :2] + tlwh[:, 2:]]

    acc = mm.MOTAccumulator(auto_id=True)
    for frame, (_, _, truth) in enumerate(scene, start=1):
        hyp = rows[rows[:, 0] == frame] if len(rows) else np.zeros((0, 6))
        dist = 1 - iou_matrix(tlbr(truth[:, 2:6]), tlbr(hyp[:, 2:6]))
        dist[dist > 0.5] = np.nan
        acc.update(truth[:, 1].astype(int), hyp[:, 1].astype(int), dist)
    summary = mm.metrics.create().compute(acc, metrics=["num_switches"])
    return int(summary["num_switches"].iloc[0])


@needs_reference
def test_association_modes(scene):
    switches = {
        mode: identity_switches(scene, replay(scene, association=mode))
        for mode in ("iou", "reid", "reid_kf", "reid_kf_iou")
    }
    # Appearance is what keeps identities through the crossings of this scene.
    assert switches["iou"] > 2 * switches["reid_kf_iou"]
    assert switches["reid_kf_iou"] <= switches["reid"]
    with pytest.raises(ValueError, match="association must be one of"):
        TrackerParams(association="kalman")


def test_low_score_matching_keeps_an_occluded_person_tracked():
    """A person walking right whose score drops to 0.2 (occluded) for frames 4-6, and a
    stray low-score box far away: ByteTrack's second association keeps the person's track
    through the drop without starting a track for the stray box or touching the embedding."""
    feature, occluded_view = np.eye(8, dtype=np.float32)[:2]

    def frame(t):
        occluded = 4 <= t <= 6
        person = [100 + 5 * t, 100, 150 + 5 * t, 220, 0.2 if occluded else 0.9]
        view = occluded_view if occluded else feature
        return np.array([person, [600, 300, 640, 380, 0.2]]), np.stack([view, -feature])

    def run(**kwargs):
        tracker = JDETracker(TrackerParams(**kwargs))
        outputs = [tracker.update(*frame(t)) for t in range(1, 11)]
        return tracker, outputs

    tracker, with_low = run(low_score_matching=True)
    assert [o.ids.tolist() for o in with_low] == [[1]] * 10
    occluded = with_low[4].tlwh[0]  # frame 5: the Kalman box after the low-score update
    np.testing.assert_allclose(occluded[:2], [125, 100], atol=1.0)
    np.testing.assert_allclose(tracker.store.feature[tracker.tracked[0].slot], feature)
    # Without it, the 0.2 boxes take part in every stage like any other: the person's track
    # follows them, and the stray box becomes a candidate whenever it is left over but may
    # not start a track (below NEW_TRACK_THRES).
    _, plain = run()
    assert [o.ids.tolist() for o in plain] == [[1]] * 10
    # With the low boxes removed (what the paper's decode threshold does), the track is lost
    # during the drop and output again only when found.
    tracker = JDETracker()
    ids = []
    for t in range(1, 11):
        dets, feats = frame(t)
        keep = dets[:, 4] >= 0.4
        ids.append(tracker.update(dets[keep], feats[keep]).ids.tolist())
    assert ids[3:6] == [[], [], []] and ids[6] == [1]


def test_build_tracker_reads_the_config():
    cfg = get_cfg()
    cfg.TRACKER.TRACK_BUFFER, cfg.TRACKER.ASSOCIATION = 60, "reid"
    cfg.TRACKER.LOW_SCORE_MATCHING, cfg.TRACKER.MATCH_THRES_LOW = True, 0.6
    cfg.TRACKER.DUPLICATE_THRES = 0.2
    tracker = build_tracker(cfg.TRACKER, frame_rate=15)
    assert tracker.max_time_lost == 30 and tracker.use_reid and not tracker.use_motion
    assert tracker.params.low_score_matching and tracker.params.match_thres_low == 0.6
    assert tracker.params.duplicate_thres == 0.2
    with pytest.raises(AttributeError):  # frozen: one object of thresholds per tracker
        tracker.params.match_thres_iou = 0.9


def test_duplicate_of_a_lost_track_is_dropped_by_the_named_threshold():
    """A person seen for 5 frames, missed once, then detected in place with another
    embedding: a second track starts there, and it and the lost first track are one object
    twice (IoU ~1). The younger (the new one) is dropped, unless DUPLICATE_THRES is 0."""
    box = np.array([[100.0, 100, 150, 220, 0.9]])
    first, second = np.eye(8, dtype=np.float32)[:2, None]

    def run(**kwargs):
        tracker = JDETracker(TrackerParams(**kwargs))
        for t in range(1, 9):
            if t == 6:
                tracker.update(np.zeros((0, 5)), np.zeros((0, 8), np.float32))
            else:
                out = tracker.update(box, first if t < 6 else second)
        lost = [(t.track_id, t.state) for t in tracker.lost]
        return out.ids.tolist(), lost

    assert run() == ([], [(1, TrackState.LOST)])
    assert run(duplicate_thres=0.0) == ([2], [(1, TrackState.LOST)])


@needs_reference
def test_ids_restart_after_reset_and_empty_frames_work(scene):
    tracker = JDETracker()
    first = tracker.update(*scene[0][:2])
    assert first.ids.min() == 1
    empty = tracker.update(np.zeros((0, 5), np.float32), np.zeros((0, 128), np.float32))
    assert len(empty) == 0 and tracker.num_live_tracks == len(first)  # all lost, kept
    again = tracker.update(*scene[0][:2])
    assert sorted(again.ids.tolist()) == sorted(first.ids.tolist())  # found again
    tracker.reset()
    assert tracker.update(*scene[0][:2]).ids.tolist() == first.ids.tolist()


@pytest.mark.slow
@pytest.mark.parametrize("gallery", [False, True])
def test_memory_stays_flat_on_an_endless_stream(gallery):
    """40,000 frames of churn (thousands of people appear for a while and vanish for good):
    the tracker's lists, its embedding store and, with the long-term gallery on, the gallery
    stay within their bounds, and neither the live Python objects nor the resident memory
    grow after warm-up (a leaked track would leave several objects behind)."""
    rng = np.random.default_rng(0)
    tracker = JDETracker(TrackerParams(track_buffer=30, reid_gallery=gallery, gallery_size=50))
    people = {}  # id -> (box, feature, frames left)
    next_person = 0
    sizes, rss, objects = [], [], []
    for frame in range(40_000):
        while len(people) < 6:
            box = rng.uniform([0, 0], [1800, 900])
            people[next_person] = [
                np.r_[box, box + [40, 100]],
                rng.normal(size=16),
                int(rng.integers(5, 60)),
            ]
            next_person += 1
        dets = np.array([np.r_[p[0] + rng.normal(0, 1, 4), 0.9] for p in people.values()])
        feats = np.array([p[1] for p in people.values()], np.float32)
        tracker.update(dets, feats)
        for key in list(people):
            people[key][2] -= 1
            if people[key][2] == 0:
                del people[key]
        if frame % 4_000 == 0:
            sizes.append(
                (tracker.num_live_tracks, tracker.store.capacity, len(tracker.removed_ids))
            )
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            gc.collect()
            objects.append(len(gc.get_objects()))
    assert tracker.next_id > 5_000  # real churn happened
    assert tracker.gallery is None or len(tracker.gallery) <= 50
    assert max(s[0] for s in sizes) < 100 and max(s[1] for s in sizes) <= 256
    assert max(s[2] for s in sizes) < 100
    assert max(objects[2:]) - objects[1] < 500, objects  # thousands of tracks came and went
    assert rss[-1] - rss[1] < 20_000  # kB: no growth after warm-up


def test_degenerate_detections_are_named_and_the_tracker_refuses_non_finite_input():
    dets = np.array(
        [
            [10, 10, 50, 90, 0.9],  # fine
            [10, 10, 10, 90, 0.9],  # zero width
            [10, 10, 50, 5, 0.9],  # negative height
            [np.nan, 10, 50, 90, 0.9],  # non-finite box
            [10, 10, 50, 90, np.inf],  # non-finite score
            [10, 10, 50, 90, 0.9],  # zero embedding
            [10, 10, 50, 90, 0.9],  # non-finite embedding
        ]
    )
    feats = np.ones((7, 4), np.float32)
    feats[5], feats[6, 2] = 0, np.nan
    assert degenerate_detections(dets, feats).tolist() == [False] + [True] * 6
    assert degenerate_detections(np.zeros((0, 5)), np.zeros((0,))).shape == (0,)
    with pytest.raises(ValueError, match="3 of 7 detections have non-finite"):
        JDETracker().update(dets, feats)


def crossing_classes(frames: int = 40, swap_embeddings: bool = True):
    """A person walking right and a car driving left through each other on the same row,
    with identical embeddings (the worst case for appearance): (dets, feats, classes)."""
    stream = []
    feature = np.ones((2, 8), np.float32)
    for t in range(frames):
        person = [100.0 + 6 * t, 200, 140 + 6 * t, 300, 0.9]
        car = [400.0 - 6 * t, 200, 440 - 6 * t, 300, 0.9]
        stream.append((np.array([person, car]), feature, np.array([0, 1])))
    return stream


def test_a_detection_only_continues_a_track_of_its_own_class():
    tracker = JDETracker()
    classes_of = {}
    for dets, feats, classes in crossing_classes():
        out = tracker.update(dets, feats, classes)
        for track_id, cls in zip(out.ids.tolist(), out.classes.tolist()):
            classes_of.setdefault(track_id, set()).add(cls)
    assert classes_of == {1: {0}, 2: {1}}  # two ids, unique across classes, never switching


def test_a_car_never_continues_a_lost_person_s_track():
    """A person stands at one place for 10 frames and is hidden; a car with the same
    embedding stops there: without classes it takes the person's identity."""
    box, feats = np.array([[100.0, 100, 150, 220, 0.9]]), np.ones((1, 8), np.float32)

    def last(classes):
        tracker = JDETracker()
        for t in range(14):
            if t == 10:
                tracker.update(np.zeros((0, 5)), np.zeros((0, 8), np.float32))
            else:
                out = tracker.update(box, feats, None if classes is None else classes[t >= 10])
        return out.ids.tolist(), out.classes.tolist()

    assert last(None) == ([1], [0])  # the car continues track 1
    assert last([np.array([0]), np.array([1])]) == ([2], [1])


def test_one_class_given_or_not_gives_the_same_tracks():
    rng = np.random.default_rng(5)
    with_classes, without = JDETracker(), JDETracker()
    for _ in range(60):
        n = int(rng.integers(0, 12))
        xy = rng.uniform(0, 800, (n, 2))
        dets = np.c_[xy, xy + rng.uniform(20, 80, (n, 2)), rng.uniform(0.3, 1, n)]
        feats = rng.normal(size=(n, 16)).astype(np.float32)
        a = with_classes.update(dets, feats, np.zeros(n, np.int64))
        b = without.update(dets, feats)
        np.testing.assert_array_equal(a.ids, b.ids)
        np.testing.assert_array_equal(a.tlwh, b.tlwh)
        assert (a.classes == 0).all()


def test_duplicates_are_only_looked_for_within_a_class():
    """A lost person and a new car in the same place are two objects, not one twice."""
    box = np.array([[100.0, 100, 150, 220, 0.9]])
    feats = np.eye(8, dtype=np.float32)[:1]
    tracker = JDETracker()
    for t in range(1, 9):
        if t == 6:
            tracker.update(np.zeros((0, 5)), np.zeros((0, 8), np.float32))
        elif t < 6:
            tracker.update(box, feats, np.array([0]))
        else:
            out = tracker.update(box, np.eye(8, dtype=np.float32)[1:2], np.array([1]))
    assert out.ids.tolist() == [2] and out.classes.tolist() == [1]
    assert [(t.track_id, t.cls) for t in tracker.lost] == [(1, 0)]


def test_thresholds_per_class():
    """TRACKER keys taking one value per class: a person and a car with the same scores and
    the same motion meet different thresholds."""
    person = np.array([10.0, 10, 50, 110, 0.6])
    car = np.array([300.0, 10, 340, 110, 0.6])
    feats = np.eye(2, 8, dtype=np.float32)
    params = TrackerParams(new_track_thres=(0.4, 0.8))
    out = JDETracker(params).update(np.stack([person, car]), feats, np.array([0, 1]))
    assert out.classes.tolist() == [0]  # the car scored below its class's 0.8
    # IoU-only association, IoU ~0.67 between frames (cost 0.33): matched under 0.5, not 0.1.
    params = TrackerParams(association="iou", match_thres_iou=(0.5, 0.1))
    tracker = JDETracker(params)
    for step in range(3):
        shift = np.array([8.0 * step, 0, 8.0 * step, 0, 0])
        out = tracker.update(np.stack([person, car]) + shift, feats, np.array([0, 1]))
    ids = dict(zip(out.classes.tolist(), out.ids.tolist()))
    assert ids[0] == 1  # the person kept its id under 0.5
    assert ids[1] == 3 and [t.track_id for t in tracker.lost] == [2]  # the car lost its id
    wide = np.array([[0, 0, 100, 40], [0, 0, 100, 40]], float)
    tracks = FrameTracks(np.array([1, 2]), wide, np.ones(2), np.array([0, 1]))
    kept = OutputFilter(min_area=100.0, max_aspect=(1.6, 0.0))(tracks)
    assert kept.ids.tolist() == [2]  # a wide person is dropped, a wide car kept
    two = ["MODEL.NUM_CLASSES", "2", "DATA.CLASSES", "[0, 1]", "DATA.CLASS_NAMES", "['a', 'b']"]
    thresholds = ["TRACKER.MAX_ASPECT", "[1.6, 0]", "TRACKER.NEW_TRACK_THRES", "[0.4, 0.6]"]
    cfg = load_cfg(None, two + thresholds)
    assert OutputFilter.from_config(cfg.TRACKER).max_aspect == (1.6, 0.0)
    assert TrackerParams.from_config(cfg.TRACKER).new_track_thres == (0.4, 0.6)


def hidden_and_back(hidden: int, params: TrackerParams, back_feature=None, back_class=0):
    """A person seen for 20 frames at 30 frames/s, hidden for `hidden` frames, then seen
    again elsewhere for 5 frames; the ids of the last frame."""
    feature = np.eye(8, dtype=np.float32)[:1]
    tracker = JDETracker(params, frame_rate=30)
    for t in range(20):
        tracker.update(np.array([[100.0 + 2 * t, 100, 140 + 2 * t, 220, 0.9]]), feature, [0])
    for _ in range(hidden):
        tracker.update(np.zeros((0, 5)), np.zeros((0, 8), np.float32))
    back = feature if back_feature is None else back_feature
    for _ in range(5):
        out = tracker.update(np.array([[400.0, 120, 440, 240, 0.9]]), back, [back_class])
    return out.ids.tolist()


def test_the_gallery_gives_a_returning_person_their_identity_back():
    hidden = 90  # 3 s: longer than the 1 s buffer
    assert hidden_and_back(hidden, TrackerParams()) == [2]  # the paper's tracker: a new id
    gallery = TrackerParams(reid_gallery=True, gallery_seconds=10.0)
    assert hidden_and_back(hidden, gallery) == [1]
    assert hidden_and_back(hidden, gallery, back_class=1) == [2]  # another class: no
    other = np.eye(8, dtype=np.float32)[1:2]
    assert hidden_and_back(hidden, gallery, back_feature=other) == [2]  # someone else
    brief = TrackerParams(reid_gallery=True, gallery_seconds=2.0)
    assert hidden_and_back(hidden, brief) == [2]  # away longer than the gallery keeps them


def test_gallery_entries_are_bounded_and_leave_when_revived():
    from fairmot.tracker.gallery import Gallery

    gallery = Gallery(size=3, max_frames=100, threshold=0.3)
    codes = np.eye(4, 8, dtype=np.float32)
    for k in range(4):  # the oldest (id 1) leaves when the fourth arrives
        gallery.add(k + 1, codes[k], cls=0, frame=10 * k, tlwh=[k, 0, 10, 20])
    assert gallery.ids.tolist() == [2, 3, 4] and gallery.boxes[:, 0].tolist() == [1, 2, 3]
    found = gallery.revive(codes[[3, 0]], np.array([0, 0]), frame=50)
    assert found.tolist() == [4, -1] and gallery.ids.tolist() == [2, 3]
    assert gallery.revive(codes[[1]], np.array([0]), frame=200).tolist() == [-1]  # too old
    assert len(gallery) == 0


def test_remembered_embeddings_recognise_a_person_whose_look_changed():
    """A person seen as view A for 10 frames, then as view B for 20 (the smoothed embedding
    drifts to B), missed for 3 frames, then seen again as A a little further on. The
    smoothed embedding alone no longer matches A (a new identity); with a feature budget the
    least distance to the remembered embeddings does (StrongSORT's metric). (Duplicate
    removal off in both, so that the new track is not dropped as the lost one's twin.)"""
    view_a, view_b = np.eye(8, dtype=np.float32)[:2, None]

    def run(**kwargs):
        tracker = JDETracker(TrackerParams(duplicate_thres=0.0, **kwargs))
        ids = []
        for t in range(1, 37):
            if 31 <= t <= 33:
                out = tracker.update(np.zeros((0, 5)), np.zeros((0, 8), np.float32))
                continue
            box = np.array([[100.0 + 2 * t, 100, 150 + 2 * t, 220, 0.9]])
            out = tracker.update(box, view_a if t <= 10 or t >= 34 else view_b)
            ids.append(out.ids.tolist())
        return ids

    assert run()[-1] == [2]
    remembered = run(feature_budget=50)
    assert remembered[-1] == [1] and all(i == [1] for i in remembered)


def test_nearest_embedding_distance_is_the_least_over_the_valid_entries():
    from fairmot.tracker.matching import nearest_embedding_distance

    e = np.eye(3, dtype=np.float32)
    gallery = np.stack([[e[0], e[1]], [e[2], e[0]]])  # (2 tracks, 2 remembered, 3)
    valid = np.array([[True, True], [True, False]])  # track 2's e[0] is an unused row
    dets = np.stack([e[1], e[0], (e[0] + e[2]) / np.sqrt(2)])
    expected = [[0.0, 0.0, 1 - 1 / np.sqrt(2)], [1.0, 1.0, 1 - 1 / np.sqrt(2)]]
    np.testing.assert_allclose(
        nearest_embedding_distance(gallery, valid, dets), expected, atol=1e-6
    )


def test_nsa_update_trusts_a_confident_detection_more():
    from fairmot.tracker import kalman

    means, covs = kalman.predict(*kalman.initiate(np.array([[100.0, 100, 0.5, 120]])))
    z = np.array([[110.0, 104, 0.5, 118]])
    plain = kalman.update(means, covs, z)[0]
    np.testing.assert_array_equal(kalman.update(means, covs, z, np.array([0.0]))[0], plain)
    sure = kalman.update(means, covs, z, np.array([1.0]))[0]  # no measurement noise
    np.testing.assert_allclose(sure[0, :4], z[0], atol=1e-9)
    half = kalman.update(means, covs, z, np.array([0.5]))[0]
    assert abs(plain[0, 0] - 110) > abs(half[0, 0] - 110) > 0


def test_observation_recovery_finds_a_lost_track_where_it_was_last_seen():
    """A person walking right at 20 px/frame stops behind an occluder (missed 3 frames: the
    Kalman prediction walks on) and reappears where last seen, looking different (occluded
    view). Appearance cannot match, the lost track takes no part in the IoU stage; OC-SORT's
    recovery by the last observed box gives the identity back."""
    view, other = np.eye(8, dtype=np.float32)[:2, None]

    def run(**kwargs):
        tracker = JDETracker(TrackerParams(**kwargs))
        for t in range(1, 10):
            if 6 <= t <= 8:
                tracker.update(np.zeros((0, 5)), np.zeros((0, 8), np.float32))
                continue
            x = 100 + 20 * min(t, 5)
            out = tracker.update(np.array([[x, 100.0, x + 50, 220, 0.9]]), view if t < 9 else other)
        return out.ids.tolist(), [t.track_id for t in tracker.tracked]

    assert run() == ([], [2])  # a new, unconfirmed track; 1 stays lost
    assert run(observation_recovery=True) == ([1], [1])


def test_presets_set_their_keys_and_a_key_set_in_the_config_wins():
    from fairmot.tracker.presets import TRACKER_PRESETS

    cfg = get_cfg()
    assert TrackerParams.from_config(cfg.TRACKER) == TrackerParams()  # fairmot: the paper's
    cfg.TRACKER.PRESET = "strong"
    strong = TrackerParams.from_config(cfg.TRACKER)
    assert strong.duplicate_thres == 0.0 and strong.feature_budget == 100
    cfg.TRACKER.FEATURE_BUDGET = 30
    assert TrackerParams.from_config(cfg.TRACKER).feature_budget == 30
    for name, fields in TRACKER_PRESETS.items():
        cfg = load_cfg(None, ["TRACKER.PRESET", name])
        params = TrackerParams.from_config(cfg.TRACKER)
        assert all(getattr(params, k) == v for k, v in fields.items())


def test_the_matching_cascade_gives_a_detection_to_the_freshest_track():
    """Two people seen at one place in frame 1; then only A for 5 frames (B lost, no
    duplicate removal); then a detection there looking a little more like B than A. One
    assignment over the pool gives it to B (the lower cost); the cascade to A, matched a
    frame ago, before B's age is considered."""
    e = np.eye(8, dtype=np.float32)
    box = np.array([[100.0, 100, 150, 220, 0.9]])
    closer_to_b = (0.65 * e[0] + 0.85 * e[1])[None]

    def run(**kwargs):
        tracker = JDETracker(TrackerParams(duplicate_thres=0.0, **kwargs))
        tracker.update(np.repeat(box, 2, axis=0), e[:2])
        for _ in range(5):
            tracker.update(box, e[:1])
        return tracker.update(box, closer_to_b).ids.tolist()

    assert run() == [2]
    assert run(matching_cascade=True) == [1]


def test_adaptive_momentum_leaves_a_low_score_view_out_of_the_embedding():
    e = np.eye(8, dtype=np.float32)

    def feature_after(score, **kwargs):
        tracker = JDETracker(TrackerParams(**kwargs))
        tracker.update(np.array([[100.0, 100, 150, 220, 0.9]]), e[:1])
        tracker.update(np.array([[101.0, 100, 151, 220, score]]), e[1:2])
        return tracker.store.feature[tracker.tracked[0].slot]

    plain = np.array([0.9, 0.1]) / np.hypot(0.9, 0.1)
    np.testing.assert_allclose(feature_after(0.4)[:2], plain, atol=1e-6)  # the paper's
    np.testing.assert_allclose(feature_after(0.4, adaptive_momentum=True)[:2], [1, 0], atol=1e-6)
    np.testing.assert_allclose(feature_after(1.0, adaptive_momentum=True)[:2], plain, atol=1e-6)
