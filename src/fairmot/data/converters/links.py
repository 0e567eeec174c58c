"""Placing release folders under the data root without copying them."""

from __future__ import annotations

import os
from pathlib import Path

from ..formats import FormatError


def link_folder(source: Path, target: Path) -> Path:
    """Make `target` show the folder `source`: nothing to do when it already is that folder,
    otherwise a symbolic link is created. An existing, different `target` is an error (never
    overwritten). Returns `target`."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise FormatError(source, "missing folder: no such directory")
    if target.exists() or target.is_symlink():
        if target.resolve() == source.resolve():
            return target
        raise FormatError(
            target,
            f"already exists and is not {source}; move it away or pass "
            "the folder it holds as the source",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(source.resolve(), target_is_directory=True)
    return target


def relative_to_root(path: Path, root: Path) -> str:
    """`path` relative to `root` as a POSIX string, without resolving symbolic links (images
    reached through a linked release folder stay under the root)."""
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def link_file(source: Path, folder: Path) -> Path:
    """A symbolic link `folder/<source's name>` to the file `source` (an earlier link of the
    same name is replaced; a regular file there is an error, never overwritten)."""
    source, link = Path(source), Path(folder) / Path(source).name
    if not source.is_file():
        raise FormatError(source, "missing file: no such file")
    if link.exists() and not link.is_symlink():
        raise FormatError(link, f"already exists and is not a link to {source}; move it away")
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(source.resolve())
    return link
