"""Config merging: defaults, experiment files with _BASE_, command-line overrides, errors."""

import subprocess
import sys
from pathlib import Path

import pytest

from fairmot.config import (
    ConfigError,
    get_cfg,
    load_cfg,
    merge_from_file,
    merge_from_list,
)

REPO = Path(__file__).resolve().parents[2]


def test_get_cfg_returns_an_independent_copy():
    a = get_cfg()
    a.SOLVER.BASE_LR = 3.0
    assert get_cfg().SOLVER.BASE_LR == 1e-4


def test_paper_defaults():
    cfg = get_cfg()
    assert (cfg.INPUT.WIDTH, cfg.INPUT.HEIGHT) == (1088, 608)
    assert cfg.MODEL.REID_DIM == 128 and cfg.MODEL.HEAD_CONV == 256
    assert (cfg.LOSS.S_DET_INIT, cfg.LOSS.S_ID_INIT) == (-1.85, -1.05)
    assert (
        cfg.TRACKER.MATCH_THRES_REID,
        cfg.TRACKER.MATCH_THRES_IOU,
        cfg.TRACKER.MATCH_THRES_UNCONFIRMED,
    ) == (0.4, 0.5, 0.7)


def test_every_default_key_is_commented():
    """Each key assignment in defaults.py is preceded by a comment line (its meaning)."""
    lines = (REPO / "src/fairmot/config/defaults.py").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("_C.") and "= CN()" not in line:
            j = i - 1
            while lines[j].startswith("_C.") and "= CN()" not in lines[j]:
                j -= 1  # keys sharing one comment
            assert lines[j].startswith("#"), f"defaults.py:{i + 1} has no comment: {line}"


def test_file_with_base_then_overrides(tmp_path):
    (tmp_path / "base.yaml").write_text("MODEL:\n  REID_DIM: 64\nSOLVER:\n  EPOCHS: 10\n")
    (tmp_path / "exp.yaml").write_text("_BASE_: base.yaml\nSOLVER:\n  EPOCHS: 12\n")
    cfg = load_cfg(tmp_path / "exp.yaml", ["SOLVER.BASE_LR", "2e-4", "MODEL.LTRB", "False"])
    assert cfg.MODEL.REID_DIM == 64  # from the base
    assert cfg.SOLVER.EPOCHS == 12  # the child wins
    assert cfg.SOLVER.BASE_LR == pytest.approx(2e-4)
    assert cfg.MODEL.LTRB is False
    assert cfg.is_frozen()


def test_int_is_accepted_for_float_and_lists_are_coerced():
    cfg = get_cfg()
    merge_from_list(
        cfg, ["SOLVER.BASE_LR", "1", "AUG.SCALE", "[0.6, 1]", "SOLVER.LR_STEPS", "[5,8]"]
    )
    assert cfg.SOLVER.BASE_LR == 1.0 and isinstance(cfg.SOLVER.BASE_LR, float)
    assert cfg.AUG.SCALE == (0.6, 1.0) and isinstance(cfg.AUG.SCALE, tuple)
    assert cfg.SOLVER.LR_STEPS == [5, 8]


def test_string_override_is_verbatim():
    cfg = get_cfg()
    merge_from_list(cfg, ["MODEL.WEIGHTS", "123", "OUTPUT_DIR", "out/[x]"])
    assert cfg.MODEL.WEIGHTS == "123" and cfg.OUTPUT_DIR == "out/[x]"


@pytest.mark.parametrize(
    "opts, message",
    [
        (["SOLVER.BASE_LRR", "1e-3"], "unknown config key 'SOLVER.BASE_LRR'.*SOLVER.BASE_LR"),
        (["NOPE.X", "1"], "unknown config key 'NOPE.X'"),
        (["SOLVER.EPOCHS", "2.5"], "'SOLVER.EPOCHS' expects a value of type int"),
        (["MODEL.LTRB", "1"], "'MODEL.LTRB' expects a value of type bool"),
        (["SOLVER.LR_STEPS", "[1.5]"], r"'SOLVER.LR_STEPS\[0\]' expects a value of type int"),
        (["SOLVER", "1"], "'SOLVER' is a group of keys"),
        (["SOLVER.EPOCHS"], "KEY VALUE pairs"),
    ],
)
def test_override_errors_name_the_key(opts, message):
    with pytest.raises(ConfigError, match=message):
        merge_from_list(get_cfg(), opts)


def test_file_errors_name_the_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("TRACKER:\n  MATCH_THRES_REID: high\n")
    with pytest.raises(ConfigError, match=r"bad.yaml.*'TRACKER.MATCH_THRES_REID' expects.*float"):
        merge_from_file(get_cfg(), bad)
    bad.write_text("TRACKER:\n  TRACK_BUFER: 30\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: unknown config key 'TRACKER.TRACK_BUFER'"):
        merge_from_file(get_cfg(), bad)
    with pytest.raises(ConfigError, match="config file not found"):
        merge_from_file(get_cfg(), tmp_path / "missing.yaml")
    loop = tmp_path / "loop.yaml"
    loop.write_text("_BASE_: loop.yaml\n")
    with pytest.raises(ConfigError, match="circular _BASE_"):
        merge_from_file(get_cfg(), loop)


def test_every_shipped_config_merges():
    # configs/studies/ holds study files, not configs (tests/test_study.py checks them).
    files = sorted((REPO / "configs").glob("*.yaml"))
    assert len(files) >= 15
    for path in files:
        load_cfg(path)  # raises on any unknown key or wrong type


def test_paper_experiment_configs():
    crowdhuman = load_cfg(REPO / "configs/crowdhuman_selfsup_dla34.yaml")
    assert (crowdhuman.SOLVER.EPOCHS, crowdhuman.SOLVER.LR_STEPS, crowdhuman.SOLVER.BATCH_SIZE) == (
        60,
        [50],
        8,
    )
    dims = {
        load_cfg(REPO / f"configs/mot17_half_dla34_reid{d}.yaml").MODEL.REID_DIM
        for d in (64, 256, 512)
    }
    assert dims == {64, 256, 512}
    archs = {load_cfg(p).MODEL.ARCH for p in (REPO / "configs").glob("mot17_half_*.yaml")}
    assert archs == {"dla34", "resnet34", "resnet50", "resnet34_fpn", "hrnet_w18"}
    two_stage = load_cfg(REPO / "configs/mot17_half_dla34_two_stage.yaml")
    assert (two_stage.MODEL.REID_HEAD, two_stage.DECODE.REID_SAMPLING) == ("roi", "two_stage")


def test_tool_exits_with_the_error_message(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/make_synthetic.py"),
            "--cfg",
            str(REPO / "configs/synthetic.yaml"),
            "SYNTH.NUM_PEOPL",
            "3",
            "OUTPUT_DIR",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "unknown config key 'SYNTH.NUM_PEOPL'" in result.stderr
    assert "SYNTH.NUM_PEOPLE" in result.stderr
