#!/usr/bin/env bash
# Regenerate the pictures the README shows from a finished main-job run (make demo):
#   scripts/render_readme_assets.sh [OUTPUT_DIR]        (default output/synthetic)
# docs/images/synthetic_frame.jpg  a val frame at a crossing, raw and with its ground truth
# docs/images/tracking_frame.jpg   the same frame from the annotated tracking video
# docs/images/hota_alpha.png       HOTA, DetA, AssA against alpha on the val split
set -euo pipefail
cd "$(dirname "$0")/.."
"${PYTHON:-.venv/bin/python}" - "${1:-output/synthetic}" <<'PY'
import json
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np

from fairmot.data.formats import list_sequences
from fairmot.visualization import render_gt_video

out = Path(sys.argv[1])
if not (out / "eval" / "hota_alpha.png").is_file():
    sys.exit(f"{out} holds no finished run: run `make demo` (or tools/demo.py) first")
summary = json.loads((out / "data" / "summary.json").read_text())
sequence = list_sequences(out / "data" / "images" / "val")[0]
crossings = next(s["crossings"] for s in summary["sequences"] if s["name"] == sequence.name)
still = crossings[0][0] if crossings else sequence.info.seq_length // 2
video = render_gt_video(
    sequence, out / "preview" / f"{sequence.name}.mp4", still_frame=still, max_frames=still
)
raw = cv2.imread(str(sequence.frame_path(still)))
ground_truth = cv2.imread(str(video.with_suffix(".png")))
capture = cv2.VideoCapture(str(out / "tracks" / "fairmot" / "videos" / f"{sequence.name}.mp4"))
capture.set(cv2.CAP_PROP_POS_FRAMES, still - 1)
ok, tracked = capture.read()
if not ok:
    sys.exit(f"cannot read frame {still} of the tracking video of {sequence.name}")
images = Path("docs/images")
images.mkdir(parents=True, exist_ok=True)
quality = [cv2.IMWRITE_JPEG_QUALITY, 85]
cv2.imwrite(str(images / "synthetic_frame.jpg"), np.hstack([raw, ground_truth]), quality)
cv2.imwrite(str(images / "tracking_frame.jpg"), tracked, quality)
shutil.copy(out / "eval" / "hota_alpha.png", images / "hota_alpha.png")
print(f"wrote docs/images/ (frame {still} of {sequence.name})")
PY
