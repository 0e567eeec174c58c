"""Offline post-processing on hand-built tracks: linear interpolation, Gaussian smoothing,
tracklet linking, and the tool that applies them to result files."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fairmot.data.formats import MotTracks, read_mot_results, write_mot_results
from fairmot.tracker.postprocess import (
    PostprocessParams,
    gaussian_smooth,
    interpolate,
    link_tracklets,
    postprocess,
    postprocess_output_dir,
)

REPO = Path(__file__).resolve().parents[2]


def tracks(rows, classes=None):
    """rows: [frame, id, x, y, w, h]."""
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 6)
    return MotTracks(
        frames=rows[:, 0].astype(np.int64),
        ids=rows[:, 1].astype(np.int64),
        tlwh=rows[:, 2:6],
        scores=np.ones(len(rows)),
        classes=classes,
    )


def as_rows(t: MotTracks) -> list:
    return np.c_[t.frames, t.ids, t.tlwh].round(6).tolist()


def test_interpolation_fills_short_gaps_inside_a_track_only():
    t = tracks(
        [
            [1, 1, 0, 0, 10, 20],
            [2, 1, 2, 0, 10, 20],
            [5, 1, 8, 0, 10, 26],  # frames 3 and 4 missing: filled on the line
            [30, 1, 0, 0, 10, 20],  # a gap of 24 frames: left open at max_gap 20
            [3, 2, 100, 0, 10, 20],  # another id: never bridged to id 1
        ]
    )
    out = interpolate(t, max_gap=20)
    assert as_rows(out) == [
        [1, 1, 0, 0, 10, 20],
        [2, 1, 2, 0, 10, 20],
        [3, 1, 4, 0, 10, 22],
        [4, 1, 6, 0, 10, 24],
        [5, 1, 8, 0, 10, 26],
        [30, 1, 0, 0, 10, 20],
        [3, 2, 100, 0, 10, 20],
    ]
    assert len(interpolate(t, max_gap=1)) == len(t)  # gaps of 2 frames are too long


def test_gaussian_smoothing_steadies_jitter_and_keeps_a_straight_walk():
    frames = np.arange(1, 41)
    jitter = np.where(frames % 2, 3.0, -3.0)  # +-3 px around a walk at 2 px/frame
    rows = [[f, 1, 2 * f + j, 50, 20, 40] for f, j in zip(frames, jitter)]
    out = gaussian_smooth(tracks(rows), sigma=2.0)
    assert len(out) == 40 and out.frames.tolist() == frames.tolist()
    residual = out.tlwh[5:-5, 0] - 2 * frames[5:-5]
    assert np.abs(residual).max() < 0.1  # the jitter is gone inside the track
    np.testing.assert_allclose(out.tlwh[:, 1:], [[50, 20, 40]] * 40)  # constants stay
    # A track of 50,000 frames (half an hour of video): the kernel is cut at 4 sigma, so
    # this takes memory for the rows only (a full kernel matrix would need 20 GB).
    long = tracks([[f, 1, 2 * f, 50, 20, 40] for f in range(1, 50_001)])
    smoothed = gaussian_smooth(long, sigma=2.0).tlwh[10:-10, 0]
    np.testing.assert_allclose(smoothed, 2 * np.arange(11, 49_991), atol=1e-6)


def test_linking_joins_a_track_to_the_one_that_continues_its_motion():
    """Track 1 walks right 5 px/frame to frame 10 and is lost; track 2 starts at frame 14
    where that walk leads; track 3 starts at frame 14 far away, track 4 (another class) at
    the right place. Only 2 is track 1 again."""
    walk = [[f, 1, 5 * f, 100, 20, 40] for f in range(1, 11)]
    rest = [[f, 2, 5 * f, 100, 20, 40] for f in range(14, 20)]
    far = [[f, 3, 400, 300, 20, 40] for f in range(14, 20)]
    other = [[f, 4, 5 * f + 1, 100, 20, 40] for f in range(14, 20)]
    classes = np.r_[np.ones(10 + 6 + 6), np.full(6, 2)].astype(int)
    out = link_tracklets(tracks(walk + rest + far + other, classes), max_gap=30, max_distance=0.5)
    ids = dict(zip(map(tuple, np.c_[out.frames, out.tlwh[:, :2]].tolist()), out.ids.tolist()))
    assert ids[(15.0, 75.0, 100.0)] == 1 and ids[(15.0, 400.0, 300.0)] == 3
    assert ids[(15.0, 76.0, 100.0)] == 4
    # Too long a gap for the setting: no link.
    assert set(link_tracklets(tracks(walk + rest), 2, 0.5).ids.tolist()) == {1, 2}


def test_methods_apply_in_order_and_unknown_ones_are_refused():
    walk = [[f, 1, 5 * f, 100, 20, 40] for f in range(1, 11)]
    rest = [[f, 2, 5 * f, 100, 20, 40] for f in range(14, 20)]
    out = postprocess(tracks(walk + rest), PostprocessParams(methods=("link", "interpolate")))
    assert out.ids.tolist() == [1] * 19 and out.frames.tolist() == list(range(1, 20))
    # Interpolating first has nothing to fill (two ids), then linking leaves the gap.
    out = postprocess(tracks(walk + rest), PostprocessParams(methods=("interpolate", "link")))
    assert len(out) == 16
    with pytest.raises(ValueError, match="post-processing methods"):
        PostprocessParams(methods=("smooth",))


def test_the_tool_writes_beside_the_input_as_a_tracker_of_its_own(tmp_path):
    data = tmp_path / "tracks" / "fairmot" / "data"
    data.mkdir(parents=True)
    rows = [[1, 1, 0, 0, 10, 20], [4, 1, 6, 0, 10, 20]]
    write_mot_results(data / "SEQ-01.txt", tracks(rows))
    done = subprocess.run(
        [sys.executable, str(REPO / "tools/postprocess.py"), "--input", str(data)]
        + ["--methods", "interpolate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = postprocess_output_dir(data) / "SEQ-01.txt"
    assert out == tmp_path / "tracks" / "fairmot_post" / "data" / "SEQ-01.txt"
    assert read_mot_results(out).frames.tolist() == [1, 2, 3, 4]
    refused = subprocess.run(
        [sys.executable, str(REPO / "tools/postprocess.py"), "--input", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0 and "no post-processing chosen" in refused.stderr
