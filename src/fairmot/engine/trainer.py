"""Training: one network and its loss module optimised together (SPEC §4).

`train(cfg, resume=False)` builds everything from the config and runs epochs; `Trainer`
holds the loop. A step is load -> loss terms -> backward -> optimiser step; checkpoints,
learning-rate steps and logging happen at epoch and log boundaries.

- Checkpoints `{epoch, state_dict, optimizer, loss_state, lr_scheduler, num_ids, config}`
  are written atomically every epoch to OUTPUT_DIR/model_last.pth (and model_<epoch>.pth every
  SOLVER.CHECKPOINT_PERIOD epochs); `state_dict` is the network's, readable by the original
  code's loader. `resume` continues from model_last.pth; with SOLVER.DETERMINISTIC on the
  CPU an interrupted and resumed run ends with the weights of an uninterrupted one (sample
  order and augmentation depend only on the seed and the epoch).
- A non-finite loss stops the run naming the epoch, the step and every loss term; the last
  checkpoint, from the previous epoch, stays as it was.
- Several processes: launch with `torchrun --nproc_per_node N tools/train.py ...`; each
  process takes its share through a DistributedSampler, gradients are averaged by
  DistributedDataParallel (NCCL on CUDA, gloo on the CPU); only rank 0 writes.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler
from tqdm import tqdm

from ..data.dataset import build_train_dataset, collate
from ..data.formats import read_data_cfg
from ..models import build_model, load_checkpoint, select_device
from .losses import FairMOTLoss

logger = logging.getLogger(__name__)
LOSS_TERMS = ("loss", "hm_loss", "wh_loss", "off_loss", "id_loss")


class TrainingError(RuntimeError):
    """Training cannot go on (a non-finite loss, an unusable setup)."""


class ModelWithLoss(nn.Module):
    """Network and loss as one module, so data parallelism synchronises the identity
    classifier and s_det, s_id together with the network."""

    def __init__(self, model: nn.Module, loss: FairMOTLoss):
        super().__init__()
        self.model, self.loss = model, loss

    def forward(self, images: torch.Tensor, batch: dict) -> dict:
        outputs = self.model(images)
        if "feature" in outputs:  # two-stage re-ID: embed the ground-truth boxes
            keep = batch["reg_mask"] > 0
            outputs["id_embeddings"] = self.model.embed_boxes(
                outputs["feature"], batch["bbox"], keep
            )
        return self.loss(outputs, batch)


def _distributed() -> tuple:
    """(rank, world size), initialising the process group under torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class Trainer:
    """The training loop (see the module docstring). Constructors take plain objects;
    `build_trainer(cfg)` makes them from a config."""

    def __init__(
        self,
        net: ModelWithLoss,
        optimizer,
        dataset,
        batch_size: int,
        epochs: int,
        lr_steps,
        gamma: float,
        output_dir,
        device,
        seed: int = 0,
        num_workers: int = 0,
        checkpoint_period: int = 5,
        log_period: int = 20,
        amp: str = "none",
        config_text: str = "",
        progress: bool = True,
    ):
        self.rank, self.world = _distributed()
        self.device = device
        self.net = net.to(device)
        self.module = net  # the unwrapped module (checkpoints, loss state)
        if self.world > 1:
            self.net = nn.parallel.DistributedDataParallel(
                net, device_ids=[device.index] if device.type == "cuda" else None
            )
        self.optimizer, self.dataset = optimizer, dataset
        self.scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, list(lr_steps), gamma)
        self.batch_size, self.epochs, self.seed = batch_size, epochs, seed
        self.num_workers, self.checkpoint_period = num_workers, checkpoint_period
        self.log_period, self.progress = log_period, progress and self.rank == 0
        self.output_dir = Path(output_dir)
        if amp == "fp16" and device.type != "cuda":
            logger.warning("SOLVER.AMP fp16 needs CUDA; training on %s in float32", device)
            amp = "none"
        self.amp = amp  # bf16 also on the CPU (autocast; fast where it has bf16 units)
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp == "fp16")
        self.config_text = config_text
        self.start_epoch, self.step = 1, 0
        self.writer = None

    # -- checkpoints -------------------------------------------------------------------------

    def save(self, epoch: int) -> Path:
        state = {
            "epoch": epoch,
            "state_dict": self.module.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "loss_state": self.module.loss.state_dict(),
            "lr_scheduler": self.scheduler.state_dict(),
            "num_ids": self.module.loss.classifier.out_features,
            "step": self.step,
            "config": self.config_text,
        }
        path = self.output_dir / "model_last.pth"
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        torch.save(state, tmp)
        os.replace(tmp, path)  # atomic: a crash mid-write leaves the previous file
        if self.checkpoint_period and epoch % self.checkpoint_period == 0:
            snapshot = self.output_dir / f"model_{epoch}.pth"
            tmp = snapshot.with_name(f".{snapshot.name}.tmp{os.getpid()}")
            torch.save(state, tmp)
            os.replace(tmp, snapshot)
        return path

    def resume(self, path) -> None:
        """Continue after the epoch stored in `path`."""
        state = torch.load(path, map_location="cpu", weights_only=False)
        if state.get("num_ids") != self.module.loss.classifier.out_features:
            raise TrainingError(
                f"{path} was trained with {state.get('num_ids')} identities, "
                f"this data has {self.module.loss.classifier.out_features}"
            )
        self.module.model.load_state_dict(state["state_dict"])
        self.module.loss.load_state_dict(state["loss_state"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["lr_scheduler"])
        self.start_epoch, self.step = state["epoch"] + 1, state.get("step", 0)
        logger.info("resumed from %s after epoch %d", path, state["epoch"])

    # -- loop --------------------------------------------------------------------------------

    def _loader(self, epoch: int) -> DataLoader:
        self.dataset.set_epoch(epoch)
        generator = torch.Generator().manual_seed(self.seed * 1000 + epoch)
        if self.world > 1:
            sampler = DistributedSampler(
                self.dataset, self.world, self.rank, shuffle=True, seed=self.seed
            )
            sampler.set_epoch(epoch)
            return DataLoader(
                self.dataset,
                self.batch_size // self.world,
                sampler=sampler,
                num_workers=self.num_workers,
                collate_fn=collate,
                drop_last=True,
            )
        return DataLoader(
            self.dataset,
            self.batch_size,
            shuffle=True,
            generator=generator,
            num_workers=self.num_workers,
            collate_fn=collate,
            drop_last=True,
        )

    def run_step(self, batch: dict) -> dict:
        """One optimisation step; returns the loss terms (detached floats)."""
        batch = {
            k: v.to(self.device, non_blocking=True) if torch.is_tensor(v) else v
            for k, v in batch.items()
        }
        images = batch.pop("input").float().div_(255)
        dtype = torch.bfloat16 if self.amp == "bf16" else torch.float16
        with torch.autocast(self.device.type, dtype=dtype, enabled=self.amp != "none"):
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

    def train(self) -> dict:
        """Run the remaining epochs; returns the last epoch's mean loss terms."""
        if self.rank == 0:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(self.output_dir / "tensorboard"))
        means = {}
        for epoch in range(self.start_epoch, self.epochs + 1):
            self.epoch = epoch
            self.net.train()
            sums, count, skipped, start = {}, 0, 0, time.perf_counter()
            loader = self._loader(epoch)
            bar = tqdm(loader, desc=f"epoch {epoch}/{self.epochs}", disable=not self.progress)
            for batch in bar:
                skipped += batch.pop("skipped")
                if len(batch.get("input", [])) == 0:
                    continue
                terms = self.run_step(batch)
                count += 1
                for key, value in terms.items():
                    sums[key] = sums.get(key, 0.0) + value
                bar.set_postfix(
                    loss=f"{terms['loss']:.3f}",
                    hm=f"{terms['hm_loss']:.3f}",
                    id=f"{terms['id_loss']:.3f}",
                )
                if self.writer is not None and self.step % self.log_period == 0:
                    self._log(terms, len(batch["input"]) * self.world, start, count)
            self.scheduler.step()
            means = {k: v / max(count, 1) for k, v in sums.items()}
            if skipped:
                logger.warning("epoch %d: %d unreadable sample(s) skipped", epoch, skipped)
            if self.rank == 0:
                self.save(epoch)
                summary = "  ".join(f"{k} {means.get(k, float('nan')):.4f}" for k in LOSS_TERMS)
                logger.info(
                    "epoch %d: %s  s_det %.3f  s_id %.3f",
                    epoch,
                    summary,
                    means.get("s_det", float("nan")),
                    means.get("s_id", float("nan")),
                )
        if self.writer is not None:
            self.writer.close()
        return means

    def _log(self, terms: dict, batch_images: int, start: float, steps: int) -> None:
        for key, value in terms.items():
            self.writer.add_scalar(f"train/{key}", value, self.step)
        self.writer.add_scalar("train/lr", self.optimizer.param_groups[0]["lr"], self.step)
        elapsed = time.perf_counter() - start
        self.writer.add_scalar("train/images_per_second", batch_images * steps / elapsed, self.step)


