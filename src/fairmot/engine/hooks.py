"""Hooks around the training loop (detectron2's pattern): everything that is not load ->
loss -> backward -> step lives here and can be added or left out without editing the loop.

A hook overrides any of `before_train`, `before_epoch`, `after_step`, `after_epoch`,
`after_train`; each receives the `Trainer` (its `epoch`, `step`, the last step's `terms`,
the epoch's running `epoch_means()`). Hooks run in the order given.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import torch

from ..models.checkpoint import atomic_save, read_checkpoint
from .errors import TrainingError

logger = logging.getLogger(__name__)
LOSS_TERMS = ("loss", "hm_loss", "wh_loss", "off_loss", "id_loss")


class HookBase:
    """A hook that does nothing; subclasses override what they need.

    Each stage gets the `Trainer`; what a hook may read of it: `epoch` (current, from 1),
    `epochs` (the last), `start_epoch`, `step` (optimiser steps so far), `terms` (the last
    step's loss terms, floats), `epoch_means()`, `batch_images` (images in the last step's
    batch on this process), `skipped` (bad samples skipped this epoch), `rank` and `world`
    (distributed training), `module` (the network with its loss, unwrapped), `optimizer`.
    """

    def before_train(self, trainer) -> None:
        pass

    def before_epoch(self, trainer) -> None:
        pass

    def after_step(self, trainer) -> None:
        pass

    def after_epoch(self, trainer) -> None:
        pass

    def after_train(self, trainer) -> None:
        pass


class LRScheduler(HookBase):
    """Step a learning-rate scheduler after every epoch (SOLVER.LR_STEPS, GAMMA)."""

    def __init__(self, scheduler):
        self.scheduler = scheduler

    def after_epoch(self, trainer) -> None:
        self.scheduler.step()


class Checkpointer(HookBase):
    """After every epoch (rank 0): OUTPUT_DIR/model_last.pth, and model_<epoch>.pth every
    `period` epochs (0: never). A checkpoint holds {epoch, state_dict (the network's,
    readable by the original's loader), optimizer, loss_state, lr_scheduler, num_ids,
    step, config}; `resume` restores all of it."""

    def __init__(self, output_dir, scheduler, period: int = 5, config_text: str = ""):
        self.output_dir, self.scheduler = Path(output_dir), scheduler
        self.period, self.config_text = period, config_text

    def state(self, trainer, epoch: int) -> dict:
        module = trainer.module
        return {
            "epoch": epoch,
            "state_dict": module.model.state_dict(),
            "optimizer": trainer.optimizer.state_dict(),
            "loss_state": module.loss.state_dict(),
            "lr_scheduler": self.scheduler.state_dict(),
            "num_ids": module.loss.num_ids,
            "step": trainer.step,
            "config": self.config_text,
        }

    def after_epoch(self, trainer) -> None:
        if trainer.rank != 0:
            return
        self.output_dir.mkdir(parents=True, exist_ok=True)
        state = self.state(trainer, trainer.epoch)
        atomic_save(state, self.output_dir / "model_last.pth")
        if self.period and trainer.epoch % self.period == 0:
            atomic_save(state, self.output_dir / f"model_{trainer.epoch}.pth")

    def resume(self, trainer, path) -> None:
        """Continue `trainer` after the epoch stored in `path`."""
        state = read_checkpoint(path, weights_only=False)
        num_ids = trainer.module.loss.num_ids
        if state.get("num_ids") != num_ids:
            raise TrainingError(
                f"{path} was trained with {state.get('num_ids')} identities, "
                f"this data has {num_ids}"
            )
        trainer.module.model.load_state_dict(state["state_dict"])
        trainer.module.loss.load_state_dict(state["loss_state"])
        trainer.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["lr_scheduler"])
        trainer.start_epoch, trainer.step = state["epoch"] + 1, state.get("step", 0)
        logger.info("resumed from %s after epoch %d", path, state["epoch"])


class TensorBoardWriter(HookBase):
    """Loss terms, learning rate and images/s every `period` steps (rank 0), to
    OUTPUT_DIR/tensorboard."""

    def __init__(self, output_dir, period: int = 20):
        self.log_dir, self.period = Path(output_dir) / "tensorboard", period
        self.writer = None

    def before_train(self, trainer) -> None:
        if trainer.rank == 0:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(self.log_dir))

    def before_epoch(self, trainer) -> None:
        self.start, self.steps = time.perf_counter(), 0

    def after_step(self, trainer) -> None:
        self.steps += 1
        if self.writer is None or trainer.step % self.period:
            return
        for key, value in trainer.terms.items():
            self.writer.add_scalar(f"train/{key}", value, trainer.step)
        lr = trainer.optimizer.param_groups[0]["lr"]
        self.writer.add_scalar("train/lr", lr, trainer.step)
        images = trainer.batch_images * trainer.world * self.steps
        rate = images / (time.perf_counter() - self.start)
        self.writer.add_scalar("train/images_per_second", rate, trainer.step)

    def after_train(self, trainer) -> None:
        if self.writer is not None:
            self.writer.close()


class EpochLogger(HookBase):
    """One log line per epoch (rank 0): the mean loss terms and s_det, s_id; a warning
    when samples could not be read."""

    def after_epoch(self, trainer) -> None:
        if trainer.skipped:
            logger.warning(
                "epoch %d: %d unreadable sample(s) skipped", trainer.epoch, trainer.skipped
            )
        if trainer.rank != 0:
            return
        means = trainer.epoch_means()
        nan = float("nan")
        summary = "  ".join(f"{k} {means.get(k, nan):.4f}" for k in LOSS_TERMS)
        logger.info(
            "epoch %d: %s  s_det %.3f  s_id %.3f",
            trainer.epoch,
            summary,
            means.get("s_det", nan),
            means.get("s_id", nan),
        )


class PeriodicEvaluation(HookBase):
    """Call `evaluate(model) -> {name: number}` every `period` epochs and after the last
    (rank 0), log the numbers and write them to TensorBoard as eval/<name>."""

    def __init__(self, evaluate, period: int, output_dir):
        self.evaluate, self.period = evaluate, period
        self.log_dir = Path(output_dir) / "tensorboard"
        self.results: dict = {}
        self.writer = None  # opened at the first evaluation

    def after_epoch(self, trainer) -> None:
        last = trainer.epoch == trainer.epochs
        if trainer.rank != 0 or not (last or trainer.epoch % self.period == 0):
            return
        model = trainer.module.model
        was_training = model.training
        model.eval()
        with torch.no_grad():
            numbers = self.evaluate(model)
        model.train(was_training)
        self.results[trainer.epoch] = numbers
        logger.info(
            "epoch %d evaluation: %s",
            trainer.epoch,
            "  ".join(f"{k} {v:.4f}" for k, v in numbers.items()),
        )
        if self.writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(self.log_dir))
        for key, value in numbers.items():
            self.writer.add_scalar(f"eval/{key}", value, trainer.step)

    def after_train(self, trainer) -> None:
        if self.writer is not None:
            self.writer.close()
