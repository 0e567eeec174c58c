"""Evaluation layer: tracking metrics (HOTA, CLEAR, identity; TrackEval as the engine) over
arrays read by the data layer, and their reports (tables, files, plots, the association
ablation's table). Detection AP and re-ID TPR are metrics of a model: `detection`, `reid`."""

from .ablation import (
    ABLATION_METRICS,
    ABLATION_PARAMS,
    ABLATION_ROWS,
    format_ablation,
    write_ablation,
)
from .mot_metrics import (
    BENCHMARKS,
    COMBINED,
    METRICS,
    EvaluationError,
    EvaluationResult,
    evaluate_arrays,
    evaluate_split,
)
from .report import (
    combined_metrics,
    evaluate_tracks,
    format_cross_camera,
    format_table,
    ground_truth_dir,
    multiclass_layout,
    report_multiclass_split,
    report_split,
    tracker_name,
    write_reports,
)
from .trackeval_output import trackeval_tables, write_trackeval_files

__all__ = [
    "ABLATION_METRICS",
    "ABLATION_PARAMS",
    "ABLATION_ROWS",
    "BENCHMARKS",
    "COMBINED",
    "METRICS",
    "EvaluationError",
    "EvaluationResult",
    "evaluate_arrays",
    "combined_metrics",
    "evaluate_split",
    "evaluate_tracks",
    "format_ablation",
    "format_cross_camera",
    "format_table",
    "ground_truth_dir",
    "multiclass_layout",
    "report_multiclass_split",
    "report_split",
    "trackeval_tables",
    "tracker_name",
    "write_ablation",
    "write_reports",
    "write_trackeval_files",
]
