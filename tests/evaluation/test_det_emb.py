"""Detection AP and re-ID TPR: hand-computed cases and the tools end to end."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from fairmot.evaluation.detection import DetectionAP, average_precision, match_detections
from fairmot.evaluation.reid import roc_curve, tpr_at_far
from tests.conftest import SMALL_MODEL

REPO = Path(__file__).resolve().parents[2]


def test_greedy_matching_and_ap_by_hand():
    gt = np.array([[0, 0, 10, 10], [20, 0, 30, 10]], float)
    dets = np.array(
        [
            [0, 0, 10, 10, 0.9],  # hits gt 0
            [1, 0, 11, 10, 0.8],  # also best on gt 0, already taken: false
            [20, 0, 30, 10, 0.7],  # hits gt 1
            [50, 50, 60, 60, 0.6],
        ]
    )  # nothing
    correct = match_detections(dets, gt, 0.5)
    assert correct.tolist() == [1, 0, 1, 0]
    ap, recall, precision = average_precision(correct, dets[:, 4], num_gt=2)
    # precision at recall 0.5: 1; at recall 1.0: 2/3 (envelope) -> AP = 0.5*1 + 0.5*2/3
    assert ap == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert recall == 1.0 and precision == 0.5


def test_map_averages_over_images_with_ground_truth():
    acc = DetectionAP(0.5)
    acc.add(np.array([[0, 0, 10, 10, 0.9]]), np.array([[0, 0, 10, 10.0]]))  # AP 1
    acc.add(np.array([[0, 0, 10, 10, 0.9]]), np.zeros((0, 4)))  # no gt: adds 0, not counted
    acc.add(np.zeros((0, 5)), np.array([[0, 0, 10, 10.0]]))  # missed: AP 0
    assert acc.summary()["mAP"] == pytest.approx(0.5)


def test_roc_and_tpr_at_far():
    same = np.array([1, 0, 1, 0, 1, 0], bool)
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    far, tar = roc_curve(same, scores)
    np.testing.assert_allclose(far, [0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1])
    np.testing.assert_allclose(tar, [0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1, 1])
    # Two well separated identities: every genuine pair beats every impostor pair.
    rng = np.random.default_rng(0)
    centres = np.eye(8)[:2]
    emb = np.concatenate(
        [centres[0] + 0.01 * rng.normal(size=(20, 8)), centres[1] + 0.01 * rng.normal(size=(20, 8))]
    )
    labels = np.repeat([0, 1], 20)
    assert tpr_at_far(emb, labels, (1e-2, 0.1)) == {0.01: 1.0, 0.1: 1.0}
    shuffled = tpr_at_far(emb, rng.permutation(labels), (0.1,))[0.1]
    assert shuffled < 0.5


@pytest.mark.slow
@pytest.mark.parametrize("reid_head", ["dense", "roi"])
def test_tools_on_synthetic_data(tmp_path, reid_head):
    from fairmot.config import load_cfg
    from fairmot.data.synthetic import generate_dataset
    from fairmot.models import build_model, save_checkpoint

    small = [
        *SMALL_MODEL,
        "OUTPUT_DIR",
        str(tmp_path),
        "DATA.CFG",
        str(tmp_path / "data" / "synthetic.json"),
        "SYNTH.SEQ_LENGTH",
        "12",
        "MODEL.REID_HEAD",
        reid_head,
    ]
    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", small)
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    torch.manual_seed(0)
    save_checkpoint(tmp_path / "random.pth", build_model(cfg), epoch=0)
    for tool, expected in (("test_det.py", "mAP@0.5"), ("test_emb.py", "TPR@FAR=0.1")):
        result = subprocess.run(
            [
                sys.executable,
                str(REPO / "tools" / tool),
                "--cfg",
                str(REPO / "configs/synthetic_instant.yaml"),
                "--weights",
                str(tmp_path / "random.pth"),
                *small,
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
    import json

    det = json.loads((tmp_path / "eval" / "detection.json").read_text())
    emb = json.loads((tmp_path / "eval" / "embedding.json").read_text())
    assert 0 <= det["mAP"] <= 1 and det["images"] == 12
    assert set(emb) == {"TPR@FAR=0.001", "TPR@FAR=0.01", "TPR@FAR=0.1"}
    assert all(0 <= v <= 1 for v in emb.values())
