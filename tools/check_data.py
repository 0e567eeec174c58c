"""Validate a data_cfg: missing images and labels, malformed label rows (file and line),
boxes wholly outside their image; print images, boxes and identities per data set.

    python tools/check_data.py --data-cfg data_cfg/mot17_half.json [--root DIR] [--purpose train]

Exits with status 1 when any defect is found. Boxes lying wholly outside their image are
warnings: the conversion rules keep them and the real releases have them (MOT17-10).
"""

import sys
from collections import Counter

from fairmot.cli import argument_parser, run_tool
from fairmot.data.checks import check_data_cfg
from fairmot.data.formats import DATA_CFG_PURPOSES


def main():
    parser = argument_parser(__doc__, config=False, data_cfg=True)
    parser.add_argument("--root", default=None, help="data root overriding the file's")
    parser.add_argument(
        "--purpose",
        nargs="+",
        default=list(DATA_CFG_PURPOSES),
        choices=DATA_CFG_PURPOSES,
        help="purposes to check (default: all)",
    )
    parser.add_argument(
        "--max-shown", type=int, default=20, help="defects printed per kind (all are counted)"
    )
    args = parser.parse_args()
    if not args.data_cfg:
        parser.error("give --data-cfg: the data_cfg JSON file to check")
    report = check_data_cfg(args.data_cfg, args.root, args.purpose)
    print(report.table())
    if report.warnings:
        print(f"\n{_listed(report.warnings, args.max_shown)} warning(s)", file=sys.stderr)
    if report.ok:
        print("\nno defects found")
        return 0
    print(f"\n{_listed(report.defects, args.max_shown)} defect(s)", file=sys.stderr)
    return 1


def _listed(items: list, max_shown: int) -> str:
    """Print up to `max_shown` items of each kind; returns "N: n kind, ..." for the summary."""
    shown = Counter()
    for item in items:
        shown[item.kind] += 1
        if shown[item.kind] <= max_shown:
            print(item, file=sys.stderr)
    return f"{len(items)}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(shown.items()))


if __name__ == "__main__":
    run_tool(main)
