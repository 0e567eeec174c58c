"""The documentation: a short README, and a site that builds with no dead link."""

import subprocess
import sys
from pathlib import Path

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
