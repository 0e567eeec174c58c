"""TrackEval's own output from our evaluation: its printed tables and its two files.

`evaluate_arrays` keeps TrackEval's raw results for the four metric families TrackEval's
MOTChallenge run reports (HOTA, CLEAR, Identity and Count); here they go through TrackEval's
own table printer and file writers (`print_table`, `summary_results`, `detailed_results`,
`utils.write_summary_results` / `write_detailed_results`), so a TrackEval user gets the
files and names they know, `<class>_summary.txt` and `<class>_detailed.csv`, with every field
(HOTA(0), LocA(0), OWTA, MODA, sMOTA, CLR_TP, IDTP, Dets, GT_IDs, the per-alpha arrays ...)
as TrackEval writes it for the same files.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from .mot_metrics import FAMILIES, metric_objects


def trackeval_tables(result, tracker: str) -> str:
    """The tables TrackEval prints (per class or combination, one per family: a row per
    sequence and COMBINED) for an `EvaluationResult` or a `MultiClassResult`."""
    metrics = metric_objects()
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        for cls, families in result.tables().items():
            for family in FAMILIES:
                metrics[family].print_table(families[family], tracker, cls)
    return text.getvalue().lstrip("\n")


def write_trackeval_files(result, out_dir: str | os.PathLike) -> list[Path]:
    """`<class>_summary.txt` and `<class>_detailed.csv` for every class and combination of
    the result, in `out_dir`, written by TrackEval's writers into a temporary folder and
    moved into place (a failure leaves no half file)."""
    from .mot_metrics import _trackeval

    utils = _trackeval().utils
    metrics = metric_objects()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".trackeval") as tmp:
        for cls, tables in result.tables().items():
            summaries = [metrics[f].summary_results(tables[f]) for f in FAMILIES]
            details = [metrics[f].detailed_results(tables[f]) for f in FAMILIES]
            utils.write_summary_results(summaries, cls, tmp)
            utils.write_detailed_results(details, cls, tmp)
            for name in (f"{cls}_summary.txt", f"{cls}_detailed.csv"):
                os.replace(Path(tmp) / name, out_dir / name)
                written.append(out_dir / name)
    return written
