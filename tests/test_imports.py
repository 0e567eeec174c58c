"""Layer borders: what runs behind any detector imports no torch."""

import subprocess
import sys

import pytest

TORCH_FREE = [
    "fairmot.boxes",
    "fairmot.tracker",
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
