"""Training-sample speed: one 1920x1080 JPEG with 30 boxes to network input and targets, on
one core, ours vs the original loader's operations re-created here, side by side.

    python benchmarks/data_speed.py [--samples 40]

Also target encoding alone: `fairmot.data.targets.encode_targets` (vectorised) vs the
original's object-by-object loop, for 30 and 200 boxes.

The baseline does what the original JointDataset does per sample: full-resolution decode,
HSV jitter on the full image in float32, letterbox (area resize + pad), random affine with
warpPerspective on the letterboxed image, then targets object by object. Ours: decode at
half resolution when the transform shrinks by 2 or more, one warpAffine for letterbox and
augmentation together, HSV jitter by lookup tables on the small image, vectorised targets.
"""

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

import cv2
import numpy as np
from common import Row, format_rows, median_seconds

from fairmot.data.augment import AugmentParams, random_affine_matrix, transform_boxes
from fairmot.data.dataset import JointDataset
from fairmot.data.formats import DataCfg, write_image_list, write_jde_labels
from fairmot.data.letterbox import letterbox
from fairmot.data.synthetic import Renderer, Scene, SceneParams
from fairmot.data.targets import encode_targets, gaussian_radius

INPUT = (1088, 608)


def baseline_sample(path: Path, labels: np.ndarray, rng: np.random.Generator):
    image = cv2.imread(str(path))
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    for channel in (1, 2):
        values = hsv[:, :, channel].astype(np.float32) * rng.uniform(0.5, 1.5)
        np.clip(values, 0, 255, out=values)
        hsv[:, :, channel] = values.astype(np.uint8)
    cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR, dst=image)
    h, w = image.shape[:2]
    padded, ratio, dw, dh = letterbox(image, *INPUT)
    boxes = np.stack(
        [
            ratio * w * (labels[:, 2] - labels[:, 4] / 2) + dw,
            ratio * h * (labels[:, 3] - labels[:, 5] / 2) + dh,
            ratio * w * (labels[:, 2] + labels[:, 4] / 2) + dw,
            ratio * h * (labels[:, 3] + labels[:, 5] / 2) + dh,
        ],
        1,
    )
    matrix, angle = random_affine_matrix(rng, AugmentParams(), INPUT)
    warped = cv2.warpPerspective(
        padded, matrix, INPUT, flags=cv2.INTER_LINEAR, borderValue=(127.5, 127.5, 127.5)
    )
    boxes, keep = transform_boxes(boxes, matrix, angle, INPUT, AugmentParams())
    rgb = np.ascontiguousarray(warped[:, :, ::-1].transpose(2, 0, 1))
    width, height = INPUT
    cxcywh = np.c_[(boxes[:, :2] + boxes[:, 2:]) / 2, boxes[:, 2:] - boxes[:, :2]]
    targets = baseline_targets(
        cxcywh[keep] / [width, height, width, height], labels[keep, 1], (width // 4, height // 4)
    )
    return rgb, targets


def baseline_targets(boxes: np.ndarray, ids: np.ndarray, output_wh, max_objs: int = 500):
    """The original's target encoding, object by object (boxes: (N, 4) cx cy w h normalised)."""
    out_w, out_h = output_wh
    hm = np.zeros((1, out_h, out_w), np.float32)
    wh = np.zeros((max_objs, 4), np.float32)
    reg = np.zeros((max_objs, 2), np.float32)
    ind = np.zeros(max_objs, np.int64)
    reg_mask = np.zeros(max_objs, np.uint8)
    ids_out = np.zeros(max_objs, np.int64)
    for k, (box, identity) in enumerate(zip(boxes * [out_w, out_h, out_w, out_h], ids)):
        cx, cy, bw, bh = box
        if bw <= 0 or bh <= 0:
            continue
        cx, cy = min(max(cx, 0), out_w - 1), min(max(cy, 0), out_h - 1)
        radius = max(0, int(gaussian_radius(np.ceil(bh), np.ceil(bw))))
        d = 2 * radius + 1
        m = (d - 1) / 2
        y, x = np.ogrid[-m : m + 1, -m : m + 1]
        g = np.exp(-(x * x + y * y) / (2 * (d / 6) ** 2))
        ix, iy = int(cx), int(cy)
        left, right = min(ix, radius), min(out_w - ix, radius + 1)
        top, bottom = min(iy, radius), min(out_h - iy, radius + 1)
        region = hm[0, iy - top : iy + bottom, ix - left : ix + right]
        np.maximum(
            region, g[radius - top : radius + bottom, radius - left : radius + right], out=region
        )
        x1, y1 = box[0] - bw / 2, box[1] - bh / 2
        wh[k] = cx - x1, cy - y1, x1 + bw - cx, y1 + bh - cy
        ind[k] = iy * out_w + ix
        reg[k] = cx - ix, cy - iy
        reg_mask[k] = 1
        ids_out[k] = identity
    return hm, wh, reg, ind, reg_mask, ids_out


def target_rows(counts=(30, 200), repeat: int = 50) -> list:
    """Target encoding of one 1088x608 input with N boxes: vectorised vs object by object."""
    rng = np.random.default_rng(0)
    output_wh = (INPUT[0] // 4, INPUT[1] // 4)
    rows = []
    for n in counts:
        boxes = np.c_[
            rng.uniform(0.05, 0.95, (n, 2)), rng.uniform(0.01, 0.06, n), rng.uniform(0.05, 0.3, n)
        ].astype(np.float32)
        ids = np.arange(n)
        classes = np.zeros(n, np.int64)
        ours = median_seconds(partial(encode_targets, boxes, classes, ids, output_wh), repeat)
        theirs = median_seconds(partial(baseline_targets, boxes, ids, output_wh), repeat)
        rows.append(
            Row(
                f"target encoding, {n} boxes, 272x152 maps",
                "ms/image",
                1e3 * ours,
                1e3 * theirs,
                "object by object, the original's",
            )
        )
    return rows


def sample_timings(samples: int = 40) -> dict:
    """Median seconds per training sample: {"original operations": s, "ours (JointDataset)": s}."""
    cv2.setNumThreads(1)
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # A street-like 1920x1080 frame: the synthetic renderer at full HD, 30 people.
        scene_rng = np.random.default_rng(1)
        scene = Scene(SceneParams(width=1920, height=1080, num_people=30), scene_rng)
        renderer = Renderer(scene, scene_rng)
        scene.step()
        (root / "ds/images").mkdir(parents=True)
        cv2.imwrite(
            str(root / "ds/images/0.jpg"), renderer.render().image, [cv2.IMWRITE_JPEG_QUALITY, 90]
        )
        centres = rng.uniform(0.1, 0.9, (30, 2))
        labels = np.c_[
            np.zeros(30),
            np.arange(30),
            centres,
            rng.uniform(0.02, 0.06, 30),
            rng.uniform(0.1, 0.3, 30),
        ]
        write_jde_labels(root / "ds/labels_with_ids/0.txt", labels)
        write_image_list(root / "ds.train", ["ds/images/0.jpg"])
        dataset = JointDataset(
            DataCfg(root=root, train={"ds": root / "ds.train"}),
            input_wh=INPUT,
            augment=AugmentParams(),
        )
        timings = {"original operations": [], "ours (JointDataset)": []}
        for k in range(samples):
            start = time.perf_counter()
            baseline_sample(root / "ds/images/0.jpg", labels, rng)
            timings["original operations"].append(time.perf_counter() - start)
            dataset.set_epoch(k)
            start = time.perf_counter()
            dataset[0]
            timings["ours (JointDataset)"].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in timings.items()}


def summary_rows(samples: int = 40) -> list:
    timings = sample_timings(samples)
    return target_rows() + [
        Row(
            "training sample, 1920x1080 JPEG, 30 boxes, augmented, 1 thread",
            "ms/sample",
            1e3 * timings["ours (JointDataset)"],
            1e3 * timings["original operations"],
            "the original loader's operations",
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    print(format_rows(summary_rows(args.samples)))


if __name__ == "__main__":
    main()
