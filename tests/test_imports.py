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


def _imported_modules(path, name: str, is_package: bool, known: set) -> set:
    """The fairmot modules a source file imports anywhere (function bodies included)."""
    import ast

    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    # A package's __init__ importing its own modules is how a package is built, not a cycle.
    return {m for m in found & known if m != name and not m.startswith(name + ".")}


def test_no_import_cycles_between_modules():
    """Every import, lazy ones included, goes one way: no two modules need each other."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src"
    files = {}
    for path in src.rglob("*.py"):
        parts = path.relative_to(src).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        files[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    graph = {name: _imported_modules(p, name, pkg, set(files)) for name, (p, pkg) in files.items()}
    state = {}  # module -> "open" while on the search path, "done" after

    def visit(module, path):
        state[module] = "open"
        for dep in sorted(graph[module]):
            if state.get(dep) == "open":
                cycle = path[path.index(dep) :] + [dep]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, path + [dep])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        ("fairmot.engine", "fairmot.inference"),  # the trainer is handed its evaluation
        ("fairmot.tracker", "fairmot.models"),
        ("fairmot.models", "fairmot.inference"),
        ("fairmot.data", "fairmot.engine"),
    ],
)
def test_layers_import_one_way(layer, forbidden):
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src"
    known = {
        ".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        for p in src.rglob("*.py")
    }
    for path in (src / Path(*layer.split("."))).rglob("*.py"):
        parts = path.relative_to(src).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        wrong = {
            m for m in _imported_modules(path, name, is_package, known) if m.startswith(forbidden)
        }
        assert not wrong, f"{name} imports {sorted(wrong)}"
