"""Reading and writing numeric text tables (MOTChallenge CSV, JDE label rows), with errors
that say where.

Every reader in `fairmot.data.formats` goes through `read_table`, so a malformed file always
fails the same way: `FormatError` naming the file, the 1-based line and what was expected.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from ...errors import FairMOTError


class FormatError(FairMOTError, ValueError):
    """A data file that does not follow its format.

    Attributes:
        path: the offending file.
        line: 1-based line number, or None when the problem is not tied to a line.
    """

    def __init__(self, path: str | os.PathLike, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


def require_file(path: str | os.PathLike, what: str) -> Path:
    """Return `path` as a Path, raising FormatError when it is not an existing file."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(path, f"missing {what}: no such file")
    return path


def read_table(
    path: str | os.PathLike,
    num_columns: Sequence[int],
    what: str,
    delimiter: str | None = ",",
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a file of numeric rows.

    Blank lines (such as a trailing newline) carry no data and are passed over; every other
    line must hold a number of fields in `num_columns`, all of them numbers, and all lines of
    the file the same number.

    Args:
        path: the file.
        num_columns: the accepted numbers of fields per row.
        what: a description of the row format for messages, e.g. "frame,id,x,y,w,h,...".
        delimiter: field separator; None splits on runs of whitespace.

    Returns:
        rows: (N, C) float64 array; (0, max(num_columns)) for a file without rows.
        line_numbers: (N,) int64, the 1-based line of each row (for later error messages).
    """
    path = require_file(path, what)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(path, f"unreadable ({exc}); expected text rows of {what}") from exc
    fast = _parse_uniform(text, num_columns, delimiter)
    return fast if fast is not None else _parse_lines(path, text, num_columns, what, delimiter)


def _parse_lines(path: Path, text: str, num_columns, what: str, delimiter) -> tuple:
    """`read_table` line by line, naming the first offending line and field."""
    rows: list[list[float]] = []
    line_numbers: list[int] = []
    width = None
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        fields = stripped.split(delimiter)
        if delimiter is not None:
            fields = [f.strip() for f in fields]
        if len(fields) not in num_columns or (width is not None and len(fields) != width):
            expected = width if width is not None else " or ".join(map(str, num_columns))
            raise FormatError(
                path,
                f"expected {expected} fields ({what}), found {len(fields)}: {stripped!r}",
                line_no,
            )
        width = len(fields)
        try:
            rows.append([float(f) for f in fields])
        except ValueError:
            bad = next(f for f in fields if not _is_number(f))
            raise FormatError(
                path, f"field {bad!r} is not a number; expected {what}: {stripped!r}", line_no
            ) from None
        line_numbers.append(line_no)
    if not rows:
        return np.zeros((0, max(num_columns))), np.zeros(0, dtype=np.int64)
    return np.asarray(rows, dtype=np.float64), np.asarray(line_numbers, dtype=np.int64)


def _parse_uniform(text: str, num_columns: Sequence[int], delimiter: str | None):
    """Parse a well-formed file in bulk; None when anything looks off (the caller then
    parses line by line to report where)."""
    lines = text.splitlines()
    line_numbers = [i for i, line in enumerate(lines, start=1) if line.strip()]
    if not line_numbers:
        return None
    if delimiter is None:
        widths = {len(lines[i - 1].split()) for i in line_numbers}
        spaced = text
    else:
        widths = {lines[i - 1].count(delimiter) + 1 for i in line_numbers}
        spaced = text.replace(delimiter, " ")
    if len(widths) != 1:
        return None
    (width,) = widths
    if width not in num_columns or len(spaced.split()) != width * len(line_numbers):
        return None  # e.g. an empty field between two delimiters
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # older numpy warns where numpy 2 raises
            values = np.fromstring(spaced, dtype=np.float64, sep=" ")
    except ValueError:  # a field that is not a number
        return None
    if values.size != width * len(line_numbers):
        return None
    return values.reshape(-1, width), np.array(line_numbers, dtype=np.int64)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_rows(
    path: str | os.PathLike,
    ok: np.ndarray,
    line_numbers: np.ndarray,
    rows: np.ndarray,
    message: str,
) -> None:
    """Raise FormatError at the first row where the boolean mask `ok` is False."""
    bad = np.flatnonzero(~ok)
    if bad.size:
        i = bad[0]
        values = ", ".join(f"{v:g}" for v in rows[i])
        raise FormatError(
            path, f"{message} (row: {values}; {bad.size} such row(s))", int(line_numbers[i])
        )


def is_integer(values: np.ndarray) -> np.ndarray:
    """Element-wise: finite and a whole number."""
    return np.isfinite(values) & (np.floor(values) == values)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename, so readers never see a
    half-written file and an interrupted write leaves the previous version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def format_number(value: float) -> str:
    """A whole number without decimals, others with at most 6 (trailing zeros dropped)."""
    return (
        f"{value:.6f}".rstrip("0").rstrip(".") if not float(value).is_integer() else str(int(value))
    )


def format_rows(columns: list[np.ndarray], integer_columns: set) -> str:
    """Text rows of equally long columns, comma-separated: the `integer_columns` (indices)
    as whole numbers, the others by `format_number`."""
    n = len(columns[0]) if columns else 0
    lines = []
    for i in range(n):
        fields = [
            str(int(col[i])) if j in integer_columns else format_number(col[i])
            for j, col in enumerate(columns)
        ]
        lines.append(",".join(fields) + "\n")
    return "".join(lines)


def write_rows(path: str | os.PathLike, columns: list[np.ndarray], integer_columns: set) -> None:
    """`format_rows` written to `path` atomically."""
    atomic_write_text(path, format_rows(columns, integer_columns))
