"""The main job on the embedded default, exactly as `make demo` runs it: the synthetic data
set, the CPU recipe of configs/synthetic.yaml trained from scratch, tracking and evaluation
of the val split (seeds never used for training), and the association ablation.

Slow (11-13 minutes on a 2-core CPU with bf16 units). The README states the quality as a
spread over three seeds (tools/seed_spread.py; on its Xeon HOTA 53.0-55.1, MOTA 61.2-65.1,
IDF1 69.5-73.4; an untrained model scores about 0). Training from scratch gives another
model on another CPU, so the bounds are the lowest of those runs less three standard
deviations (HOTA 49, MOTA 55, IDF1 63), the margin the README allows a run elsewhere. The
aim of IDF1 80 / MOTA 75 is not reached yet. IoU-only association must be clearly worse in
identity switches and IDF1 than the default.
"""

from pathlib import Path

import pytest

from fairmot.config import load_cfg
from fairmot.evaluation import COMBINED
from fairmot.pipeline import run_demo

REPO = Path(__file__).resolve().parents[1]
#: The README's stated lower bounds (module docstring).
MIN_HOTA, MIN_MOTA, MIN_IDF1 = 49.0, 55.0, 63.0


@pytest.mark.slow
def test_main_job_learns_to_track(tmp_path):
    cfg = load_cfg(REPO / "configs/synthetic.yaml", ["OUTPUT_DIR", str(tmp_path)])
    result = run_demo(cfg, progress=False)
    combined = result["metrics"][COMBINED]
    print({k: combined[k] for k in ("HOTA", "MOTA", "IDF1", "IDSW")}, result["seconds"])
    assert combined["HOTA"] >= MIN_HOTA
    assert combined["MOTA"] >= MIN_MOTA
    assert combined["IDF1"] >= MIN_IDF1
    ablation = result["ablation"]
    default, iou_only = ablation["reid_kf_iou"], ablation["iou"]
    assert default["MOTA"] == pytest.approx(combined["MOTA"], abs=1e-9)  # same detections
    assert iou_only["IDSW"] >= 1.1 * default["IDSW"]
    assert iou_only["IDF1"] <= default["IDF1"] - 10.0
    assert len(result["videos"]) == cfg.SYNTH.VAL_SEQS
