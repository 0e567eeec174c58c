"""The engine's error."""


class TrainingError(RuntimeError):
    """Training cannot go on (a non-finite loss, an unusable setup, a checkpoint that does
    not fit)."""
