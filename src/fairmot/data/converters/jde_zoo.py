"""Data sets the JDE data zoo distributes already in the JDE layout (Caltech, CityPersons,
CUHK-SYSU, PRW, ETH): their image lists, built by walking each folder and validating every
label file on the way."""

from __future__ import annotations

import os
from pathlib import Path

from ..formats import FormatError, label_path_for_image, read_jde_labels, write_image_list
from .links import relative_to_root

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")

#: name -> (folder under the root as the zoo unpacks it, list file name, sequences kept).
#: ETH: the released list keeps eth01, eth02, eth03, eth05, eth07; the others also occur in
#: the MOT16 test set.
JDE_ZOO = {
    "caltech": ("Caltech", "caltech.all", None),
    "citypersons": ("Cityscapes", "citypersons.train", None),
    "cuhksysu": ("CUHKSYSU", "cuhksysu.train", None),
    "prw": ("PRW", "prw.train", None),
    "eth": ("ETHZ", "eth.train", ("eth01", "eth02", "eth03", "eth05", "eth07")),
}


def list_jde_dataset(
    dataset_dir: str | os.PathLike, root: str | os.PathLike, keep: tuple | None = None
) -> list:
    """Every image under an `images` folder of `dataset_dir` (sorted), relative to `root`.

    Args:
        dataset_dir: the data set's folder.
        root: the data root the paths are made relative to.
        keep: when given, only images with one of these names among their folders.

    Raises:
        FormatError: no images, an image without its label file (the count and the first
            one named), or a malformed label file (its file and line).
    """
    dataset_dir = Path(dataset_dir)
    if not dataset_dir.is_dir():
        raise FormatError(dataset_dir, "missing data set folder: no such directory")
    images = []
    for path in sorted(dataset_dir.rglob("*")):
        parts = path.relative_to(dataset_dir).parts
        if path.suffix.lower() not in IMAGE_SUFFIXES or "images" not in parts[:-1]:
            continue
        if keep is not None and not set(parts[:-1]) & set(keep):
            continue
        images.append(path)
    if not images:
        raise FormatError(dataset_dir, "no images under an 'images' folder")
    missing = [p for p in images if not label_path_for_image(p).is_file()]
    if missing:
        raise FormatError(
            label_path_for_image(missing[0]),
            f"missing label file ({len(missing)} of {len(images)} images have none)",
        )
    for path in images:
        read_jde_labels(label_path_for_image(path))
    return [relative_to_root(p, root) for p in images]


def convert_jde_zoo(root: str | os.PathLike, names: tuple | None = None) -> dict:
    """Write `root/lists/<list>` for each zoo data set found under `root`.

    Args:
        root: the data root holding the unpacked zoo folders (see JDE_ZOO).
        names: data sets to list (default: every one whose folder exists).

    Returns:
        {name: {"images", "list"}}.
    """
    root = Path(root)
    names = names or tuple(n for n, (folder, *_) in JDE_ZOO.items() if (root / folder).is_dir())
    result = {}
    for name in names:
        if name not in JDE_ZOO:
            raise ValueError(f"unknown JDE zoo data set {name!r}; known: {sorted(JDE_ZOO)}")
        folder, list_name, keep = JDE_ZOO[name]
        images = list_jde_dataset(root / folder, root, keep)
        write_image_list(root / "lists" / list_name, images)
        result[name] = {"images": len(images), "list": root / "lists" / list_name}
    return result
