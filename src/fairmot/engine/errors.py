"""The engine's error."""

from ..errors import FairMOTError


class TrainingError(FairMOTError, RuntimeError):
    """Training cannot go on (a non-finite loss, an unusable setup, a checkpoint that does
    not fit)."""


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during training; the message says where it stopped and what was kept."""
