"""The benchmarks' baselines are what they claim to be, and the one-table report."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from common import Row, format_rows, print_rows_as_measured  # noqa: E402
from data_speed import baseline_targets  # noqa: E402

from fairmot.data.targets import encode_targets  # noqa: E402


def test_object_by_object_baseline_encodes_the_same_targets():
    rng = np.random.default_rng(3)
    n = 60
    boxes = np.c_[
        rng.uniform(0.0, 1.0, (n, 2)), rng.uniform(0.01, 0.06, n), rng.uniform(0.05, 0.3, n)
    ].astype(np.float32)
    ids = rng.integers(0, 1000, n)
    ours = encode_targets(boxes, np.zeros(n, np.int64), ids, output_wh=(272, 152))
    for key, value in zip(
        ("hm", "wh", "reg", "ind", "reg_mask", "ids"), baseline_targets(boxes, ids, (272, 152))
    ):
        np.testing.assert_allclose(ours[key], value, atol=2e-5, err_msg=key)


def test_report_speedup_follows_the_unit():
    rows = [
        Row("latency", "s/frame", 0.5, 2.0, "old"),
        Row("rate", "frames/s", 3.0, 1.5, "old", higher_is_better=True),
        Row("alone", "ms/frame", 0.9),
    ]
    assert rows[0].speedup() == pytest.approx(4.0) and rows[1].speedup() == pytest.approx(2.0)
    table = format_rows(rows).splitlines()
    assert table[2] == "| latency | s/frame | 0.5 | 2 (old) | 4.00× |"
    assert table[4] == "| alone | ms/frame | 0.9 | — | — |"


def test_rows_are_printed_as_they_are_measured(capsys):
    """A run cut short by a time limit (the GPU check) keeps the rows measured so far: each
    line is out before the next row is measured, and the whole is `format_rows`' table."""
    rows = [Row("first", "ms/frame", 1.0), Row("second", "frames/s", 2.0, 1.0, "old", True)]

    def measure():
        yield rows[0]
        assert capsys.readouterr().out.splitlines()[-1] == format_rows(rows[:1]).splitlines()[-1]
        yield rows[1]

    assert print_rows_as_measured(measure()) == rows
    assert capsys.readouterr().out.splitlines()[-1] == format_rows(rows).splitlines()[-1]


def test_gpu_goal_line_takes_the_fastest_real_network_path_at_1088x608():
    from gpu_speed import end_to_end, goal_line

    big, small = end_to_end((1088, 608)), end_to_end((576, 320))

    ceiling = "tracking end to end, 1920x1080 frames, network outputs replayed"
    rows = [
        Row(big, "frames/s", 150.0),
        Row(f"{big}, + fp16", "frames/s", 230.0),
        Row(f"{small}, + fp16", "frames/s", 500.0),
        Row(f"{ceiling}, batches of 8", "frames/s", 900.0),
    ]
    assert goal_line(rows).endswith(f"reached, 230 frames/s ({big}, + fp16)")
    assert ": not reached, 150 frames/s" in goal_line(rows[:1])
    assert goal_line(rows[2:]).endswith("not measured")


def test_association_benchmark_runs_without_the_reference_fixtures(tmp_path):
    """Without the reference scene (a package installed without its tests) the benchmark
    generates an equivalent scene (the reference one's size and crowd) and says so in its
    row."""
    from association_speed import generated_scene, summary_rows

    scene = generated_scene(frames=60)
    assert len(scene) == 60
    per_frame = [len(dets) for dets, _ in scene]
    assert 60 <= np.mean(per_frame) <= 90  # the reference scene: about 70
    dets, feats = scene[0]
    assert dets.shape[1] == 5 and feats.shape == (len(dets), 128)
    np.testing.assert_allclose(np.linalg.norm(feats, axis=1), 1, rtol=1e-5)
    (row,) = summary_rows(scene=tmp_path / "missing.npz", repeat=1)
    assert row.benchmark.startswith("association, generated scene (no reference fixtures)")
    assert 0 < row.ours < 100  # ms per frame


def test_gpu_benchmark_goes_on_when_cuda_graphs_fail(tmp_path, capsys):
    """A path that fails on the lent GPU (CUDA graphs had never run on one) is reported and
    the rows after it are still measured, without it."""
    from gpu_speed import _tracking_rows

    calls = []

    def run(out_dir, **options):
        calls.append(options)
        if options.get("cuda_graphs"):
            raise RuntimeError("capture failed")
        return 10.0 + len(calls)

    options = {"cuda": True, "read_threads": 4, "precision": "fp16"}
    rows = list(_tracking_rows((1088, 608), (run, run), tmp_path, [8], options))
    labels = [row.benchmark.split("1088x608")[1] for row in rows]
    assert labels[-2:] == [", + 4 reading threads", ", + fp16"]
    assert not any("CUDA graphs" in label for label in labels)
    assert all(not options.get("cuda_graphs") for options in calls[-2:])
    assert "CUDA graphs failed; going on without it" in capsys.readouterr().err


def test_training_benchmark_times_every_setting_on_the_recipe(tmp_path):
    """The training benchmark builds each precision's trainer of one recipe; its FLOPs of a
    step are three forwards (backward: input and weight gradients)."""
    from train_speed import SETTINGS, recipe_trainers, step_flops

    from fairmot.models.complexity import count_flops

    instant = Path(__file__).resolve().parents[1] / "configs/synthetic_instant.yaml"
    trainers, batch, cfg = recipe_trainers(instant, tmp_path)
    assert list(trainers) == [name for name, _, _ in SETTINGS]
    assert trainers["bf16 channels-last"].precision.channels_last
    assert trainers["float32"].precision.amp == "none"
    assert batch["input"].shape[0] == cfg.SOLVER.BATCH_SIZE
    forward = count_flops(trainers["float32"].module.model, batch["input"].float() / 255)["total"]
    assert step_flops(trainers["float32"], batch) == pytest.approx(3 * forward)
    terms = trainers["bf16 channels-last"].run_step(dict(batch))
    assert np.isfinite(terms["loss"])
