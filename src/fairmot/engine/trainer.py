"""Training: one network and its loss module optimised together (docs/training.md).

`train(cfg, resume=False)` builds everything from the config (`build_trainer`, the one
place that reads it) and runs epochs. `Trainer.run_step` is load -> loss terms -> backward
-> optimiser step and nothing else; learning-rate steps, checkpoints, logging and periodic
evaluation are hooks (`hooks`) around the loop.

- Checkpoints are written atomically every epoch to OUTPUT_DIR/model_last.pth (and
  model_<epoch>.pth every SOLVER.CHECKPOINT_PERIOD epochs); `state_dict` is the network's,
  readable by the original code's loader. `resume` continues from model_last.pth; with
  SOLVER.DETERMINISTIC on the CPU an interrupted and resumed run ends with the weights of an
  uninterrupted one (sample order and augmentation depend only on the seed and the epoch).
- A non-finite loss stops the run naming the epoch, the step and every loss term; the last
  checkpoint, from the previous epoch, stays as it was.
- Several processes: launch with `torchrun --nproc_per_node N tools/train.py ...`; each
  process takes its share through a DistributedSampler, gradients are averaged by
  DistributedDataParallel (NCCL on CUDA, gloo on the CPU); only rank 0 writes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler
from tqdm import tqdm

from .. import machine
from ..data.dataset import build_train_dataset, collate
from ..data.formats import read_data_cfg
from ..models import build_model, load_checkpoint, read_checkpoint, select_device
from .errors import TrainingError, TrainingInterrupted
from .hooks import (
    LOSS_TERMS,
    Checkpointer,
    EpochLogger,
    LRScheduler,
    PeriodicEvaluation,
    TensorBoardWriter,
)
from .losses import FairMOTLoss, build_loss
from .precision import Precision, choose_precision

logger = logging.getLogger(__name__)

#: SOLVER.OPTIMIZER -> the optimiser class (the original trains with Adam only).
OPTIMIZERS = {"adam": torch.optim.Adam}


class ModelWithLoss(nn.Module):
    """Network and loss as one module, so data parallelism synchronises the identity
    classifier and s_det, s_id together with the network."""

    def __init__(self, model: nn.Module, loss: FairMOTLoss):
        super().__init__()
        self.model, self.loss = model, loss

    def forward(self, images: torch.Tensor, batch: dict) -> dict:
        outputs = self.model(images)
        embeddings = None
        if self.model.two_stage:  # the RoI head embeds the ground-truth boxes
            keep = batch["reg_mask"] > 0
            embeddings = self.model.embed_boxes(outputs["feature"], batch["bbox"], keep)
        return self.loss(outputs, batch, embeddings)


def _distributed() -> tuple:
    """(rank, world size), initialising the process group under torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class Trainer:
    """The training loop (see the module docstring).

    Args:
        net: the network with its loss; optimizer: over `net`'s parameters.
        dataset: the training set (`set_epoch(epoch)` reseeds its augmentation).
        batch_size: images per step over all processes; epochs: the last epoch.
        device: where the step runs; seed: sample order of epoch e uses seed * 1000 + e.
        precision: the autocast dtype and memory format (`precision.choose_precision`;
            default float32, contiguous).
        hooks: `hooks.HookBase` objects, run in order around the loop.
    """

    def __init__(
        self,
        *,
        net: ModelWithLoss,
        optimizer,
        dataset,
        batch_size: int,
        epochs: int,
        device,
        seed: int = 0,
        num_workers: int = 0,
        precision: Precision | None = None,
        hooks=(),
        progress: bool = True,
    ):
        self.rank, self.world = _distributed()
        self.precision = precision or Precision("none", False, "float32")
        self.device, self.module = device, net  # the unwrapped module (checkpoints)
        self.net = net.to(device)
        if self.precision.channels_last:  # 4-d weights; the loss's vectors are unaffected
            self.net = self.net.to(memory_format=torch.channels_last)
        if self.world > 1:
            self.net = nn.parallel.DistributedDataParallel(
                net, device_ids=[device.index] if device.type == "cuda" else None
            )
        self.optimizer, self.dataset = optimizer, dataset
        self.batch_size, self.epochs, self.seed = batch_size, epochs, seed
        self.num_workers, self.progress = num_workers, progress and self.rank == 0
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.precision.amp == "fp16")
        self.hooks = list(hooks)
        self.start_epoch, self.epoch, self.step = 1, 0, 0
        # What hooks read (hooks.HookBase lists it), kept current by the loop.
        self.terms: dict = {}  # the last step's loss terms
        self.batch_images = 0  # images in the last step's batch (this process)
        self.skipped = 0  # samples skipped as bad so far this epoch
        self._sums: dict = {}  # this epoch's sums of the loss terms, over self._steps steps
        self._steps = 0

    def resume(self, path) -> None:
        """Continue after the epoch stored in `path` (through the Checkpointer hook)."""
        checkpointers = [h for h in self.hooks if isinstance(h, Checkpointer)]
        if not checkpointers:
            raise TrainingError("resuming needs a Checkpointer hook")
        checkpointers[0].resume(self, path)

    def _loader(self, epoch: int) -> DataLoader:
        self.dataset.set_epoch(epoch)
        common = {"num_workers": self.num_workers, "collate_fn": collate, "drop_last": True}
        if self.world > 1:
            sampler = DistributedSampler(
                self.dataset, self.world, self.rank, shuffle=True, seed=self.seed
            )
            sampler.set_epoch(epoch)
            return DataLoader(
                self.dataset, self.batch_size // self.world, sampler=sampler, **common
            )
        generator = torch.Generator().manual_seed(self.seed * 1000 + epoch)
        return DataLoader(
            self.dataset, self.batch_size, shuffle=True, generator=generator, **common
        )

    def run_step(self, batch: dict) -> dict:
        """One optimisation step; returns the loss terms (detached floats)."""
        batch = {
            k: v.to(self.device, non_blocking=True) if torch.is_tensor(v) else v
            for k, v in batch.items()
        }
        images = batch.pop("input").float().div_(255)
        if self.precision.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        dtype = self.precision.dtype
        with torch.autocast(self.device.type, dtype=dtype, enabled=dtype is not None):
            terms = self.net(images, batch)
        if not torch.isfinite(terms["loss"]):
            values = ", ".join(f"{k} {float(terms[k].detach()):.4g}" for k in LOSS_TERMS)
            raise TrainingError(
                f"non-finite loss at epoch {self.epoch}, step {self.step}: "
                f"{values}. The last checkpoint (previous epoch) is intact."
            )
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(terms["loss"]).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.step += 1
        return {k: float(v.detach()) for k, v in terms.items()}

    def trial_step(self) -> dict:
        """One step on the first batch of the first epoch to run, without the hooks (nothing
        is logged or written): proves a configuration trains (its data, network, loss and
        precision fit together) in seconds, before it is left to run for hours."""
        self.net.train()
        self.epoch = self.start_epoch
        batch = next(self._usable(self._loader(self.epoch)), None)
        if batch is None:
            raise TrainingError(f"no batch of {self.batch_size} usable images in the training set")
        return self.run_step(batch)

    def _usable(self, batches):
        """The batches that hold images; the samples that could not be read are counted in
        `skipped`."""
        for batch in batches:
            self.skipped += batch.pop("skipped")
            if len(batch.get("input", [])):
                yield batch

    def epoch_means(self) -> dict:
        """Mean loss terms over the steps of the current epoch so far."""
        return {k: v / max(self._steps, 1) for k, v in self._sums.items()}

    def _call(self, stage: str) -> None:
        for hook in self.hooks:
            getattr(hook, stage)(self)

    def _run_epoch(self) -> None:
        self.net.train()
        self._sums, self._steps, self.skipped = {}, 0, 0
        desc = f"epoch {self.epoch}/{self.epochs}"
        bar = tqdm(self._loader(self.epoch), desc=desc, disable=not self.progress)
        for batch in self._usable(bar):
            self.batch_images = len(batch["input"])
            self.terms = self.run_step(batch)
            self._steps += 1
            for key, value in self.terms.items():
                self._sums[key] = self._sums.get(key, 0.0) + value
            bar.set_postfix(
                loss=f"{self.terms['loss']:.3f}",
                hm=f"{self.terms['hm_loss']:.3f}",
                id=f"{self.terms['id_loss']:.3f}",
            )
            self._call("after_step")

    def train(self) -> dict:
        """Run the remaining epochs; returns the last epoch's mean loss terms."""
        means = {}
        self._call("before_train")
        try:
            for epoch in range(self.start_epoch, self.epochs + 1):
                self.epoch = epoch
                self._call("before_epoch")
                self._run_epoch()
                means = self.epoch_means()
                self._call("after_epoch")
        finally:
            self._call("after_train")
        return means


