"""The network: shapes, released key names, checkpoints, gradients, deformable convolution."""

import pytest
import torch
import torch.nn.functional as F
from torchvision.ops import deform_conv2d

from fairmot.config import get_cfg
from fairmot.models import (
    ARCHITECTURES,
    CheckpointError,
    build_model,
    build_network,
    head_channels,
    load_checkpoint,
    save_checkpoint,
)
from fairmot.models.layers import (
    ModulatedDeformConv2d,
    deform_conv2d_gather,
    set_deform_conv_implementation,
)
from tests.reference import needs_reference, official_state_dict

HEADS = head_channels(num_classes=1, ltrb=True, reid_dim=128)


def small_net(arch, **kwargs):
    torch.manual_seed(0)
    return build_network(
        arch,
        head_channels(**{"num_classes": 1, "ltrb": True, "reid_dim": 16, **kwargs}),
        head_conv=32,
    )


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
@pytest.mark.parametrize("size", [(64, 96), (96, 64)])
def test_output_shapes(arch, size):
    net = small_net(arch).eval()
    with torch.no_grad():
        out = net(torch.rand(2, 3, *size))
    h, w = size[0] // 4, size[1] // 4
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        "hm": (2, 1, h, w),
        "wh": (2, 4, h, w),
        "reg": (2, 2, h, w),
        "id": (2, 16, h, w),
    }


def test_head_options():
    net = small_net("dla34", num_classes=3, ltrb=False, reid_dim=64).eval()
    with torch.no_grad():
        out = net(torch.rand(1, 3, 64, 64))
    assert out["hm"].shape[1] == 3 and out["wh"].shape[1] == 2 and out["id"].shape[1] == 64
    with pytest.raises(ValueError, match="num_classes must be at least 1"):
        head_channels(0, True, 128)


def test_build_model_reads_the_config():
    cfg = get_cfg()
    cfg.MODEL.ARCH, cfg.MODEL.REID_DIM, cfg.MODEL.HEAD_CONV = "resnet34", 64, 128
    net = build_model(cfg)
    assert net.id[2].out_channels == 64 and net.hm[0].out_channels == 128
    cfg.MODEL.ARCH = "vgg16"
    with pytest.raises(ValueError, match="unknown MODEL.ARCH 'vgg16'"):
        build_model(cfg)


