"""The saved-detections format: written and read back, frames without entries, bad files."""

import numpy as np
import pytest

from fairmot.data.formats import (
    FormatError,
    SavedDetections,
    read_detections_dir,
    write_detections,
)


def test_round_trip_and_missing_frames(tmp_path):
    dets = np.array([[1, 2, 30, 40, 0.9], [5, 6, 50, 80, 0.5]], np.float32)
    feats = np.arange(8, dtype=np.float16).reshape(2, 4)
    write_detections(tmp_path / "SEQ-1.npz", {2: (dets, feats)}, num_frames=3, frame_rate=25)
    saved = SavedDetections(tmp_path / "SEQ-1.npz")
    assert (saved.name, len(saved), saved.frame_rate) == ("SEQ-1", 3, 25.0)
    got_dets, got_feats, got_classes = saved.frame(2)
    np.testing.assert_array_equal(got_dets, dets)
    assert got_feats.dtype == np.float32 and got_feats.tolist() == feats.tolist()
    assert got_classes.tolist() == [0, 0]  # one class: none stored, all 0
    empty_dets, empty_feats, empty_classes = saved.frame(1)
    assert empty_dets.shape == (0, 5) and len(empty_feats) == 0 and len(empty_classes) == 0
    assert not list(tmp_path.glob("*.partial*"))  # written atomically


def test_a_folder_and_its_errors(tmp_path):
    np.savez(tmp_path / "B.npz", num_frames=1)  # no frame rate stored
    write_detections(tmp_path / "A.npz", {}, num_frames=2, frame_rate=10)
    a, b = read_detections_dir(tmp_path, {"B": 14.0})
    assert (a.name, a.frame_rate, b.name, b.frame_rate) == ("A", 10.0, "B", 14.0)
    (tmp_path / "C.npz").write_bytes(b"not an npz")
    with pytest.raises(FormatError, match="C.npz: expected an .npz with num_frames"):
        read_detections_dir(tmp_path)
    with pytest.raises(FormatError, match="holds no <SEQ>.npz"):
        read_detections_dir(tmp_path / "nothing")


def test_classes_are_kept_where_there_are_several(tmp_path):
    dets = np.array([[1, 2, 30, 40, 0.9], [5, 6, 50, 80, 0.5]], np.float32)
    feats = np.ones((2, 4), np.float32)
    frames = {1: (dets, feats, np.array([0, 0])), 2: (dets, feats, np.array([2, 0]))}
    write_detections(tmp_path / "S.npz", frames, num_frames=2, frame_rate=25)
    saved = SavedDetections(tmp_path / "S.npz")
    assert "frame000001_classes" not in saved.data  # all 0: nothing stored
    assert saved.frame(1)[2].tolist() == [0, 0] and saved.frame(2)[2].tolist() == [2, 0]
