#!/usr/bin/env bash
# Regenerate the pictures the README shows, from the embedded default (after `make install`):
#   scripts/render_readme_assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
"${PYTHON:-.venv/bin/python}" - <<'PY'
from pathlib import Path

import cv2
import numpy as np

from fairmot.config import load_cfg
from fairmot.pipeline import run_demo

cfg = load_cfg("configs/synthetic.yaml", ["OUTPUT_DIR", "output/readme_assets"])
result = run_demo(cfg)
raw = cv2.imread(str(result["sequence"].frame_path(result["still_frame"])))
annotated = cv2.imread(str(result["video"].with_suffix(".png")))
Path("docs/images").mkdir(parents=True, exist_ok=True)
cv2.imwrite("docs/images/synthetic_frame.jpg", np.hstack([raw, annotated]),
            [cv2.IMWRITE_JPEG_QUALITY, 85])
print("wrote docs/images/synthetic_frame.jpg")
PY
