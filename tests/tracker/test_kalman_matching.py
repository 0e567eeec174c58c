"""Kalman filter against hand-computed steps and the full matrix algebra; association costs."""

import numpy as np
import pytest

from fairmot.tracker import kalman
from fairmot.tracker.matching import (
    embedding_distance,
    fuse_motion,
    iou_matrix,
    linear_assignment,
)


def test_initiate_predict_update_by_hand():
    means, covs = kalman.initiate(np.array([[100.0, 200.0, 0.5, 80.0]]))
    # std: position 2/20 * h = 8, aspect 0.01, velocity 10/160 * h = 5, aspect velocity 1e-5
    np.testing.assert_allclose(np.diag(covs[0]), [64, 64, 1e-4, 64, 25, 25, 1e-10, 25])
    means, covs = kalman.predict(means, covs)
    np.testing.assert_allclose(means[0], [100, 200, 0.5, 80, 0, 0, 0, 0])
    # x: 64 + 25 (velocity) + (80/20)^2 = 105; x-vx: 25; vx: 25 + (80/160)^2 = 25.25
    assert covs[0, 0, 0] == pytest.approx(105) and covs[0, 0, 4] == pytest.approx(25)
    assert covs[0, 4, 4] == pytest.approx(25.25)
    means, covs = kalman.update(means, covs, np.array([[104.0, 200.0, 0.5, 80.0]]))
    # S_x = 105 + 16 = 121: x += 105/121 * 4, vx += 25/121 * 4
    assert means[0, 0] == pytest.approx(100 + 105 / 121 * 4)
    assert means[0, 4] == pytest.approx(25 / 121 * 4)
    assert covs[0, 0, 0] == pytest.approx(105 - 105**2 / 121)
    assert covs[0, 4, 4] == pytest.approx(25.25 - 25**2 / 121)


def full_update(mean, cov, z):
    """The textbook Kalman update with general matrices (as the original computes it)."""
    h = np.eye(4, 8)
    std = [mean[3] / 20, mean[3] / 20, 1e-1, mean[3] / 20]
    s = h @ cov @ h.T + np.diag(np.square(std))
    k = cov @ h.T @ np.linalg.inv(s)
    return mean + k @ (z - h @ mean), cov - k @ s @ k.T, s


def test_vectorised_filter_equals_the_full_matrix_algebra():
    rng = np.random.default_rng(0)
    boxes = rng.uniform([50, 50, 0.3, 40], [1800, 1000, 0.6, 300], size=(6, 4))
    means, covs = kalman.initiate(boxes)
    for _ in range(5):
        means, covs = kalman.predict(means, covs)
        z = means[:, :4] + rng.normal(0, 3, (6, 4)) * [1, 1, 0.01, 1]
        expected = [full_update(m, c, zz) for m, c, zz in zip(means, covs, z)]
        # Gating: squared Mahalanobis distance with the full innovation covariance.
        measurements = z[::-1]
        gating = kalman.gating_distance(means, covs, measurements)
        for n, (_, _, s) in enumerate(expected):
            d = measurements - means[n, :4]
            np.testing.assert_allclose(
                gating[n], np.einsum("mi,ij,mj->m", d, np.linalg.inv(s), d), rtol=1e-9
            )
        means, covs = kalman.update(means, covs, z)
        np.testing.assert_allclose(means, [e[0] for e in expected], rtol=1e-10)
        np.testing.assert_allclose(covs, [e[1] for e in expected], rtol=1e-9, atol=1e-12)


def test_iou_uses_the_plus_one_pixel_convention():
    a = np.array([[0.0, 0.0, 9.0, 9.0]])  # 10 x 10 pixels
    b = np.array([[5.0, 5.0, 14.0, 14.0], [20.0, 20.0, 30.0, 30.0], [0, 0, 9, 9]])
    np.testing.assert_allclose(iou_matrix(a, b), [[25 / 175, 0.0, 1.0]])
    assert iou_matrix(np.zeros((0, 4)), b).shape == (0, 3)


def test_embedding_distance_and_motion_fusion():
    tracks = np.array([[1.0, 0.0], [0.0, 2.0]])
    dets = np.array([[1.0, 1.0], [0.0, -1.0]])
    cost = embedding_distance(tracks, dets)
    np.testing.assert_allclose(cost, [[1 - np.sqrt(0.5), 1.0], [1 - np.sqrt(0.5), 2.0]])
    gating = np.array([[1.0, 20.0], [3.0, 2.0]])
    fused = fuse_motion(cost, gating, threshold=9.4877, lambda_=0.98)
    assert np.isinf(fused[0, 1])
    assert fused[1, 0] == pytest.approx(0.98 * (1 - np.sqrt(0.5)) + 0.02 * 3.0)


def test_linear_assignment_respects_the_threshold():
    cost = np.array([[0.1, 0.9], [0.8, 0.95], [0.2, 0.3]])
    matches, rows, cols = linear_assignment(cost, threshold=0.4)
    assert matches.tolist() == [[0, 0], [2, 1]] and rows.tolist() == [1] and cols.tolist() == []
    matches, rows, cols = linear_assignment(np.zeros((0, 3)), 0.4)
    assert len(matches) == 0 and cols.tolist() == [0, 1, 2]
