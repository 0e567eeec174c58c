"""Evaluation layer: tracking metrics (HOTA, CLEAR, identity; TrackEval as the engine) over
arrays read by the data layer, and their reports."""

from .mot_metrics import (
    BENCHMARKS,
    COMBINED,
    METRICS,
    EvaluationError,
    EvaluationResult,
    evaluate_arrays,
    evaluate_split,
)
from .report import format_table, write_reports

__all__ = [
    "BENCHMARKS",
    "COMBINED",
    "METRICS",
    "EvaluationError",
    "EvaluationResult",
    "evaluate_arrays",
    "evaluate_split",
    "format_table",
    "write_reports",
]
