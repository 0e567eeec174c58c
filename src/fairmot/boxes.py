"""Box formats and their conversions, named once and used by every layer (numpy only).

Formats, each an (N, 4) array (conversions keep the input's float dtype):

- `tlwh`: left, top, width, height (MOTChallenge rows, the tracker's output).
- `tlbr`: left, top, right, bottom (x1 y1 x2 y2: detections, IoU, augmentation).
- `xyah`: centre x, centre y, aspect (width / height), height (the Kalman measurement).
- `cxcywh`: centre x, centre y, width, height (JDE label rows, training targets).

Units are the caller's: frame pixels, input pixels, output-grid cells, or fractions of the
image (`normalized_to_pixels` / `pixels_to_normalized` convert between the last two). The
letterbox maps frame pixels to network-input pixels (`letterbox_forward`: scale, then pad)
and output-grid points back to frame pixels (`letterbox_to_frame`, the original's
centre-and-scale inverse used by decode).

The arithmetic of each conversion is the one the original code uses at that place, in the
same order, so the parity fixtures hold bit for bit.
"""

from __future__ import annotations

import numpy as np


def _float(boxes: np.ndarray) -> np.ndarray:
    boxes = np.asarray(boxes)
    return boxes if np.issubdtype(boxes.dtype, np.floating) else boxes.astype(np.float64)


def tlwh_to_tlbr(tlwh: np.ndarray) -> np.ndarray:
    """(N, 4) x y w h -> (N, 4) x1 y1 x2 y2."""
    tlwh = _float(tlwh)
    return np.concatenate([tlwh[:, :2], tlwh[:, :2] + tlwh[:, 2:]], axis=1)


def tlbr_to_tlwh(tlbr: np.ndarray) -> np.ndarray:
    """(N, 4) x1 y1 x2 y2 -> (N, 4) x y w h."""
    tlwh = _float(tlbr)[:, :4].copy()
    tlwh[:, 2:] -= tlwh[:, :2]
    return tlwh


def tlwh_to_xyah(tlwh: np.ndarray) -> np.ndarray:
    """(N, 4) x y w h -> (N, 4) centre x, centre y, width / height, height (float64)."""
    tlwh = np.asarray(tlwh, dtype=np.float64)
    out = tlwh.copy()
    out[:, :2] += tlwh[:, 2:] / 2
    out[:, 2] = tlwh[:, 2] / tlwh[:, 3]
    return out


def xyah_to_tlwh(xyah: np.ndarray) -> np.ndarray:
    """(N, >=4) centre x, centre y, aspect, height -> (N, 4) x y w h (float64; columns after
    the fourth, such as the Kalman velocities, are ignored)."""
    out = np.array(np.asarray(xyah)[:, :4], dtype=np.float64)
    out[:, 2] *= out[:, 3]
    out[:, :2] -= out[:, 2:] / 2
    return out


def tlwh_to_cxcywh(tlwh: np.ndarray) -> np.ndarray:
    """(N, 4) x y w h -> (N, 4) centre x, centre y, w, h."""
    tlwh = _float(tlwh)
    return np.column_stack([tlwh[:, :2] + tlwh[:, 2:] / 2, tlwh[:, 2:]])


def cxcywh_to_tlwh(cxcywh: np.ndarray) -> np.ndarray:
    """(N, 4) centre x, centre y, w, h -> (N, 4) x y w h."""
    b = _float(cxcywh)
    return np.stack([b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2, b[:, 2], b[:, 3]], axis=1)


def cxcywh_to_tlbr(cxcywh: np.ndarray) -> np.ndarray:
    """(N, 4) centre x, centre y, w, h -> (N, 4) x1 y1 x2 y2."""
    b = _float(cxcywh)
    return np.stack(
        [
            b[:, 0] - b[:, 2] / 2,
            b[:, 1] - b[:, 3] / 2,
            b[:, 0] + b[:, 2] / 2,
            b[:, 1] + b[:, 3] / 2,
        ],
        axis=1,
    )


