"""Detection AP as the original JDE/FairMOT `test_det.py` defines it.

Per image: detections sorted by score are matched greedily to the ground-truth box of
highest IoU (x1 y1 x2 y2, no +1), a match counting when IoU > threshold and that box is not
taken yet; AP is the area under the monotone precision envelope of that image's
precision-recall curve. The reported mAP is the sum of per-image APs over the number of
images with ground truth (an image without ground truth adds 0 to the sum, as in the
original).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one (4,) x1 y1 x2 y2 box with (M, 4) boxes (continuous coordinates)."""
    iw = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    ih = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = iw * ih
    union = (
        (box[2] - box[0]) * (box[3] - box[1])
        + (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        - inter
    )
    return inter / np.maximum(union, 1e-16)


def match_detections(dets: np.ndarray, gt_boxes: np.ndarray, iou_thres: float = 0.5):
    """(N,) 0/1 correctness of (N, 5) x1 y1 x2 y2 score detections, in the given order."""
    correct = np.zeros(len(dets))
    taken = set()
    if len(gt_boxes) == 0:
        return correct
    for k, det in enumerate(dets):
        iou = box_iou(det[:4], gt_boxes)
        best = int(np.argmax(iou))
        if iou[best] > iou_thres and best not in taken:
            correct[k] = 1
            taken.add(best)
    return correct


def average_precision(correct: np.ndarray, scores: np.ndarray, num_gt: int):
    """(AP, recall, precision) of one image (one class)."""
    if len(correct) == 0 or num_gt == 0:
        return 0.0, 0.0, 0.0
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(correct[order])
    fp = np.cumsum(1 - correct[order])
    recall = tp / (num_gt + 1e-16)
    precision = tp / (tp + fp)
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]  # the precision envelope
    steps = np.flatnonzero(mrec[1:] != mrec[:-1])
    ap = float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))
    return ap, float(recall[-1]), float(precision[-1])


@dataclass
class DetectionAP:
    """Accumulates per-image AP, recall and precision."""

    iou_thres: float = 0.5
    aps: list = field(default_factory=list)
    recalls: list = field(default_factory=list)
    precisions: list = field(default_factory=list)
    images_with_gt: int = 0

    def add(self, dets: np.ndarray, gt_boxes: np.ndarray) -> None:
        """One image: (N, 5) detections sorted by descending score, (M, 4) gt boxes."""
        if len(gt_boxes) == 0:
            self.aps.append(0.0)
            self.recalls.append(0.0)
            self.precisions.append(0.0)
            return
        self.images_with_gt += 1
        correct = match_detections(dets, gt_boxes, self.iou_thres)
        ap, recall, precision = average_precision(correct, dets[:, 4], len(gt_boxes))
        self.aps.append(ap)
        self.recalls.append(recall)
        self.precisions.append(precision)

    def summary(self) -> dict:
        count = self.images_with_gt + 1e-16
        return {
            "mAP": float(np.sum(self.aps) / count),
            "recall": float(np.sum(self.recalls) / count),
            "precision": float(np.sum(self.precisions) / count),
            "images": len(self.aps),
        }
