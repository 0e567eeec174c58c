"""Decoding against the original's post-processing (tests/fixtures/decode.npz)."""

import numpy as np
import pytest
import torch

from fairmot.models.decode import decode, decode_raw, sample_embeddings
from tests import reference as fixtures
from tests.reference import needs_reference

pytestmark = needs_reference


@pytest.fixture(scope="module")
def cases():
    return fixtures.load("decode")


def tensors(cases, c):
    return {
        name: torch.from_numpy(cases[f"case{c}_{name}"].astype(np.float32))
        for name in ("hm", "wh", "reg", "id")
    }


@pytest.mark.parametrize("case", [0, 1])
def test_raw_peaks_and_boxes(cases, case):
    t = tensors(cases, case)
    dets, inds, _ = decode_raw(t["hm"], t["wh"], t["reg"], ltrb=True, k=500)
    expected, expected_inds = cases[f"case{case}_raw_dets"], cases[f"case{case}_raw_inds"]
    # Ties in score may come in another order: compare as sets of (index, box).
    ours = {int(i): d for i, d in zip(inds[0].numpy(), dets[0].numpy())}
    theirs = {int(i): d for i, d in zip(expected_inds[0], expected[0])}
    assert ours.keys() == theirs.keys()
    for i in theirs:
        np.testing.assert_allclose(ours[i], theirs[i], rtol=0, atol=1e-4)


@pytest.mark.parametrize("case", [0, 1])
def test_detections_in_frame_pixels_with_embeddings(cases, case):
    t = tensors(cases, case)
    # The reference stores the heatmap after the sigmoid; decode() takes logits.
    outputs = {**t, "hm": torch.logit(t["hm"].double()).float()}
    (result,) = decode(
        outputs,
        tuple(cases[f"case{case}_image_wh"]),
        tuple(cases[f"case{case}_input_wh"]),
        conf_thres=0.4,
        k=500,
    )
    expected, expected_feats = cases[f"case{case}_dets"], cases[f"case{case}_id_feats"]
    assert len(result.boxes) == len(expected)
    order = np.lexsort(result.boxes[:, :4].T[::-1])
    expected_order = np.lexsort(expected[:, :4].T[::-1])
    np.testing.assert_allclose(result.boxes[order], expected[expected_order], rtol=0, atol=5e-4)
    np.testing.assert_allclose(
        result.embeddings[order], expected_feats[expected_order], rtol=0, atol=1e-4
    )


def test_embedding_samplings_agree_on_a_constant_map():
    id_map = torch.zeros(1, 4, 8, 8)
    id_map[:, 1] = 3.0
    inds = torch.tensor([[9, 27]])
    centres = torch.tensor([[[1.3, 1.2], [3.0, 3.4]]])
    boxes = torch.tensor([[[0.0, 0.0, 3.0, 3.0], [1.0, 1.0, 5.0, 6.0]]])
    for sampling in ("center", "center_bi", "roi_align", "pos_anchor"):
        feats = sample_embeddings(id_map, inds, centres, boxes, sampling)
        torch.testing.assert_close(feats, torch.tensor([[[0.0, 1, 0, 0], [0, 1, 0, 0]]]))
    with pytest.raises(ValueError, match="sampling of the id map must be one of"):
        sample_embeddings(id_map, inds, centres, boxes, "two_stage")


def test_center_bi_interpolates():
    id_map = torch.arange(16.0).view(1, 1, 4, 4).repeat(1, 2, 1, 1)
    id_map[:, 1] = 1.0
    feats = sample_embeddings(
        id_map, torch.tensor([[5]]), torch.tensor([[[1.5, 1.0]]]), torch.zeros(1, 1, 4), "center_bi"
    )
    value = 5.5  # halfway between columns 1 and 2 of row 1 (values 5 and 6)
    expected = torch.tensor([value, 1.0]) / np.hypot(value, 1.0)
    torch.testing.assert_close(feats[0, 0], expected.float())
