"""Association costs and assignment, vectorised over tracks and detections."""

from __future__ import annotations

import lap
import numpy as np


def iou_matrix(a_tlbr: np.ndarray, b_tlbr: np.ndarray) -> np.ndarray:
    """(N, M) IoU of x1 y1 x2 y2 boxes with the original's +1 pixel convention
    (area = (x2 - x1 + 1)(y2 - y1 + 1)), as its cython_bbox computes it."""
    a = np.asarray(a_tlbr, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b_tlbr, dtype=np.float64).reshape(-1, 4)
    iw = np.minimum.outer(a[:, 2], b[:, 2])
    iw -= np.maximum.outer(a[:, 0], b[:, 0])
    iw += 1
    np.maximum(iw, 0, out=iw)
    ih = np.minimum.outer(a[:, 3], b[:, 3])
    ih -= np.maximum.outer(a[:, 1], b[:, 1])
    ih += 1
    np.maximum(ih, 0, out=ih)
    inter = np.multiply(iw, ih, out=iw)
    area_a = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    area_b = (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    union = np.add.outer(area_a, area_b)
    union -= inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=(inter > 0) & (union > 0))


def iou_distance(a_tlbr: np.ndarray, b_tlbr: np.ndarray) -> np.ndarray:
    return 1.0 - iou_matrix(a_tlbr, b_tlbr)


def embedding_distance(track_features: np.ndarray, det_features: np.ndarray) -> np.ndarray:
    """(N, M) cosine distance, clipped at 0, in float64."""
    a = np.asarray(track_features, dtype=np.float64)
    b = np.asarray(det_features, dtype=np.float64)
    if a.size == 0 or b.size == 0:
        return np.zeros((len(a), len(b)))
    a = a / np.sqrt(np.einsum("ij,ij->i", a, a))[:, None]
    b = b / np.sqrt(np.einsum("ij,ij->i", b, b))[:, None]
    return np.maximum(0.0, 1.0 - a @ b.T)


def nearest_embedding_distance(
    gallery: np.ndarray, valid: np.ndarray, det_features: np.ndarray
) -> np.ndarray:
    """(P, M) least cosine distance, clipped at 0, of each detection to each track's
    remembered unit embeddings (StrongSORT's nearest-neighbour metric).

    Args:
        gallery: (P, K, D) unit embeddings per track; valid: (P, K) bool, which are set.
        det_features: (M, D) unit embeddings.
    """
    similarity = np.einsum("pkd,md->pkm", gallery, det_features, dtype=np.float64)
    similarity[~valid] = -np.inf
    return np.maximum(0.0, 1.0 - similarity.max(axis=1))


def fuse_motion(cost: np.ndarray, gating: np.ndarray, threshold: float, lambda_: float):
    """Blend appearance cost with the squared Mahalanobis distance; gated pairs cost inf."""
    fused = lambda_ * cost + (1 - lambda_) * gating
    fused[gating > threshold] = np.inf
    return fused


def class_gate(cost: np.ndarray, track_classes: np.ndarray, det_classes: np.ndarray):
    """(N, M) `cost` with pairs of a track and a detection of different classes set to inf
    (a detection only continues a track of its own class); `cost` itself when every class
    is the same (one class: the original's numbers untouched)."""
    if not cost.size or (
        (track_classes == det_classes[0]).all() and (det_classes == det_classes[0]).all()
    ):
        return cost
    gated = cost.copy()
    gated[track_classes[:, None] != det_classes[None, :]] = np.inf
    return gated


def linear_assignment(cost: np.ndarray, threshold: float):
    """Minimum-cost matching keeping pairs with cost <= threshold (lap.lapjv).

    Returns:
        matches (K, 2) int rows (row, column) in row order, unmatched rows, unmatched columns.
    """
    rows, cols = cost.shape
    if cost.size == 0:
        return np.empty((0, 2), dtype=int), np.arange(rows), np.arange(cols)
    _, x, y = lap.lapjv(cost, extend_cost=True, cost_limit=threshold)
    matched = np.flatnonzero(x >= 0)
    matches = np.stack([matched, x[matched]], axis=1)
    return matches, np.flatnonzero(x < 0), np.flatnonzero(y < 0)
