"""Camera motion compensation: the estimated motion against the synthetic generator's known
camera motion, the Kalman state moved with it, and a panning camera tracked with and
without it."""

import numpy as np
import pytest

from fairmot.data.synthetic import Renderer, Scene, SceneParams
from fairmot.tracker import JDETracker, TrackerParams, kalman
from fairmot.tracker.cmc import IDENTITY, CameraMotion, warp_boxes_tlwh

#: A camera panning 200 px either way every 4 s (up to 10 px a frame), shaking 1.5 px.
MOVING = SceneParams(length=40, num_people=10, pan_amplitude=200.0, pan_period=4.0)


@pytest.fixture(scope="module")
def panning_frames():
    """(image, camera offset (dx, dy), the frame's ground-truth boxes x1 y1 x2 y2) of 40
    frames of a panning camera."""
    rng = np.random.default_rng(5)
    scene = Scene(MOVING, rng)
    renderer = Renderer(scene, rng)
    frames = []
    for _ in range(MOVING.length):
        scene.step()
        rendered = renderer.render()
        people = [o.tlwh for o in rendered.objects if o.kind in ("walker", "static_person")]
        boxes = np.array(people, float).reshape(-1, 4)
        boxes[:, 2:] += boxes[:, :2]
        frames.append((rendered.image, rendered.camera_offset, boxes))
    return frames


@pytest.mark.parametrize("method", ["sof", "ecc", "orb"])
def test_estimated_motion_is_the_generator_s_camera_motion(panning_frames, method):
    """The generator shifts the view by its camera offset: what was at x is at x - (dx_t -
    dx_t-1) in the next frame. Each method recovers that shift on most frame pairs."""
    motion = CameraMotion(method, downscale=2.0)
    errors = []
    for index, (image, offset, boxes) in enumerate(panning_frames):
        warp = motion(image, boxes)
        if index == 0:
            np.testing.assert_array_equal(warp, IDENTITY)
            continue
        previous = panning_frames[index - 1][1]
        truth = -np.subtract(offset, previous)
        errors.append(np.abs(warp[:, 2] - truth).max())
        np.testing.assert_allclose(warp[:, :2], np.eye(2), atol=0.02)  # no rotation, zoom
    moved = np.abs(np.diff([o for _, o, _ in panning_frames], axis=0)).max()
    assert moved >= 5  # the camera does move several pixels a frame
    assert np.median(errors) < 1.0 and np.mean(np.array(errors) < 2.0) >= 0.8


def test_a_track_moves_with_the_camera():
    means, covs = kalman.initiate(np.array([[100.0, 200, 0.5, 80]]))
    means[0, 4:] = [2.0, 1.0, 0.0, 0.5]
    angle, scale = np.deg2rad(90), 2.0
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    warp = np.c_[rotation, [10.0, -5.0]]
    moved, moved_covs = kalman.warp(means, covs, warp)
    np.testing.assert_allclose(moved[0, :2], [-400 + 10, 200 - 5], atol=1e-9)
    np.testing.assert_allclose(moved[0, 4:6], [-2.0, 4.0], atol=1e-9)  # velocity turned
    np.testing.assert_allclose(moved[0, [2, 3, 6, 7]], [0.5, 160, 0.0, 1.0])
    np.testing.assert_allclose(np.diag(moved_covs[0]), np.diag(covs[0]) * np.tile([4, 4, 1, 4], 2))
    box = warp_boxes_tlwh(np.array([[80.0, 160, 40, 80]]), np.c_[np.eye(2) * 2, [10, -5]])
    np.testing.assert_allclose(box, [[160 + 10, 320 - 5, 80, 160]])  # centre (100,200)->(210,395)


def test_compensation_keeps_a_person_tracked_while_the_camera_whips_round():
    """A person standing still while the camera pans 40 px a frame to the right: in the
    image they move 40 px a frame to the left. Their embedding changes too (lighting), so
    appearance alone cannot hold the identity, and without the camera's motion the
    Kalman gate (a still person) refuses the jump. With the warp the person is where the
    filter expects."""
    views = np.eye(8, dtype=np.float32)

    def run(compensate):
        tracker = JDETracker(TrackerParams(match_thres_iou=0.5))
        ids = []
        for t in range(12):
            x = 500 - 40 * max(t - 4, 0)  # the camera starts panning at frame 5
            box = np.array([[x, 100.0, x + 40, 200, 0.9]])
            feature = views[[0 if t < 5 else 1 + t % 7]]
            warp = np.c_[np.eye(2), [-40.0 if t > 4 else 0.0, 0.0]] if compensate else None
            ids.append(tracker.update(box, feature, warp=warp).ids.tolist())
        return ids

    assert run(True) == [[1]] * 12
    assert run(False)[-1] != [1]
