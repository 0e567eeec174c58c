"""The documentation: a short README, and a site that builds with no dead link."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_readme_is_short():
    assert len((REPO / "README.md").read_text().splitlines()) <= 200


def test_readme_links_point_at_pages_that_exist():
    import re

    text = (REPO / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    assert targets, "the README links to its documentation pages"
    missing = [t for t in targets if not (REPO / t).is_file()]
    assert not missing


def test_every_config_is_listed_with_its_results():
    """configs/README.md names every experiment file (and no file that is gone), and its
    links point at pages that exist."""
    import re

    page = REPO / "configs" / "README.md"
    text = page.read_text()
    named = set(re.findall(r"`([\w.]+\.yaml)`", text))
    named |= {f"mot17_half_dla34_{m}.yaml" for m in re.findall(r"`…(reid\d+)\.yaml`", text)}
    files = {p.name for p in (REPO / "configs").glob("*.yaml")}
    assert files <= named, sorted(files - named)
    assert named <= files, sorted(named - files)
    links = re.findall(r"\]\(([^)#]+)\)", text)
    assert links and all((page.parent / link).is_file() for link in links)


def test_site_builds_strictly(tmp_path):
    """mkdocs.yml is strict: a dead link, a missing anchor or a page left out of the
    navigation fails the build."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "index.html").is_file() and (tmp_path / "main-job" / "index.html").is_file()


def test_config_reference_page_is_generated_from_the_defaults():
    """docs/config-reference.md is what scripts/gen_config_reference.py writes now, and it
    lists every key of the tree with a comment."""
    from fairmot.config import get_cfg
    from fairmot.config.reference import _entries, config_reference_markdown

    page = (REPO / "docs" / "config-reference.md").read_text()
    assert page == config_reference_markdown(), "run python scripts/gen_config_reference.py"

    def leaves(node, prefix=""):
        for key, value in node.items():
            if isinstance(value, dict):
                yield from leaves(value, f"{prefix}{key}.")
            else:
                yield prefix + key

    source = (REPO / "src/fairmot/config/defaults.py").read_text()
    documented = {key: comment for _, key, comment in _entries(source)}
    assert set(documented) == set(leaves(get_cfg()))
    assert all(documented.values()), [k for k, c in documented.items() if not c]


def documented_commands() -> list:
    """(page, argv) of every `python tools/...` line in the README's and the docs' shell
    blocks, continuation lines joined, comments and `[KEY VALUE ...]` placeholders dropped."""
    import re
    import shlex

    found = []
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", page.read_text(), re.S):
            for line in re.sub(r"\\\n\s*", " ", block).splitlines():
                line = line.strip().replace("[KEY VALUE ...]", "")
                if re.match(r"^(\.venv/bin/)?python (tools|benchmarks|scripts)/", line):
                    found.append((page.name, shlex.split(line, comments=True)[1:]))
    return found


_CHECK = """
import contextlib, io, json, runpy, sys
results = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    sys.argv = argv
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(argv[0], run_name="__main__")
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    results.append([code, err.getvalue()[-500:]])
print(json.dumps(results))
"""


def test_every_documented_command_parses():
    """Each documented tool command line is parsed by its tool and its config loaded, the
    overrides checked (FAIRMOT_CHECK_ARGS: nothing runs), so a renamed flag, a moved config
    file or a mistyped key in the docs fails the suite; benchmark and script files named
    by the docs exist."""
    import json
    import os

    from fairmot.cli import CHECK_ARGS_ENV

    commands = documented_commands()
    tools = [(page, argv) for page, argv in commands if argv[0].startswith("tools/")]
    assert len(tools) >= 30  # the README's and the pages' examples
    missing = [(p, a[0]) for p, a in commands if not (REPO / a[0]).is_file()]
    assert not missing
    env = {**os.environ, CHECK_ARGS_ENV: "1"}
    argv = json.dumps([a for _, a in tools])
    result = subprocess.run(
        [sys.executable, "-c", _CHECK, argv], cwd=REPO, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    failed = [
        (page, " ".join(a), err)
        for (page, a), (code, err) in zip(tools, json.loads(result.stdout))
        if code != 0
    ]
    assert not failed, failed


RUNNABLE = "<!-- runnable -->"


def runnable_blocks() -> list:
    """(page, [command lines]) of every shell block marked `<!-- runnable -->` in the docs."""
    import re

    blocks = []
    for page in sorted((REPO / "docs").glob("*.md")):
        pattern = re.escape(RUNNABLE) + r"\s*```(?:bash|sh|shell)\n(.*?)```"
        for block in re.findall(pattern, page.read_text(), re.S):
            lines = re.sub(r"\\\n\s*", " ", block).splitlines()
            blocks.append((page.name, [ln.strip() for ln in lines if ln.strip()]))
    return blocks


@pytest.mark.slow
def test_runnable_docs_blocks_run_as_written(tmp_path):
    """The blocks marked runnable run, line by line, from a folder that has the project's
    tools, configs and data configs (so `output/` is the test's own), each line exiting 0."""
    import os
    import shlex

    blocks = runnable_blocks()
    assert blocks, "getting-started.md has a runnable walk-through"
    for name in ("tools", "configs", "data_cfg"):
        (tmp_path / name).symlink_to(REPO / name)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for page, lines in blocks:
        for line in lines:
            argv = shlex.split(line, comments=True)
            assert argv[0] == "python", (page, line)
            result = subprocess.run(
                [sys.executable, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, env=env
            )
            assert result.returncode == 0, (page, line, result.stderr[-2000:])
    assert (tmp_path / "output/synthetic_instant/eval/metrics.json").is_file()
    assert any((tmp_path / "output/synthetic_instant/tracks/fairmot/videos").glob("*.mp4"))
    # Several cameras (multi-camera.md, after getting-started.md's model).
    assert (tmp_path / "output/multicamera_instant/eval/multicamera.json").is_file()
    videos = tmp_path / "output/multicamera_instant/tracks/fairmot/videos"
    assert sorted(p.name for p in videos.glob("*.mp4")) == ["c01.mp4", "c02.mp4"]