def build_trainer(cfg, progress: bool = True) -> Trainer:
    """Everything from the config: data, network (initialised from MODEL.INIT_WEIGHTS when
    given), loss, Adam over the network and the loss module, the loop."""
    if cfg.SOLVER.DETERMINISTIC:
        torch.use_deterministic_algorithms(True, warn_only=True)
    torch.manual_seed(cfg.SEED)
    data_cfg = read_data_cfg(cfg.DATA.CFG, root=cfg.DATA.ROOT or None)
    dataset = build_train_dataset(cfg, data_cfg)
    logger.info(
        "training on %d images (%s), %d identities (%s counting)%s",
        len(dataset),
        ", ".join(f"{k} {v}" for k, v in dataset.dataset_sizes.items()),
        dataset.num_ids,
        cfg.DATA.ID_COUNTING,
        f", {dataset.skipped_at_load} skipped" if dataset.skipped_at_load else "",
    )
    model = build_model(cfg)
    if cfg.MODEL.INIT_WEIGHTS:
        load_checkpoint(model, cfg.MODEL.INIT_WEIGHTS, strict=False)
    loss = FairMOTLoss(
        cfg.MODEL.REID_DIM,
        dataset.num_ids,
        cfg.LOSS.WEIGHTING,
        cfg.LOSS.HM_WEIGHT,
        cfg.LOSS.WH_WEIGHT,
        cfg.LOSS.REG_WEIGHT,
        cfg.LOSS.ID_WEIGHT,
        cfg.LOSS.S_DET_INIT,
        cfg.LOSS.S_ID_INIT,
        cfg.LOSS.FOCAL_ALPHA,
        cfg.LOSS.FOCAL_BETA,
    )
    net = ModelWithLoss(model, loss)
    if cfg.SOLVER.OPTIMIZER != "adam":
        raise TrainingError(f"SOLVER.OPTIMIZER {cfg.SOLVER.OPTIMIZER!r}: only 'adam' is provided")
    optimizer = torch.optim.Adam(
        net.parameters(), lr=cfg.SOLVER.BASE_LR, weight_decay=cfg.SOLVER.WEIGHT_DECAY
    )
    rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = select_device(cfg.DEVICE)
    if device.type == "cuda":
        device = torch.device("cuda", rank)
        torch.cuda.set_device(device)
    return Trainer(
        net,
        optimizer,
        dataset,
        cfg.SOLVER.BATCH_SIZE,
        cfg.SOLVER.EPOCHS,
        cfg.SOLVER.LR_STEPS,
        cfg.SOLVER.GAMMA,
        cfg.OUTPUT_DIR,
        device,
        cfg.SEED,
        cfg.DATA.NUM_WORKERS,
        cfg.SOLVER.CHECKPOINT_PERIOD,
        cfg.SOLVER.LOG_PERIOD,
        cfg.SOLVER.AMP,
        cfg.dump(),
        progress,
    )


def train(cfg, resume: bool = False, progress: bool = True) -> dict:
    """Train as the config says; with `resume`, continue from OUTPUT_DIR/model_last.pth."""
    trainer = build_trainer(cfg, progress)
    last = Path(cfg.OUTPUT_DIR) / "model_last.pth"
    if resume:
        if not last.is_file():
            raise TrainingError(f"nothing to resume: {last} does not exist")
        trainer.resume(last)
    return trainer.train()