def _device(cfg) -> torch.device:
    device = select_device(cfg.DEVICE)
    if device.type == "cuda":  # one GPU per process under torchrun
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    return device


def build_hooks(cfg, scheduler, evaluate=None) -> list:
    """The default hooks of a config: LR steps, checkpoints, TensorBoard, the epoch log
    line, and `evaluate` every SOLVER.EVAL_PERIOD epochs when given and the period > 0."""
    hooks = [
        LRScheduler(scheduler),
        Checkpointer(cfg.OUTPUT_DIR, scheduler, cfg.SOLVER.CHECKPOINT_PERIOD, cfg.dump()),
        TensorBoardWriter(cfg.OUTPUT_DIR, cfg.SOLVER.LOG_PERIOD),
        EpochLogger(),
    ]
    if evaluate is not None and cfg.SOLVER.EVAL_PERIOD > 0:
        hooks.append(PeriodicEvaluation(evaluate, cfg.SOLVER.EVAL_PERIOD, cfg.OUTPUT_DIR))
    return hooks


def _log_dataset(dataset, id_counting: str, classes) -> None:
    per_class = dataset.num_ids_per_class
    by_class = (
        " (" + ", ".join(f"class {c}: {n}" for c, n in zip(classes, per_class)) + ")"
        if len(per_class) > 1
        else ""
    )
    logger.info(
        "training on %d images (%s), %d identities%s (%s counting)%s",
        len(dataset),
        ", ".join(f"{k} {v}" for k, v in dataset.dataset_sizes.items()),
        dataset.num_ids,
        by_class,
        id_counting,
        f", {dataset.skipped_at_load} skipped" if dataset.skipped_at_load else "",
    )


