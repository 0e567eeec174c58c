"""Drawing and video writing."""

import cv2
import numpy as np
import pytest

from fairmot.visualization import TrailBuffer, VideoWriter, draw_tracks, id_colour


def test_id_colours_are_stable_and_distinct():
    assert id_colour(7) == id_colour(7)
    colours = {id_colour(i) for i in range(1, 40)}
    assert len(colours) == 39


def test_trail_buffer_is_bounded():
    trails = TrailBuffer(length=5)
    for frame in range(1000):
        ids = np.array([frame // 10, 10_000])  # identities churn; one lives forever
        trails.update(np.array([[frame, 0, 10, 20], [0, frame, 10, 20]], float), ids)
        assert len(trails.points) <= 3  # the live one, the current id, one going stale
        assert all(len(p) <= 5 for p in trails.points.values())
    assert list(trails.points[10_000])[-1] == (5, 999 + 20)


def test_draw_tracks_draws_in_the_identity_colour():
    image = np.zeros((100, 100, 3), np.uint8)
    draw_tracks(image, np.array([[20.0, 30, 40, 50]]), np.array([3]), thickness=1)
    assert tuple(int(c) for c in image[80, 40]) == id_colour(3)  # bottom edge of the box
    assert not image[60, 40].any()  # inside stays untouched


def test_video_writer_round_trip(tmp_path):
    path = tmp_path / "v.mp4"
    with VideoWriter(path, 10, (64, 48)) as video:
        for k in range(5):
            video.write(np.full((48, 64, 3), 40 * k, np.uint8))
    capture = cv2.VideoCapture(str(path))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 5
    with pytest.raises(ValueError, match="frame of size 32x32"):
        with VideoWriter(tmp_path / "w.mp4", 10, (64, 48)) as video:
            video.write(np.zeros((32, 32, 3), np.uint8))
    assert not (tmp_path / "w.mp4").exists() and not list(tmp_path.glob(".w*"))


def test_videos_are_h264_a_browser_plays(tmp_path):
    """PyAV (a requirement) writes H.264: the file decodes as h264, every frame, the index
    first; odd sizes are padded to the even sides yuv420p needs."""
    import av

    from fairmot.visualization.video import mp4_codec

    mp4_codec.cache_clear()
    assert mp4_codec() == "libx264"
    path = tmp_path / "v.mp4"
    with VideoWriter(path, 29.97, (65, 47)) as video:
        for k in range(7):
            video.write(np.full((47, 65, 3), 30 * k, np.uint8))
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (66, 48)
        assert float(stream.average_rate) == pytest.approx(29.97)
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(stream)]
    assert len(frames) == 7
    assert abs(frames[3][:47, :65].mean() - 90) <= 5  # its grey (neighbours: 60, 120)
    assert path.read_bytes()[:64].find(b"moov") > 0  # faststart: the index before the data
    assert int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT)) == 7


def test_without_pyav_opencv_writes_h264_or_mp4v_with_a_warning(tmp_path, caplog, monkeypatch):
    from fairmot.visualization import video as video_module

    monkeypatch.setattr(video_module, "_pyav_has_h264", lambda: False)
    video_module.mp4_codec.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            codec = video_module.mp4_codec()
            assert video_module.mp4_codec() == codec  # probed once
        assert codec in ("avc1", "mp4v")
        warned = [r.getMessage() for r in caplog.records if "H.264" in r.getMessage()]
        assert len(warned) == (0 if codec == "avc1" else 1)
        with VideoWriter(tmp_path / "v.mp4", 10, (64, 48)) as video:
            video.write(np.zeros((48, 64, 3), np.uint8))
    finally:
        video_module.mp4_codec.cache_clear()
    fourcc = int(cv2.VideoCapture(str(tmp_path / "v.mp4")).get(cv2.CAP_PROP_FOURCC))
    read_as = {"avc1": {"avc1", "h264", "H264"}, "mp4v": {"mp4v", "FMP4"}}  # decoders' names
    assert fourcc.to_bytes(4, "little").decode() in read_as[codec]
