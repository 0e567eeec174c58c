"""Pictures of evaluation results (matplotlib, no display needed)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_hota_vs_alpha(
    alphas: np.ndarray, curves: dict, path: str | os.PathLike, title: str = ""
) -> Path:
    """HOTA, DetA and AssA (in %) against the localisation threshold alpha.

    Args:
        alphas: (A,) thresholds; curves: {"HOTA": (A,), "DetA": (A,), "AssA": (A,)} fractions.
    """
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    for name, style in zip(("HOTA", "DetA", "AssA"), ("-o", "--s", ":^")):
        values = 100 * np.asarray(curves[name])
        ax.plot(alphas, values, style, markersize=3, label=f"{name} (mean {values.mean():.1f})")
    ax.set_xlabel("localisation threshold α (IoU)")
    ax.set_ylabel("%")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title or "HOTA, DetA and AssA against α")
    return _save(fig, path)


def plot_per_sequence(
    summary: dict, path: str | os.PathLike, metrics=("HOTA", "MOTA", "IDF1")
) -> Path:
    """Grouped bars of `metrics` (in %) for every sequence and the combined result."""
    names = list(summary)
    x = np.arange(len(names))
    width = 0.8 / len(metrics)
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(names) + 2), 4), dpi=120)
    for k, metric in enumerate(metrics):
        values = [summary[n][metric] for n in names]
        bars = ax.bar(x + (k - (len(metrics) - 1) / 2) * width, values, width, label=metric)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel("%")
    ax.set_ylim(min(0, *(summary[n][m] for n in names for m in metrics)) - 5, 118)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper center", ncol=len(metrics), frameon=False)
    return _save(fig, path)


def _save(fig, path: str | os.PathLike) -> Path:
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_trials(numbers, hota, idsw, best: int, path: str | os.PathLike) -> Path:
    """A tuning study: HOTA of each trial and the best so far (left), HOTA against
    identity switches (right), the chosen trial `best` marked on both."""
    numbers, hota, idsw = np.asarray(numbers), np.asarray(hota), np.asarray(idsw)
    order = np.argsort(numbers)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=120)
    left.plot(numbers[order], hota[order], ".", color="0.5", label="trial")
    left.plot(numbers[order], np.maximum.accumulate(hota[order]), "-", label="best so far")
    chosen = numbers == best
    for ax, x in ((left, numbers), (right, idsw)):
        ax.plot(x[chosen], hota[chosen], "*", markersize=12, color="tab:red", label="chosen")
        ax.grid(alpha=0.3)
        ax.set_ylabel("HOTA (%)")
    right.plot(idsw, hota, ".", color="0.5")
    left.set_xlabel("trial")
    right.set_xlabel("identity switches")
    left.legend()
    return _save(fig, path)