@needs_reference
def test_dla34_state_dict_equals_the_released_model():
    reference = official_state_dict()
    net = build_network("dla34", HEADS, head_conv=256)
    ours = [
        [k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in net.state_dict().items()
    ]
    assert ours == reference["state_dict"]  # names, shapes, dtypes and order
    assert sum(p.numel() for p in net.parameters()) == reference["num_parameters"]


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_heatmap_bias_starts_at_the_prior(arch):
    net = small_net(arch)
    assert torch.all(net.hm[-1].bias == -2.19)
    assert torch.all(net.wh[-1].bias == 0) and torch.all(net.id[0].bias == 0)


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_gradients_reach_every_parameter(arch):
    net = small_net(arch).train()
    out = net(torch.rand(2, 3, 64, 64))
    sum(v.float().pow(2).mean() for v in out.values()).backward()
    # DLA's two-level trees own a `project` the original never uses (kept for the released
    # key names): the only parameters without a gradient, in the original too.
    inert = {
        f"base.level{k}.project.{p}" for k in (3, 4) for p in ("0.weight", "1.weight", "1.bias")
    }
    for name, param in net.named_parameters():
        if arch == "dla34" and name in inert:
            assert param.grad is None, name
            continue
        assert param.grad is not None, name
        assert torch.isfinite(param.grad).all(), name
        assert param.grad.abs().sum() > 0, name


def test_save_load_round_trip_gives_identical_outputs(tmp_path):
    net = small_net("dla34").eval()
    x = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        expected = net(x)
    save_checkpoint(tmp_path / "model.pth", net, epoch=3)
    # As a data-parallel run would save it: keys with a `module.` prefix.
    state = {"epoch": 3, "state_dict": {f"module.{k}": v for k, v in net.state_dict().items()}}
    torch.save(state, tmp_path / "ddp.pth")
    for name in ("model.pth", "ddp.pth"):
        fresh = small_net("dla34")
        torch.nn.init.normal_(fresh.hm[0].weight)  # make sure loading changes something
        load_checkpoint(fresh, tmp_path / name, strict=True)
        with torch.no_grad():
            got = fresh.eval()(x)
        for key in expected:
            torch.testing.assert_close(got[key], expected[key], rtol=0, atol=0)
    assert not list(tmp_path.glob(".*tmp*"))  # the atomic write left no temporary file


def test_checkpoint_with_other_heads_fails_loudly(tmp_path):
    save_checkpoint(tmp_path / "reid64.pth", small_net("dla34", reid_dim=64), epoch=1)
    with pytest.raises(
        CheckpointError,
        match=r"id.2.weight: checkpoint \(64, 32, 1, 1\) vs model "
        r"\(16, 32, 1, 1\).*MODEL.REID_DIM",
    ):
        load_checkpoint(small_net("dla34"), tmp_path / "reid64.pth", strict=True)


@pytest.mark.parametrize("arch", ["dla34", "resnet18", "resnet18_fpn"])
def test_plain_up_sampling_replaces_every_deformable_conv(arch, tmp_path):
    """MODEL.DEFORMABLE False: the same network and key names with plain 3x3 convolutions in
    place of each DCN (so no conv_offset_mask); a deformable checkpoint does not fit it."""
    deformable = small_net(arch)
    torch.manual_seed(0)
    plain = build_network(arch, head_channels(1, True, 16), head_conv=32, deformable=False)
    assert not any(isinstance(m, ModulatedDeformConv2d) for m in plain.modules())
    dcn_keys = set(deformable.state_dict())
    offsets = {k for k in dcn_keys if ".conv_offset_mask." in k}
    assert offsets and set(plain.state_dict()) == dcn_keys - offsets
    x = torch.rand(1, 3, 64, 96)
    assert {k: v.shape for k, v in plain(x).items()} == {
        k: v.shape for k, v in deformable(x).items()
    }
    save_checkpoint(tmp_path / "dcn.pth", deformable, epoch=1)
    with pytest.raises(CheckpointError, match="conv_offset_mask"):
        load_checkpoint(plain, tmp_path / "dcn.pth", strict=True)


def test_non_strict_init_from_a_centernet_like_checkpoint(tmp_path):
    """COCO CenterNet: 80 heatmap classes, 2-channel wh, no id head."""
    coco = build_network("dla34", {"hm": 80, "wh": 2, "reg": 2}, head_conv=32)
    save_checkpoint(tmp_path / "ctdet.pth", coco, epoch=140)
    net = small_net("dla34")
    report = load_checkpoint(net, tmp_path / "ctdet.pth", strict=False)
    assert {k for k, *_ in report.mismatched} == {
        "hm.2.weight",
        "hm.2.bias",
        "wh.2.weight",
        "wh.2.bias",
    }
    assert set(report.missing) == {
        "hm.2.weight",
        "hm.2.bias",
        "wh.2.weight",
        "wh.2.bias",
        "id.0.weight",
        "id.0.bias",
        "id.2.weight",
        "id.2.bias",
    }
    assert report.unexpected == []
    torch.testing.assert_close(net.base.base_layer[0].weight, coco.base.base_layer[0].weight)
    torch.testing.assert_close(net.reg[2].weight, coco.reg[2].weight)


def test_checkpoint_that_fits_nothing(tmp_path):
    from torchvision.models import resnet18

    # A bare ImageNet-style state dict of another network: no key of it fits DLA-34.
    torch.save(resnet18(weights=None).state_dict(), tmp_path / "resnet.pth")
    with pytest.raises(CheckpointError, match="nothing in .* fits the model .*DLASeg"):
        load_checkpoint(small_net("dla34"), tmp_path / "resnet.pth", strict=False)
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot read checkpoint"):
        load_checkpoint(small_net("dla34"), tmp_path / "junk.pth")
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        load_checkpoint(small_net("dla34"), tmp_path / "missing.pth")


def test_bad_input_size_is_a_clear_error():
    net = small_net("dla34").eval()
    with pytest.raises(ValueError, match=r"multiples of 32; got \(1, 3, 600, 1088\)"):
        net(torch.rand(1, 3, 600, 1088))


def test_deformable_conv_with_zero_offsets_and_unit_mask_is_a_plain_conv():
    torch.manual_seed(0)
    x, weight, bias = torch.randn(2, 8, 12, 10), torch.randn(6, 8, 3, 3), torch.randn(6)
    offset, mask = torch.zeros(2, 18, 12, 10), torch.ones(2, 9, 12, 10)
    got = deform_conv2d(x, offset, weight, bias, padding=1, mask=mask)
    torch.testing.assert_close(got, F.conv2d(x, weight, bias, padding=1), rtol=1e-5, atol=1e-5)
    # Our layer starts with zero offsets and mask logits (mask 0.5): half a convolution.
    layer = ModulatedDeformConv2d(8, 6)
    layer.bias.data.normal_()
    expected = 0.5 * F.conv2d(x, layer.weight, None, padding=1) + layer.bias[:, None, None]
    torch.testing.assert_close(layer(x), expected, rtol=1e-5, atol=1e-5)


def test_deformable_conv_offsets_shift_the_sampling():
    """An x offset of +1 at every tap samples one column to the right: a plain convolution
    of the zero-padded input shifted left by one column (zero beyond the border)."""
    torch.manual_seed(1)
    x, weight = torch.randn(1, 4, 9, 11), torch.randn(5, 4, 3, 3)
    offset = torch.zeros(1, 18, 9, 11)
    offset[:, 1::2] = 1.0  # channel 2k is the y offset of tap k, 2k+1 its x offset
    got = deform_conv2d(x, offset, weight, None, padding=1, mask=torch.ones(1, 9, 9, 11))
    padded = F.pad(x, (1, 1, 1, 1))
    shifted = F.pad(padded[..., 1:], (0, 1))
    torch.testing.assert_close(got, F.conv2d(shifted, weight), rtol=1e-5, atol=1e-5)


def test_channels_last_and_bf16_autocast_inference():
    net = small_net("dla34").eval()
    x = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        reference = net(x)
        channels_last = net.to(memory_format=torch.channels_last)(
            x.to(memory_format=torch.channels_last)
        )
        with torch.autocast("cpu", dtype=torch.bfloat16):
            mixed = net(x)
    for key in reference:
        torch.testing.assert_close(channels_last[key], reference[key], rtol=1e-4, atol=1e-4)
        scale = reference[key].abs().max()
        assert (mixed[key].float() - reference[key]).abs().max() < 0.05 * scale + 0.05


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu():
    net = small_net("dla34").eval()
    x = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        cpu = net(x)
        gpu = net.cuda()(x.cuda())
    for key in cpu:
        torch.testing.assert_close(gpu[key].cpu(), cpu[key], rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize(
    "stride, padding, dilation, size",
    [(1, 1, 1, (11, 13)), (2, 1, 1, (12, 9)), (1, 2, 2, (10, 10)), (2, 0, 1, (9, 12))],
)
def test_gather_deform_conv_equals_torchvision_with_gradients(stride, padding, dilation, size):
    torch.manual_seed(2)
    h, w = size
    x = torch.randn(2, 5, h, w, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(7, 5, 3, 3, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(7, dtype=torch.float64, requires_grad=True)
    out_h = (h + 2 * padding - dilation * 2 - 1) // stride + 1
    out_w = (w + 2 * padding - dilation * 2 - 1) // stride + 1
    # Offsets up to +-4 px push many samples across the border; none lands on an integer.
    offset = (torch.rand(2, 18, out_h, out_w, dtype=torch.float64) * 8 - 4).requires_grad_()
    mask = torch.rand(2, 9, out_h, out_w, dtype=torch.float64, requires_grad=True)
    inputs = (x, offset, weight, bias, mask)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)

    def run(function):
        out = function(x, offset, weight, bias, mask=mask, **kwargs)
        grads = torch.autograd.grad(
            (out * torch.linspace(-1, 1, out.numel()).view_as(out).to(out)).sum(), inputs
        )
        return out, grads

    ours, our_grads = run(deform_conv2d_gather)
    theirs, their_grads = run(deform_conv2d)
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-10)
    for name, a, b in zip(("x", "offset", "weight", "bias", "mask"), our_grads, their_grads):
        torch.testing.assert_close(a, b, rtol=1e-8, atol=1e-8, msg=f"gradient of {name}")


def test_whole_network_equal_under_both_implementations():
    net = small_net("dla34").eval()
    for module in net.modules():  # non-zero offsets, as in a trained model
        if isinstance(module, ModulatedDeformConv2d):
            torch.nn.init.normal_(module.conv_offset_mask.weight, std=0.05)
    x = torch.rand(1, 3, 64, 96)
    outputs = {}
    for implementation in ("torchvision", "gather"):
        assert set_deform_conv_implementation(net, implementation) == 16
        with torch.no_grad():
            outputs[implementation] = net(x)
    for key in outputs["gather"]:
        torch.testing.assert_close(
            outputs["gather"][key], outputs["torchvision"][key], rtol=1e-4, atol=1e-5
        )


def test_flop_count_by_hand():
    from torch import nn

    from fairmot.models.complexity import count_flops

    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),  # 2*3*9 per output, 8*16*16 outputs
        nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1, groups=8),  # 2*1*16 per input, 8*256
        ModulatedDeformConv2d(8, 4),  # conv 2*8*9*(4*32*32); sampling 9*8*9*1024; offsets conv
    )
    counts = count_flops(model, torch.rand(1, 3, 16, 16))
    offsets_conv = 2 * 8 * 9 * 27 * 32 * 32
    assert counts["conv"] == 2 * 3 * 9 * 8 * 256 + offsets_conv
    assert counts["conv_transpose"] == 2 * 16 * 8 * 256
    assert counts["deform_conv"] == 2 * 8 * 9 * 4 * 1024 + 9 * 8 * 9 * 1024
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")


def test_non_strict_backbone_file_loads_into_its_child_module(tmp_path, caplog):
    """An ImageNet DLA-34 file holds the trunk's keys without the `base.` prefix (and a
    classifier the model has no use for)."""
    donor = small_net("dla34")
    state = dict(donor.base.state_dict())
    state["fc.weight"] = torch.zeros(1000, 512, 1, 1)
    torch.save(state, tmp_path / "dla34-imagenet.pth")
    net = small_net("dla34")
    torch.nn.init.normal_(net.base.base_layer[0].weight)
    with caplog.at_level("WARNING"):
        report = load_checkpoint(net, tmp_path / "dla34-imagenet.pth", strict=False)
    assert report.prefix == "base." and report.unexpected == ["base.fc.weight"]
    assert len(report.loaded) == len(donor.base.state_dict())
    assert "dla_up.ida_0.proj_1.conv.weight" in report.missing
    torch.testing.assert_close(net.base.base_layer[0].weight, donor.base.base_layer[0].weight)
    assert "base.fc.weight" in caplog.text and "left at initialisation" in caplog.text
