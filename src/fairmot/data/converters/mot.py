"""MOTChallenge releases -> JDE label files and image lists, and the MOT17 half split
(docs/datasets.md).

Rules of the released lists (MOT16/17/20): keep gt rows whose consider flag is not 0 and whose
class is 1 (pedestrian); each (sequence, gt identity) pair becomes one global identity,
numbered upwards from `first_identity` over the sequences in sorted name order and the
identities in ascending gt order; one label file per frame (empty when nothing is kept), rows
`0 identity cx cy w h` normalised by seqinfo's image size, not clipped.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ...boxes import pixels_to_normalized, tlwh_to_cxcywh
from ..formats import (
    FormatError,
    MotGroundTruth,
    MotSequence,
    SeqInfo,
    label_path_for_image,
    write_image_list,
    write_jde_labels,
    write_mot_gt,
    write_seqinfo,
)
from ..formats.images import image_size
from .links import link_folder, relative_to_root

logger = logging.getLogger(__name__)

PEDESTRIAN = 1

#: Per benchmark: whether gt has a class column, and which sequence copies to use
#: (MOT17 ships each sequence three times with the same gt; the released lists use -SDP).
MOT_BENCHMARKS = {
    "MOT15": {"has_classes": False, "suffix": ""},
    "MOT16": {"has_classes": True, "suffix": ""},
    "MOT17": {"has_classes": True, "suffix": "-SDP"},
    "MOT20": {"has_classes": True, "suffix": ""},
}


@dataclass
class JdeSplit:
    """What a conversion produced.

    Attributes:
        images: image paths relative to `root`, in sequence then frame order.
        num_identities: identities written (first_identity .. first_identity + n - 1).
        num_boxes: label rows written.
    """

    images: list
    num_identities: int
    num_boxes: int


def mot_sequences_to_jde(
    sequence_dirs: list,
    root: str | os.PathLike,
    first_identity: int = 1,
    has_classes: bool = True,
    classes: dict | None = None,
) -> JdeSplit:
    """Write JDE label files for MOTChallenge sequences lying under `root/.../images/...`.

    Args:
        sequence_dirs: sequence folders (each with seqinfo.ini and gt/gt.txt); sorted by name
            here, whatever order they come in.
        root: data root; image paths in the result are relative to it.
        first_identity: global identity of the first (sequence, gt id) pair.
        has_classes: False for MOT15 (no class column: every considered row is kept).
        classes: {MOT class: JDE label class} of the rows kept (default {1: 0}: pedestrians,
            the released lists' rule); e.g. {1: 0, 3: 1} also keeps cars as class 1.
    """
    classes = classes or {PEDESTRIAN: 0}
    images, identity, boxes = [], first_identity, 0
    for seq in sorted((MotSequence(d) for d in sequence_dirs), key=lambda s: s.name):
        gt = seq.read_gt()
        keep = gt.consider != 0
        if has_classes:
            keep &= np.isin(gt.classes, list(classes))
        label_classes = (
            np.array([classes[int(c)] for c in gt.classes[keep]], np.int64)
            if has_classes
            else np.zeros(int(keep.sum()), np.int64)
        )
        boxes_of_seq = SequenceBoxes(gt.frames[keep], gt.ids[keep], gt.tlwh[keep], label_classes)
        written, n_ids = write_sequence_labels(seq, boxes_of_seq, identity, root)
        images += written
        identity += n_ids
        boxes += len(boxes_of_seq.frames)
    return JdeSplit(images, int(identity - first_identity), boxes)


@dataclass
class SequenceBoxes:
    """The boxes of one sequence a converter keeps for training.

    Attributes:
        frames: (N,) int64 1-based frames of the sequence's MOT layout.
        ids: (N,) int64 the release's identities (one per object within the sequence).
        tlwh: (N, 4) float64 x y w h in frame pixels.
        classes: (N,) int64 JDE label classes.
    """

    frames: np.ndarray
    ids: np.ndarray
    tlwh: np.ndarray
    classes: np.ndarray


def write_sequence_labels(
    seq: MotSequence, boxes: SequenceBoxes, first_identity: int, root: str | os.PathLike
) -> tuple[list, int]:
    """Write a label file per frame of a MOT-layout sequence (empty where nothing is kept):
    rows `class identity cx cy w h` normalised by seqinfo's image size, not clipped, the
    release's identities renumbered from `first_identity` in ascending order.

    Returns:
        (the frames' image paths relative to `root`, identities used).
    """
    unique_ids, dense = np.unique(boxes.ids, return_inverse=True)
    info = seq.info
    centres = pixels_to_normalized(tlwh_to_cxcywh(boxes.tlwh), (info.im_width, info.im_height))
    order = np.argsort(boxes.frames, kind="stable")
    frames, global_ids = boxes.frames[order], dense[order] + first_identity
    centres, classes = centres[order], boxes.classes[order].astype(np.float64)
    starts = np.searchsorted(frames, np.arange(1, info.seq_length + 2))
    images = []
    for frame, image in enumerate(seq.frame_paths(), start=1):
        lo, hi = starts[frame - 1], starts[frame]
        rows = np.column_stack([classes[lo:hi], global_ids[lo:hi], centres[lo:hi]])
        write_jde_labels(label_path_for_image(image), rows)
        images.append(relative_to_root(image, Path(root)))
    return images, len(unique_ids)


def link_sequence(frames: list, out: Path, info: SeqInfo) -> MotSequence:
    """A MOT-layout sequence folder `out` showing `frames` (files, in order) as its frames
    1, 2, ... (symbolic links in `info.im_dir`) with `info` as its seqinfo.ini."""
    (out / info.im_dir).mkdir(parents=True, exist_ok=True)
    for new_frame, old_path in enumerate(frames, start=1):
        link = out / info.im_dir / info.frame_name(new_frame)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(os.path.relpath(os.path.abspath(old_path), os.path.abspath(link.parent)))
    write_seqinfo(out, info)
    return MotSequence(out)


def link_release_sequence(frame_dir: Path, ext: str, frame_rate: float, out: Path) -> MotSequence:
    """A release's folder of frames `frame_dir/*<ext>` (in name order) as the MOT-layout
    sequence `out` (named `out.name`, sized by its first frame); FormatError without frames."""
    frames = sorted(Path(frame_dir).glob(f"*{ext}"))
    if not frames:
        raise FormatError(frame_dir, f"no frames (*{ext}) for this sequence's annotations")
    width, height = image_size(frames[0])
    info = SeqInfo(out.name, "img1", frame_rate, len(frames), width, height, ext)
    return link_sequence(frames, out, info)


def check_frames_exist(path: Path, frames, first: int, seq: MotSequence, frame_dir: Path):
    """FormatError naming the annotation file `path` when a frame of `frames` (numbered from
    `first` as in that file) lies beyond the sequence's frames (found in `frame_dir`)."""
    late = frames - first >= seq.info.seq_length
    if late.any():
        raise FormatError(
            path, f"frame {frames[late][0]} but {frame_dir} holds {seq.info.seq_length} frames"
        )


#: The MOT15 training sequences the released lists were made from (docs/datasets.md).
MOT15_TRAIN = (
    "ADL-Rundle-6",
    "ADL-Rundle-8",
    "ETH-Bahnhof",
    "ETH-Pedcross2",
    "ETH-Sunnyday",
    "KITTI-13",
    "KITTI-17",
    "PETS09-S2L1",
    "TUD-Campus",
    "TUD-Stadtmitte",
    "Venice-2",
)
MOT17_COPIES = ("-DPM", "-FRCNN", "-SDP")


def _release_sequences(split_dir: Path, benchmark: str) -> tuple[list, list]:
    """The sequence folders of a release split the rules convert, and the names of the other
    folders found there (skipped). Every folder must be a sequence (with a seqinfo.ini); a
    sequence the rules need and cannot find is an error, since every later sequence's
    identities would shift."""
    folders = [d for d in sorted(split_dir.iterdir()) if d.is_dir() and not d.name.startswith(".")]
    for folder in folders:
        if not (folder / "seqinfo.ini").is_file():
            raise FormatError(
                folder, "sequence folder without seqinfo.ini (an incomplete download or unpacking?)"
            )
    names = [d.name for d in folders]
    if benchmark == "MOT15":
        wanted = list(MOT15_TRAIN)
    elif benchmark == "MOT17":
        bases = sorted({n[: -len(c)] for n in names for c in MOT17_COPIES if n.endswith(c)})
        wanted = [f"{base}-SDP" for base in bases]  # the released lists' copy
    else:
        wanted = names
    missing = [n for n in wanted if n not in names]
    if missing:
        raise FormatError(
            split_dir / missing[0],
            f"missing {benchmark} sequence (also missing: {', '.join(missing[1:]) or 'none'}); "
            "the released lists' identities are numbered over all of them",
        )
    if not wanted:
        raise FormatError(split_dir, f"no {benchmark} sequence folders in this folder")
    skipped = [n for n in names if n not in wanted]
    return [split_dir / n for n in wanted], skipped


def convert_mot_release(benchmark: str, src: str | os.PathLike, root: str | os.PathLike) -> dict:
    """Convert a MOTChallenge release's training split to the JDE layout under `root`.

    The release's `train/` folder appears as `root/<benchmark>/images/train` (a symbolic link
    unless it already lies there), labels are written to
    `root/<benchmark>/labels_with_ids/train/<SEQ>/img1/<frame>.txt`, and the lists
    `root/lists/<benchmark>.train` and `.emb` (every third frame) name the images.

    Args:
        benchmark: "MOT15", "MOT16", "MOT17" or "MOT20".
        src: the unpacked release (holding `train/<SEQ>/{seqinfo.ini,img1,gt}`).
        root: the data root.

    Returns:
        {"images", "identities", "boxes", "lists": {name: path}}.
    """
    if benchmark not in MOT_BENCHMARKS:
        raise ValueError(f"benchmark must be one of {sorted(MOT_BENCHMARKS)}, got {benchmark!r}")
    root = Path(root)
    train_dir = link_folder(Path(src) / "train", root / benchmark / "images" / "train")
    seqs, skipped = _release_sequences(train_dir, benchmark)
    if skipped:
        logger.warning(
            "%s: converted %d sequences; skipped %s (not among the %s rules' sequences)",
            train_dir,
            len(seqs),
            ", ".join(skipped),
            benchmark,
        )
    split = mot_sequences_to_jde(seqs, root, 1, MOT_BENCHMARKS[benchmark]["has_classes"])
    name = benchmark.lower()
    lists = {
        f"{name}.train": root / "lists" / f"{name}.train",
        f"{name}.emb": root / "lists" / f"{name}.emb",
    }
    write_image_list(lists[f"{name}.train"], split.images)
    write_image_list(lists[f"{name}.emb"], split.images[::3])
    return {
        "sequences": [s.name for s in seqs],
        "skipped": skipped,
        "images": len(split.images),
        "identities": split.num_identities,
        "boxes": split.num_boxes,
        "lists": lists,
    }


def _write_val_half(seq: MotSequence, out: Path, half: int) -> None:
    """The frames after `half` of a sequence as a sequence of their own under `out`:
    frames renumbered from 1 (symbolic links), the ground truth renumbered, seqinfo.ini."""
    info, frames = seq.info, seq.frame_paths()
    link_sequence(frames[half:], out, replace(info, seq_length=info.seq_length - half))
    gt = seq.read_gt()
    keep = gt.frames > half
    renumbered = MotGroundTruth(
        gt.frames[keep] - half,
        gt.ids[keep],
        gt.tlwh[keep],
        gt.consider[keep],
        gt.classes[keep],
        gt.visibility[keep],
    )
    write_mot_gt(out / "gt" / "gt.txt", renumbered)


def make_half_split(root: str | os.PathLike, benchmark: str = "MOT17") -> dict:
    """The paper's half split of a converted release (docs/datasets.md): per sequence, the first
    floor(n/2) frames train and the rest validate.

    Writes the lists `root/lists/<benchmark>_half.{train,val,emb}` (emb: every third
    validation frame) over the converted images and labels, and the validation halves in the
    MOTChallenge layout under `root/<benchmark>/images/val_half/<SEQ>/`: frames renumbered
    from 1 (symbolic links to the originals), `seqinfo.ini` with the new length, `gt/gt.txt`
    with the renumbered rows, so tracking and evaluation run on it as on any split.
    """
    root = Path(root)
    train_dir = root / benchmark / "images" / "train"
    val_dir = root / benchmark / "images" / "val_half"
    train_images, val_images = [], []
    for seq in (MotSequence(d) for d in _release_sequences(train_dir, benchmark)[0]):
        frames = seq.frame_paths()
        half = seq.info.seq_length // 2
        for frame in frames:
            if not label_path_for_image(frame).is_file():
                raise FormatError(
                    label_path_for_image(frame),
                    f"missing label file: convert {benchmark} before splitting it",
                )
        train_images += [relative_to_root(p, root) for p in frames[:half]]
        val_images += [relative_to_root(p, root) for p in frames[half:]]
        _write_val_half(seq, val_dir / seq.info.name, half)
    name = f"{benchmark.lower()}_half"
    lists = {f"{name}.{k}": root / "lists" / f"{name}.{k}" for k in ("train", "val", "emb")}
    write_image_list(lists[f"{name}.train"], train_images)
    write_image_list(lists[f"{name}.val"], val_images)
    write_image_list(lists[f"{name}.emb"], val_images[::3])
    return {
        "train_images": len(train_images),
        "val_images": len(val_images),
        "gt_dir": val_dir,
        "lists": lists,
    }
