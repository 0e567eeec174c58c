"""The trackers side by side on the same saved detections and embeddings: this project's
presets (TRACKER.PRESET), each also with offline post-processing, and, where BoxMOT is
installed in an environment of its own, BoxMOT's trackers fed the same boxes and the same
embeddings (no re-ID model of theirs), their detection and new-track thresholds set to
ours. All scored by the project's TrackEval-equal evaluation; one Markdown table with
ms/frame (association alone).

    python benchmarks/tracker_compare.py --detections output/synthetic/tracks/fairmot/detections \\
        --gt output/synthetic/data/images/val [--cfg configs/synthetic.yaml] \\
        [--boxmot-python boxmot-venv/bin/python] [--boxmot strongsort,deepocsort,...] \\
        [--postprocess link,gsi] [--out table.md] [KEY VALUE ...]

BoxMOT (`python -m venv boxmot-venv && boxmot-venv/bin/pip install boxmot==25.0.0`) pulls
the GUI build of OpenCV, so it gets its own environment; `--boxmot-python` (or
$BOXMOT_PYTHON) names that environment's Python, which runs `boxmot_replay.py`. Without it
only this project's rows are measured. `--no-cmc` also runs each BoxMOT tracker without
its camera motion compensation.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from fairmot.config import load_cfg
from fairmot.evaluation import COMBINED, evaluate_split
from fairmot.replay import load_replay, score_replay, track_replay
from fairmot.tracker import OutputFilter, TrackerParams
from fairmot.tracker.postprocess import PostprocessParams, postprocess
from fairmot.tracker.presets import TRACKER_PRESETS
from fairmot.tuning import trial_config

HERE = Path(__file__).resolve().parent
#: BoxMOT trackers that take embeddings, and the two motion-only ones for reference.
BOXMOT_TRACKERS = (
    "strongsort",
    "occluboost",
    "hybridsort",
    "deepocsort",
    "boosttrack",
    "botsort",
    "bytetrack",
    "ocsort",
)
COLUMNS = ("HOTA", "MOTA", "IDF1", "IDSW", "AssA", "DetA")


def our_rows(cfg, sequences: list, post: PostprocessParams) -> dict:
    """{row name: (metrics, ms/frame)} of every preset, online and post-processed (each
    preset as TRACKER.PRESET applies it: a key the config sets still wins)."""
    output_filter = OutputFilter.from_config(cfg.TRACKER)
    rows = {}
    for preset in TRACKER_PRESETS:
        params = TrackerParams.from_config(trial_config(cfg, {"PRESET": preset}).TRACKER)
        tracks, ms = track_replay(sequences, params, output_filter)
        rows[f"ours, {preset}"] = (score_replay(sequences, tracks, cfg.EVAL.BENCHMARK), ms)
        if post.methods:
            repaired = {name: postprocess(t, post) for name, t in tracks.items()}
            metrics = score_replay(sequences, repaired, cfg.EVAL.BENCHMARK)
            rows[f"ours, {preset} + {'+'.join(post.methods)}"] = (metrics, None)
    return rows


def boxmot_row(python: str, tracker: str, detections, gt, cfg, cmc: bool = True) -> tuple:
    """(metrics, ms/frame) of one BoxMOT tracker replayed by `python` (its environment)."""
    thresh = float(cfg.TRACKER.NEW_TRACK_THRES)
    max_age = int(TrackerParams.from_config(cfg.TRACKER).track_buffer)  # ours, at 30 frames/s
    with tempfile.TemporaryDirectory() as tmp:
        command = [python, str(HERE / "boxmot_replay.py"), "--tracker", tracker]
        command += ["--detections", str(detections), "--gt", str(gt), "--out", tmp]
        command += ["--thresh", str(thresh), "--max-age", str(max_age)]
        command += [] if cmc else ["--no-cmc"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"BoxMOT {tracker} failed: {done.stderr.strip()[-500:]}")
        timing = json.loads(done.stdout.strip().splitlines()[-1])
        metrics = evaluate_split(gt, tmp, benchmark=cfg.EVAL.BENCHMARK).summary()[COMBINED]
    return metrics, 1000 * timing["seconds"] / max(timing["frames"], 1)


def format_table(rows: dict) -> str:
    """A Markdown table of {name: (metrics, ms/frame or None)}."""
    lines = ["| tracker | " + " | ".join(COLUMNS) + " | ms/frame |"]
    lines.append("|---|" + "---:|" * (len(COLUMNS) + 1))
    for name, (metrics, ms) in rows.items():
        cells = [str(metrics[c]) if c == "IDSW" else f"{metrics[c]:.1f}" for c in COLUMNS]
        lines.append(
            f"| {name} | " + " | ".join(cells) + f" | {'—' if ms is None else f'{ms:.2f}'} |"
        )
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detections", required=True, help="folder of saved <SEQ>.npz")
    parser.add_argument("--gt", required=True, help="the split's folder (ground truth, frames)")
    parser.add_argument("--cfg", default="", help="config (TRACKER thresholds, EVAL.BENCHMARK)")
    parser.add_argument("--boxmot-python", default=os.environ.get("BOXMOT_PYTHON", ""))
    parser.add_argument("--boxmot", default=",".join(BOXMOT_TRACKERS), help="BoxMOT trackers")
    parser.add_argument("--no-cmc", action="store_true", help="also BoxMOT without CMC")
    parser.add_argument("--postprocess", default="link,gsi", help="methods for the + rows")
    parser.add_argument("--out", default="", help="also write the table to this file")
    parser.add_argument("opts", nargs="*", help="KEY VALUE config overrides")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    cfg = load_cfg(args.cfg or None, args.opts)
    sequences = load_replay(args.detections, args.gt)
    methods = tuple(m for m in args.postprocess.split(",") if m)
    post = dataclasses.replace(PostprocessParams.from_config(cfg.POSTPROCESS), methods=methods)
    rows = our_rows(cfg, sequences, post)
    if args.boxmot_python:
        for tracker in [t for t in args.boxmot.split(",") if t]:
            for cmc in (True, False) if args.no_cmc else (True,):
                name = f"BoxMOT {tracker}" + ("" if cmc else ", no CMC")
                rows[name] = boxmot_row(
                    args.boxmot_python, tracker, args.detections, args.gt, cfg, cmc
                )
                print(f"measured {name}", file=sys.stderr, flush=True)
    table = format_table(rows)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n")
    return rows


if __name__ == "__main__":
    main()
