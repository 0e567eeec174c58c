"""The trainer: a short run, exact resume, a non-finite loss, two-process DDP on the CPU."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from fairmot.config import load_cfg
from fairmot.data.synthetic import generate_dataset
from fairmot.engine import (
    Checkpointer,
    HookBase,
    PeriodicEvaluation,
    Trainer,
    TrainingError,
    TrainingInterrupted,
    build_trainer,
    train,
)
from fairmot.inference.detector import build_detector
from fairmot.models import read_checkpoint

REPO = Path(__file__).resolve().parents[2]


def options(data: Path, out: Path, *extra):
    return [
        "OUTPUT_DIR",
        str(out),
        "DATA.CFG",
        str(data / "synthetic.json"),
        "MODEL.ARCH",
        "resnet34",
        "MODEL.HEAD_CONV",
        "16",
        "MODEL.REID_DIM",
        "16",
        "INPUT.WIDTH",
        "128",
        "INPUT.HEIGHT",
        "96",
        "SOLVER.BATCH_SIZE",
        "2",
        "SOLVER.EPOCHS",
        "2",
        "SOLVER.LR_STEPS",
        "[1]",
        "SOLVER.DETERMINISTIC",
        "True",
        "DATA.NUM_WORKERS",
        "0",
        "SOLVER.LOG_PERIOD",
        "1",
        *extra,
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("train_data")
    cfg = load_cfg(
        REPO / "configs/synthetic_instant.yaml",
        ["SYNTH.SEQ_LENGTH", "6", "SYNTH.VAL_SEQS", "0", "SYNTH.WRITE_DET", "False"],
    )
    generate_dataset(cfg.SYNTH, root, progress=False)
    return root


def cfg_for(data, out, *extra):
    return load_cfg(REPO / "configs/synthetic_instant.yaml", options(data, out, *extra))


def test_training_writes_checkpoints_and_logs(data, tmp_path):
    means = train(cfg_for(data, tmp_path), progress=False)
    assert all(torch.isfinite(torch.tensor(v)) for v in means.values())
    state = torch.load(tmp_path / "model_last.pth", weights_only=False)
    assert state["epoch"] == 2 and "hm.2.weight" in state["state_dict"]
    assert set(state) >= {"optimizer", "loss_state", "lr_scheduler", "num_ids"}
    assert list((tmp_path / "tensorboard").glob("events.out.tfevents.*"))
    assert not list(tmp_path.glob(".*tmp*"))


class Recorder(HookBase):
    def __init__(self):
        self.calls = []

    def before_train(self, trainer):
        self.calls.append("before_train")

    def before_epoch(self, trainer):
        self.calls.append(f"before_epoch {trainer.epoch}")

    def after_step(self, trainer):
        self.calls.append("step")

    def after_epoch(self, trainer):
        self.calls.append(f"after_epoch {trainer.epoch}")

    def after_train(self, trainer):
        self.calls.append("after_train")


def test_hooks_run_around_the_loop_and_can_be_left_out(data, tmp_path):
    cfg = cfg_for(data, tmp_path)
    trainer = build_trainer(cfg, progress=False)
    recorder = Recorder()
    trainer.hooks = [h for h in trainer.hooks if not isinstance(h, Checkpointer)] + [recorder]
    trainer.train()
    steps = trainer.step // 2
    epoch = ["before_epoch {}", *["step"] * steps, "after_epoch {}"]
    expected = [c.format(e) for e in (1, 2) for c in epoch]
    assert recorder.calls == ["before_train", *expected, "after_train"]
    assert steps > 0 and not (tmp_path / "model_last.pth").exists()  # no checkpointer
    lr = cfg.SOLVER.BASE_LR * cfg.SOLVER.GAMMA  # the LRScheduler hook stepped at epoch 1
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(lr)
    with pytest.raises(TrainingError, match="needs a Checkpointer"):
        trainer.resume(tmp_path / "model_last.pth")


def test_periodic_evaluation_every_period_and_after_the_last_epoch(tmp_path):
    cfg = load_cfg(
        REPO / "configs/synthetic_instant.yaml",
        ["SYNTH.SEQ_LENGTH", "6", "SYNTH.VAL_SEQS", "1", "SYNTH.WRITE_DET", "False"],
    )
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    out = tmp_path / "out"
    cfg = cfg_for(tmp_path / "data", out, "SOLVER.EPOCHS", "3", "SOLVER.EVAL_PERIOD", "2")
    from fairmot.inference.model_metrics import detection_evaluation

    trainer = build_trainer(cfg, progress=False, evaluate=detection_evaluation(cfg))
    trainer.train()
    (hook,) = [h for h in trainer.hooks if isinstance(h, PeriodicEvaluation)]
    assert sorted(hook.results) == [2, 3]
    assert all(0 <= r["mAP"] <= 1 for r in hook.results.values())
    assert trainer.module.model.training  # back in training mode after evaluating
    assert not [
        h
        for h in build_trainer(cfg_for(tmp_path / "data", out)).hooks
        if isinstance(h, PeriodicEvaluation)
    ]


def test_two_stage_model_trains_and_tracks(data, tmp_path):
    cfg = cfg_for(data, tmp_path, "MODEL.REID_HEAD", "roi", "DECODE.REID_SAMPLING", "two_stage")
    cfg.defrost()
    cfg.SOLVER.EPOCHS, cfg.DECODE.CONF_THRES = 1, 0.0
    means = train(cfg, progress=False)
    assert means["id_loss"] > 0 and torch.isfinite(torch.tensor(means["id_loss"]))
    weights = tmp_path / "model_last.pth"
    state = torch.load(weights, weights_only=False)["state_dict"]
    assert "roi_id.fc2.weight" in state and "id.2.weight" not in state
    frame = cv2.imread(str(next((data / "images" / "train").rglob("*.jpg"))))
    detections = build_detector(cfg, str(weights))(frame)
    assert len(detections.boxes) > 0 and detections.embeddings.shape[1] == 16
    np.testing.assert_allclose(np.linalg.norm(detections.embeddings, axis=1), 1, atol=1e-5)


def test_bf16_autocast_on_the_cpu(data, tmp_path, caplog):
    cfg = cfg_for(data, tmp_path, "SOLVER.AMP", "bf16", "SOLVER.EPOCHS", "1", "DEVICE", "cpu")
    trainer = build_trainer(cfg, progress=False)
    dtypes = []
    trainer.module.model.hm[0].register_forward_hook(lambda m, a, out: dtypes.append(out.dtype))
    means = trainer.train()
    assert dtypes and set(dtypes) == {torch.bfloat16}  # the network ran in bf16
    assert all(np.isfinite(v) for v in means.values())
    assert trainer.module.model.hm[0].weight.dtype == torch.float32  # master weights
    fp16 = cfg_for(data, tmp_path / "fp16", "SOLVER.AMP", "fp16", "DEVICE", "cpu")
    assert build_trainer(fp16, progress=False).precision.amp == "none"
    assert "fp16 needs CUDA" in caplog.text


@pytest.mark.parametrize("amp", ["none", "bf16"])
def test_resume_ends_with_the_weights_of_an_uninterrupted_run(data, tmp_path, amp):
    precision = ("SOLVER.AMP", amp)
    train(cfg_for(data, tmp_path / "straight", *precision), progress=False)
    first = cfg_for(data, tmp_path / "resumed", "SOLVER.EPOCHS", "1", *precision)
    train(first, progress=False)
    train(cfg_for(data, tmp_path / "resumed", *precision), resume=True, progress=False)
    straight = torch.load(tmp_path / "straight/model_last.pth", weights_only=False)
    resumed = torch.load(tmp_path / "resumed/model_last.pth", weights_only=False)
    for key, value in straight["state_dict"].items():
        torch.testing.assert_close(resumed["state_dict"][key], value, rtol=0, atol=0)
    for key, value in straight["loss_state"].items():
        torch.testing.assert_close(resumed["loss_state"][key], value, rtol=0, atol=0)


def test_non_finite_loss_stops_and_keeps_the_last_checkpoint(data, tmp_path):
    train(cfg_for(data, tmp_path, "SOLVER.EPOCHS", "1"), progress=False)
    before = (tmp_path / "model_last.pth").read_bytes()
    trainer = build_trainer(cfg_for(data, tmp_path), progress=False)
    trainer.resume(tmp_path / "model_last.pth")
    with torch.no_grad():
        trainer.module.loss.s_det.fill_(float("nan"))
    with pytest.raises(TrainingError, match=r"non-finite loss at epoch 2, step \d+: loss nan"):
        trainer.train()
    assert (tmp_path / "model_last.pth").read_bytes() == before
    with pytest.raises(TrainingError, match="nothing to resume"):
        train(cfg_for(data, tmp_path / "empty"), resume=True, progress=False)


def test_ctrl_c_keeps_the_last_good_checkpoint_and_says_where(data, tmp_path, monkeypatch):
    run_step = Trainer.run_step

    def interrupted_in_epoch(epoch):
        def step(self, batch):
            if self.epoch == epoch:
                raise KeyboardInterrupt
            return run_step(self, batch)

        return step

    monkeypatch.setattr(Trainer, "run_step", interrupted_in_epoch(1))
    with pytest.raises(TrainingInterrupted, match="in epoch 1 at step 0; no checkpoint was"):
        train(cfg_for(data, tmp_path / "first"), progress=False)
    monkeypatch.setattr(Trainer, "run_step", interrupted_in_epoch(2))
    with pytest.raises(TrainingInterrupted) as stop:
        train(cfg_for(data, tmp_path), progress=False)
    last = tmp_path / "model_last.pth"
    assert str(stop.value).endswith(f"{last} holds epoch 1 (continue with --resume)")
    assert read_checkpoint(last, weights_only=False)["epoch"] == 1
    assert not list(tmp_path.glob(".*tmp*"))  # no half-written checkpoint left


@pytest.mark.slow
def test_two_processes_with_gloo(data, tmp_path):
    torchrun = shutil.which("torchrun", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [
            torchrun,
            "--nproc_per_node",
            "2",
            "--master_port",
            "29517",
            str(REPO / "tools/train.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            *options(
                data, tmp_path, "SOLVER.EPOCHS", "1", "SOLVER.BATCH_SIZE", "4", "DEVICE", "cpu"
            ),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    state = torch.load(tmp_path / "model_last.pth", weights_only=False)
    assert state["epoch"] == 1


def test_two_classes_train_with_a_classifier_each_and_resume(tmp_path, caplog):
    """People (class 0) and cars (class 1) in hand-written labels: one identity classifier
    per class, the identity count per class logged and stored, an exact resume."""
    import json

    from fairmot.data.formats import write_image_list, write_jde_labels

    paths = []
    for k in range(4):
        image = np.full((96, 128, 3), 100, np.uint8)
        image[20:80, 10 + 5 * k : 30 + 5 * k] = 220  # a person
        image[50:80, 70:120] = 30  # a car
        (tmp_path / "images").mkdir(exist_ok=True)
        cv2.imwrite(str(tmp_path / "images" / f"{k}.jpg"), image)
        rows = [[0, k % 2, (20 + 5 * k) / 128, 50 / 96, 20 / 128, 60 / 96]]
        rows += [[1, k % 3, 95 / 128, 65 / 96, 50 / 128, 30 / 96]]
        write_jde_labels(tmp_path / "labels_with_ids" / f"{k}.txt", np.array(rows))
        paths.append(f"images/{k}.jpg")
    write_image_list(tmp_path / "two.train", paths)
    (tmp_path / "two.json").write_text(json.dumps({"root": ".", "train": {"two": "two.train"}}))
    extra = ["DATA.CFG", str(tmp_path / "two.json"), "MODEL.NUM_CLASSES", "2"]
    extra += ["DATA.CLASSES", "[0, 1]", "DATA.CLASS_NAMES", "['pedestrian', 'car']"]
    extra += ["SOLVER.EPOCHS", "1"]
    with caplog.at_level("INFO"):
        train(cfg_for(tmp_path, tmp_path / "run", *extra), progress=False)
    assert any("5 identities (class 0: 2, class 1: 3)" in r.getMessage() for r in caplog.records)
    state = torch.load(tmp_path / "run" / "model_last.pth", weights_only=False)
    assert state["num_ids"] == [2, 3] and state["state_dict"]["hm.2.weight"].shape[0] == 2
    extra[-1] = "2"
    train(cfg_for(tmp_path, tmp_path / "run", *extra), resume=True, progress=False)
    assert torch.load(tmp_path / "run" / "model_last.pth", weights_only=False)["epoch"] == 2
