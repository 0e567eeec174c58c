"""The main job on the embedded default, exactly as `make demo` runs it: the synthetic data
set, the CPU recipe of configs/synthetic.yaml trained from scratch, tracking and evaluation
of the val split (seeds never used for training), and the association ablation.

Slow (about 14 minutes on a 2-core CPU). The README states the quality reached (MOTA 58,
IDF1 60 in the reference run; an untrained model scores about 0); the assertions keep a
margin below it, since training from scratch varies a little with thread scheduling. The
aim of IDF1 80 / MOTA 75 is not reached yet (README, main-job section). IoU-only
association must be clearly worse in identity switches and IDF1 than the default.
"""

from pathlib import Path

import pytest

from fairmot.config import load_cfg
from fairmot.evaluation import COMBINED
from fairmot.pipeline import run_demo

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_main_job_learns_to_track(tmp_path):
    cfg = load_cfg(REPO / "configs/synthetic.yaml", ["OUTPUT_DIR", str(tmp_path)])
    result = run_demo(cfg, progress=False)
    combined = result["metrics"][COMBINED]
    print({k: combined[k] for k in ("HOTA", "MOTA", "IDF1", "IDSW")}, result["seconds"])
    assert combined["MOTA"] >= 45.0
    assert combined["IDF1"] >= 45.0
    ablation = result["ablation"]
    default, iou_only = ablation["reid_kf_iou"], ablation["iou"]
    assert default["MOTA"] == pytest.approx(combined["MOTA"], abs=1e-9)  # same detections
    assert iou_only["IDSW"] >= 1.1 * default["IDSW"]
    assert iou_only["IDF1"] <= default["IDF1"] - 10.0
    assert len(result["videos"]) == cfg.SYNTH.VAL_SEQS
