"""Cross-camera evaluation (fairmot.evaluation.mtmc): a hand-computed case, and
motmetrics' IDF1 on the same cameras concatenated."""

import motmetrics as mm
import numpy as np
import pandas as pd
import pytest

from fairmot.data.formats.mtmc import MtmcRows
from fairmot.evaluation.mtmc import concatenate_cameras, evaluate_multicamera
from fairmot.tracker.matching import iou_matrix


def rows(entries):
    """[(camera, id, frame, x)] -> MtmcRows with 10 x 20 boxes at (x, 0)."""
    a = np.array(entries, np.float64).reshape(-1, 4)
    tlwh = np.c_[a[:, 3], np.zeros(len(a)), np.full(len(a), 10.0), np.full(len(a), 20.0)]
    return MtmcRows(*(a[:, k].astype(np.int64) for k in range(3)), tlwh, np.full((len(a), 2), -1.0))


def test_a_person_split_across_cameras_counts_once():
    # Person 1: frames 1-4 in camera 1, frames 1-4 in camera 2. The tracker keeps it in
    # camera 1 (id 10) but calls it 20 in camera 2: the one-to-one match takes one of them.
    gt = rows([(c, 1, f, 0) for c in (1, 2) for f in range(1, 5)])
    split = rows([(1, 10, f, 0) for f in range(1, 5)] + [(2, 20, f, 0) for f in range(1, 5)])
    figures = evaluate_multicamera(gt, split)
    assert (figures["IDTP"], figures["IDFP"], figures["IDFN"]) == (4, 4, 4)
    assert figures["IDF1"] == pytest.approx(50.0)
    joined = rows([(c, 10, f, 0) for c in (1, 2) for f in range(1, 5)])
    assert evaluate_multicamera(gt, joined)["IDF1"] == pytest.approx(100.0)
    # A box 9 px off overlaps by IoU 1/19: no match, a false positive and a miss.
    off = rows([(c, 10, f, 9 if (c, f) == (2, 4) else 0) for c in (1, 2) for f in range(1, 5)])
    figures = evaluate_multicamera(gt, off)
    assert (figures["IDTP"], figures["IDFP"], figures["IDFN"]) == (7, 1, 1)
    assert figures["IDP"] == pytest.approx(87.5) and figures["IDR"] == pytest.approx(87.5)


def test_cameras_are_laid_end_to_end():
    gt = rows([(1, 1, 3, 0), (2, 1, 1, 0)])
    results = rows([(1, 5, 5, 0), (3, 5, 2, 0)])
    truth, tracks, frames = concatenate_cameras(gt, results)
    # Camera 1 spans 5 frames (its results reach frame 5), camera 2 one, camera 3 two.
    assert frames == 8
    assert truth.frames.tolist() == [3, 6] and tracks.frames.tolist() == [5, 8]


def test_idf1_equals_motmetrics_on_the_concatenated_cameras():
    rng = np.random.default_rng(0)
    entries_gt, entries_tr = [], []
    for camera in (1, 2, 3):
        for person in range(1, 7):
            start = int(rng.integers(1, 30))
            for f in range(start, start + int(rng.integers(5, 25))):
                x = 30.0 * person + f
                entries_gt.append((camera, person, f, x))
                if rng.random() < 0.9:  # misses; in camera 3, 2 and 4 swapped, 6 split; jitter
                    swapped = {2: 4, 4: 2, 6: 60} if camera == 3 else {}
                    track = 100 + swapped.get(person, person)
                    entries_tr.append((camera, track, f, x + rng.normal(0, 2)))
    gt, results = rows(entries_gt), rows(entries_tr)
    figures = evaluate_multicamera(gt, results)
    truth, tracks, _ = concatenate_cameras(gt, results)
    accumulator = mm.MOTAccumulator(auto_id=False)
    for frame in np.unique(np.r_[truth.frames, tracks.frames]):
        g, t = truth.frames == frame, tracks.frames == frame
        # TrackEval's IoU of continuous boxes (matching.iou_matrix adds a pixel: taken off).
        a, b = (
            np.c_[x[:, :2], x[:, :2] + x[:, 2:]] - [0, 0, 1, 1]
            for x in (truth.tlwh[g], tracks.tlwh[t])
        )
        distance = 1 - iou_matrix(a, b)
        distance[distance > 0.5] = np.nan
        accumulator.update(truth.ids[g], tracks.ids[t], distance, frameid=int(frame))
    summary = mm.metrics.create().compute(accumulator, metrics=["idf1", "idp", "idr"])
    assert isinstance(summary, pd.DataFrame)
    assert figures["IDF1"] == pytest.approx(100 * summary["idf1"].iloc[0], abs=1e-6)
    assert figures["IDP"] == pytest.approx(100 * summary["idp"].iloc[0], abs=1e-6)
    assert figures["IDR"] == pytest.approx(100 * summary["idr"].iloc[0], abs=1e-6)
    assert 30 < figures["IDF1"] < 95  # the wrong ids of camera 3 cost