def build_trainer(
    cfg, *, data_cfg: str | None = None, progress: bool = True, evaluate=None
) -> Trainer:
    """Everything from the config: data (the data_cfg file `data_cfg`, default DATA.CFG),
    network (initialised from MODEL.INIT_WEIGHTS when given), loss, Adam over the network
    and the loss module, the hooks, the loop. `evaluate` (model -> {metric: value}, e.g.
    `inference.model_metrics.detection_evaluation`) runs every SOLVER.EVAL_PERIOD epochs;
    the engine itself knows nothing of how a model is evaluated."""
    if cfg.SOLVER.DETERMINISTIC:
        torch.use_deterministic_algorithms(True, warn_only=True)
    torch.manual_seed(cfg.SEED)
    parsed = read_data_cfg(data_cfg or cfg.DATA.CFG, root=cfg.DATA.ROOT or None)
    dataset = build_train_dataset(cfg, parsed)
    _log_dataset(dataset, cfg.DATA.ID_COUNTING, cfg.DATA.CLASSES)
    model = build_model(cfg)
    if cfg.MODEL.INIT_WEIGHTS:
        load_checkpoint(model, cfg.MODEL.INIT_WEIGHTS, strict=False)
    net = ModelWithLoss(model, build_loss(cfg, dataset.num_ids_per_class))
    optimizer = OPTIMIZERS[cfg.SOLVER.OPTIMIZER](
        net.parameters(), lr=cfg.SOLVER.BASE_LR, weight_decay=cfg.SOLVER.WEIGHT_DECAY
    )
    scheduler = torch.optim.lr_scheduler.MultiStepLR(
        optimizer, list(cfg.SOLVER.LR_STEPS), cfg.SOLVER.GAMMA
    )
    device = _device(cfg)
    precision = choose_precision(cfg.SOLVER.AMP, cfg.SOLVER.MEMORY_FORMAT, device)
    logger.info("training precision: %s", precision.describe())
    machine.note("training_precision", precision.describe())
    return Trainer(
        net=net,
        optimizer=optimizer,
        dataset=dataset,
        batch_size=cfg.SOLVER.BATCH_SIZE,
        epochs=cfg.SOLVER.EPOCHS,
        device=device,
        seed=cfg.SEED,
        num_workers=cfg.DATA.NUM_WORKERS,
        precision=precision,
        hooks=build_hooks(cfg, scheduler, evaluate),
        progress=progress,
    )


def train(
    cfg,
    resume: bool = False,
    progress: bool = True,
    data_cfg: str | None = None,
    evaluate=None,
) -> dict:
    """Train as the config says; with `resume`, continue from OUTPUT_DIR/model_last.pth.
    `data_cfg`: the data_cfg file to train on (default DATA.CFG); `evaluate`: the periodic
    evaluation (`build_trainer`)."""
    trainer = build_trainer(cfg, data_cfg=data_cfg, progress=progress, evaluate=evaluate)
    last = Path(cfg.OUTPUT_DIR) / "model_last.pth"
    if resume:
        if not last.is_file():
            raise TrainingError(f"nothing to resume: {last} does not exist")
        trainer.resume(last)
    try:
        return trainer.train()
    except KeyboardInterrupt:
        raise TrainingInterrupted(_interrupted_at(trainer, last)) from None


def _interrupted_at(trainer: Trainer, last: Path) -> str:
    """Where an interrupted run stopped and which checkpoint survives it (checkpoints are
    written atomically: an interrupted write leaves the previous one)."""
    where = f"in epoch {trainer.epoch} at step {trainer.step}"
    if not last.is_file():
        return f"{where}; no checkpoint was written yet"
    epoch = read_checkpoint(last, weights_only=False).get("epoch")
    return f"{where}; {last} holds epoch {epoch} (continue with --resume)"
