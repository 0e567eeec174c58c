"""Validate a data_cfg: missing images and labels, malformed label rows (file and line),
boxes wholly outside their image; print images, boxes and identities per data set.

    python tools/check_data.py --data-cfg data_cfg/mot17_half.json [--root DIR] [--purpose train]

Exits with status 1 when any defect is found.
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
    if report.ok:
        print("\nno defects found")
        return 0
    shown = Counter()
    for defect in report.defects:
        shown[defect.kind] += 1
        if shown[defect.kind] <= args.max_shown:
            print(defect, file=sys.stderr)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(shown.items()))
    print(f"\n{len(report.defects)} defect(s): {summary}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    run_tool(main)
