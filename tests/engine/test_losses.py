"""The joint loss against the original's (tests/fixtures/loss.npz)."""

import numpy as np
import pytest
import torch

from fairmot.engine import FairMOTLoss
from tests import reference as fixtures
from tests.reference import needs_reference

pytestmark = needs_reference


@pytest.fixture(scope="module")
def reference():
    return fixtures.load("loss")


def tensors(ref, prefix):
    return {
        k[len(prefix) :]: torch.from_numpy(
            ref[k].astype(np.float32) if ref[k].dtype == np.float16 else ref[k]
        )
        for k in ref.files
        if k.startswith(prefix)
    }


def test_loss_terms_equal_the_original(reference):
    outputs = tensors(reference, "out_")
    batch = tensors(reference, "batch_")
    loss = FairMOTLoss(reid_dim=64, num_ids=int(reference["nID"]))
    with torch.no_grad():
        loss.classifier.weight.copy_(torch.from_numpy(reference["classifier_weight"]))
        loss.classifier.bias.copy_(torch.from_numpy(reference["classifier_bias"]))
        loss.s_det.copy_(torch.from_numpy(reference["s_det"]))
        loss.s_id.copy_(torch.from_numpy(reference["s_id"]))
        terms = loss(outputs, batch)
    for ours, theirs in (
        ("loss", "loss_loss"),
        ("hm_loss", "loss_hm_loss"),
        ("wh_loss", "loss_wh_loss"),
        ("off_loss", "loss_off_loss"),
        ("id_loss", "loss_id_loss"),
    ):
        assert float(terms[ours]) == pytest.approx(float(reference[theirs]), rel=1e-5), ours


def test_uncertainty_parameters_receive_gradients_and_fixed_weighting(reference):
    outputs = tensors(reference, "out_")
    batch = tensors(reference, "batch_")
    loss = FairMOTLoss(reid_dim=64, num_ids=61)
    loss(outputs, batch)["loss"].backward()
    assert loss.s_det.grad is not None and loss.s_id.grad is not None
    assert loss.classifier.weight.grad.abs().sum() > 0
    fixed = FairMOTLoss(reid_dim=64, num_ids=61, weighting="fixed", id_weight=0.5)
    terms = fixed(outputs, batch)
    expected = terms["det_loss"] + 0.5 * terms["id_loss"]
    assert terms["loss"].item() == pytest.approx(expected.item())
    with pytest.raises(ValueError, match="weighting must be one of"):
        FairMOTLoss(reid_dim=64, num_ids=61, weighting="learned")
    with pytest.raises(TypeError):  # keywords only: two weights cannot swap unnoticed
        FairMOTLoss(64, 61)
