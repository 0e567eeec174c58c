"""TrackEval run on files, as its own scripts run it: the reference the evaluation tests
compare our files with."""

import contextlib
import io
import shutil
from pathlib import Path


def run_trackeval(dataset: str, split: Path, tmp_path: Path) -> tuple[Path, str]:
    """TrackEval's `dataset` (a class of `trackeval.datasets`) on `split/gt` and a copy of
    `split/trackers`; returns (the folder TrackEval wrote the tracker's files in, what it
    printed)."""
    import trackeval

    trackers = tmp_path / "trackers"
    shutil.copytree(split / "trackers", trackers)
    evaluator = trackeval.Evaluator(
        {"USE_PARALLEL": False, "PRINT_CONFIG": False, "TIME_PROGRESS": False}
    )
    data = getattr(trackeval.datasets, dataset)(
        {"GT_FOLDER": str(split / "gt"), "TRACKERS_FOLDER": str(trackers), "PRINT_CONFIG": False}
    )
    metrics = [trackeval.metrics.HOTA(), trackeval.metrics.CLEAR(), trackeval.metrics.Identity()]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        evaluator.evaluate([data], metrics)
    return trackers / "tracker", printed.getvalue()
