"""Engine layer: the joint loss and the training loop (hooks: checkpoints, resume,
learning-rate steps, logging, periodic evaluation; DDP)."""

from .errors import TrainingError, TrainingInterrupted
from .hooks import (
    Checkpointer,
    EpochLogger,
    HookBase,
    LRScheduler,
    PeriodicEvaluation,
    TensorBoardWriter,
)
from .losses import FairMOTLoss, build_loss, focal_loss, masked_l1_loss
from .trainer import ModelWithLoss, Trainer, build_hooks, build_trainer, train

__all__ = [
    "Checkpointer",
    "EpochLogger",
    "FairMOTLoss",
    "HookBase",
    "LRScheduler",
    "ModelWithLoss",
    "PeriodicEvaluation",
    "TensorBoardWriter",
    "Trainer",
    "TrainingError",
    "TrainingInterrupted",
    "build_hooks",
    "build_loss",
    "build_trainer",
    "focal_loss",
    "masked_l1_loss",
    "train",
]
