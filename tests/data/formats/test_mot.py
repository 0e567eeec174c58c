"""MOTChallenge formats: round trips and malformed-input errors."""

from pathlib import Path

import numpy as np
import pytest

from fairmot.data.formats import (
    FormatError,
    MotDetections,
    MotGroundTruth,
    MotResultsWriter,
    MotSequence,
    MotTracks,
    SeqInfo,
    list_sequences,
    read_mot_det,
    read_mot_gt,
    read_mot_results,
    read_seqinfo,
    write_mot_det,
    write_mot_gt,
    write_mot_results,
    write_seqinfo,
)

INFO = SeqInfo("SEQ-01", "img1", 25.0, 5, 640, 360, ".jpg")
SEQINFO_TEXT = (
    "[Sequence]\nname=SEQ-01\nimDir=img1\nframeRate=25\nseqLength=5\n"
    "imWidth=640\nimHeight=360\nimExt=.jpg\n"
)


def test_seqinfo_round_trip(tmp_path):
    write_seqinfo(tmp_path, INFO)
    assert (tmp_path / "seqinfo.ini").read_text() == SEQINFO_TEXT
    assert read_seqinfo(tmp_path) == INFO


@pytest.mark.parametrize(
    "text, message",
    [
        (SEQINFO_TEXT.replace("seqLength=5\n", ""), "missing key.*seqLength"),
        (SEQINFO_TEXT.replace("imWidth=640", "imWidth=wide"), "imWidth = 'wide' is not a int"),
        (SEQINFO_TEXT.replace("seqLength=5", "seqLength=0"), "seqLength = '0' must be at least 1"),
        (SEQINFO_TEXT.replace("[Sequence]", "[Seq]"), r"missing the \[Sequence\] section"),
        (SEQINFO_TEXT.replace("imExt=.jpg", "imExt=jpg"), "imExt = 'jpg' must start with a dot"),
    ],
)
def test_seqinfo_errors(tmp_path, text, message):
    (tmp_path / "seqinfo.ini").write_text(text)
    with pytest.raises(FormatError, match=message) as info:
        read_seqinfo(tmp_path)
    assert info.value.path == tmp_path / "seqinfo.ini"


def test_missing_seqinfo_names_the_file(tmp_path):
    with pytest.raises(FormatError, match=r"seqinfo.ini: missing seqinfo.ini"):
        MotSequence(tmp_path)


def make_gt():
    return MotGroundTruth(
        frames=np.array([2, 1, 1, 5]),
        ids=np.array([1, 2, 1, 7]),
        tlwh=np.array([[10.5, 20, 30, 60], [-4, 3.25, 12, 40], [11, 21, 30, 61], [600, 1, 50, 99]]),
        consider=np.array([1, 1, 1, 0]),
        classes=np.array([1, 7, 1, 8]),
        visibility=np.array([1.0, 0.5, 0.123456, 0.0]),
    )


def test_gt_round_trip_sorted_by_frame_then_id(tmp_path):
    gt = make_gt()
    write_mot_gt(tmp_path / "gt.txt", gt)
    lines = (tmp_path / "gt.txt").read_text().splitlines()
    assert lines[0] == "1,1,11,21,30,61,1,1,0.123456"
    assert lines[1] == "1,2,-4,3.25,12,40,1,7,0.5"
    back = read_mot_gt(tmp_path / "gt.txt", seq_length=5)
    order = np.lexsort((gt.ids, gt.frames))
    for name in ("frames", "ids", "tlwh", "consider", "classes", "visibility"):
        np.testing.assert_allclose(getattr(back, name), getattr(gt, name)[order], atol=1e-9)
    assert back.frames.dtype == np.int64


def test_mot15_gt_has_ten_fields(tmp_path):
    (tmp_path / "gt.txt").write_text(
        "1,1,399,182,121,229,1,-1,-1,-1\n2,1,400,182,121,229,1,-1,-1,-1\n"
    )
    gt = read_mot_gt(tmp_path / "gt.txt")
    assert len(gt) == 2 and (gt.classes == 1).all() and (gt.visibility == -1).all()


