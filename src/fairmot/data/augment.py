"""Training-time image transforms: letterbox and random affine as one warp, HSV jitter, flip.

The original letterboxes (resize + pad), then warps the padded image with the random affine.
Here both are one affine matrix and one `cv2.warpAffine`, reading the JPEG at a half or a
quarter of its resolution when the whole transform shrinks it at least that much (so no
detail is lost).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..boxes import cxcywh_to_tlbr, tlbr_to_cxcywh
from .letterbox import letterbox_geometry


@dataclass(frozen=True)
class AugmentParams:
    """Plain augmentation parameters (built from the AUG config node)."""

    enabled: bool = True
    rotation: float = 5.0  # degrees, +-
    translate: float = 0.10  # fraction of the input size, +-
    scale: tuple = (0.50, 1.20)
    shear: float = 2.0  # degrees, +-
    hsv_saturation: float = 0.50
    hsv_value: float = 0.50
    flip_prob: float = 0.5
    min_area_ratio: float = 0.1
    min_box_size: float = 4.0
    max_box_aspect: float = 10.0


def letterbox_matrix(image_wh, input_wh) -> tuple:
    """The original letterbox as a 2x3 affine (scale, then centred padding), its ratio and
    its (dw, dh) padding."""
    (new_w, new_h), (left, top, _, _), ratio, pad = letterbox_geometry(image_wh, input_wh)
    width, height = image_wh
    matrix = np.array([[new_w / width, 0, left], [0, new_h / height, top]], np.float64)
    return matrix, ratio, pad


def random_affine_matrix(rng: np.random.Generator, params: AugmentParams, input_wh):
    """3x3 random affine on the input canvas (rotation and scale about the centre, then
    translation and shear), as JDE's random_affine; and the rotation angle in degrees."""
    width, height = input_wh
    angle = rng.uniform(-params.rotation, params.rotation)
    scale = rng.uniform(*params.scale)
    rotation = np.eye(3)
    rotation[:2] = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    translation = np.eye(3)
    translation[0, 2] = rng.uniform(-1, 1) * params.translate * width
    translation[1, 2] = rng.uniform(-1, 1) * params.translate * height
    shear = np.eye(3)
    shear[0, 1] = math.tan(math.radians(rng.uniform(-params.shear, params.shear)))
    shear[1, 0] = math.tan(math.radians(rng.uniform(-params.shear, params.shear)))
    return shear @ translation @ rotation, angle


def transform_boxes(
    boxes: np.ndarray, matrix: np.ndarray, angle: float, input_wh, params: AugmentParams
):
    """Warp (N, 4) x1 y1 x2 y2 boxes by a 3x3 affine; returns the boxes clipped to the input
    and the mask of those kept (JDE's rules: rotation-reduced enclosing box, minimum size,
    area ratio and aspect)."""
    n = len(boxes)
    if n == 0:
        return boxes.reshape(0, 4), np.zeros(0, bool)
    corners = boxes[:, [0, 1, 2, 3, 0, 3, 2, 1]].reshape(n * 4, 2)
    warped = np.c_[corners, np.ones(n * 4)] @ matrix.T
    xs, ys = warped[:, 0].reshape(n, 4), warped[:, 1].reshape(n, 4)
    x1, y1, x2, y2 = xs.min(1), ys.min(1), xs.max(1), ys.max(1)
    # The enclosing box of a rotated box is too large: shrink it as the original does.
    reduction = max(abs(math.sin(math.radians(angle))), abs(math.cos(math.radians(angle)))) ** 0.5
    enclosing = tlbr_to_cxcywh(np.stack([x1, y1, x2, y2], axis=1))
    enclosing[:, 2:] *= reduction
    out = cxcywh_to_tlbr(enclosing)
    out[:, [0, 2]] = out[:, [0, 2]].clip(0, input_wh[0])
    out[:, [1, 3]] = out[:, [1, 3]].clip(0, input_wh[1])
    w, h = out[:, 2] - out[:, 0], out[:, 3] - out[:, 1]
    area0 = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    scale = abs(np.linalg.det(matrix[:2, :2]))
    aspect = np.maximum(w / (h + 1e-16), h / (w + 1e-16))
    keep = (
        (w > params.min_box_size)
        & (h > params.min_box_size)
        & (w * h / (area0 * scale + 1e-16) > params.min_area_ratio)
        & (aspect < params.max_box_aspect)
    )
    return out, keep


def hsv_jitter(image: np.ndarray, rng: np.random.Generator, params: AugmentParams) -> None:
    """Scale saturation and value by random factors in [1 - f, 1 + f], in place (uint8)."""
    factors = 1 + rng.uniform(-1, 1, 2) * np.array([params.hsv_saturation, params.hsv_value])
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    lut = np.arange(256, dtype=np.float32)
    hsv[..., 1] = cv2.LUT(hsv[..., 1], np.clip(lut * factors[0], 0, 255).astype(np.uint8))
    hsv[..., 2] = cv2.LUT(hsv[..., 2], np.clip(lut * factors[1], 0, 255).astype(np.uint8))
    cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR, dst=image)


def read_image(path, shrink: float = 1.0):
    """Read a BGR image (None when it cannot be decoded), at a half or a quarter of its
    resolution when it will be shrunk at least that much anyway (JPEG decodes faster)."""
    for factor, flag in ((0.25, cv2.IMREAD_REDUCED_COLOR_4), (0.5, cv2.IMREAD_REDUCED_COLOR_2)):
        if shrink <= factor:
            image = cv2.imread(str(path), flag)
            if image is not None:
                return image
    return cv2.imread(str(path))
