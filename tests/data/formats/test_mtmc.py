"""Multi-camera files (AI City / CityFlow layout): rows, calibrations, scene folders."""

import numpy as np
import pytest

from fairmot.data.formats import FormatError
from fairmot.data.formats.mtmc import (
    MtmcRows,
    MultiCameraScene,
    camera_number,
    read_calibration,
    read_mtmc,
    write_calibration,
    write_mtmc,
)


def test_rows_round_trip_sorted_as_ai_city_writes_them(tmp_path):
    rows = MtmcRows(
        cameras=np.array([2, 1, 1]),
        ids=np.array([7, 3, 5]),
        frames=np.array([1, 2, 2]),
        tlwh=np.array([[1.5, 2, 30, 60], [4, 5, 6, 7], [8, 9, 10, 11]]),
        world=np.array([[-1, -1], [12.25, 3.5], [0.125, 8]]),
    )
    path = tmp_path / "mtmc.txt"
    write_mtmc(path, rows)
    assert path.read_text().splitlines()[0] == "1 3 2 4 5 6 7 12.25 3.5"
    back = read_mtmc(path)
    assert back.cameras.tolist() == [1, 1, 2] and back.ids.tolist() == [3, 5, 7]
    np.testing.assert_allclose(back.tlwh[2], [1.5, 2, 30, 60])
    np.testing.assert_allclose(back.world[0], [12.25, 3.5])
    assert back.camera(2).ids.tolist() == [7]


def test_seven_fields_read_without_ground_positions(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("1 4 10 5 6 7 8\n")
    rows = read_mtmc(path)
    assert rows.world.tolist() == [[-1.0, -1.0]] and rows.frames.tolist() == [10]


@pytest.mark.parametrize(
    "text, message",
    [
        ("1 4 0 5 6 7 8 -1 -1\n", "frames from 1"),
        ("1 4 2 5 6 0 8 -1 -1\n", "w and h must be positive"),
        ("1 4 2 5 6 7 8 -1 -1\n1 4 2 9 9 7 8 -1 -1\n", "twice"),
        ("1 4 2 5 6 7\n", "expected 7 or 9 fields"),
    ],
)
def test_a_bad_row_names_its_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(FormatError, match=message) as error:
        read_mtmc(path)
    assert str(path) in str(error.value)


def test_calibration_round_trip_and_errors(tmp_path):
    homography = np.array([[648.0, 320, -5184], [0, 108, 1360.8], [0, 1, 0]])
    path = tmp_path / "calibration.txt"
    write_calibration(path, homography)
    np.testing.assert_allclose(read_calibration(path), homography)
    path.write_text("Intrinsic parameter matrix: 1 0 0;0 1 0;0 0 1\nHomography matrix: 1 2;3 4\n")
    with pytest.raises(FormatError, match=r"calibration.txt:2: expected 'Homography matrix"):
        read_calibration(path)
    path.write_text("nothing here\n")
    with pytest.raises(FormatError, match="no 'Homography matrix:' line"):
        read_calibration(path)


def test_camera_numbers_follow_ai_city_and_a_name_without_one_is_an_error():
    assert camera_number("c001") == 1 and camera_number("C7") == 7 and camera_number("cam_12") == 12
    with pytest.raises(FormatError, match="needs a number"):
        camera_number("left")


def test_a_scene_folder_without_cameras_is_an_error(tmp_path):
    with pytest.raises(FormatError, match="no camera folders"):
        MultiCameraScene(tmp_path)
    with pytest.raises(FormatError, match="no such directory"):
        MultiCameraScene(tmp_path / "missing")
