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

from .mot_metrics import COMBINED, FAMILIES, EvaluationResult, metric_objects

#: TrackEval's key of the combined row inside its tables.
TRACKEVAL_COMBINED = "COMBINED_SEQ"


def _table(result: EvaluationResult, family: str) -> dict:
    """{sequence or COMBINED_SEQ: that family's raw results}, as TrackEval's tables take."""
    table = {seq: result.raw[seq][family] for seq in result.sequences}
    table[TRACKEVAL_COMBINED] = result.raw[COMBINED][family]
    return table


def trackeval_tables(result: EvaluationResult, tracker: str, cls: str = "pedestrian") -> str:
    """The tables TrackEval prints (one per family: a row per sequence and COMBINED)."""
    metrics = metric_objects()
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        for family in FAMILIES:
            metrics[family].print_table(_table(result, family), tracker, cls)
    return text.getvalue().lstrip("\n")


def write_trackeval_files(
    result: EvaluationResult, out_dir: str | os.PathLike, cls: str = "pedestrian"
) -> list[Path]:
    """`<cls>_summary.txt` and `<cls>_detailed.csv` in `out_dir`, written by TrackEval's
    writers into a temporary folder and moved into place (a failure leaves no half file)."""
    from .mot_metrics import _trackeval

    utils = _trackeval().utils
    metrics = metric_objects()
    summaries = [metrics[f].summary_results(_table(result, f)) for f in FAMILIES]
    details = [metrics[f].detailed_results(_table(result, f)) for f in FAMILIES]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [f"{cls}_summary.txt", f"{cls}_detailed.csv"]
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".trackeval") as tmp:
        utils.write_summary_results(summaries, cls, tmp)
        utils.write_detailed_results(details, cls, tmp)
        for name in names:
            os.replace(Path(tmp) / name, out_dir / name)
    return [out_dir / name for name in names]
