"""Evaluation layer: tracking metrics (HOTA, CLEAR, identity; TrackEval as the engine) over
arrays read by the data layer, and their reports (tables, files, plots, the association
ablation's table). Detection AP and re-ID TPR are metrics of a model: `detection`, `reid`."""

from .ablation import ABLATION_METRICS, ABLATION_ROWS, format_ablation, write_ablation
from .mot_metrics import (
    BENCHMARKS,
    COMBINED,
    METRICS,
    EvaluationError,
    EvaluationResult,
    evaluate_arrays,
    evaluate_split,
)
from .report import format_table, ground_truth_dir, report_split, write_reports

__all__ = [
    "ABLATION_METRICS",
    "ABLATION_ROWS",
    "BENCHMARKS",
    "COMBINED",
    "METRICS",
    "EvaluationError",
    "EvaluationResult",
    "evaluate_arrays",
    "evaluate_split",
    "format_ablation",
    "format_table",
    "ground_truth_dir",
    "report_split",
    "write_ablation",
    "write_reports",
]
