"""The association ablation's table (paper Table 6): one row per association mode, and the
default with the long-term re-ID gallery."""

from __future__ import annotations

from pathlib import Path

from ..data.formats import atomic_write_text

#: Paper Table 6 rows (association modes) and the gallery row -> what each uses.
ABLATION_ROWS = {
    "iou": "IoU only",
    "reid": "re-ID only",
    "reid_kf": "re-ID + Kalman gating",
    "reid_kf_iou": "re-ID + Kalman + IoU (default)",
    "gallery": "default + long-term re-ID gallery",
}
#: The tracker parameters of each row (`dataclasses.replace` on the config's).
ABLATION_PARAMS = {
    "iou": {"association": "iou"},
    "reid": {"association": "reid"},
    "reid_kf": {"association": "reid_kf"},
    "reid_kf_iou": {"association": "reid_kf_iou"},
    "gallery": {"association": "reid_kf_iou", "reid_gallery": True},
}
#: Metrics of the ablation table (TrackEval names).
ABLATION_METRICS = ("MOTA", "IDF1", "HOTA", "AssA", "IDSW")


def format_ablation(rows: dict) -> str:
    """A Markdown table of {mode: {metric: value}} rows (rates in %, IDSW a count)."""
    lines = [
        "| association | " + " | ".join(ABLATION_METRICS) + " |",
        "|---|" + "---|" * len(ABLATION_METRICS),
    ]
    for mode, row in rows.items():
        cells = [str(row[m]) if m == "IDSW" else f"{row[m]:.1f}" for m in ABLATION_METRICS]
        lines.append(f"| {ABLATION_ROWS[mode]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_ablation(rows: dict, out_dir) -> tuple:
    """Write `format_ablation(rows)` to out_dir/association_ablation.md (atomically).

    Returns:
        (the table, its path).
    """
    table = format_ablation(rows)
    path = Path(out_dir) / "association_ablation.md"
    atomic_write_text(path, table + "\n")
    return table, path
