"""One training step of the main job's recipe in each precision, side by side, against the
floor the step's FLOPs imply at this machine's matmul rates.

    python benchmarks/train_speed.py [--cfg configs/synthetic.yaml] [--threads 2] [--repeat 5]

Builds the recipe's trainer (network, loss, Adam) on a small generated training split and
times `Trainer.run_step` on one real batch in float32, float32 channels-last, bf16 autocast
and bf16 autocast channels-last, the settings called in turn round after round (noise on a
shared machine falls on all alike), and says which one SOLVER.AMP auto picks here. FLOPs of
a step: the forward pass counted by fairmot.models.complexity, times 3 (the backward pass
computes the gradients of inputs and of weights, each about one forward). The floor is those
FLOPs at the rate of a 4096^3 matmul in the same precision, measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch
from common import Row, interleaved_seconds, median_seconds

from fairmot.config import load_cfg
from fairmot.data.dataset import collate
from fairmot.data.synthetic import generate_dataset
from fairmot.engine import build_trainer
from fairmot.engine.precision import choose_precision
from fairmot.machine import describe_line
from fairmot.models.complexity import count_flops

REPO = Path(__file__).resolve().parents[1]
#: (name, SOLVER.AMP, SOLVER.MEMORY_FORMAT) of each timed setting.
SETTINGS = (
    ("float32", "none", "contiguous"),
    ("float32 channels-last", "none", "channels_last"),
    ("bf16", "bf16", "contiguous"),
    ("bf16 channels-last", "bf16", "channels_last"),
)


def matmul_rate(dtype: torch.dtype, repeat: int, n: int = 4096) -> float:
    """FLOP/s of an n^3 matmul in `dtype`."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    return 2 * n**3 / median_seconds(lambda: a @ b, repeat)


def recipe_trainers(cfg_path: Path, root: Path) -> tuple:
    """({setting: Trainer}, one training batch, the recipe's config) on two generated
    training sequences of the recipe's scene (the network and batch are the recipe's)."""
    options = ["OUTPUT_DIR", str(root), "DATA.CFG", str(root / "data" / "synthetic.json")]
    options += ["SYNTH.TRAIN_SEQS", "2", "SYNTH.VAL_SEQS", "0", "SYNTH.WRITE_DET", "False"]
    cfg = load_cfg(cfg_path, options + ["DEVICE", "cpu"])
    generate_dataset(cfg.SYNTH, root / "data", progress=False)
    trainers = {}
    for name, amp, memory_format in SETTINGS:
        setting = cfg.clone()
        setting.defrost()
        setting.SOLVER.AMP, setting.SOLVER.MEMORY_FORMAT = amp, memory_format
        trainers[name] = build_trainer(setting, progress=False)
    dataset = next(iter(trainers.values())).dataset
    batch = collate([dataset[i] for i in range(cfg.SOLVER.BATCH_SIZE)])
    batch.pop("skipped")
    return trainers, batch, cfg


def step_flops(trainer, batch: dict) -> float:
    """FLOPs of one training step: 3 x the network's forward on the batch's images."""
    images = batch["input"].float().div(255)
    return 3.0 * count_flops(trainer.module.model, images)["total"]


def measure(cfg_path: Path, repeat: int) -> tuple:
    """({setting: seconds per step}, step FLOPs, {dtype name: matmul FLOP/s}, config)."""
    with tempfile.TemporaryDirectory() as tmp:
        trainers, batch, cfg = recipe_trainers(cfg_path, Path(tmp))
        flops = step_flops(trainers["float32"], batch)
        steps = {name: (lambda t=t: t.run_step(dict(batch))) for name, t in trainers.items()}
        seconds = interleaved_seconds(steps, repeat)
    rates = {"float32": matmul_rate(torch.float32, 3), "bf16": matmul_rate(torch.bfloat16, 3)}
    return seconds, flops, rates, cfg


def summary_rows(repeat: int = 3) -> list:
    """The step of SOLVER.AMP auto's choice against float32 (run_all.py's row)."""
    seconds, _, _, cfg = measure(REPO / "configs/synthetic.yaml", repeat)
    chosen = choose_precision("auto", "auto", torch.device("cpu"))
    name = {"bf16": "bf16 channels-last" if chosen.channels_last else "bf16"}.get(
        chosen.amp, "float32"
    )
    return [
        Row(
            f"training step, main job recipe (batch {cfg.SOLVER.BATCH_SIZE}), auto: {name}",
            "s/step",
            seconds[name],
            seconds["float32"],
            "float32",
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cfg", type=Path, default=REPO / "configs/synthetic.yaml")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seconds, flops, rates, cfg = measure(args.cfg, args.repeat)
    print(describe_line())
    auto = choose_precision("auto", "auto", torch.device("cpu"))
    print(f"SOLVER.AMP auto here: {auto.describe()}")
    print(
        f"step: batch {cfg.SOLVER.BATCH_SIZE} at {cfg.INPUT.WIDTH}x{cfg.INPUT.HEIGHT}, "
        f"{cfg.MODEL.ARCH}: {flops / 1e9:.1f} GFLOP (3 x forward); matmul "
        + ", ".join(f"{k} {v / 1e9:.0f} GFLOP/s" for k, v in rates.items())
        + "\n"
    )
    print("| setting | ms/step | x float32 | GFLOP/s | floor ms (matmul rate) | x floor |")
    print("|---|---|---|---|---|---|")
    for name, _, _ in SETTINGS:
        floor = flops / rates["bf16" if name.startswith("bf16") else "float32"]
        step = seconds[name]
        print(
            f"| {name} | {step * 1e3:.0f} | {seconds['float32'] / step:.2f} | "
            f"{flops / step / 1e9:.0f} | {floor * 1e3:.0f} | {step / floor:.1f} |"
        )


if __name__ == "__main__":
    main()
