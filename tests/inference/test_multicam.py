"""Several cameras with global identities (fairmot.inference.multicam) on a rendered
multi-view scene with oracle detections; the one-camera case equals today's tracking."""

from types import SimpleNamespace

import numpy as np
import pytest

from fairmot.config import load_cfg
from fairmot.data.formats import read_mot_results
from fairmot.data.formats.mtmc import read_mtmc
from fairmot.data.synthetic.multiview import WorldParams, generate_multiview_scene, scene_cameras
from fairmot.data.synthetic.oracle import multicamera_oracle_detections
from fairmot.errors import UsageError
from fairmot.evaluation.mtmc import evaluate_scene
from fairmot.inference import run_tracking
from fairmot.inference.multicam import (
    _in_time_order,
    parse_cameras,
    read_calibrations,
    run_multicamera,
)
from fairmot.inference.multicam import scene_cameras as cameras_of

CONFIG = "configs/synthetic.yaml"


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    root = tmp_path_factory.mktemp("mvscene")
    generate_multiview_scene(
        root / "MV-01", WorldParams(length=240, num_people=16), scene_cameras(3), seed=21
    )
    multicamera_oracle_detections(root / "MV-01", root / "oracle", view_noise=0.6)
    return root / "MV-01", root / "oracle"


def track(scene, tmp_path, mode, *opts, cameras=None):
    scene_dir, oracle = scene
    cfg = load_cfg(
        CONFIG,
        [
            "OUTPUT_DIR",
            str(tmp_path / mode),
            "MULTICAM.MODE",
            mode,
            "MULTICAM.APPEARANCE_THRES",
            "0.45",
            *opts,
        ],
    )
    run = run_multicamera(
        cfg, cameras or cameras_of(scene_dir), detections_dir=oracle, progress=False
    )
    return run, evaluate_scene(scene_dir, run.results_dir) if cameras is None else None


def test_global_identities_join_the_cameras(scene, tmp_path):
    runs = {mode: track(scene, tmp_path, mode) for mode in ("none", "online", "offline")}
    cross = {mode: figures for mode, (_, (_, figures)) in runs.items()}
    assert cross["offline"]["IDF1"] > cross["none"]["IDF1"] + 5
    assert cross["online"]["IDF1"] > cross["none"]["IDF1"] + 5
    # The ids change, the boxes do not: each camera's detection figures are the same.
    det = {mode: per.summary()["COMBINED"]["DetA"] for mode, (_, (per, _)) in runs.items()}
    assert det["none"] == pytest.approx(det["offline"]) == pytest.approx(det["online"])
    # mtmc.txt holds every camera's rows with the same ids, and ground positions.
    run = runs["offline"][0]
    mtmc = read_mtmc(run.mtmc_path)
    c02 = read_mot_results(run.results_dir / "c02.txt")
    assert sorted(mtmc.camera(2).ids.tolist()) == sorted(c02.ids.tolist())
    assert (mtmc.world[:, 1] > 0).mean() > 0.9  # calibrated cameras: across-street metres
    # Mode none: ids unique across cameras.
    none = runs["none"][0]
    ids = [
        set(read_mot_results(none.results_dir / f"{c}.txt").ids.tolist())
        for c in ("c01", "c02", "c03")
    ]
    assert not (ids[0] & ids[1]) and not (ids[1] & ids[2])


def test_one_camera_writes_exactly_the_one_camera_tracks(scene, tmp_path):
    scene_dir, oracle = scene
    cfg = load_cfg(CONFIG, ["OUTPUT_DIR", str(tmp_path / "single")])
    alone = run_tracking(cfg, detections_dir=oracle, progress=False)
    for mode in ("offline", "online"):
        run, _ = track(scene, tmp_path, mode, cameras={"c02": str(scene_dir / "c02")})
        assert (run.results_dir / "c02.txt").read_text() == (
            alone.results_dir / "c02.txt"
        ).read_text()


