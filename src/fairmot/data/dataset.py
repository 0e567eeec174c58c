"""The JDE multi-data-set training set (docs/training.md): images of every `train` list of a
data_cfg, letterboxed and augmented, with their training targets.

Identities are global: each (data set, class, identity) gets its own index in its class's
identity classifier (classes have separate identity spaces, numbered from 0 each).
`id_counting="exact"` numbers the distinct identities densely (num_ids = their count);
`"original"` shifts each data set's ids by the sum of (max id + 1) of the data sets before it,
and num_ids = that sum + 1, as the released code counts (one class more than needed).
In self-supervised mode every box without an identity becomes its own identity, the same in
every epoch, so differently augmented views of an instance share it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from ..boxes import cxcywh_to_tlbr, normalized_to_pixels, pixels_to_normalized, tlbr_to_cxcywh
from .augment import (
    AugmentParams,
    hsv_jitter,
    letterbox_matrix,
    random_affine_matrix,
    read_image,
    transform_boxes,
)
from .formats import DataCfg, FormatError, label_path_for_image, read_jde_labels
from .letterbox import letterbox
from .targets import encode_targets, labels_to_input

logger = logging.getLogger(__name__)
BAD_SAMPLE_MODES = ("error", "skip")


@dataclass
class _Entry:
    path: object
    labels: np.ndarray  # (N, 6) class identity cx cy w h; identity already global
    size: tuple | None = None  # (width, height) of the file, read once from its header


class JointDataset:
    """Map-style data set (usable by torch's DataLoader) over a data_cfg's `train` lists.

    A sample is a dict: `input` (3, H, W) uint8 RGB (divide by 255 for the network), the
    targets of `encode_targets`, and `skipped` (True for an unreadable image in skip mode).

    Args:
        data_cfg: the parsed data_cfg.
        input_wh: (width, height) of the network input.
        augment: augmentation parameters (augment.enabled False: plain letterbox, exactly as
            the original loader).
        classes: label classes kept, in heatmap channel order (paper: [0]).
        max_objs, truncate: object slots per image and what to do beyond them.
        id_counting: "exact" or "original" (module docstring).
        self_supervised: give every box without an identity its own, in every data set (a
            data set's "identities" entry in the data_cfg does it for that one set; "none"
            there leaves its boxes out of the identity loss).
        bad_samples: "error" (a malformed label or unreadable image stops with file and line)
            or "skip" (skipped, counted in `skipped`, reported).
        seed: base of the per-sample random streams (epoch and index are mixed in).
    """

    def __init__(
        self,
        data_cfg: DataCfg,
        *,
        input_wh,
        augment: AugmentParams,
        classes=(0,),
        max_objs: int = 500,
        truncate: bool = False,
        ltrb: bool = True,
        down_ratio: int = 4,
        id_counting: str = "exact",
        self_supervised: bool = False,
        bad_samples: str = "error",
        pad_value: float = 127.5,
        seed: int = 0,
    ):
        if bad_samples not in BAD_SAMPLE_MODES:
            raise ValueError(f"bad_samples must be one of {BAD_SAMPLE_MODES}")
        if id_counting not in ("exact", "original"):
            raise ValueError("id_counting must be 'exact' or 'original'")
        self.input_wh, self.augment, self.max_objs = tuple(input_wh), augment, max_objs
        self.truncate, self.ltrb, self.down_ratio = truncate, ltrb, down_ratio
        self.pad_value, self.seed, self.bad_samples = pad_value, seed, bad_samples
        self.class_index = {int(c): k for k, c in enumerate(classes)}
        self.epoch = 0
        self.skipped_at_load = 0
        self.entries: list = []
        self.dataset_sizes: dict = {}
        next_ids = [0] * max(1, len(self.class_index))
        for name in data_cfg.train:
            rows_per_image = self._read_labels(data_cfg.image_paths("train", name))
            mode = data_cfg.identity_mode(name)
            if mode == "none":  # detection only: no box in the identity loss
                for _, rows in rows_per_image:
                    rows[:, 1] = -1
            own = self_supervised or mode == "self_supervised"
            next_ids = self._assign_ids(rows_per_image, next_ids, id_counting, own)
            self.dataset_sizes[name] = len(rows_per_image)
            self.entries += [_Entry(path, rows) for path, rows in rows_per_image]
        spare = 1 if id_counting == "original" else 0
        #: identities of each class (the size of its identity classifier)
        self.num_ids_per_class = tuple(n + spare for n in next_ids)
        self.num_ids = sum(self.num_ids_per_class)
        if not self.entries:
            raise FormatError(data_cfg.path or "data_cfg", "no training images")

    # -- loading -----------------------------------------------------------------------------

    def _read_labels(self, paths: list) -> list:
        out = []
        for path in paths:
            try:
                rows = read_jde_labels(label_path_for_image(path))
            except FormatError as exc:
                if self.bad_samples == "error":
                    raise
                logger.warning("skipped: %s", exc)
                self.skipped_at_load += 1
                continue
            unknown = ~np.isin(rows[:, 0], list(self.class_index))
            if unknown.any():
                raise FormatError(
                    label_path_for_image(path),
                    f"label class {int(rows[unknown][0, 0])} is not among DATA.CLASSES "
                    f"{sorted(self.class_index)} (the classes this model is trained on)",
                )
            rows[:, 0] = [self.class_index[int(c)] for c in rows[:, 0]]
            out.append((path, rows))
        return out

    @staticmethod
    def _assign_ids(rows_per_image: list, first: list, counting: str, self_supervised: bool):
        """Make this data set's identities global in place, per class (a pedestrian 7 and a
        car 7 are two identities, each class numbered from its own 0); returns the next
        free id of each class."""
        rows = [r for _, r in rows_per_image]
        every = np.concatenate(rows) if rows else np.zeros((0, 6))
        lookups, next_ids = [], list(first)
        for cls, start in enumerate(first):
            ids = every[every[:, 0] == cls, 1]
            known = np.unique(ids[ids >= 0]).astype(np.int64)
            if counting == "exact":
                lookups.append({int(i): start + k for k, i in enumerate(known)})
                next_ids[cls] = start + len(known)
            else:
                lookups.append(None)
                next_ids[cls] = start + (int(known.max()) + 1 if len(known) else 0)
        for image_rows in rows:
            for cls, lookup in enumerate(lookups):
                in_class = image_rows[:, 0] == cls
                labelled = in_class & (image_rows[:, 1] >= 0)
                if lookup is not None:
                    image_rows[labelled, 1] = [lookup[int(i)] for i in image_rows[labelled, 1]]
                else:
                    image_rows[labelled, 1] += first[cls]
                if self_supervised:
                    count = int((in_class & ~labelled).sum())
                    image_rows[in_class & ~labelled, 1] = np.arange(
                        next_ids[cls], next_ids[cls] + count
                    )
                    next_ids[cls] += count
        return next_ids

    def __len__(self) -> int:
        return len(self.entries)

    def set_epoch(self, epoch: int) -> None:
        """Select the random stream of an epoch (augmentations differ per epoch)."""
        self.epoch = epoch

    # -- one sample --------------------------------------------------------------------------

    def __getitem__(self, index: int) -> dict:
        entry = self.entries[index]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        try:
            image, labels = self._load(entry, rng)
        except FormatError:
            if self.bad_samples == "error":
                raise
            logger.warning("skipped unreadable image %s", entry.path)
            return {"skipped": True}
        out_wh = (self.input_wh[0] // self.down_ratio, self.input_wh[1] // self.down_ratio)
        targets = encode_targets(
            labels[:, 2:6],
            labels[:, 0].astype(np.int64),
            labels[:, 1].astype(np.int64),
            output_wh=out_wh,
            num_classes=max(1, len(self.class_index)),
            max_objs=self.max_objs,
            ltrb=self.ltrb,
            truncate=self.truncate,
        )
        # uint8 RGB (3, H, W): a quarter of the bytes between workers; the trainer scales it.
        rgb = np.ascontiguousarray(image[:, :, ::-1].transpose(2, 0, 1))
        return {"input": rgb, **targets, "skipped": False}

    def _load(self, entry: _Entry, rng: np.random.Generator):
        """The letterboxed (augmented) BGR image and its label rows normalised to it."""
        width, height = self.input_wh
        if not self.augment.enabled:
            image = cv2.imread(str(entry.path))
            if image is None:
                raise FormatError(entry.path, "cannot read this image")
            padded, ratio, dw, dh = letterbox(image, width, height, self.pad_value)
            labels = labels_to_input(
                entry.labels, (image.shape[1], image.shape[0]), ratio, (dw, dh), self.input_wh
            )
            return padded, labels
        if entry.size is None:
            try:
                with Image.open(entry.path) as header:
                    entry.size = header.size
            except OSError:
                raise FormatError(entry.path, "cannot read this image") from None
        image_wh = entry.size
        box_matrix, ratio, pad = letterbox_matrix(image_wh, self.input_wh)
        affine, angle = random_affine_matrix(rng, self.augment, self.input_wh)
        total = affine @ np.vstack([box_matrix, [0, 0, 1]])
        flip = rng.random() < self.augment.flip_prob
        if flip:
            total = np.array([[-1, 0, width], [0, 1, 0], [0, 0, 1]], np.float64) @ total
        shrink = np.sqrt(abs(np.linalg.det(total[:2, :2])))
        image = read_image(entry.path, shrink)
        if image is None:
            raise FormatError(entry.path, "cannot read this image")
        sx, sy = image.shape[1] / image_wh[0], image.shape[0] / image_wh[1]
        to_file = np.diag([1 / sx, 1 / sy, 1.0])  # read pixels -> file pixels
        # HSV jitter on whichever is smaller, the decoded image or the input.
        jitter_first = image.shape[0] * image.shape[1] < width * height
        if jitter_first:
            hsv_jitter(image, rng, self.augment)
        warped = cv2.warpAffine(
            image,
            (total @ to_file)[:2],
            (width, height),
            flags=cv2.INTER_LINEAR,
            borderValue=(self.pad_value,) * 3,
        )
        if not jitter_first:
            hsv_jitter(warped, rng, self.augment)
        # Boxes: file pixels -> input pixels through the same transform.
        rows = entry.labels
        boxes = normalized_to_pixels(cxcywh_to_tlbr(rows[:, 2:6]), image_wh)
        boxes, keep = transform_boxes(boxes, total, angle, self.input_wh, self.augment)
        boxes, rows = boxes[keep], rows[keep]
        labels = rows.copy().astype(np.float32)
        labels[:, 2:6] = pixels_to_normalized(tlbr_to_cxcywh(boxes), (width, height))
        return warped, labels


def collate(samples: list) -> dict:
    """Stack the samples of a batch, leaving out skipped ones (counted in `skipped`)."""
    import torch

    kept = [s for s in samples if not s["skipped"]]
    batch = {
        key: torch.from_numpy(np.stack([s[key] for s in kept]))
        for key in (kept[0] if kept else {})
        if key != "skipped"
    }
    batch["skipped"] = len(samples) - len(kept)
    return batch


def build_train_dataset(cfg, data_cfg: DataCfg) -> JointDataset:
    """The training set described by the config."""
    a = cfg.AUG
    params = AugmentParams(
        a.ENABLED,
        a.ROTATION,
        a.TRANSLATE,
        tuple(a.SCALE),
        a.SHEAR,
        a.HSV_SATURATION,
        a.HSV_VALUE,
        a.FLIP_PROB,
        a.MIN_AREA_RATIO,
        a.MIN_BOX_SIZE,
        a.MAX_BOX_ASPECT,
    )
    return JointDataset(
        data_cfg,
        input_wh=(cfg.INPUT.WIDTH, cfg.INPUT.HEIGHT),
        augment=params,
        classes=tuple(cfg.DATA.CLASSES),
        max_objs=cfg.DATA.MAX_OBJS,
        truncate=cfg.DATA.TRUNCATE_OBJECTS,
        ltrb=cfg.MODEL.LTRB,
        down_ratio=cfg.INPUT.DOWN_RATIO,
        id_counting=cfg.DATA.ID_COUNTING,
        self_supervised=cfg.DATA.SELF_SUPERVISED,
        bad_samples=cfg.DATA.BAD_SAMPLES,
        pad_value=cfg.INPUT.PAD_VALUE,
        seed=cfg.SEED,
    )
