"""Reading image files, telling a missing, a truncated and an undecodable file apart.

OpenCV decodes a truncated JPEG (an interrupted copy or download) without an error: the lost
rows come out grey and libjpeg prints "Premature end of JPEG file". A detector fed such a
frame sees a grey band where people were. `read_image` checks the format's end marker first
(JPEG: the EOI marker FF D9, which entropy-coded data never contains; PNG: the IEND chunk)
and reports the frame as damaged instead.
"""

from __future__ import annotations

import os

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from .text_table import FormatError

#: Why a frame could not be used (`read_image`'s second value).
MISSING, DAMAGED, UNDECODABLE = "missing", "damaged", "undecodable"
_TAIL = 64  # bytes searched for the end marker (some writers pad after it)


def is_truncated(data: np.ndarray) -> bool:
    """Whether the bytes of a JPEG or PNG file lack the format's end marker."""
    head, tail = bytes(data[:8]), bytes(data[-_TAIL:])
    if head[:2] == b"\xff\xd8":  # JPEG start-of-image
        return b"\xff\xd9" not in tail
    if head == b"\x89PNG\r\n\x1a\n":
        return b"IEND" not in tail
    return False  # other formats: left to the decoder


def read_image(path: str | os.PathLike) -> tuple[np.ndarray | None, str | None]:
    """(BGR image (H, W, 3) uint8, None), or (None, why): MISSING, DAMAGED (truncated) or
    UNDECODABLE (not an image OpenCV reads)."""
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except FileNotFoundError:
        return None, MISSING
    except OSError:
        return None, UNDECODABLE
    if data.size == 0 or is_truncated(data):
        return None, DAMAGED
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return (image, None) if image is not None else (None, UNDECODABLE)


def image_size(path: str | os.PathLike) -> tuple[int, int]:
    """(width, height) of an image file, read from its header (no decoding); FormatError
    when it is missing or not an image."""
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError) as exc:
        raise FormatError(path, f"cannot read the image's size ({exc})") from None
