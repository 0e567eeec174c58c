"""Engine layer: losses (and, as it lands, the training loop, checkpointing and logging)."""

from .losses import FairMOTLoss, focal_loss, masked_l1_loss

__all__ = ["FairMOTLoss", "focal_loss", "masked_l1_loss"]
