"""Shared pieces of the benchmarks: timing and the one-table report of run_all.py."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import partial


@dataclass
class Row:
    """One figure of the benchmark table.

    `ours` and `baseline` are in `unit`; `baseline` is measured in the same run (None where
    no baseline runs here), `baseline_name` says what it is.
    """

    benchmark: str
    unit: str
    ours: float
    baseline: float | None = None
    baseline_name: str = ""
    higher_is_better: bool = False

    def speedup(self) -> float | None:
        if self.baseline is None:
            return None
        return self.ours / self.baseline if self.higher_is_better else self.baseline / self.ours


def median_seconds(function, repeat: int, warmup: int = 1) -> float:
    """Median wall time of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(measures: dict, rounds: int) -> dict:
    """The median of `rounds` results of each function of `measures` ({name: () -> float}),
    called in turn round after round: on a shared machine load comes and goes, and
    alternating gives every side the same share of it."""
    results = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            results[name].append(measure())
    return {name: statistics.median(values) for name, values in results.items()}


def interleaved_seconds(functions: dict, repeat: int) -> dict:
    """Median wall time of each function of `functions` ({name: callable}), one warm-up
    call each, then `repeat` rounds calling each in turn (`interleaved_medians`)."""
    for function in functions.values():
        function()
    return interleaved_medians(
        {name: partial(_seconds, function) for name, function in functions.items()}, repeat
    )


def _seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


TABLE_HEADER = "| benchmark | unit | ours | baseline, same run | speed-up |\n|---|---|---|---|---|"


def format_row(row: Row) -> str:
    """One line of the Markdown table of `format_rows`."""
    base = f"{row.baseline:.3g} ({row.baseline_name})" if row.baseline is not None else "—"
    speedup = row.speedup()
    gain = f"{speedup:.2f}×" if speedup is not None else "—"
    return f"| {row.benchmark} | {row.unit} | {row.ours:.3g} | {base} | {gain} |"


def format_rows(rows: list) -> str:
    """A Markdown table: benchmark, ours, baseline (same run), speed-up."""
    return "\n".join([TABLE_HEADER, *map(format_row, rows)])


def print_rows_as_measured(rows) -> list:
    """Print the table of `format_rows` a line at a time as the iterable `rows` yields its
    rows (flushed: a run cut short by a time limit keeps what it measured); returns them."""
    print(TABLE_HEADER, flush=True)
    measured = []
    for row in rows:
        print(format_row(row), flush=True)
        measured.append(row)
    return measured
