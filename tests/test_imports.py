"""Layer borders: what runs behind any detector imports no torch."""

import subprocess
import sys

import pytest

TORCH_FREE = [
    "fairmot.boxes",
    "fairmot.tracker",
    "fairmot.tracker.cmc",
    "fairmot.tracker.postprocess",
    "fairmot.replay",
    "fairmot.tuning",
    "fairmot.data.formats",
    "fairmot.inference",
    "fairmot.inference.sources",
    "fairmot.inference.streams",
    "fairmot.inference.writers",
    "fairmot.inference.runner",
    "fairmot.evaluation",
]


@pytest.mark.parametrize("module", TORCH_FREE)
def test_module_imports_without_torch(module):
    code = f"import sys, {module}; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_the_detector_brings_torch_when_asked_for():
    code = "import sys, fairmot.inference as i; i.Detector; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.parametrize("tool", ["train", "track", "export", "test_det", "test_emb"])
def test_a_config_mistake_is_reported_before_torch_loads(tool):
    """A typo in a key costs a fraction of a second, not torch's import (seconds)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / f"{tool}.py"
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{str(path)!r}, 'SOLVER.EPOCH', '3']\n"
        "try:\n"
        f"    runpy.run_path({str(path)!r}, run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, 'torch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "unknown config key 'SOLVER.EPOCH'" in result.stderr
    assert result.stdout.split() == ["1", "False"], result.stderr


def test_the_declared_python_is_what_the_code_and_the_linter_assume():
    """setup.py's python_requires, ruff's target and the interpreter running the suite
    agree (the code uses 3.11's hashlib.file_digest and datetime.UTC)."""
    import re
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    declared = re.search(r'python_requires=">=3\.(\d+)"', (repo / "setup.py").read_text())
    target = re.search(r'target-version = "py3(\d+)"', (repo / "ruff.toml").read_text())
    assert declared and target and declared.group(1) == target.group(1) == "11"
    assert sys.version_info[:2] >= (3, int(declared.group(1)))
