"""The two-stage re-ID variant (paper Table 1): RoIAlign on the trunk's features of each box,
fully connected layers, decoding on detected boxes, and its training loss."""

import pytest
import torch
from torch import nn

from fairmot.engine.losses import FairMOTLoss
from fairmot.engine.trainer import ModelWithLoss
from fairmot.models import (
    CheckpointError,
    build_network,
    head_channels,
    load_checkpoint,
    save_checkpoint,
)
from fairmot.models.decode import decode
from fairmot.models.heads import RoIReIDHead


def small(reid_head="dense", reid_dim=8, **kwargs):
    return build_network(
        "resnet18_fpn",
        head_channels(1, True, reid_dim),
        head_conv=16,
        deformable=False,
        reid_head=reid_head,
        roi_fc_dim=32,
        **kwargs,
    )


def test_network_has_a_roi_head_in_place_of_the_id_map(tmp_path):
    net = small("roi", roi_pool_size=5)
    keys = list(net.state_dict())
    assert not [k for k in keys if k.startswith("id.")]
    assert net.state_dict()["roi_id.fc1.weight"].shape == (32, 64 * 5 * 5)
    assert net.state_dict()["roi_id.fc2.weight"].shape == (8, 32)
    outputs = net.eval()(torch.rand(2, 3, 64, 96))
    assert set(outputs) == {"hm", "wh", "reg", "feature"}
    assert outputs["feature"].shape == (2, 64, 16, 24)
    # A dense checkpoint does not fit a two-stage network, and the error says what is missing.
    save_checkpoint(tmp_path / "dense.pth", small("dense"), epoch=0)
    with pytest.raises(CheckpointError, match="roi_id.fc1.weight"):
        load_checkpoint(net, tmp_path / "dense.pth", strict=True)
    with pytest.raises(ValueError, match="MODEL.REID_HEAD"):
        small("centre")


def test_roi_head_pools_inside_the_box_in_output_grid_units():
    # Channel 0 holds each cell's x index: with aligned RoIAlign, cell i covers [i, i + 1)
    # and its value sits at i + 0.5, so the mean over a box is its centre x minus 0.5.
    feature = torch.arange(20.0).repeat(12, 1)[None, None].repeat(1, 2, 1, 1)
    head = RoIReIDHead(in_channels=2, reid_dim=1, pool_size=4, fc_dim=1)
    with torch.no_grad():
        head.fc1.weight.zero_()
        head.fc1.weight[0, :16] = 1 / 16  # the mean of channel 0 over the 4 x 4 cells
        head.fc1.bias.zero_()
        head.fc2.weight.fill_(1.0)
        head.fc2.bias.zero_()
    rois = torch.tensor([[0, 2.0, 1.0, 6.0, 9.0], [0, 10.0, 0.0, 18.5, 5.0]])
    torch.testing.assert_close(head(feature, rois)[:, 0], torch.tensor([3.5, 13.75]))


def test_embed_boxes_keeps_the_order_of_the_mask():
    net = small("roi").eval()
    feature = torch.randn(2, 64, 10, 12)
    boxes = torch.rand(2, 3, 4) * 4 + torch.tensor([0.0, 0, 5, 5])
    keep = torch.tensor([[True, False, True], [False, True, False]])
    out = net.embed_boxes(feature, boxes, keep)
    one_by_one = [
        net.roi_id(feature, torch.cat([torch.tensor([[float(b)]]), boxes[b, k][None]], 1))
        for b, k in ((0, 0), (0, 2), (1, 1))
    ]
    torch.testing.assert_close(out, torch.cat(one_by_one))
    with pytest.raises(ValueError, match="no RoI re-ID head"):
        small("dense").embed_boxes(feature, boxes, keep)


def test_a_bf16_network_embeds_boxes_as_in_float32():
    """INFERENCE.PRECISION bf16: the feature map comes in bf16, the boxes in float32 (decode);
    the RoI pooling runs in float32 (no bf16 CPU kernel), the layers in bf16."""
    torch.manual_seed(0)
    net = small("roi").eval()
    feature = torch.randn(1, 64, 10, 12)
    boxes, keep = torch.tensor([[[1.0, 1, 6, 8], [4, 2, 11, 9]]]), torch.tensor([[True, True]])
    expected = net.embed_boxes(feature, boxes, keep)
    out = net.to(torch.bfloat16).embed_boxes(feature.bfloat16(), boxes, keep)
    assert out.dtype == torch.bfloat16
    cosine = torch.nn.functional.cosine_similarity(out.float(), expected, dim=1)
    assert cosine.min() > 0.99


def test_decode_embeds_the_detected_boxes():
    torch.manual_seed(0)  # not whatever state earlier tests leave: some give < 6 peaks
    net = small("roi").eval()
    with torch.no_grad():
        outputs = net(torch.rand(1, 3, 64, 96))
        results = decode(
            outputs,
            (96, 64),
            (96, 64),
            conf_thres=0.0,
            k=6,
            sampling="two_stage",
            embed_boxes=net.embed_boxes,
        )
        (dets,) = results
        # Input = frame size here, so frame boxes are grid boxes times the stride.
        grid = torch.from_numpy(dets.boxes[:, :4]) / 4
        expected = net.embed_boxes(
            outputs["feature"], grid[None], torch.ones(1, len(grid), dtype=torch.bool)
        )
    assert dets.embeddings.shape == (6, 8)
    torch.testing.assert_close(
        torch.from_numpy(dets.embeddings),
        nn.functional.normalize(expected, dim=1),
        atol=1e-4,
        rtol=0,
    )
    with pytest.raises(ValueError, match="two_stage"):
        decode(outputs, (96, 64), (96, 64), sampling="center", embed_boxes=net.embed_boxes)
    dense = small("dense").eval()
    with torch.no_grad(), pytest.raises(ValueError, match="MODEL.REID_HEAD"):
        decode(dense(torch.rand(1, 3, 64, 96)), (96, 64), (96, 64), sampling="two_stage")


def test_two_stage_identity_loss_trains_the_trunk_and_learns():
    torch.manual_seed(0)
    net = small("roi")
    loss = FairMOTLoss(reid_dim=8, num_ids=50)  # scale sqrt(2) ln 49: logits can grow
    model = ModelWithLoss(net, loss)
    images = torch.rand(2, 3, 64, 96)
    batch = {
        "hm": torch.zeros(2, 1, 16, 24),
        "reg_mask": torch.tensor([[1, 1, 0], [1, 1, 0]]),
        "ind": torch.tensor([[30, 100, 0], [50, 200, 0]]),
        "wh": torch.ones(2, 3, 4),
        "reg": torch.zeros(2, 3, 2),
        "ids": torch.tensor([[0, 1, 0], [2, 3, 0]]),
        "bbox": torch.tensor(
            [
                [[1.0, 0, 8, 10], [12, 3, 20, 15], [0, 0, 0, 0]],
                [[2.0, 1, 6, 12], [14, 5, 22, 16], [0, 0, 0, 0]],
            ]
        ),
    }
    batch["hm"][0, 0, 1, 6] = 1
    first = model(images, batch)
    first["id_loss"].backward()
    assert net.roi_id.fc1.weight.grad.abs().sum() > 0
    assert net.layer1[0].conv1.weight.grad.abs().sum() > 0  # through RoIAlign into the trunk
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(40):
        optimizer.zero_grad()
        model(images, batch)["id_loss"].backward()
        optimizer.step()
    last = model(images, batch)["id_loss"].item()
    assert first["id_loss"].item() > 3.0 and last < 0.2 * first["id_loss"].item()
