"""The re-ID loss with several classes: one classifier per class, each over its class's
identities, averaged over the classes present; one class is the paper's loss."""

import math

import pytest
import torch
import torch.nn.functional as F

from fairmot.engine import FairMOTLoss


def batch_of(classes, ids, dim=8):
    torch.manual_seed(0)
    n = len(classes)
    outputs = {
        "hm": torch.randn(1, 2, 8, 8),
        "wh": torch.rand(1, 4, 8, 8),
        "reg": torch.rand(1, 2, 8, 8),
        "id": torch.randn(1, dim, 8, 8),
    }
    mask = torch.zeros(1, 6, dtype=torch.uint8)
    mask[0, :n] = 1
    batch = {
        "hm": torch.zeros(1, 2, 8, 8),
        "reg_mask": mask,
        "ind": torch.arange(6)[None] * 9,
        "wh": torch.rand(1, 6, 4),
        "reg": torch.rand(1, 6, 2),
        "ids": torch.tensor([ids + [0] * (6 - n)]),
        "cls": torch.tensor([classes + [0] * (6 - n)]),
    }
    return outputs, batch


def test_one_classifier_per_class_averaged_over_the_classes_present():
    outputs, batch = batch_of([0, 1, 0, 1, 1], [0, 2, 1, -1, 0])
    loss = FairMOTLoss(reid_dim=8, num_ids=[3, 4])
    assert [c.out_features for c in loss.classifiers] == [3, 4] and loss.num_ids == [3, 4]
    with torch.no_grad():
        terms = loss(outputs, batch)
        emb = outputs["id"].flatten(2)[0, :, batch["ind"][0, :5]].T
        expected = []
        for cls, rows, n in ((0, [0, 2], 3), (1, [1, 4], 4)):  # the -1 is left out
            scaled = math.sqrt(2) * math.log(n - 1) * F.normalize(emb[rows], dim=1)
            logits = loss.classifiers[cls](scaled)
            expected.append(F.cross_entropy(logits, batch["ids"][0, rows]))
    assert torch.isclose(terms["id_loss"], torch.stack(expected).mean(), atol=1e-6)


def test_a_class_absent_from_the_batch_adds_nothing_and_old_checkpoints_load():
    outputs, batch = batch_of([1, 1], [0, 3])
    two = FairMOTLoss(reid_dim=8, num_ids=[3, 4])
    terms = two(outputs, batch)
    terms["loss"].backward()
    assert two.classifiers[0].weight.grad is None  # class 0 absent: untouched
    assert two.classifiers[1].weight.grad.abs().sum() > 0
    one = FairMOTLoss(reid_dim=8, num_ids=5)
    old = {  # the one-class loss of earlier checkpoints named its classifier `classifier`
        (k.replace("classifiers.0", "classifier")): v for k, v in one.state_dict().items()
    }
    fresh = FairMOTLoss(reid_dim=8, num_ids=5)
    fresh.load_state_dict(old)
    assert torch.equal(fresh.classifier.weight, one.classifier.weight) and fresh.num_ids == 5


def test_a_class_with_fewer_than_two_identities_is_named():
    from fairmot.config import load_cfg
    from fairmot.engine.errors import TrainingError
    from fairmot.engine.losses import build_loss

    two = [
        "MODEL.NUM_CLASSES",
        "2",
        "DATA.CLASSES",
        "[0, 1]",
        "DATA.CLASS_NAMES",
        "['person', 'car']",
    ]
    cfg = load_cfg(None, [*two, "DATA.CFG", "data_cfg/kitti.json"])
    with pytest.raises(TrainingError, match=r"kitti.json hold too few identities of car \(1\)"):
        build_loss(cfg, [5, 1])
    assert len(build_loss(cfg, [5, 2]).classifiers) == 2
