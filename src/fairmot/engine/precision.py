"""The training precision: float32, or bf16 / fp16 autocast, and the memory format.

SOLVER.AMP "auto" (the default) takes bf16 autocast with channels-last weights and inputs
on a CPU that computes bf16 in hardware (AVX-512 BF16 or AMX: `fairmot.machine`), about
twice the float32 step rate there, and float32 everywhere else: on a CPU without bf16 units
autocast is emulated and slower, and on CUDA float32 is the original's training (fp16 and
bf16 stay one key away). Under autocast the loss stays float32: the heads' outputs are cast
up before the focal, L1 and identity losses, the identity classifier runs outside autocast
(its logits feed a softmax over hundreds of identities, where bf16's 8-bit mantissa rounds
neighbouring logits together), and the uncertainty weights s_det, s_id are float32
parameters updated by float32 gradients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch

from ..machine import cpu_flags, cpu_has_bf16

AMP_MODES = ("auto", "none", "bf16", "fp16")
MEMORY_FORMATS = ("auto", "contiguous", "channels_last")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Precision:
    """What a training step computes in: `amp` "none", "bf16" or "fp16"; `channels_last`
    for weights and inputs; `reason`, one sentence for the log."""

    amp: str
    channels_last: bool
    reason: str

    @property
    def dtype(self) -> torch.dtype | None:
        """The autocast dtype, None for float32."""
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.amp)

    def describe(self) -> str:
        name = {"none": "float32", "bf16": "bf16 autocast", "fp16": "fp16 autocast"}[self.amp]
        layout = ", channels-last" if self.channels_last else ""
        return f"{name}{layout} ({self.reason})"


def choose_precision(amp: str, memory_format: str, device: torch.device) -> Precision:
    """The precision of SOLVER.AMP `amp` and SOLVER.MEMORY_FORMAT `memory_format` on
    `device` (module docstring). fp16 off CUDA falls back to float32, as the log says."""
    reason = "as configured"
    if amp == "auto":
        if device.type == "cpu" and cpu_has_bf16():
            amp, reason = (
                "bf16",
                "auto: the CPU has " + " ".join(f for f in cpu_flags() if "bf16" in f),
            )
        else:
            amp = "none"
            reason = "auto: " + (
                "float32 on CUDA, as the original"
                if device.type == "cuda"
                else "the CPU has no bf16 units (AVX-512 BF16 or AMX)"
            )
    elif amp == "fp16" and device.type != "cuda":
        amp, reason = "none", f"SOLVER.AMP fp16 needs CUDA; float32 on {device.type}"
        logger.warning("%s", reason)
    if memory_format == "auto":
        channels_last = amp == "bf16" and device.type == "cpu"
    else:
        channels_last = memory_format == "channels_last"
    return Precision(amp, channels_last, reason)