def test_real_mot15_files_shipped_with_motmetrics():
    import motmetrics

    data = Path(motmetrics.__file__).parent / "data" / "TUD-Campus"
    gt = read_mot_gt(data / "gt.txt")
    results = read_mot_results(data / "test.txt")
    assert len(gt) > 100 and len(results) > 100
    assert gt.frames.min() == 1 and results.frames.min() == 1


@pytest.mark.parametrize(
    "row, message",
    [
        ("1,1,10,10,20,40,1,1", r"gt.txt:2: expected 9 fields"),
        ("1,1,10,10,20,40,1,1,1,1", r"gt.txt:2: expected 9 fields"),
        ("1,1,10,ten,20,40,1,1,1", r"gt.txt:2: field 'ten' is not a number"),
        ("1,1,10,10,0,40,1,1,1", r"gt.txt:2: width and height .* must be positive"),
        ("1,1,10,10,20,-3,1,1,1", r"gt.txt:2: width and height .* must be positive"),
        ("6,1,10,10,20,40,1,1,1", r"gt.txt:2: frame .* outside the sequence: seqLength is 5"),
        ("0,1,10,10,20,40,1,1,1", r"gt.txt:2: frame .* whole number >= 1"),
        ("1.5,1,10,10,20,40,1,1,1", r"gt.txt:2: frame .* whole number >= 1"),
        ("1,1,10,10,20,40,2,1,1", r"gt.txt:2: consider flag .* 0 or 1"),
        ("1,1,10,10,20,40,1,1,1.5", r"gt.txt:2: visibility .* \[0, 1\]"),
        ("1,1,10,10,20,40,1,0,1", r"gt.txt:2: class .* >= 1"),
    ],
)
def test_gt_errors_name_file_and_line(tmp_path, row, message):
    path = tmp_path / "gt.txt"
    path.write_text("1,2,10,10,20,40,1,1,1\n" + row + "\n")
    with pytest.raises(FormatError, match=message) as info:
        read_mot_gt(path, seq_length=5)
    assert info.value.line == 2


def test_missing_gt_file(tmp_path):
    with pytest.raises(FormatError, match="missing"):
        read_mot_gt(tmp_path / "gt.txt")


def test_det_and_results_round_trip(tmp_path):
    det = MotDetections(
        frames=np.array([3, 1]),
        tlwh=np.array([[1, 2, 3, 4], [5.5, 6, 7, 8]]),
        scores=np.array([0.9, 0.25]),
    )
    write_mot_det(tmp_path / "det.txt", det)
    assert (tmp_path / "det.txt").read_text().splitlines()[0] == "1,-1,5.5,6,7,8,0.25,-1,-1,-1"
    back = read_mot_det(tmp_path / "det.txt")
    np.testing.assert_array_equal(back.frames, [1, 3])
    np.testing.assert_allclose(back.tlwh, det.tlwh[::-1])

    tracks = MotTracks(
        frames=np.array([2, 2, 1]),
        ids=np.array([4, 3, 3]),
        tlwh=np.array([[1, 2, 3, 4], [0, 0, 10, 20], [1.125, 2, 3, 4]]),
        scores=np.array([1.0, 1.0, 0.5]),
    )
    write_mot_results(tmp_path / "SEQ.txt", tracks)
    assert (tmp_path / "SEQ.txt").read_text().splitlines() == [
        "1,3,1.125,2,3,4,0.5,-1,-1,-1",
        "2,3,0,0,10,20,1,-1,-1,-1",
        "2,4,1,2,3,4,1,-1,-1,-1",
    ]
    back = read_mot_results(tmp_path / "SEQ.txt", seq_length=2)
    np.testing.assert_array_equal(back.ids, [3, 3, 4])


