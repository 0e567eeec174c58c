"""Re-ID quality as the original `test_emb.py` defines it: true-positive rate at given
false-accept rates over all pairs of ground-truth embeddings (cosine similarity)."""

from __future__ import annotations

import numpy as np

FAR_LEVELS = (1e-3, 1e-2, 1e-1)


def roc_curve(same: np.ndarray, scores: np.ndarray):
    """(false-accept rates, true-accept rates) at every distinct score threshold, from
    (0, 0) upwards, as sklearn.metrics.roc_curve computes them."""
    order = np.argsort(-scores, kind="mergesort")
    scores, same = scores[order], same[order].astype(np.float64)
    last_of_value = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tps = np.cumsum(same)[last_of_value]
    fps = (1 + last_of_value) - tps
    far = np.r_[0.0, fps / max(fps[-1], 1e-16)]
    tar = np.r_[0.0, tps / max(tps[-1], 1e-16)]
    return far, tar


def tpr_at_far(embeddings: np.ndarray, labels: np.ndarray, far_levels=FAR_LEVELS) -> dict:
    """{far: tpr} over the pairs of (N, D) embeddings with (N,) identity labels."""
    embeddings = np.asarray(embeddings, dtype=np.float64)
    embeddings = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    similarity = embeddings @ embeddings.T
    rows, cols = np.triu_indices(len(labels), k=1)
    same = labels[rows] == labels[cols]
    far, tar = roc_curve(same, similarity[rows, cols])
    return {float(level): float(np.interp(level, far, tar)) for level in far_levels}
