"""What every tool shares: its argument parser, its config, its run record and its exit.

A tool is a `main()` that parses its arguments with `argument_parser`, builds its config with
`setup` and calls library functions; `run_tool(main)` runs it:

- a `FairMOTError` (the project's errors a user can act on) prints one `error: ...` line and
  exits with status 1; Ctrl-C exits with 130 after the tool's own clean-up; anything else is
  a bug and keeps its traceback;
- `setup` starts a run record in `OUTPUT_DIR/runs/<UTC time>_<tool>/`: the merged
  `config.yaml`, `run.json` (the command line, package versions, git revision, start and end
  time, exit status) and `log.txt` (what the console showed, progress bars at their last
  state). Records of different runs and tools never replace each other.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import shlex
import socket
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Callable, NoReturn

from yacs.config import CfgNode

from . import machine
from .config import load_cfg
from .data.formats.text_table import atomic_write_text
from .errors import FairMOTError

#: A trailing config override's key: upper-case words joined by dots (OUTPUT_DIR, SOLVER.LR).
OVERRIDE_KEY = re.compile(r"[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)*")
PACKAGES = (
    "fairmot",
    "torch",
    "torchvision",
    "numpy",
    "opencv-python",
    "opencv-python-headless",
    "onnxruntime",
    "onnx",
    "scipy",
    "lap",
    "motmetrics",
    "yacs",
)


#: Set (to anything) to check a command line without running it (tests/test_docs.py runs
#: every documented command so): the tool parses its arguments, loads its config when it
#: takes one (the experiment file and every override checked), says so and exits with 0.
CHECK_ARGS_ENV = "FAIRMOT_CHECK_ARGS"


class ToolParser(argparse.ArgumentParser):
    """An argument parser that takes `KEY VALUE` config overrides anywhere on the line.

    Overrides are told apart from option values by their upper-case dotted key, so options
    may follow them (`... SOLVER.EPOCHS 3 --resume`) and a multi-value option such as
    `--seqs A B` never swallows them; override values may start with "-" (`SEED -1`).
    """

    takes_overrides = True

    def parse_known_args(self, args=None, namespace=None):
        if not self.takes_overrides:
            return super().parse_known_args(args, namespace)
        argv = sys.argv[1:] if args is None else list(args)
        rest, opts = self._split_overrides(argv)
        namespace, extras = super().parse_known_args(rest, namespace)
        namespace.opts = opts
        return namespace, extras

    def parse_args(self, args=None, namespace=None):
        parsed = super().parse_args(args, namespace)
        if os.environ.get(CHECK_ARGS_ENV):
            if self.takes_overrides:
                load_cfg(parsed.cfg or None, parsed.opts)
            print(f"{self.prog}: arguments ok")
            raise SystemExit(0)
        return parsed

    def _split_overrides(self, argv: list[str]) -> tuple[list[str], list[str]]:
        rest, opts, i = [], [], 0
        while i < len(argv):
            token = argv[i]
            action = self._option_string_actions.get(token)
            if action is not None:
                takes = 1 if action.nargs is None else action.nargs
                takes = takes if isinstance(takes, int) else 0  # "+", "*": read on below
                rest += argv[i : i + 1 + takes]
                i += 1 + takes
            elif OVERRIDE_KEY.fullmatch(token):
                if i + 1 == len(argv):
                    self.error(f"the config override {token} has no value (KEY VALUE pairs)")
                opts += argv[i : i + 2]
                i += 2
            else:
                rest.append(token)
                i += 1
        return rest, opts


def argument_parser(
    doc: str, *, config: bool = True, weights: bool = False, data_cfg: bool = False
) -> ToolParser:
    """The parser every tool starts from: `--cfg FILE` and `KEY VALUE` overrides.

    Args:
        doc: the tool's docstring: its first paragraph describes the tool, the rest (usage
            examples, what is written) is shown after the options as written.
        config: take `--cfg` and overrides (False for the data tools, which have no config).
        weights, data_cfg: also take `--weights` (MODEL.WEIGHTS) / `--data-cfg` (DATA.CFG).
    """
    first, _, rest = doc.strip().partition("\n\n")
    rest = rest.strip("\n").rstrip()  # the usage lines keep their indentation
    overrides = (
        "KEY VALUE pairs anywhere on the line override config keys, e.g. OUTPUT_DIR out/run1 "
        "SOLVER.BASE_LR 2e-4."
    )
    epilog = "\n\n".join(part for part in (rest, overrides if config else "") if part)
    parser = ToolParser(
        description=textwrap.fill(" ".join(first.split()), 88),
        epilog=epilog or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [options] [KEY VALUE ...]" if config else None,
        allow_abbrev=False,
    )
    parser.takes_overrides = config
    if config:
        parser.add_argument("--cfg", metavar="FILE", default="", help="YAML experiment file")
    if weights:
        parser.add_argument("--weights", default="", help="trained checkpoint (MODEL.WEIGHTS)")
    if data_cfg:
        parser.add_argument("--data-cfg", default=None, help="data_cfg file (DATA.CFG)")
    return parser


def setup(args: argparse.Namespace, weights: str | None = None) -> CfgNode:
    """The frozen config of a tool run (`load_cfg`: defaults, the config the checkpoint or
    exported model `weights` carries, `--cfg`, overrides); under `run_tool` it also starts
    the run record in OUTPUT_DIR/runs/. A config that does not fit raises `ConfigError`.
    Torch is imported only to read `weights`: a tool that imports it after `setup` reports
    a config mistake at once."""
    stored = None
    if weights:
        from .models import stored_config

        stored = stored_config(weights)
    cfg = load_cfg(args.cfg, args.opts, stored)
    if _ToolRun.active is not None:
        _ToolRun.active.start(Path(cfg.OUTPUT_DIR), cfg.dump())
    return cfg


def run_tool(
    main: Callable[[], int | None],
    *,
    log_level: int = logging.WARNING,
    log_format: str = "%(levelname)s: %(message)s",
) -> NoReturn:
    """Run a tool's `main` and exit with its status (see the module docstring)."""
    _configure_logging(log_level, log_format)
    run = _ToolRun.active = _ToolRun(Path(sys.argv[0]).stem)
    try:
        status, message = main() or 0, None
    except FairMOTError as exc:
        status, message = 1, f"error: {exc}"
    except KeyboardInterrupt as exc:  # the tool's own clean-up has run; its words, if any
        status, message = 130, f"interrupted {exc}".rstrip()
    except SystemExit as exc:  # argparse, or a tool's own exit
        code = exc.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
        message = code if isinstance(code, str) else None
    except BaseException:
        run.finish(1, "crashed (a bug: the traceback follows on the console)")
        raise
    if message:
        print(message, file=sys.stderr)
    run.finish(status, message)
    sys.exit(status)


