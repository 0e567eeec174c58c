"""The multi-camera releases' converters on small hand-written fixtures in each release's
layout: AI City / CityFlow (videos, GPS calibrations, camera time offsets) and WILDTRACK
(per-frame JSON, OpenCV calibration files, the ground grid)."""

import json

import cv2
import numpy as np
import pytest

from fairmot.boxes import tlwh_to_ground
from fairmot.data.converters import convert_aicity_scenario, convert_wildtrack
from fairmot.data.converters.multicamera import _metres_to_gps, wildtrack_position
from fairmot.data.formats import FormatError
from fairmot.data.formats.mtmc import MultiCameraScene

# Two cameras over a ground plane in metres (east, north): a camera 5 m up looking north.
K = np.array([[800.0, 0, 320], [0, 800, 240], [0, 0, 1]])


def camera_homography(east: float) -> np.ndarray:
    """Ground metres -> pixels of a camera at (east, -10) m, 5 m up, looking north."""
    rotation = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])  # world (E, N, up) -> camera
    centre = np.array([east, -10.0, 5.0])
    t = -rotation @ centre
    return K @ np.column_stack([rotation[:, 0], rotation[:, 1], t])


def box_at(homography, east, north, height=80.0):
    u, v, w = homography @ [east, north, 1.0]
    u, v = u / w, v / w
    return [u - 15, v - height, 30, height]


def write_video(path, frames=4):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for k in range(frames):
        writer.write(np.full((48, 64, 3), 40 * k, np.uint8))
    writer.release()


