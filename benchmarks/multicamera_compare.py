"""Cross-camera identities measured: on the multi-camera validation scenes, with the same
per-camera detections, the cross-camera IDF1 of (a) each camera's own identities, (b) the
online global association and (c) offline clustering, with oracle detections and with a
trained model's. One Markdown table.

    python benchmarks/multicamera_compare.py --cfg configs/synthetic_multicamera.yaml \\
        [--weights output/synthetic/model_last.pth] [--out table.md] [KEY VALUE ...]

The scenes are OUTPUT_DIR/data/multicamera/val/MV-NN (rendered first where missing, as
tools/make_synthetic.py does). Oracle detections: the ground truth's boxes with a code per
person, moved per camera (`multicamera_oracle_detections`); the model's: each camera
tracked once with --save-detections, then every mode replays them. The figures sum the
identity counts (IDTP, IDFP, IDFN) over the scenes; "per camera" is the cameras' combined
IDF1 (identities within each camera). Thresholds are the config's MULTICAM keys.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from fairmot.config import load_cfg
from fairmot.data.synthetic import SyntheticLayout, generate_dataset
from fairmot.data.synthetic.oracle import multicamera_oracle_detections
from fairmot.evaluation import COMBINED
from fairmot.evaluation.mtmc import evaluate_scene
from fairmot.inference import run_tracking
from fairmot.inference.multicam import run_multicamera, scene_cameras

MODES = {"none": "(a) per-camera identities", "online": "(b) online", "offline": "(c) offline"}


def scenes_of(cfg) -> list:
    """The validation scenes, rendered where missing."""
    layout = SyntheticLayout(Path(cfg.OUTPUT_DIR) / "data")
    if not layout.multicamera_dir("val").is_dir():
        generate_dataset(cfg.SYNTH, layout.root)
    return sorted(p for p in layout.multicamera_dir("val").iterdir() if p.is_dir())


def detections(cfg, scene: Path, source: str, weights: str) -> Path:
    """A folder of <camera>.npz for `scene`: oracle, or the model's (tracked once per
    checkpoint: the folder is named by a digest of its bytes)."""
    out = Path(cfg.OUTPUT_DIR) / "compare" / source / scene.name
    if source == "model":
        with open(weights, "rb") as f:
            out = out.with_name(f"{scene.name}_{hashlib.file_digest(f, 'sha1').hexdigest()[:10]}")
    if not out.is_dir():
        if source == "oracle":
            multicamera_oracle_detections(scene, out)
        else:
            run = cfg.clone()
            run.defrost()
            run.OUTPUT_DIR = str(out.parent / f"{scene.name}_tracking")
            tracked = run_tracking(run, inputs=scene, weights=weights, save_detections=True)
            tracked.detections_dir.rename(out)
    return out


def measure(cfg, scenes: list, source: str, mode: str, weights: str) -> dict:
    """Cross-camera and per-camera figures of one (source, mode) over the scenes."""
    counts, per_camera, started = dict.fromkeys(("IDTP", "IDFP", "IDFN"), 0), [], time.time()
    for scene in scenes:
        run_cfg = cfg.clone()
        run_cfg.defrost()
        run_cfg.MULTICAM.MODE = mode
        run_cfg.OUTPUT_DIR = str(Path(cfg.OUTPUT_DIR) / "compare" / source / f"{scene.name}_{mode}")
        found = detections(cfg, scene, source, weights)
        run = run_multicamera(run_cfg, scene_cameras(scene), detections_dir=found, progress=False)
        per, cross = evaluate_scene(scene, run.results_dir)
        per_camera.append(per.summary()[COMBINED]["IDF1"])
        for key in counts:
            counts[key] += cross[key]
    idf1 = 2 * counts["IDTP"] / max(2 * counts["IDTP"] + counts["IDFP"] + counts["IDFN"], 1)
    return {
        "IDF1": 100 * idf1,
        "IDP": 100 * counts["IDTP"] / max(counts["IDTP"] + counts["IDFP"], 1),
        "IDR": 100 * counts["IDTP"] / max(counts["IDTP"] + counts["IDFN"], 1),
        "per camera": sum(per_camera) / len(per_camera),
        "seconds": time.time() - started,
    }


def table(rows: dict, scenes: list) -> str:
    lines = [
        f"Cross-camera identities over {len(scenes)} scene(s) "
        f"({', '.join(s.name for s in scenes)})",
        "",
        "| detections | association | cross-camera IDF1 | IDP | IDR | per-camera IDF1 | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for (source, mode), r in rows.items():
        lines.append(
            f"| {source} | {MODES[mode]} | {r['IDF1']:.1f} | {r['IDP']:.1f} | {r['IDR']:.1f} "
            f"| {r['per camera']:.1f} | {r['seconds']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cfg", default="configs/synthetic_multicamera.yaml")
    parser.add_argument("--weights", default="", help="a trained model (else oracle only)")
    parser.add_argument("--out", default="", help="also write the table here")
    parser.add_argument("opts", nargs="*", help="KEY VALUE config overrides")
    args = parser.parse_args()
    cfg = load_cfg(args.cfg, args.opts)
    scenes = scenes_of(cfg)
    sources = ["oracle"] + (["model"] if args.weights else [])
    rows = {
        (source, mode): measure(cfg, scenes, source, mode, args.weights)
        for source in sources
        for mode in MODES
    }
    text = table(rows, scenes)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
