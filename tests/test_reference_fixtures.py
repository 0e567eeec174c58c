"""The reference fixtures travel with the repository, compact, and read back losslessly."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests import reference

REPO = Path(__file__).resolve().parents[1]


def _pack_module():
    spec = importlib.util.spec_from_file_location(
        "pack_reference_fixtures", REPO / "scripts/pack_reference_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixtures_are_in_the_repository_and_small():
    files = [p for p in reference.FIXTURES.rglob("*") if p.is_file()]
    assert (reference.FIXTURES / "README.md") in files
    assert sum(p.stat().st_size for p in files) <= 15e6
    for name in ("decode", "loss", "targets_1088x608", "targets_576x320", "tracker_scene_stream"):
        assert (reference.FIXTURES / f"{name}.npz") in files


def test_sparse_map_reads_back_at_its_positions_and_zero_elsewhere():
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(2, 3, 4, 5)).astype(np.float16)
    positions = np.array([[0, 7, 19, 7], [3, 3, 12, 1]])  # repeats, as padded `ind` has
    arrays = {"m": dense}
    _pack_module().sparse(arrays, "m", positions)
    assert "m" not in arrays and arrays["m@values"].shape == (2, 4, 3)
    back = reference._dense(arrays, "m")
    assert back.shape == dense.shape and back.dtype == dense.dtype
    flat_back, flat = back.reshape(2, 3, -1), dense.reshape(2, 3, -1)
    for b in range(2):
        kept = np.zeros(20, bool)
        kept[positions[b]] = True
        np.testing.assert_array_equal(flat_back[b][:, kept], flat[b][:, kept])
        assert not flat_back[b][:, ~kept].any()


@reference.needs_reference
def test_images_read_back_as_the_original_stored_them():
    ref = reference.load("targets_576x320")
    image = ref["case0_image_bgr"]
    assert image.dtype == np.uint8 and image.shape == (540, 960, 3)
    assert ref["case0_input_rgb_u8"].shape == (320, 576, 3)
    assert ref.files == list(ref)


def test_a_missing_fixture_is_named():
    with pytest.raises(FileNotFoundError, match="missing.npz is missing"):
        reference.load("missing")