def test_aicity_scenario_becomes_a_scene_in_metres(tmp_path):
    origin = (42.49, -90.69)  # latitude, longitude
    to_gps = _metres_to_gps(origin)
    scenario = tmp_path / "train" / "S01"
    people = {"c001": [(1, 7, 2.0, 5.0)], "c002": [(3, 7, 14.0, 5.0)]}  # frame, id, E, N
    for name, east in (("c001", 0.0), ("c002", 12.0)):
        cam = scenario / name
        (cam / "gt").mkdir(parents=True)
        write_video(cam / "vdo.avi")
        metres = camera_homography(east)
        gps = metres @ np.linalg.inv(to_gps)  # AI City's: GPS -> image
        rows = "; ".join(" ".join(f"{v:.12g}" for v in r) for r in gps)
        (cam / "calibration.txt").write_text(
            f"Homography matrix: {rows}\nReprojection error: 1.5\n"
        )
        lines = [
            f"{f},{i},{','.join(f'{v:.3f}' for v in box_at(metres, e, n))},1,-1,-1,-1"
            for f, i, e, n in people[name]
        ]
        (cam / "gt" / "gt.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "cam_timestamp").mkdir()  # beside train/, as in the release
    (tmp_path / "cam_timestamp" / "S01.txt").write_text("c001 0\nc002 1.5\n")

    summary = convert_aicity_scenario(scenario, tmp_path / "out" / "S01")
    assert summary["cameras"] == ["c001", "c002"] and summary["rows"] == 2
    scene = MultiCameraScene(tmp_path / "out" / "S01")
    assert scene.cameras["c002"].info.seq_length == 4 and scene.time_offsets()["c002"] == 1.5
    truth = scene.read_ground_truth()
    # The person walked 12 m east between the two sightings: 12 m in the scene's metres.
    a, b = truth.camera(1).world[0], truth.camera(2).world[0]
    assert np.linalg.norm(b - a) == pytest.approx(12.0, abs=0.01)
    # The converted calibration maps the box's foot point to the same ground position.
    foot = tlwh_to_ground(truth.camera(2).tlwh, np.linalg.inv(scene.calibration("c002")))
    np.testing.assert_allclose(foot[0], b, atol=1e-3)


INTRINSIC = """<?xml version="1.0"?>
<opencv_storage>
<camera_matrix type_id="opencv-matrix">
  <rows>3</rows>
  <cols>3</cols>
  <dt>d</dt>
  <data>
    800. 0. 320. 0. 800. 240. 0. 0. 1.</data></camera_matrix>
<distortion_coefficients type_id="opencv-matrix">
  <rows>1</rows>
  <cols>5</cols>
  <dt>d</dt>
  <data>
    0. 0. 0. 0. 0.</data></distortion_coefficients>
</opencv_storage>
"""


def test_wildtrack_release_becomes_a_scene(tmp_path):
    src = tmp_path / "Wildtrack"
    # Camera 1 at (0, -10) m and camera 2 at (4, -10) m, 5 m up, looking north; the world
    # in centimetres as WILDTRACK's extrinsics are.
    rotation = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])
    for index, east in enumerate((0.0, 4.0), start=1):
        rvec, _ = cv2.Rodrigues(rotation)
        tvec = -rotation @ (100 * np.array([east, -10.0, 5.0]))
        for kind, text in (
            ("intrinsic_zero/intr_CVLab", INTRINSIC),
            (
                "extrinsic/extr_CVLab",
                '<?xml version="1.0"?>\n<opencv_storage>\n'
                f"<rvec>{' '.join(map(str, rvec.ravel()))}</rvec>\n"
                f"<tvec>{' '.join(map(str, tvec.ravel()))}</tvec>\n</opencv_storage>\n",
            ),
        ):
            path = src / "calibrations" / f"{kind}{index}.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        (src / "Image_subsets" / f"C{index}").mkdir(parents=True)
        for stem in ("00000000", "00000005"):
            cv2.imwrite(
                str(src / "Image_subsets" / f"C{index}" / f"{stem}.png"),
                np.zeros((480, 640, 3), np.uint8),
            )
    # Person 3 at grid cell (column 160, row 600): X = 1.0 m, Y = 6.0 m; seen by camera 1
    # only in the first frame, by both in the second (at column 200: X = 2.0).
    annotations = src / "annotations_positions"
    annotations.mkdir()
    for stem, column, seen in (("00000000", 160, (0,)), ("00000005", 200, (0, 1))):
        position = 600 * 480 + column
        x, y = wildtrack_position([position])[0]
        views = []
        for view in range(2):
            u, v, w = camera_homography(4.0 * view) @ [x, y, 1.0]
            box = [u / w - 15, v / w - 80, u / w + 15, v / w] if view in seen else [-1] * 4
            views.append(dict(zip(("viewNum", "xmin", "ymin", "xmax", "ymax"), [view, *box])))
        (annotations / f"{stem}.json").write_text(
            json.dumps([{"personID": 3, "positionID": position, "views": views}])
        )
    assert wildtrack_position([600 * 480 + 160]).tolist() == [[1.0, 6.0]]

    summary = convert_wildtrack(src, tmp_path / "scene")
    assert summary == {"scene": "scene", "cameras": 2, "frames": 2}
    scene = MultiCameraScene(tmp_path / "scene")
    assert list(scene.cameras) == ["c01", "c02"] and scene.cameras["c01"].info.frame_rate == 2
    truth = scene.read_ground_truth()
    assert truth.cameras.tolist() == [1, 1, 2] and truth.frames.tolist() == [1, 2, 2]
    np.testing.assert_allclose(truth.world, [[1.0, 6.0], [2.0, 6.0], [2.0, 6.0]])
    for name, number in (("c01", 1), ("c02", 2)):
        rows = truth.camera(number)
        foot = tlwh_to_ground(rows.tlwh, np.linalg.inv(scene.calibration(name)))
        np.testing.assert_allclose(foot, rows.world, atol=1e-6)
    assert (scene.root / "c02" / "img1" / "000002.jpg").is_file()


def test_a_broken_release_names_its_file(tmp_path):
    with pytest.raises(FormatError, match="no camera folders with a vdo.avi"):
        convert_aicity_scenario(tmp_path, tmp_path / "out")
    with pytest.raises(FormatError, match="annotations_positions"):
        convert_wildtrack(tmp_path, tmp_path / "out")
    (tmp_path / "annotations_positions").mkdir()
    (tmp_path / "annotations_positions" / "00000000.json").write_text('[{"personID": 1}]')
    with pytest.raises(FormatError, match=r"00000000.json: not a WILDTRACK annotation frame"):
        convert_wildtrack(tmp_path, tmp_path / "out")
