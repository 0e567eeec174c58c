"""CrowdHuman (`annotation_{train,val}.odgt` + images) -> JDE layout (docs/datasets.md).

Each odgt line is one JSON record: `ID` (the image name without extension) and `gtboxes`, each
with `fbox` = x y w h of the full body in pixels and `extra.ignore == 1` for boxes to skip.
Boxes are normalised by the image's real size (read from the image header), not clipped.

- detection mode ("det"): identity -1 for every box; labels under `CrowdHuman/`.
- self-supervised mode ("selfsup", paper §3.4): every kept box its own identity, numbered
  from 0 over the whole odgt file; labels under `CrowdHuman_selfsup/`, whose `images` folder
  links to `CrowdHuman/images` (so both label sets exist side by side).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ...boxes import pixels_to_normalized, tlwh_to_cxcywh
from ..formats import FormatError, label_path_for_image, write_image_list, write_jde_labels
from ..formats.images import image_size
from .links import relative_to_root

SPLITS = {"train": "annotation_train.odgt", "val": "annotation_val.odgt"}
MODES = ("det", "selfsup")
IMAGE_FOLDERS = ("Images", "images")


def read_odgt(path: str | os.PathLike) -> list:
    """Parse an odgt file into [(line number, image id, (N, 4) full-body boxes x y w h)],
    ignore-marked boxes removed. Errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(path, "missing CrowdHuman annotation file")
    records = []
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            image_id = str(record["ID"])
            boxes = [
                [float(v) for v in box["fbox"]]
                for box in record["gtboxes"]
                if box.get("extra", {}).get("ignore", 0) != 1
            ]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise FormatError(
                path,
                f"expected a JSON record with 'ID' and 'gtboxes[*].fbox' = [x, y, w, h] "
                f"({type(exc).__name__}: {exc})",
                line_no,
            ) from None
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        if boxes.shape[1] != 4 or ((boxes[:, 2] <= 0) | (boxes[:, 3] <= 0)).any():
            raise FormatError(
                path, f"image {image_id}: every fbox needs width and height > 0", line_no
            )
        records.append((line_no, image_id, boxes))
    return records


def _find_image(src: Path, split: str, image_id: str) -> Path:
    for folder in IMAGE_FOLDERS:
        for candidate in (
            src / folder / f"{image_id}.jpg",
            src / folder / split / f"{image_id}.jpg",
        ):
            if candidate.is_file():
                return candidate
    raise FormatError(src / "Images" / f"{image_id}.jpg", "missing CrowdHuman image")


def _link_image(source: Path, image: Path) -> tuple:
    """Link the release's image at `image`; returns its (width, height)."""
    image.parent.mkdir(parents=True, exist_ok=True)
    if not image.exists():
        if image.is_symlink():
            image.unlink()  # a dangling link from an earlier conversion
        image.symlink_to(source.resolve())
    return image_size(source)


def _write_labels(root: Path, split, image: Path, centres, modes, first_identity: int) -> None:
    """The label files of one image: without identities ("det") and with one identity per
    box counted from `first_identity` ("selfsup")."""
    zeros = np.zeros(len(centres))
    if "det" in modes:
        rows = np.column_stack([zeros, zeros - 1, centres])
        write_jde_labels(label_path_for_image(image), rows)
    if "selfsup" in modes:
        ids = np.arange(first_identity, first_identity + len(centres))
        selfsup_image = root / "CrowdHuman_selfsup" / "images" / split / image.name
        write_jde_labels(
            label_path_for_image(selfsup_image), np.column_stack([zeros, ids, centres])
        )


def convert_crowdhuman(
    src: str | os.PathLike, root: str | os.PathLike, modes: tuple = MODES
) -> dict:
    """Convert the CrowdHuman release in `src` (odgt files and `Images/`) under `root`.

    Images appear as `root/CrowdHuman/images/<split>/<ID>.jpg` (symbolic links to the
    release's files). Lists: `root/lists/crowdhuman.<split>` (detection mode) and
    `root/lists/crowdhuman_selfsup.<split>`.

    Returns:
        {split: {"images", "boxes", "identities"}, "lists": {name: path}}.
    """
    src, root = Path(src), Path(root)
    unknown = set(modes) - set(MODES)
    if unknown:
        raise ValueError(f"modes must be among {MODES}, got {sorted(unknown)}")
    splits = {s: src / f for s, f in SPLITS.items() if (src / f).is_file()}
    if not splits:
        raise FormatError(src, f"no CrowdHuman annotation files ({', '.join(SPLITS.values())})")
    image_root = root / "CrowdHuman" / "images"
    if "selfsup" in modes:
        selfsup_images = root / "CrowdHuman_selfsup" / "images"
        selfsup_images.parent.mkdir(parents=True, exist_ok=True)
        if not selfsup_images.is_symlink():
            selfsup_images.symlink_to(
                os.path.relpath(image_root, selfsup_images.parent), target_is_directory=True
            )
    result, lists = {}, {}
    for split, odgt in splits.items():
        images, next_identity = [], 0
        for _, image_id, boxes in read_odgt(odgt):
            image = image_root / split / f"{image_id}.jpg"
            width, height = _link_image(_find_image(src, split, image_id), image)
            centres = pixels_to_normalized(tlwh_to_cxcywh(boxes), (width, height))
            _write_labels(root, split, image, centres, modes, next_identity)
            next_identity += len(boxes)
            images.append(image.name)
        boxes_written = next_identity  # one self-supervised identity per box
        for mode in modes:
            folder = "CrowdHuman" if mode == "det" else "CrowdHuman_selfsup"
            name = f"crowdhuman.{split}" if mode == "det" else f"crowdhuman_selfsup.{split}"
            lists[name] = root / "lists" / name
            write_image_list(
                lists[name],
                [relative_to_root(root / folder / "images" / split / i, root) for i in images],
            )
        result[split] = {
            "images": len(images),
            "boxes": boxes_written,
            "identities": next_identity if "selfsup" in modes else 0,
        }
    result["lists"] = lists
    return result
