"""Camera motion compensation (TRACKER.CMC): the global motion between consecutive frames,
estimated with OpenCV, so that the tracker can move every track's Kalman state with the
camera before association (`JDETracker.update(..., warp=)`).

A moving camera moves everything in the image: the constant-velocity filter, which knows
only the objects' motion, predicts each track where it would be had the camera stood
still, and gating and IoU then fail. The methods (the field's usual three, as in BoT-SORT's
GMC):

- "sof": sparse optical flow: corners (Shi-Tomasi) of the previous frame followed into
  this one by pyramidal Lucas-Kanade, a similarity transform fitted by RANSAC;
- "ecc": OpenCV's enhanced correlation coefficient alignment (a Euclidean transform);
- "orb": ORB keypoints of both frames matched by Hamming distance (ratio test), a
  similarity transform fitted by RANSAC.

Frames are downscaled (DOWNSCALE) and, for "sof" and "orb", the detections' boxes are
masked out, so that people walking do not count as camera motion. Where an estimate fails
(too few points, no convergence) the identity is returned: no compensation for that frame.
OpenCV and numpy only (no torch).
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import boxes

#: Methods of TRACKER.CMC ("none": off).
CMC_METHODS = ("none", "sof", "ecc", "orb")

IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


class CameraMotion:
    """Estimates, frame after frame, the (2, 3) affine warp taking the previous frame's
    pixel coordinates to this frame's (x' = A x + t).

    Args:
        method: "sof", "ecc" or "orb".
        downscale: the frames are shrunk by this factor before estimating (the warp is
            returned in full-resolution pixels).
    """

    def __init__(self, method: str = "sof", downscale: float = 2.0):
        if method not in CMC_METHODS[1:]:
            raise ValueError(
                f"camera motion method must be one of {CMC_METHODS[1:]}, got {method!r}"
            )
        self.method, self.downscale = method, max(float(downscale), 1.0)
        self.previous = None  # (gray image, its mask)
        self.failures = 0

    def reset(self) -> None:
        self.previous, self.failures = None, 0

    def __call__(self, image: np.ndarray, boxes_tlbr: np.ndarray | None = None) -> np.ndarray:
        """The warp from the previous frame to `image` (BGR or gray; identity for the first
        frame). `boxes_tlbr`: (N, 4+) detections of this frame, masked out of the points."""
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if self.downscale > 1:
            size = (int(gray.shape[1] / self.downscale), int(gray.shape[0] / self.downscale))
            gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        mask = self._mask(gray.shape, boxes_tlbr)
        previous, self.previous = self.previous, (gray, mask)
        if previous is None:
            return IDENTITY.copy()
        estimate = {"sof": _sparse_flow, "ecc": _ecc, "orb": _orb}[self.method]
        warp = estimate(previous[0], previous[1], gray, mask)
        if warp is None:
            self.failures += 1
            return IDENTITY.copy()
        warp = warp.astype(np.float64)
        warp[:, 2] *= self.downscale  # translation back in full-resolution pixels
        return warp

    def _mask(self, shape: tuple, boxes_tlbr) -> np.ndarray:
        """255 where points may be taken: inside a 2 % border, outside the detections."""
        h, w = shape
        mask = np.zeros((h, w), np.uint8)
        mask[int(0.02 * h) : int(0.98 * h), int(0.02 * w) : int(0.98 * w)] = 255
        if boxes_tlbr is not None and len(boxes_tlbr):
            scaled = np.asarray(boxes_tlbr, dtype=np.float64)[:, :4] / self.downscale
            for x1, y1, x2, y2 in np.round(scaled).astype(int).tolist():
                mask[max(y1, 0) : max(y2, 0), max(x1, 0) : max(x2, 0)] = 0
        return mask


def _sparse_flow(prev, prev_mask, gray, mask):
    points = cv2.goodFeaturesToTrack(
        prev, maxCorners=500, qualityLevel=0.01, minDistance=3, blockSize=3, mask=prev_mask
    )
    if points is None or len(points) < 8:
        return None
    moved, status, _ = cv2.calcOpticalFlowPyrLK(prev, gray, points, None)
    ok = status.ravel() == 1
    return _fit(points[ok], moved[ok])


def _ecc(prev, prev_mask, gray, mask):
    """ECC coarse to fine: on frames halved twice more first, so that a motion of many
    pixels (a pan) is found near the start of the finer search instead of a nearby
    repetition of the texture (windows, tiles)."""
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-5)
    for level in (2, 1, 0):
        a, b = prev, gray
        for _ in range(level):
            a, b = cv2.pyrDown(a), cv2.pyrDown(b)
        try:  # the warp W with prev(x) = gray(W x): previous coordinates to this frame's
            _, warp = cv2.findTransformECC(a, b, warp, cv2.MOTION_EUCLIDEAN, criteria, None, 5)
        except cv2.error:  # no convergence
            return None
        if level:
            warp[:, 2] *= 2  # the next level's pixels
    return warp


def _orb(prev, prev_mask, gray, mask):
    orb = cv2.ORB_create(nfeatures=1000)
    kp1, des1 = orb.detectAndCompute(prev, prev_mask)
    kp2, des2 = orb.detectAndCompute(gray, mask)
    if des1 is None or des2 is None or len(kp1) < 8 or len(kp2) < 8:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(des1, des2, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.75 * p[1].distance]
    if len(good) < 8:
        return None
    src = np.float32([kp1[m.queryIdx].pt for m in good])
    dst = np.float32([kp2[m.trainIdx].pt for m in good])
    return _fit(src, dst)


def _fit(src, dst):
    """A similarity transform (rotation, uniform scale, translation) by RANSAC, or None."""
    if len(src) < 8:
        return None
    warp, inliers = cv2.estimateAffinePartial2D(
        src.reshape(-1, 2), dst.reshape(-1, 2), method=cv2.RANSAC, ransacReprojThreshold=1.0
    )
    if warp is None or inliers is None or inliers.sum() < 8:
        return None
    return warp


def build_camera_motion(tracker_cfg) -> CameraMotion | None:
    """A fresh estimator for one sequence as TRACKER.CMC / CMC_DOWNSCALE say; None when
    off."""
    if tracker_cfg.CMC == "none":
        return None
    return CameraMotion(tracker_cfg.CMC, tracker_cfg.CMC_DOWNSCALE)


def warp_boxes_tlwh(tlwh: np.ndarray, warp: np.ndarray) -> np.ndarray:
    """(N, 4) x y w h boxes moved by a (2, 3) similarity warp: the centre by the full
    warp, the height by its scale, the aspect unchanged (as `kalman.warp` moves a state)."""
    xyah = boxes.tlwh_to_xyah(np.asarray(tlwh, dtype=np.float64).reshape(-1, 4))
    linear, shift = warp[:, :2], warp[:, 2]
    xyah[:, :2] = xyah[:, :2] @ linear.T + shift
    xyah[:, 3] *= np.sqrt(abs(np.linalg.det(linear)))
    return boxes.xyah_to_tlwh(xyah)
