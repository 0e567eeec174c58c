"""CUDA graphs (INFERENCE.CUDA_GRAPHS): a recorded network gives the network's outputs, for
each batch size, call after call. Needs a CUDA device (skipped without one)."""

import functools

import pytest
import torch

from fairmot.inference.cuda_graphs import GraphedNetwork
from fairmot.models import build_network, head_channels

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.parametrize("peaks", [False, True])
def test_a_graphed_network_equals_the_network(peaks):
    torch.manual_seed(0)
    net = build_network("dla34", head_channels(1, True, 16), head_conv=32).cuda().eval()
    network = functools.partial(net.forward_peaks, k=50) if peaks else net
    graphed = GraphedNetwork(network)
    for batch in (1, 3, 1):  # a graph per batch size, the first one replayed again
        inputs = [torch.rand(batch, 3, 96, 160, device="cuda") for _ in range(2)]
        with torch.no_grad():
            expected = [network(x) for x in inputs]
        got = [graphed(x) for x in inputs]  # the first result survives the second replay
        for ours, theirs in zip(got, expected):
            assert set(ours) == set(theirs)
            for key in theirs:
                torch.testing.assert_close(ours[key], theirs[key], rtol=1e-4, atol=1e-4)
    assert len(graphed.graphs) == 2
    with pytest.raises(ValueError, match="CUDA device"):
        graphed(torch.rand(1, 3, 96, 160))


def test_an_fp16_network_on_cuda_is_close_to_float32():
    """Weights and input in fp16 (INFERENCE.PRECISION): the deformable layers compute in
    float32 (fp16 sampling coordinates would be coarse), the rest in fp16."""
    torch.manual_seed(0)
    net = build_network("dla34", head_channels(1, True, 16), head_conv=32).cuda().eval()
    x = torch.rand(2, 3, 96, 160, device="cuda")
    with torch.no_grad():
        expected = net(x)
        half = net.half()(x.half())
    for key, value in expected.items():
        scale = value.abs().max()
        assert half[key].dtype == torch.float16
        assert (half[key].float() - value).abs().max() < 0.02 * scale + 0.02
