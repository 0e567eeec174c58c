"""Reading the images of a data_cfg for evaluation: letterboxed network inputs with their
labelled boxes in frame pixels and identities made unique across data sets."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..boxes import cxcywh_to_tlbr, normalized_to_pixels
from .formats import DataCfg, FormatError, label_path_for_image, read_jde_labels
from .letterbox import letterbox, to_network_input


@dataclass
class LabelledImage:
    """One image ready for the network.

    Attributes:
        input: (3, H, W) float32 RGB letterboxed network input in [0, 1].
        frame_wh: (width, height) of the image file.
        boxes: (M, 4) float64 x1 y1 x2 y2 in frame pixels.
        ids: (M,) int64 identities, offset per data set (-1: unknown).
        ratio, pad: the letterbox scale and its (dw, dh) padding in input pixels.
    """

    input: np.ndarray
    frame_wh: tuple
    boxes: np.ndarray
    ids: np.ndarray
    ratio: float
    pad: tuple


class JDEImageList:
    """The images of one purpose ("train", "test", "test_emb") of a data_cfg.

    Identities of data set k are shifted by the number of identities of the data sets
    before it (max id + 1 each, as the original counts them), so they never collide.
    """

    def __init__(self, data_cfg: DataCfg, purpose: str, input_wh, pad_value: float = 127.5):
        self.input_wh, self.pad_value = tuple(input_wh), pad_value
        self.items = []  # (image path, label rows with offset ids)
        offset = 0
        for name in data_cfg.lists(purpose):
            labels = [
                (path, read_jde_labels(label_path_for_image(path)))
                for path in data_cfg.image_paths(purpose, name)
            ]
            largest = max((int(rows[:, 1].max()) for _, rows in labels if len(rows)), default=-1)
            for path, rows in labels:
                rows = rows.copy()
                rows[:, 1] = np.where(rows[:, 1] >= 0, rows[:, 1] + offset, -1)
                self.items.append((path, rows))
            offset += largest + 1

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> LabelledImage:
        path, rows = self.items[index]
        image = cv2.imread(str(path))
        if image is None:
            raise FormatError(path, "cannot read this image")
        height, width = image.shape[:2]
        padded, ratio, dw, dh = letterbox(image, *self.input_wh, self.pad_value)
        boxes = cxcywh_to_tlbr(normalized_to_pixels(rows[:, 2:6], (width, height)))
        return LabelledImage(
            to_network_input(padded),
            (width, height),
            boxes,
            rows[:, 1].astype(np.int64),
            ratio,
            (dw, dh),
        )