def test_results_errors(tmp_path):
    path = tmp_path / "SEQ.txt"
    path.write_text("1,3,1,2,3,4,1,-1,-1,-1\n\n1,3,1,2,3,4,1\n")
    with pytest.raises(FormatError, match=r"SEQ.txt:3: expected 10 fields"):
        read_mot_results(path)
    path.write_text("1,3.5,1,2,3,4,1,-1,-1,-1\n")
    with pytest.raises(FormatError, match=r"SEQ.txt:1: id .* whole number"):
        read_mot_results(path)


def test_empty_results_file_is_valid(tmp_path):
    (tmp_path / "SEQ.txt").write_text("")
    tracks = read_mot_results(tmp_path / "SEQ.txt")
    assert len(tracks) == 0 and tracks.tlwh.shape == (0, 4)


def test_sequence_folder(tmp_path):
    seq_dir = tmp_path / "split" / "SEQ-01"
    (seq_dir / "img1").mkdir(parents=True)
    write_seqinfo(seq_dir, INFO)
    for frame in range(1, 5):
        (seq_dir / "img1" / f"{frame:06d}.jpg").write_bytes(b"")
    (seq_dir / "gt").mkdir()
    write_mot_gt(seq_dir / "gt" / "gt.txt", make_gt())
    (seq,) = list_sequences(tmp_path / "split")
    assert seq.name == "SEQ-01" and seq.frame_path(3).name == "000003.jpg"
    assert len(seq.read_gt()) == 4
    with pytest.raises(FormatError, match=r"000005.jpg: missing frame \(1 of 5"):
        seq.frame_paths()
    with pytest.raises(FormatError, match="no sequence folders"):
        list_sequences(tmp_path)


def test_results_written_frame_by_frame_equal_the_whole_file(tmp_path):
    tracks = MotTracks(
        frames=np.array([1, 1, 2]),
        ids=np.array([3, 7, 3]),
        tlwh=np.array([[1.5, 2.25, 30.0, 60.125], [10, 20, 5, 5], [2.0, 3.0, 30.0, 61.0]]),
        scores=np.array([0.9, 0.45, 0.875]),
    )
    write_mot_results(tmp_path / "whole.txt", tracks)
    with MotResultsWriter(tmp_path / "streamed.txt") as writer:
        for frame in (1, 2):
            rows = tracks.frames == frame
            writer.write(frame, tracks.ids[rows], tracks.tlwh[rows], tracks.scores[rows])
            # flushed per frame: the rows so far are on disk before the file is closed
            lines = (tmp_path / "streamed.txt").read_text().count("\n")
            assert lines == np.count_nonzero(tracks.frames <= frame)
    text = (tmp_path / "streamed.txt").read_text()
    assert text == (tmp_path / "whole.txt").read_text()
    assert text.splitlines()[0] == "1,3,1.5,2.25,30,60.125,0.9,-1,-1,-1"
    back = read_mot_results(tmp_path / "streamed.txt")
    np.testing.assert_array_equal(back.scores, tracks.scores)


def test_results_of_a_multi_class_tracker_carry_the_class_in_field_8(tmp_path):
    with MotResultsWriter(tmp_path / "SEQ.txt") as writer:
        writer.write(
            1, np.array([1, 2]), np.array([[0, 0, 5, 5], [9, 9, 5, 5]]), np.ones(2), [1, 3]
        )
        writer.write(2, np.array([1]), np.array([[1, 0, 5, 5]]), np.array([0.75]))  # no classes
    lines = (tmp_path / "SEQ.txt").read_text().splitlines()
    assert lines == ["1,1,0,0,5,5,1,1,-1,-1", "1,2,9,9,5,5,1,3,-1,-1", "2,1,1,0,5,5,0.75,-1,-1,-1"]
    assert read_mot_results(tmp_path / "SEQ.txt").classes.tolist() == [1, 3, -1]
