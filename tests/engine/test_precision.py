"""The training precision: what SOLVER.AMP auto chooses, and that the loss stays float32."""

import pytest
import torch

from fairmot.engine import precision as precision_module
from fairmot.engine.losses import FairMOTLoss
from fairmot.engine.precision import choose_precision

CPU, CUDA = torch.device("cpu"), torch.device("cuda", 0)


@pytest.mark.parametrize(
    "amp, memory_format, device, bf16_units, expected",
    [
        ("auto", "auto", CPU, True, ("bf16", True)),
        ("auto", "auto", CPU, False, ("none", False)),
        ("auto", "auto", CUDA, True, ("none", False)),  # the original's float32 on a GPU
        ("auto", "contiguous", CPU, True, ("bf16", False)),
        ("none", "auto", CPU, True, ("none", False)),
        ("bf16", "auto", CPU, False, ("bf16", True)),  # as configured, even if emulated
        ("bf16", "auto", CUDA, True, ("bf16", False)),
        ("fp16", "auto", CPU, True, ("none", False)),
        ("fp16", "channels_last", CUDA, False, ("fp16", True)),
    ],
)
def test_choice(monkeypatch, amp, memory_format, device, bf16_units, expected):
    monkeypatch.setattr(precision_module, "cpu_has_bf16", lambda: bf16_units)
    monkeypatch.setattr(precision_module, "cpu_flags", lambda: ["avx512f", "amx_bf16"])
    chosen = choose_precision(amp, memory_format, device)
    assert (chosen.amp, chosen.channels_last) == expected
    if amp == "auto" and device.type == "cpu":
        assert ("amx_bf16" in chosen.reason) == bf16_units


def test_identity_logits_stay_float32_under_bf16_autocast():
    torch.manual_seed(0)
    loss = FairMOTLoss(reid_dim=8, num_ids=300)
    logits = []
    loss.classifier.register_forward_hook(lambda m, a, out: logits.append(out.dtype))
    outputs = {
        "hm": torch.randn(2, 1, 8, 8, dtype=torch.bfloat16),
        "wh": torch.rand(2, 4, 8, 8, dtype=torch.bfloat16),
        "reg": torch.rand(2, 2, 8, 8, dtype=torch.bfloat16),
        "id": torch.randn(2, 8, 8, 8, dtype=torch.bfloat16),
    }
    batch = {
        "hm": torch.zeros(2, 1, 8, 8),
        "reg_mask": torch.tensor([[1, 1, 0], [1, 0, 0]], dtype=torch.uint8),
        "ind": torch.tensor([[3, 20, 0], [40, 0, 0]]),
        "wh": torch.rand(2, 3, 4),
        "reg": torch.rand(2, 3, 2),
        "ids": torch.tensor([[5, 17, 0], [299, 0, 0]]),
    }
    batch["hm"][0, 0, 0, 3] = batch["hm"][0, 0, 2, 4] = batch["hm"][1, 0, 5, 0] = 1
    with torch.autocast("cpu", dtype=torch.bfloat16):
        terms = loss(outputs, batch)
    reference = loss({k: v.float() for k, v in outputs.items()}, batch)
    assert logits == [torch.float32, torch.float32]
    for key in ("loss", "id_loss", "hm_loss", "s_id"):
        assert terms[key].dtype == torch.float32
        # the same numbers as float32 throughout: the heads' bf16 outputs are the only rounding
        torch.testing.assert_close(terms[key], reference[key], rtol=0, atol=0)
