"""Engine layer: the joint loss and the training loop (checkpoints, resume, logging, DDP)."""

from .losses import FairMOTLoss, focal_loss, masked_l1_loss
from .trainer import ModelWithLoss, Trainer, TrainingError, build_trainer, train

__all__ = [
    "FairMOTLoss",
    "ModelWithLoss",
    "Trainer",
    "TrainingError",
    "build_trainer",
    "focal_loss",
    "masked_l1_loss",
    "train",
]
