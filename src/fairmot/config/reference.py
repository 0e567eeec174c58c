"""The configuration reference, generated from the defaults' source: every key, its default
and its comment, grouped by the sections of `defaults.py` (scripts/gen_config_reference.py
writes it to docs/config-reference.md; a test keeps the page equal to this output).
"""

from __future__ import annotations

import re
from pathlib import Path

from .defaults import get_cfg

_ASSIGNMENT = re.compile(r"^_C\.([A-Z0-9_.]+) = (.+)$")
_BANNER = re.compile(r"^# -{20,}$")


def _value(cfg, key: str):
    node = cfg
    for part in key.split("."):
        node = node[part]
    return node


def _entries(source: str) -> list:
    """[(section title, key, comment)] of every leaf key in source order; a comment belongs
    to the assignments that follow it without a blank line."""
    entries, comment, section, lines = [], [], "General", source.splitlines()
    assigned = False  # the comment block was used: the next comment line starts another
    for i, line in enumerate(lines):
        if _BANNER.match(line):
            comment = []
            continue
        if i > 0 and _BANNER.match(lines[i - 1]) and line.startswith("# "):
            section, comment = line[2:].strip(), []
            continue
        match = _ASSIGNMENT.match(line)
        if line.startswith("#"):
            comment = [] if assigned else comment
            comment.append(line[1:].strip())
            assigned = False
        elif match and match.group(2) != "CN()":
            entries.append((section, match.group(1), " ".join(comment)))
            assigned = True
        elif not line.strip():
            comment, assigned = [], False
    return entries


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def config_reference_markdown() -> str:
    """The reference page as Markdown: one table per section of the defaults."""
    cfg = get_cfg()
    source = (Path(__file__).parent / "defaults.py").read_text()
    out = [
        "# Configuration reference",
        "",
        "Every key of the configuration tree, its default and what it means, generated from",
        "`src/fairmot/config/defaults.py` (`python scripts/gen_config_reference.py`; the test",
        "suite fails when this page and the defaults disagree). Any key can be set in an",
        "experiment file or as a trailing `KEY VALUE` pair of any tool.",
    ]
    section = None
    for title, key, comment in _entries(source):
        if title != section:
            section = title
            out += ["", f"## {title}", "", "| key | default | meaning |", "|---|---|---|"]
        default = _cell(repr(_value(cfg, key)))
        out.append(f"| `{key}` | `{default}` | {_cell(comment)} |")
    return "\n".join(out) + "\n"
