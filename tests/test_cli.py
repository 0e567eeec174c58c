"""The tools' shared shell: argument parsing with overrides anywhere, one error line and
exit status per kind of ending, a run record per tool run that nothing overwrites."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.config import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_overrides_are_taken_anywhere_and_never_swallowed_by_options():
    parser = argument_parser("test", weights=True)
    parser.add_argument("--seqs", nargs="+")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--name")
    args = parser.parse_args(
        ["SOLVER.EPOCHS", "3", "--seqs", "MOT17-02", "MOT17-04", "OUTPUT_DIR", "out/x"]
        + ["--resume", "--name", "FAIRMOT", "SEED", "-1", "SOLVER.BASE_LR", "-1e-3"]
    )
    assert args.seqs == ["MOT17-02", "MOT17-04"] and args.resume and args.name == "FAIRMOT"
    assert args.opts == ["SOLVER.EPOCHS", "3", "OUTPUT_DIR", "out/x"] + [
        "SEED",
        "-1",
        "SOLVER.BASE_LR",
        "-1e-3",
    ]


def test_an_override_without_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as end:
        argument_parser("test").parse_args(["SOLVER.EPOCHS"])
    assert end.value.code == 2
    assert "SOLVER.EPOCHS has no value" in capsys.readouterr().err


def test_help_shows_the_whole_description():
    doc = """Detection AP of a trained model over
    the "test" lists of a data_cfg.

        python tools/x.py --cfg A
    """
    text = argument_parser(doc).format_help()
    assert 'Detection AP of a trained model over the "test" lists of a data_cfg.' in text
    assert "    python tools/x.py --cfg A" in text


def _run(monkeypatch, main, argv=("tools/mytool.py",)):
    monkeypatch.setattr(sys, "argv", list(argv))
    with pytest.raises(SystemExit) as end:
        run_tool(main)
    return end.value.code


def _tool(out: Path, body):
    def main():
        cfg = setup(argument_parser("test").parse_args(["OUTPUT_DIR", str(out), "SEED", "3"]))
        return body(cfg)

    return main


def test_a_project_error_is_one_line_and_status_1(monkeypatch, capsys):
    def main():
        raise ConfigError("config: SOLVER.BATCH_SIZE must be >= 1, got -1")

    assert _run(monkeypatch, main) == 1
    assert capsys.readouterr().err == "error: config: SOLVER.BATCH_SIZE must be >= 1, got -1\n"


def test_a_bug_keeps_its_traceback(monkeypatch, tmp_path):
    def bug(cfg):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(sys, "argv", ["tools/mytool.py"])
    with pytest.raises(ZeroDivisionError):
        run_tool(_tool(tmp_path, bug))
    record = json.loads(next((tmp_path / "runs").glob("*/run.json")).read_text())
    assert record["status"] == "error" and record["message"].startswith("crashed")
    assert type(sys.stdout).__name__ != "_Tee"  # the console is given back


def test_ctrl_c_is_status_130_with_the_tool_s_words(monkeypatch, tmp_path, capsys):
    def interrupted(cfg):
        raise KeyboardInterrupt("in epoch 2 at step 7")

    assert _run(monkeypatch, _tool(tmp_path, interrupted)) == 130
    assert capsys.readouterr().err == "interrupted in epoch 2 at step 7\n"
    record = json.loads(next((tmp_path / "runs").glob("*/run.json")).read_text())
    assert (record["status"], record["exit_code"]) == ("interrupted", 130)


def test_every_run_has_its_own_record_with_config_command_and_log(monkeypatch, tmp_path):
    def work(cfg):
        print("tracking SYN-01")
        sys.stderr.write("\rframes  10%\rframes  50%\rframes 100%\n")
        print("summary line")
        return 0

    argv = ["tools/track.py", "--input", "x"]
    assert _run(monkeypatch, _tool(tmp_path, work), argv) == 0
    assert _run(monkeypatch, _tool(tmp_path, work), argv) == 0
    runs = sorted((tmp_path / "runs").iterdir())
    assert len(runs) == 2 and all(r.name.endswith(("_track", "_track-2")) for r in runs)
    for run in runs:
        record = json.loads((run / "run.json").read_text())
        assert record["tool"] == "track" and record["status"] == "ok"
        assert record["exit_code"] == 0 and record["argv"][1:] == argv
        assert record["ended"] >= record["started"] and "numpy" in record["versions"]
        assert yaml.safe_load((run / "config.yaml").read_text())["SEED"] == 3
        log = (run / "log.txt").read_text().splitlines()
        assert log == ["tracking SYN-01", "frames 100%", "summary line"]
    assert not (tmp_path / "config.yaml").exists()


def test_tracking_into_a_training_folder_keeps_the_training_record(tmp_path):
    """Two tools into one OUTPUT_DIR: two records; the failing one says why."""
    out = tmp_path / "run"
    for tool, extra in (("make_synthetic", ["SYNTH.SEQ_LENGTH", "2"]), ("track", [])):
        subprocess.run(
            [sys.executable, str(REPO / f"tools/{tool}.py"), "OUTPUT_DIR", str(out)]
            + ["SYNTH.TRAIN_SEQS", "1", "SYNTH.VAL_SEQS", "0"]
            + extra,
            capture_output=True,
            text=True,
            check=False,
        )
    records = {
        json.loads(p.read_text())["tool"]: json.loads(p.read_text())
        for p in (out / "runs").glob("*/run.json")
    }
    assert records["make_synthetic"]["status"] == "ok"
    assert records["track"]["status"] == "error"
    assert records["track"]["message"].startswith("error: nothing to track")
    log = next((out / "runs").glob("*_track/log.txt")).read_text()
    assert "error: nothing to track" in log
