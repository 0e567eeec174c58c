"""What machine a run ran on, and which number formats its CPU computes fast.

Training from scratch is not bitwise portable: another CPU (other vector kernels, other
float rounding) or another thread count trains another model from the same seeds. Every
figure the project states therefore names the machine (`describe`), and the choice of
training precision follows the hardware (`cpu_has_bf16`) instead of assuming it.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
from pathlib import Path

#: CPU features that change what training costs or computes (Linux /proc/cpuinfo names):
#: the AVX-512 foundation, its bf16 dot products, and AMX's bf16 tiles.
RELEVANT_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16", "avx512_fp16")
#: The flags that mean hardware bf16 arithmetic (either is enough for oneDNN's bf16 kernels).
BF16_FLAGS = ("avx512_bf16", "amx_bf16")


@functools.cache
def _cpuinfo() -> tuple[str, frozenset]:
    """(model name, flags) of the first processor in /proc/cpuinfo; ("", {}) where the file
    does not exist (macOS, Windows)."""
    path = Path("/proc/cpuinfo")
    if not path.is_file():
        return "", frozenset()
    model, flags = "", frozenset()
    for line in path.read_text(errors="replace").splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not model:
            model = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = frozenset(value.split())
        if model and flags:
            break
    return model, flags


def cpu_model() -> str:
    """The CPU's name ("Intel(R) Xeon(R) Processor"), or the platform's guess."""
    return _cpuinfo()[0] or platform.processor() or platform.machine()


def cpu_flags() -> list[str]:
    """Which of RELEVANT_FLAGS this CPU has, in that order."""
    flags = _cpuinfo()[1]
    return [f for f in RELEVANT_FLAGS if f in flags]


def cpu_has_bf16() -> bool:
    """True when the CPU computes bf16 in hardware (AVX-512 BF16 or AMX). Without it bf16
    autocast is emulated and slower than float32."""
    return any(f in _cpuinfo()[1] for f in BF16_FLAGS)


def describe() -> dict:
    """The facts that decide what a training run computes: CPU model and flags, cores,
    torch threads, torch version and its CPU kernel level, and the GPU if one is used."""
    import torch

    facts = {
        "cpu": cpu_model(),
        "cpu_flags": cpu_flags(),
        "cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
    }
    if torch.cuda.is_available():
        facts["gpu"] = torch.cuda.get_device_name(0)
    return facts


def describe_line(facts: dict | None = None) -> str:
    """`describe()` as one line for tables and logs."""
    facts = facts or describe()
    flags = " ".join(facts["cpu_flags"]) or "no AVX-512"
    line = f"{facts['cpu']} ({flags}), {facts['threads']} threads, torch {facts['torch']}"
    return line + (f", {facts['gpu']}" if facts.get("gpu") else "")


_NOTES: dict = {}


def note(key: str, value) -> None:
    """Record how this process ran (e.g. the training precision chosen); a tool's run
    record (`fairmot.cli`) stores the notes in run.json beside `describe()`."""
    _NOTES[key] = value


def notes() -> dict:
    """The notes so far, and `describe()` once torch is loaded (a tool that never imports
    torch, like the evaluation, has no thread count to state)."""
    facts = dict(_NOTES)
    if "torch" in sys.modules:
        facts["machine"] = describe()
    return facts