class _ConsoleHandler(logging.StreamHandler):
    """Logs to whatever `sys.stderr` is at the time, so the run's log file sees them too."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def _configure_logging(level: int, fmt: str) -> None:
    handler = _ConsoleHandler()
    handler.setFormatter(logging.Formatter(fmt))
    logging.basicConfig(level=level, handlers=[handler], force=True)


class _Tee:
    """A console stream that also writes into the run's log file; a carriage return (a
    progress bar redrawing its line) replaces the line, so the log keeps its last state."""

    def __init__(self, stream, log):
        self._stream, self._log, self._line = stream, log, ""

    def write(self, text: str) -> int:
        self._stream.write(text)
        *done, self._line = (self._line + text).split("\n")
        for line in done:
            self._log.write(line.rsplit("\r", 1)[-1] + "\n")
        self._line = self._line.rsplit("\r", 1)[-1]
        return len(text)

    def flush(self) -> None:
        self._stream.flush()
        self._log.flush()

    def close_line(self) -> None:
        if self._line:
            self._log.write(self._line + "\n")
            self._line = ""

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _ToolRun:
    """The record of one tool run (module docstring); started by `setup`, finished by
    `run_tool`. Only the first process of a distributed run (RANK 0) writes one."""

    active: _ToolRun | None = None

    def __init__(self, tool: str):
        self.tool, self.folder, self.record = tool, None, {}
        self.started = time.time()
        self._streams: tuple | None = None

    def start(self, out_dir: Path, config_text: str) -> None:
        if self.folder is not None or os.environ.get("RANK", "0") != "0":
            return
        self.folder = _new_run_folder(out_dir, self.tool, self.started)
        atomic_write_text(self.folder / "config.yaml", config_text)
        self.record = _run_facts(self.tool, self.started)
        self._write()
        log = open(self.folder / "log.txt", "w", encoding="utf-8")  # noqa: SIM115
        self._streams = (sys.stdout, sys.stderr, log)
        sys.stdout, sys.stderr = _Tee(sys.stdout, log), _Tee(sys.stderr, log)

    def finish(self, status: int, message: str | None) -> None:
        if self.folder is None:
            return
        if self._streams is not None:
            for tee in (sys.stdout, sys.stderr):
                if isinstance(tee, _Tee):
                    tee.close_line()
            sys.stdout, sys.stderr, log = self._streams
            log.close()
            self._streams = None
        names = {0: "ok", 130: "interrupted"}
        self.record.update(machine.notes())
        self.record.update(
            ended=_iso(time.time()),
            seconds=round(time.time() - self.started, 3),
            status=names.get(status, "error"),
            exit_code=status,
            message=message,
        )
        self._write()

    def _write(self) -> None:
        atomic_write_text(self.folder / "run.json", json.dumps(self.record, indent=2) + "\n")


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def _new_run_folder(out_dir: Path, tool: str, started: float) -> Path:
    stamp = datetime.fromtimestamp(started, UTC).strftime("%Y%m%d-%H%M%S")
    runs = out_dir / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        folder = runs / (f"{stamp}_{tool}" + (f"-{n}" if n > 1 else ""))
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FairMOTError(f"{runs}: cannot create a run folder for {tool}")


def _run_facts(tool: str, started: float) -> dict:
    argv = [sys.executable, *sys.argv]
    return {
        "tool": tool,
        "command": shlex.join(argv),
        "argv": argv,
        "cwd": os.getcwd(),
        "host": socket.gethostname(),
        "python": platform.python_version(),
        "versions": _versions(),
        "git": _git_revision(),
        "started": _iso(started),
        "status": "running",
    }


def _versions() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _git_revision() -> dict | None:
    """The commit of the source tree this package runs from, and whether it has changes."""
    here = Path(__file__).resolve().parent
    try:
        revision = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        if revision.returncode != 0:
            return None
        changes = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {"revision": revision.stdout.strip(), "changes": bool(changes.stdout.strip())}