def tlbr_to_cxcywh(tlbr: np.ndarray) -> np.ndarray:
    """(N, 4) x1 y1 x2 y2 -> (N, 4) centre x, centre y, w, h."""
    b = _float(tlbr)
    return np.stack(
        [(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2, b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]],
        axis=1,
    )


def _per_coordinate(boxes: np.ndarray, x: float, y: float) -> np.ndarray:
    """[x, y, x, y] in the boxes' dtype (a float32 box stays float32 arithmetic)."""
    return np.array([x, y, x, y], dtype=boxes.dtype)


def normalized_to_pixels(boxes: np.ndarray, image_wh) -> np.ndarray:
    """(N, 4) boxes in fractions of the image (any format) -> pixels of an `image_wh` image."""
    boxes = _float(boxes)
    return boxes * _per_coordinate(boxes, *image_wh)


def pixels_to_normalized(boxes: np.ndarray, image_wh) -> np.ndarray:
    """(N, 4) boxes in pixels (any format) -> fractions of an `image_wh` image."""
    boxes = _float(boxes)
    return boxes / _per_coordinate(boxes, *image_wh)


def letterbox_forward(tlbr: np.ndarray, ratio: float, pad, image_wh=None) -> np.ndarray:
    """(N, 4) x1 y1 x2 y2 in image pixels -> pixels of the letterboxed input: scaled by
    `ratio`, then shifted by the (dw, dh) padding (see `data.letterbox.letterbox_geometry`).
    With `image_wh`, the boxes are fractions of that image instead (scaled by ratio * size
    in one step, as the original's label loader)."""
    tlbr = _float(tlbr)
    sx, sy = (ratio, ratio) if image_wh is None else (ratio * image_wh[0], ratio * image_wh[1])
    return tlbr * _per_coordinate(tlbr, sx, sy) + _per_coordinate(tlbr, *pad)


def letterbox_to_frame(points: np.ndarray, frame_wh, input_wh, down_ratio: int = 4):
    """Map (..., 2) output-grid x y to frame pixels, inverting a centred letterbox.

    As the original: the frame's centre maps to the grid's centre and the scale is
    s = max(input_w / input_h * frame_h, frame_w) frame pixels per grid width.
    """
    frame_w, frame_h = frame_wh
    out_w, out_h = input_wh[0] // down_ratio, input_wh[1] // down_ratio
    scale = max(input_wh[0] / input_wh[1] * frame_h, frame_w) / out_w
    points = np.asarray(points, dtype=np.float64)
    return np.stack(
        [
            (points[..., 0] - out_w / 2) * scale + frame_w / 2,
            (points[..., 1] - out_h / 2) * scale + frame_h / 2,
        ],
        axis=-1,
    )


def tlbr_to_frame(tlbr: np.ndarray, frame_wh, input_wh, down_ratio: int = 4) -> np.ndarray:
    """(N, 4) x1 y1 x2 y2 in output-grid cells -> frame pixels (`letterbox_to_frame` on
    both corners)."""
    corners = letterbox_to_frame(np.asarray(tlbr).reshape(-1, 2, 2), frame_wh, input_wh, down_ratio)
    return corners.reshape(-1, 4)


def tlwh_to_ground(tlwh: np.ndarray, image_to_ground: np.ndarray) -> np.ndarray:
    """(N, 2) ground-plane positions of boxes' foot points (the bottom centre: where a
    standing person touches the ground) through a (3, 3) image -> ground homography (a
    camera's calibration, inverted); NaN where the point maps to infinity (the horizon).
    Units: the homography's ground units (metres for the synthetic cameras)."""
    tlwh = _float(tlwh).reshape(-1, 4)
    feet = np.column_stack(
        [tlwh[:, 0] + tlwh[:, 2] / 2, tlwh[:, 1] + tlwh[:, 3], np.ones(len(tlwh))]
    )
    mapped = feet @ np.asarray(image_to_ground, np.float64).T
    with np.errstate(divide="ignore", invalid="ignore"):
        ground = mapped[:, :2] / mapped[:, 2:]
    return np.where(np.isfinite(ground), ground, np.nan)
