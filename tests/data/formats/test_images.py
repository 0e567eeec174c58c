"""Image files: a whole frame decodes; a missing, truncated or foreign one says which."""

import cv2
import numpy as np
import pytest

from fairmot.data.formats.images import DAMAGED, MISSING, UNDECODABLE, read_image


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_whole_truncated_and_foreign_files(tmp_path, suffix):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
    path = tmp_path / f"frame{suffix}"
    cv2.imwrite(str(path), image)
    decoded, problem = read_image(path)
    assert problem is None and decoded.shape == (120, 160, 3)
    np.testing.assert_array_equal(decoded, cv2.imread(str(path)))  # the same pixels as imread
    data = path.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[: len(data) * 2 // 3])  # an interrupted copy
    assert cv2.imread(str(cut)) is not None or suffix == ".png"  # OpenCV half-decodes a JPEG
    assert read_image(cut) == (None, DAMAGED)
    (tmp_path / f"text{suffix}").write_text("not an image")
    assert read_image(tmp_path / f"text{suffix}") == (None, UNDECODABLE)
    assert read_image(tmp_path / f"none{suffix}") == (None, MISSING)
    (tmp_path / f"empty{suffix}").write_bytes(b"")
    assert read_image(tmp_path / f"empty{suffix}") == (None, DAMAGED)


def test_padding_after_the_end_marker_is_accepted(tmp_path):
    path = tmp_path / "padded.jpg"
    cv2.imwrite(str(path), np.zeros((16, 16, 3), np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00" * 16)  # some cameras pad their files
    image, problem = read_image(path)
    assert problem is None and image.shape == (16, 16, 3)
