"""Training targets of one image (docs/training.md), vectorised over its objects.

Boxes arrive normalised to the network input (after letterbox and augmentation). At stride 4
each object gets: a Gaussian splat at its integer centre in the heatmap of its class (radius
from CenterNet's `gaussian_radius((ceil(h), ceil(w)), 0.7)`, truncated; sigma = diameter / 6;
overlaps keep the maximum), the distances from its centre to its box's left, top, right,
bottom (`ltrb`, or width and height), the sub-pixel offset of the centre, its flat index and
its identity. The centre is clipped into the map, the box edges are not — as the original.
"""

from __future__ import annotations

import numpy as np

from ..boxes import (
    cxcywh_to_tlbr,
    cxcywh_to_tlwh,
    letterbox_forward,
    normalized_to_pixels,
    pixels_to_normalized,
    tlbr_to_cxcywh,
    tlwh_to_tlbr,
)
from ..errors import FairMOTError

MIN_OVERLAP = 0.7


class TooManyObjectsError(FairMOTError, ValueError):
    """An image with more objects than max_objs (DATA.MAX_OBJS)."""


def gaussian_radius(height: np.ndarray, width: np.ndarray, min_overlap: float = MIN_OVERLAP):
    """CenterNet's radius, kept as the released models were trained with it (it does not
    divide by 2a in its three quadratic roots)."""
    b1 = height + width
    c1 = width * height * (1 - min_overlap) / (1 + min_overlap)
    r1 = (b1 + np.sqrt(b1**2 - 4 * c1)) / 2
    b2 = 2 * (height + width)
    c2 = (1 - min_overlap) * width * height
    r2 = (b2 + np.sqrt(b2**2 - 16 * c2)) / 2
    a3 = 4 * min_overlap
    b3 = -2 * min_overlap * (height + width)
    c3 = (min_overlap - 1) * width * height
    r3 = (b3 + np.sqrt(b3**2 - 4 * a3 * c3)) / 2
    return np.minimum(np.minimum(r1, r2), r3)


def draw_gaussians(heatmap: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> None:
    """Splat Gaussians into (H, W) `heatmap` in place, element-wise maximum.

    Args:
        centres: (N, 2) int x, y inside the map; radii: (N,) int >= 0.
    """
    if len(centres) == 0:
        return
    height, width = heatmap.shape
    sizes = 2 * radii + 1
    counts = sizes * sizes
    owner = np.repeat(np.arange(len(radii)), counts)
    local = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    dy = local // sizes[owner] - radii[owner]
    dx = local % sizes[owner] - radii[owner]
    sigma = sizes[owner] / 6.0
    values = np.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
    values[values < np.finfo(np.float64).eps] = 0  # as gaussian2D (its maximum is 1)
    ys, xs = centres[owner, 1] + dy, centres[owner, 0] + dx
    inside = (ys >= 0) & (ys < height) & (xs >= 0) & (xs < width)
    np.maximum.at(heatmap.reshape(-1), ys[inside] * width + xs[inside], values[inside])


def _empty_targets(num_classes: int, output_wh, max_objs: int, ltrb: bool) -> dict:
    out_w, out_h = output_wh
    return {
        "hm": np.zeros((num_classes, out_h, out_w), np.float32),
        "wh": np.zeros((max_objs, 4 if ltrb else 2), np.float32),
        "reg": np.zeros((max_objs, 2), np.float32),
        "ind": np.zeros(max_objs, np.int64),
        "reg_mask": np.zeros(max_objs, np.uint8),
        "ids": np.zeros(max_objs, np.int64),
        "cls": np.zeros(max_objs, np.int64),
        "bbox": np.zeros((max_objs, 4), np.float32),
    }


def _draw_heatmaps(hm: np.ndarray, classes, centre_int, h, w) -> None:
    """Splat a Gaussian per object (radius from its size) into its class's (H, W) map."""
    radii = np.maximum(
        0,
        gaussian_radius(np.ceil(h).astype(np.float64), np.ceil(w).astype(np.float64)).astype(
            np.int64
        ),
    )
    for c in np.unique(classes):
        of_class = classes == c
        draw_gaussians(hm[c], centre_int[of_class], radii[of_class])


def encode_targets(
    boxes: np.ndarray,
    classes: np.ndarray,
    ids: np.ndarray,
    *,
    output_wh,
    num_classes: int = 1,
    max_objs: int = 500,
    ltrb: bool = True,
    truncate: bool = False,
) -> dict:
    """Targets of one image.

    Args:
        boxes: (N, 4) float32 cx cy w h normalised to the network input.
        classes: (N,) int class index; ids: (N,) int identity (-1: none).
        output_wh: (W, H) of the stride-4 maps.
        max_objs: slots per image; more objects raise TooManyObjectsError unless `truncate`.

    Returns:
        hm (C, H, W) float32; wh (max_objs, 4 or 2), reg (max_objs, 2), bbox (max_objs, 4)
        float32; ind, ids, cls (max_objs,) int64 (ids within each class's identity space);
        reg_mask (max_objs,) uint8.
    """
    out_w, out_h = output_wh
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    if len(boxes) > max_objs:
        if not truncate:
            raise TooManyObjectsError(
                f"{len(boxes)} objects in one image, more than "
                f"max_objs = {max_objs} (DATA.MAX_OBJS)"
            )
        boxes, classes, ids = boxes[:max_objs], classes[:max_objs], ids[:max_objs]
    n = len(boxes)
    box = normalized_to_pixels(boxes, output_wh)  # cx cy w h in output cells, float32
    left, top, right, bottom = tlwh_to_tlbr(cxcywh_to_tlwh(box)).T
    cx = np.clip(box[:, 0], 0, out_w - 1)
    cy = np.clip(box[:, 1], 0, out_h - 1)
    w, h = box[:, 2], box[:, 3]
    k = np.flatnonzero((h > 0) & (w > 0))
    centre = np.stack([cx, cy], axis=1).astype(np.float32)
    centre_int = centre.astype(np.int32)
    targets = _empty_targets(num_classes, output_wh, max_objs, ltrb)
    classes = np.asarray(classes, dtype=np.int64)[:n]
    _draw_heatmaps(targets["hm"], classes[k], centre_int[k], h[k], w[k])
    if ltrb:
        targets["wh"][k] = np.stack([cx - left, cy - top, right - cx, bottom - cy], 1)[k]
    else:
        targets["wh"][k] = np.stack([w, h], 1)[k]
    targets["ind"][k] = centre_int[k, 1] * out_w + centre_int[k, 0]
    targets["reg"][k] = (centre - centre_int)[k]
    targets["reg_mask"][k] = 1
    targets["ids"][k] = np.asarray(ids, dtype=np.int64)[:n][k]
    targets["cls"][k] = classes[k]
    # The box around the clipped centre, as the original's target.
    centred = np.stack([cx, cy, w, h], axis=1)
    targets["bbox"][k] = tlwh_to_tlbr(cxcywh_to_tlwh(centred))[k]
    return targets


def labels_to_input(labels: np.ndarray, image_wh, ratio: float, pad, input_wh) -> np.ndarray:
    """Label rows (N, 6) `class id cx cy w h` normalised to the image -> the same rows with
    the box normalised to the letterboxed input (float32 arithmetic, as the original)."""
    labels = np.asarray(labels, dtype=np.float32).reshape(-1, 6)
    tlbr = letterbox_forward(cxcywh_to_tlbr(labels[:, 2:6]), ratio, pad, image_wh)
    out = labels.copy()
    out[:, 2:6] = pixels_to_normalized(tlbr_to_cxcywh(tlbr), input_wh)
    return out
