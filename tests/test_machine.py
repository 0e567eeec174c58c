"""The machine description that every stated figure carries."""

import torch

from fairmot import machine


def test_describe_names_this_machine():
    facts = machine.describe()
    assert facts["threads"] == torch.get_num_threads()
    assert facts["torch"] == torch.__version__
    assert set(facts["cpu_flags"]) <= set(machine.RELEVANT_FLAGS)
    line = machine.describe_line(facts)
    assert facts["cpu"] in line and f"{facts['threads']} threads" in line


def test_bf16_detection_follows_the_flags(monkeypatch):
    for flags, expected in (
        ({"avx512f", "avx512_bf16"}, True),
        ({"avx512f", "amx_tile", "amx_bf16"}, True),
        ({"avx2", "avx512f"}, False),
        (set(), False),
    ):
        monkeypatch.setattr(machine, "_cpuinfo", lambda f=flags: ("CPU", frozenset(f)))
        assert machine.cpu_has_bf16() is expected
        assert machine.cpu_flags() == [f for f in machine.RELEVANT_FLAGS if f in flags]


def test_notes_reach_the_run_record(tmp_path, monkeypatch):
    monkeypatch.setattr(machine, "_NOTES", {})
    machine.note("training_precision", "bf16 autocast")
    notes = machine.notes()
    assert notes["training_precision"] == "bf16 autocast"
    assert notes["machine"]["threads"] == torch.get_num_threads()
