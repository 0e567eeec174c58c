"""The multi-view synthetic world: one set of people through several calibrated cameras."""

import numpy as np
import pytest

from fairmot.boxes import tlwh_to_ground
from fairmot.data.formats.mtmc import MultiCameraScene
from fairmot.data.synthetic.multiview import (
    RIG,
    WorldParams,
    generate_multiview_scene,
    scene_cameras,
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    root = tmp_path_factory.mktemp("mv") / "MV-01"
    params = WorldParams(length=150, num_people=14)
    summary = generate_multiview_scene(root, params, scene_cameras(2), seed=5)
    return MultiCameraScene(root), summary


def test_each_camera_is_a_sequence_with_global_identities(scene):
    scene, summary = scene
    assert list(scene.cameras) == ["c01", "c02"]
    truth = scene.read_ground_truth()
    assert summary["multi_camera_identities"] >= 1  # c01 and c02 overlap
    for name, camera in scene.cameras.items():
        gt = camera.read_gt()
        people = (gt.classes == 1) & (gt.consider == 1)
        # The camera's evaluated people are exactly the scene file's rows of that camera.
        mine = truth.camera(int(name[1:]))
        assert sorted(zip(gt.frames[people], gt.ids[people])) == sorted(zip(mine.frames, mine.ids))
        assert camera.info.frame_rate == 15 and camera.info.seq_length == 150
    both = set(truth.camera(1).ids.tolist()) & set(truth.camera(2).ids.tolist())
    assert len(both) == summary["multi_camera_identities"]


def test_the_calibration_maps_foot_points_to_the_true_ground_positions(scene):
    scene, _ = scene
    truth = scene.read_ground_truth()
    for name in scene.cameras:
        rows = truth.camera(int(name[1:]))
        # Feet inside the frame (a box cut by the bottom edge has no foot point).
        whole = rows.tlwh[:, 1] + rows.tlwh[:, 3] < 359
        ground = tlwh_to_ground(rows.tlwh[whole], np.linalg.inv(scene.calibration(name)))
        error = np.linalg.norm(ground - rows.world[whole], axis=1)
        # Sprite pixels round the foot point by a pixel or two: centimetres near, a few
        # decimetres at the far side of the street.
        assert np.median(error) < 0.3 and np.percentile(error, 95) < 1.0, name


def test_a_scene_is_deterministic(tmp_path):
    params = WorldParams(length=20)
    for k in range(2):
        generate_multiview_scene(tmp_path / f"s{k}", params, scene_cameras(2), seed=9)
    first, second = ((tmp_path / f"s{k}" / "ground_truth.txt").read_text() for k in range(2))
    assert first == second and first


def test_the_rig_has_four_cameras_and_refuses_more():
    assert len(RIG) == 4 and len({c.name for c in RIG}) == 4
    with pytest.raises(ValueError, match="1 to 4 cameras"):
        scene_cameras(5)
