"""The letterbox on a torch device (INFERENCE.DEVICE_LETTERBOX) against OpenCV's on the CPU:
the same network input to the bit, and the same detections. Run here on the CPU device; a
GPU runs the same tensor code."""

import cv2
import numpy as np
import pytest
import torch

from fairmot.data.letterbox import area_taps, letterbox, to_network_input
from fairmot.inference import Detector
from fairmot.inference.device_letterbox import DeviceLetterbox


def test_area_taps_by_hand():
    # 5 -> 2: footprints [0, 2.5) and [2.5, 5): pixels 0, 1 whole and half of 2, each / 2.5
    index, weight = area_taps(5, 2)
    np.testing.assert_array_equal(index, [[0, 1, 2], [2, 3, 4]])
    np.testing.assert_allclose(weight, [[0.4, 0.4, 0.2], [0.2, 0.4, 0.4]], rtol=1e-6)
    with pytest.raises(ValueError, match="shrink"):
        area_taps(2, 5)


@pytest.mark.parametrize(
    "frame_wh, input_wh",
    [
        ((1920, 1080), (1088, 608)),  # MOT17's frames, the paper's input
        ((1920, 1080), (576, 320)),
        ((640, 480), (576, 320)),
        ((1152, 640), (576, 320)),  # exactly half: OpenCV rounds half up there
        ((3840, 2160), (1088, 608)),
        ((320, 240), (576, 320)),  # enlarged: OpenCV's bilinear path, on the CPU
    ],
)
def test_device_letterbox_gives_opencvs_pixels(frame_wh, input_wh):
    rng = np.random.default_rng(frame_wh[0])
    frame = rng.integers(0, 256, (frame_wh[1], frame_wh[0], 3), np.uint8)
    frame[::7] = cv2.GaussianBlur(frame, (9, 9), 3)[::7]  # smooth rows too, not only noise
    padded, *_ = letterbox(frame, *input_wh)
    expected = to_network_input(padded)[None]
    ours = DeviceLetterbox(input_wh, torch.device("cpu"))(frame)
    assert ours.shape == expected.shape and ours.dtype == torch.float32
    np.testing.assert_array_equal(ours.numpy(), expected)


def test_a_detector_letterboxing_on_its_device_detects_the_same():
    from fairmot.models import build_network, head_channels
    from fairmot.models.decode import DecodeParams

    torch.manual_seed(0)
    net = build_network("resnet18_fpn", head_channels(1, True, 16), head_conv=32)
    params = DecodeParams(conf_thres=0.05, k=50)
    cpu = torch.device("cpu")
    on_cpu = Detector(net, (160, 96), cpu, decode_params=params)
    on_device = Detector(net, (160, 96), cpu, decode_params=params, device_letterbox=True)
    frame = np.random.default_rng(1).integers(0, 256, (360, 640, 3), np.uint8)
    assert on_device.prepare(frame) is frame  # the frame goes to the device as it is
    ours, theirs = on_device(frame), on_cpu(frame)
    assert len(theirs.boxes) > 0
    np.testing.assert_array_equal(ours.boxes, theirs.boxes)
    np.testing.assert_array_equal(ours.embeddings, theirs.embeddings)
