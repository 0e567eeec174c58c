"""Letterboxing frames to the network input, as the original JDE/FairMOT loaders do."""

from __future__ import annotations

import cv2
import numpy as np


def letterbox_geometry(image_wh, input_wh):
    """Where the original letterbox puts an image of `image_wh` in an `input_wh` canvas.

    Returns:
        (new_w, new_h) resized size, (left, top, right, bottom) padding in pixels, the scale
        ratio, and the padding (dw, dh) before rounding.
    """
    width, height = image_wh
    ratio = min(input_wh[1] / height, input_wh[0] / width)
    new_w, new_h = round(width * ratio), round(height * ratio)
    dw, dh = (input_wh[0] - new_w) / 2, (input_wh[1] - new_h) / 2
    pads = (round(dw - 0.1), round(dh - 0.1), round(dw + 0.1), round(dh + 0.1))
    return (new_w, new_h), pads, ratio, (dw, dh)


def letterbox(image: np.ndarray, width: int, height: int, pad_value: float = 127.5):
    """Resize keeping the aspect ratio (area interpolation) and pad to width x height.

    Args:
        image: (H, W, 3) uint8 BGR frame.

    Returns:
        padded (height, width, 3) uint8, the scale ratio, and the horizontal and vertical
        padding (dw, dh) in pixels before rounding.
    """
    (new_w, new_h), (left, top, right, bottom), ratio, (dw, dh) = letterbox_geometry(
        (image.shape[1], image.shape[0]), (width, height)
    )
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


def area_taps(src: int, dst: int):
    """OpenCV's area interpolation (`cv2.INTER_AREA`) shrinking `src` pixels to `dst` as
    taps: each output pixel averages the input pixels its footprint of src / dst covers,
    partly covered ones by the part covered (OpenCV ignores slivers under 1e-3). The resize
    is separable, so rows then columns of taps reproduce it on any device.

    Returns:
        index (dst, T) int64 input pixels and weight (dst, T) float32, T = the most input
        pixels an output pixel covers (unused taps: weight 0 on pixel 0).
    """
    if not 0 < dst <= src:
        raise ValueError(f"area taps shrink: need 0 < dst <= src, got {src} -> {dst}")
    scale = src / dst
    start = np.arange(dst) * scale  # each output pixel's footprint [start, start + scale)
    pixel = np.arange(src)[None, :]  # input pixel i spans [i, i + 1)
    right = np.minimum((start + scale)[:, None], pixel + 1)
    overlap = np.clip(right - np.maximum(start[:, None], pixel), 0.0, None)
    overlap[overlap <= 1e-3] = 0.0
    weights = overlap / np.minimum(scale, src - start)[:, None]
    taps = int((weights > 0).sum(1).max())
    index = np.argsort(weights <= 0, axis=1, kind="stable")[:, :taps]  # covered pixels first
    weight = np.take_along_axis(weights, index, axis=1)
    return np.where(weight > 0, index, 0), weight.astype(np.float32)


def area_rounds_half_up(src_wh, dst_wh) -> bool:
    """Whether OpenCV rounds an 8-bit area resize half up (its exact 2x shrink) rather than
    half to even (every other shrink)."""
    return tuple(src_wh) == (2 * dst_wh[0], 2 * dst_wh[1])


def to_network_input(image_bgr: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 BGR -> (3, H, W) float32 RGB in [0, 1]."""
    return np.ascontiguousarray(image_bgr[:, :, ::-1].transpose(2, 0, 1), dtype=np.float32) / 255.0
