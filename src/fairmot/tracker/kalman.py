"""Constant-velocity Kalman filter on (cx, cy, aspect, height), vectorised over tracks.

State (8,): cx, cy, a, h and their velocities vx, vy, va, vh, in frame pixels per frame (a
is width / height). Noise scales with the box height, as in DeepSORT and the original
FairMOT: position std 1/20 of the height, velocity std 1/160.
Every function takes a batch: means (N, 8), covariances (N, 8, 8).

The four coordinates never mix: the initial and process covariances are diagonal and the
motion model couples each coordinate only with its own velocity, so a covariance has
non-zero entries only where row and column index agree modulo 4, and the innovation
covariance S (4 x 4) is diagonal. Update and gating use that (S^-1 is a division), which
computes exactly what the full matrix algebra of the original computes, several times
faster for small batches.
"""

from __future__ import annotations

import numpy as np

#: 95 % quantiles of the chi-square distribution by degrees of freedom (gating thresholds).
CHI2_95 = {
    1: 3.8415,
    2: 5.9915,
    3: 7.8147,
    4: 9.4877,
    5: 11.070,
    6: 12.592,
    7: 14.067,
    8: 15.507,
    9: 16.919,
}

STD_POSITION = 1.0 / 20
STD_VELOCITY = 1.0 / 160
MOTION = np.eye(8)
MOTION[:4, 4:] = np.eye(4)  # x' = x + v (dt = 1 frame)


def _diag(std: np.ndarray) -> np.ndarray:
    """(N, k) standard deviations -> (N, k, k) diagonal covariances."""
    n, k = std.shape
    out = np.zeros((n, k, k))
    out[:, np.arange(k), np.arange(k)] = std * std
    return out


def initiate(measurements: np.ndarray):
    """New tracks from (N, 4) xyah measurements: zero velocity, height-scaled uncertainty."""
    measurements = np.asarray(measurements, dtype=np.float64).reshape(-1, 4)
    h = measurements[:, 3]
    means = np.concatenate([measurements, np.zeros_like(measurements)], axis=1)
    std = np.stack(
        [
            2 * STD_POSITION * h,
            2 * STD_POSITION * h,
            np.full_like(h, 1e-2),
            2 * STD_POSITION * h,
            10 * STD_VELOCITY * h,
            10 * STD_VELOCITY * h,
            np.full_like(h, 1e-5),
            10 * STD_VELOCITY * h,
        ],
        axis=1,
    )
    return means, _diag(std)


def predict(means: np.ndarray, covariances: np.ndarray):
    """One frame ahead: (N, 8), (N, 8, 8) -> the predicted means and covariances."""
    h = means[:, 3]
    position, velocity = STD_POSITION * h, STD_VELOCITY * h
    means = means @ MOTION.T
    # F P F^T with F = [[I, I], [0, I]], written out on the 4 x 4 blocks of P.
    a, b = covariances[:, :4, :4], covariances[:, :4, 4:]
    c, d = covariances[:, 4:, :4], covariances[:, 4:, 4:]
    predicted = np.empty_like(covariances)
    predicted[:, :4, :4] = a + b + c + d
    predicted[:, :4, 4:] = b + d
    predicted[:, 4:, :4] = c + d
    predicted[:, 4:, 4:] = d
    noise = np.stack(
        [
            position,
            position,
            np.full_like(h, 1e-2),
            position,
            velocity,
            velocity,
            np.full_like(h, 1e-5),
            velocity,
        ],
        axis=1,
    )
    diagonal = np.arange(8)
    predicted[:, diagonal, diagonal] += noise * noise
    return means, predicted


def project(means: np.ndarray, covariances: np.ndarray):
    """State -> measurement space: (N, 4) means and (N, 4, 4) innovation covariances."""
    h = means[:, 3]
    std = np.stack(
        [STD_POSITION * h, STD_POSITION * h, np.full_like(h, 1e-1), STD_POSITION * h], axis=1
    )
    return means[:, :4], covariances[:, :4, :4] + _diag(std)


def _innovation_variance(
    means: np.ndarray, covariances: np.ndarray, scores: np.ndarray | None = None
) -> np.ndarray:
    """(N, 4) diagonal of the innovation covariance S = H P H^T + R; with `scores` (N,), R
    scaled by (1 - score)^2 (the measurement std by 1 - score)."""
    h = means[:, 3]
    noise = np.empty((len(h), 4))
    noise[:] = (STD_POSITION * h)[:, None] ** 2
    noise[:, 2] = 1e-2  # (1e-1)^2 for the aspect ratio
    if scores is not None:
        noise *= ((1.0 - np.asarray(scores, dtype=np.float64)) ** 2)[:, None]
    return covariances[:, [0, 1, 2, 3], [0, 1, 2, 3]] + noise


def update(
    means: np.ndarray,
    covariances: np.ndarray,
    measurements: np.ndarray,
    scores: np.ndarray | None = None,
):
    """Correct N tracks with one (N, 4) xyah measurement each.

    `scores`: (N,) detection scores for the noise-scale-adaptive update (StrongSORT's NSA
    Kalman filter: a confident detection is trusted more, R scaled by (1 - score)^2); None
    (the original): the same measurement noise for every detection."""
    variance = _innovation_variance(means, covariances, scores)  # S is diagonal
    # Kalman gain K = P H^T S^-1 (N, 8, 4): the first four columns of P, each over S_jj.
    gain = covariances[:, :, :4] / variance[:, None, :]
    innovation = measurements - means[:, :4]
    means = means + np.einsum("nij,nj->ni", gain, innovation)
    # P - K S K^T = P - K (P H^T)^T
    covariances = covariances - gain @ covariances[:, :4, :]
    return means, covariances


def warp(means: np.ndarray, covariances: np.ndarray, affine: np.ndarray):
    """N tracks moved with the camera by a (2, 3) similarity warp (x' = A x + t: rotation,
    uniform scale s, translation; `cmc.CameraMotion`): the centre by the warp, its velocity
    by A, height and its velocity by s, the aspect unchanged. The covariance is scaled by s
    on the centre and height coordinates only: a rotation would couple x and y, which the
    filter keeps independent (see the module docstring), and between two frames a camera
    turns by a fraction of a degree.

    Returns:
        (N, 8) means, (N, 8, 8) covariances.
    """
    linear, shift = np.asarray(affine[:, :2], np.float64), np.asarray(affine[:, 2], np.float64)
    scale = float(np.sqrt(abs(np.linalg.det(linear))))
    means = means.copy()
    means[:, :2] = means[:, :2] @ linear.T + shift
    means[:, 4:6] = means[:, 4:6] @ linear.T
    means[:, [3, 7]] *= scale
    factor = np.array([scale, scale, 1.0, scale] * 2)
    return means, covariances * factor[:, None] * factor[None, :]


def gating_distance(means: np.ndarray, covariances: np.ndarray, measurements: np.ndarray):
    """Squared Mahalanobis distance of every (M, 4) measurement to every track: (N, M)."""
    inverse = 1.0 / _innovation_variance(means, covariances)  # (N, 4)
    mu = means[:, :4]
    # sum_k (z_k - mu_k)^2 / S_kk, expanded into three matrix products.
    return (
        inverse @ (measurements * measurements).T
        - 2.0 * (mu * inverse) @ measurements.T
        + np.sum(mu * mu * inverse, axis=1, keepdims=True)
    )
