"""Validate a data_cfg: missing images and labels, malformed label rows (file and line),
boxes wholly outside their image; print images, boxes and identities per data set.

    python tools/check_data.py data_cfg/mot17_half.json [--root DIR] [--purpose train ...]

Exits with status 1 when any defect is found.
"""

import argparse
import sys
from collections import Counter

from fairmot.data.checks import check_data_cfg
from fairmot.data.formats import DATA_CFG_PURPOSES, FormatError


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_cfg", help="data_cfg JSON file")
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
    try:
        report = check_data_cfg(args.data_cfg, args.root, args.purpose)
    except FormatError as exc:
        sys.exit(f"error: {exc}")
    print(report.table())
    if report.ok:
        print("\nno defects found")
        return
    shown = Counter()
    for defect in report.defects:
        shown[defect.kind] += 1
        if shown[defect.kind] <= args.max_shown:
            print(defect, file=sys.stderr)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(shown.items()))
    sys.exit(f"\n{len(report.defects)} defect(s): {summary}")


if __name__ == "__main__":
    main()
