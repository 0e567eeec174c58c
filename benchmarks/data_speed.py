"""Training-sample speed: one 1920x1080 JPEG with 30 boxes to network input and targets, on
one core, ours vs the original loader's operations re-created here, side by side.

    python benchmarks/data_speed.py [--samples 40]

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
from pathlib import Path

import cv2
import numpy as np

from fairmot.data.augment import AugmentParams, random_affine_matrix, transform_boxes
from fairmot.data.dataset import JointDataset
from fairmot.data.formats import DataCfg, write_image_list, write_jde_labels
from fairmot.data.letterbox import letterbox
from fairmot.data.synthetic import Renderer, Scene, SceneParams
from fairmot.data.targets import gaussian_radius

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
    out_w, out_h = INPUT[0] // 4, INPUT[1] // 4
    hm = np.zeros((1, out_h, out_w), np.float32)
    for box in boxes[keep] / 4:  # object by object, as the original
        bw, bh = box[2] - box[0], box[3] - box[1]
        radius = max(0, int(gaussian_radius(np.ceil(bh), np.ceil(bw))))
        d = 2 * radius + 1
        m = (d - 1) / 2
        y, x = np.ogrid[-m : m + 1, -m : m + 1]
        g = np.exp(-(x * x + y * y) / (2 * (d / 6) ** 2))
        cx, cy = int((box[0] + box[2]) / 2), int((box[1] + box[3]) / 2)
        cx, cy = min(max(cx, 0), out_w - 1), min(max(cy, 0), out_h - 1)
        left, right = min(cx, radius), min(out_w - cx, radius + 1)
        top, bottom = min(cy, radius), min(out_h - cy, radius + 1)
        region = hm[0, cy - top : cy + bottom, cx - left : cx + right]
        np.maximum(
            region, g[radius - top : radius + bottom, radius - left : radius + right], out=region
        )
    return rgb, hm


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
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
            DataCfg(root=root, train={"ds": root / "ds.train"}), INPUT, AugmentParams()
        )
        timings = {"original operations": [], "ours (JointDataset)": []}
        for k in range(args.samples):
            start = time.perf_counter()
            baseline_sample(root / "ds/images/0.jpg", labels, rng)
            timings["original operations"].append(time.perf_counter() - start)
            dataset.set_epoch(k)
            start = time.perf_counter()
            dataset[0]
            timings["ours (JointDataset)"].append(time.perf_counter() - start)
    print(f"1920x1080 JPEG, 30 boxes, augmentation on, 1 thread, {args.samples} samples")
    print("| pipeline | ms per sample (median) |\n|---|---|")
    medians = {name: 1e3 * statistics.median(t) for name, t in timings.items()}
    for name, ms in medians.items():
        print(f"| {name} | {ms:.1f} |")
    base, ours = medians.values()
    print(f"speed-up: {base / ours:.2f}x")


if __name__ == "__main__":
    main()