def test_bad_camera_input_is_one_sentence(scene, tmp_path):
    scene_dir, oracle = scene
    with pytest.raises(UsageError, match="camera name 'a' given twice"):
        parse_cameras(["a=x.mp4", "a=y.mp4"])
    assert parse_cameras(["east=e.mp4", "videos/west.mp4", "rtsp://cam/live?id=3"]) == {
        "east": "e.mp4",
        "west": "videos/west.mp4",
        "live": "rtsp://cam/live?id=3",
    }
    # Two videos of one folder would read the folder's calibration.txt: an error.
    videos = tmp_path / "videos"
    videos.mkdir()
    (videos / "calibration.txt").write_text((scene_dir / "c01" / "calibration.txt").read_text())
    cfg, two = load_cfg(CONFIG), {"a": str(videos / "a.mp4"), "b": str(videos / "b.mp4")}
    with pytest.raises(UsageError, match="would share the calibration"):
        read_calibrations(cfg, two)
    (videos / "b.calibration.txt").write_text((scene_dir / "c02" / "calibration.txt").read_text())
    found = read_calibrations(cfg, two)
    assert not np.allclose(found["a"], found["b"])
    with pytest.raises(UsageError, match=r"no saved detections for camera\(s\) \['c09'\]"):
        track(
            scene, tmp_path, "offline", cameras={"c01": str(scene_dir / "c01"), "c09": "elsewhere"}
        )
    with pytest.raises(UsageError, match="camera c01: no calibration"):
        track(
            scene,
            tmp_path,
            "offline",
            "MULTICAM.REQUIRE_CALIBRATION",
            "True",
            cameras={"c01": str(tmp_path), "c02": str(scene_dir / "c02")},
        )


def test_cameras_of_other_frame_rates_interleave_by_time():
    class Stream(list):
        def __init__(self, rate, frames):
            super().__init__(SimpleNamespace(frame=f) for f in range(1, frames + 1))
            self.frame_rate = rate

    cams = [
        SimpleNamespace(name="slow", stream=Stream(5, 3), time_offset=0.0),
        SimpleNamespace(name="fast", stream=Stream(10, 4), time_offset=0.0),
    ]
    order = [(c.name, d.frame) for c, d in _in_time_order(cams)]
    # slow: 0.2 0.4 0.6 s; fast: 0.1 0.2 0.3 0.4 s (equal times: the first camera first).
    assert order == [
        ("fast", 1),
        ("slow", 1),
        ("fast", 2),
        ("fast", 3),
        ("slow", 2),
        ("fast", 4),
        ("slow", 3),
    ]
    # The slow camera started 0.15 s late (timestamps.txt): 0.35 0.55 0.75 s.
    cams[0].time_offset = 0.15
    order = [(c.name, d.frame) for c, d in _in_time_order(cams)]
    assert order == [
        ("fast", 1),
        ("fast", 2),
        ("fast", 3),
        ("slow", 1),
        ("fast", 4),
        ("slow", 2),
        ("slow", 3),
    ]


def test_the_frame_by_frame_api_equals_the_online_run(scene, tmp_path):
    from fairmot.data.formats import read_detections_dir
    from fairmot.data.formats.mtmc import MultiCameraScene
    from fairmot.inference import MultiCameraTracker, OnlineTracker
    from fairmot.models.decode import Detections
    from fairmot.tracker import JDETracker, TrackerParams
    from fairmot.tracker.multicam import CrossCameraParams

    scene_dir, oracle = scene
    run, _ = track(scene, tmp_path, "online")
    cfg = load_cfg(CONFIG, ["MULTICAM.APPEARANCE_THRES", "0.45"])
    saved = {s.name: s for s in read_detections_dir(oracle)}

    def detector(name):  # the saved detections, frame after frame, as a network's
        frames = iter(range(1, len(saved[name]) + 1))

        def detect(image):
            boxes, features, classes = saved[name].frame(next(frames))
            return Detections(boxes, classes, features)

        return detect

    params = TrackerParams.from_config(cfg.TRACKER)
    trackers = {
        name: OnlineTracker(detector(name), JDETracker(params, frame_rate=15.0))
        for name in ("c01", "c02", "c03")
    }
    scene_files = MultiCameraScene(scene_dir)
    calibrations = {name: scene_files.calibration(name) for name in trackers}
    api = MultiCameraTracker(
        trackers, CrossCameraParams.from_config(cfg.MULTICAM), 15.0, calibrations
    )
    image = np.zeros((360, 640, 3), np.uint8)
    rows = {name: [] for name in trackers}
    for frame in range(1, 241):
        for name, tracks in api.update(dict.fromkeys(trackers, image)).items():
            rows[name] += [(frame, int(i)) for i in tracks.ids]
    for name in trackers:
        written = read_mot_results(run.results_dir / f"{name}.txt")
        assert rows[name] == list(zip(written.frames.tolist(), written.ids.tolist())), name
    with pytest.raises(ValueError, match=r"unknown camera\(s\) \['c07'\]"):
        api.update({"c07": image})
