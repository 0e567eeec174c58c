"""The heads evaluated at the heatmap peaks only (INFERENCE.PEAK_HEADS) against the dense head
maps."""

import numpy as np
import pytest
import torch

from fairmot.models import ARCHITECTURES, build_network, head_channels
from fairmot.models.decode import decode, top_peaks
from fairmot.models.heads import heads_at_points


def test_heads_at_points_by_hand():
    # One 3x3 convolution of ones (bias 1), ReLU, then the identity: the value at a point is
    # 1 + the sum of its 3x3 neighbourhood, zeros outside the 3x4 map.
    head = torch.nn.Sequential(
        torch.nn.Conv2d(1, 1, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(1, 1, 1)
    )
    torch.nn.init.ones_(head[0].weight), torch.nn.init.ones_(head[0].bias)
    torch.nn.init.ones_(head[2].weight), torch.nn.init.zeros_(head[2].bias)
    feature = torch.arange(12.0).view(1, 1, 3, 4)
    inds = torch.tensor([[0, 5, 11]])  # corners and a middle cell
    (values,) = heads_at_points([head], feature, inds)
    # (0, 0): 0 + 1 + 4 + 5; (1, 1): 0+1+2+4+5+6+8+9+10; (2, 3): 6 + 7 + 10 + 11.
    torch.testing.assert_close(values[0, :, 0], torch.tensor([11.0, 46.0, 35.0]))


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_peaks_decode_as_the_dense_maps(arch):
    torch.manual_seed(0)
    net = build_network(arch, head_channels(2, True, 16), head_conv=32).eval()
    for module in net.modules():  # non-zero biases, so the zero padding is checked too
        if isinstance(module, torch.nn.Conv2d) and module.bias is not None:
            torch.nn.init.normal_(module.bias, std=0.1)
    x = torch.rand(2, 3, 96, 160)
    with torch.no_grad():
        dense, at_peaks = net(x), net.forward_peaks(x, 40)
    scores, flat = top_peaks(dense["hm"].sigmoid(), 40)
    torch.testing.assert_close(at_peaks["peak_index"], flat, rtol=0, atol=0)
    torch.testing.assert_close(at_peaks["peak_scores"], scores, rtol=0, atol=0)
    kwargs = dict(conf_thres=0.0, k=40)
    for ours, theirs in zip(
        decode(at_peaks, (320, 192), (160, 96), **kwargs),
        decode(dense, (320, 192), (160, 96), **kwargs),
    ):
        np.testing.assert_array_equal(ours.classes, theirs.classes)
        np.testing.assert_allclose(ours.boxes, theirs.boxes, rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(ours.embeddings, theirs.embeddings, rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="needs the dense id map"):
        decode(at_peaks, (320, 192), (160, 96), sampling="pos_anchor")
