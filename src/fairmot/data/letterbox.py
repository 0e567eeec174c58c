"""Letterboxing frames to the network input, as the original JDE/FairMOT loaders do."""

from __future__ import annotations

import cv2
import numpy as np


def letterbox(image: np.ndarray, width: int, height: int, pad_value: float = 127.5):
    """Resize keeping the aspect ratio (area interpolation) and pad to width x height.

    Args:
        image: (H, W, 3) uint8 BGR frame.

    Returns:
        padded (height, width, 3) uint8, the scale ratio, and the horizontal and vertical
        padding (dw, dh) in pixels before rounding.
    """
    shape = image.shape[:2]
    ratio = min(height / shape[0], width / shape[1])
    new_w, new_h = round(shape[1] * ratio), round(shape[0] * ratio)
    dw, dh = (width - new_w) / 2, (height - new_h) / 2
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA)
    padded = cv2.copyMakeBorder(
        resized,
        top,
        bottom,
        left,
        right,
        cv2.BORDER_CONSTANT,
        value=(pad_value, pad_value, pad_value),
    )
    return padded, ratio, dw, dh


def to_network_input(image_bgr: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 BGR -> (3, H, W) float32 RGB in [0, 1]."""
    return np.ascontiguousarray(image_bgr[:, :, ::-1].transpose(2, 0, 1), dtype=np.float32) / 255.0
