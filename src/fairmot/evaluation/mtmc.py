"""Cross-camera (MTMC) evaluation: identities over all cameras at once.

AI City's multi-camera measure is IDF1 (with IDP and IDR) over every camera together: the
ground truth and the results of all cameras are concatenated into one long sequence, camera
after camera (each camera's frames moved past the previous cameras'), and the identity
measure's one-to-one matching of ground-truth and result identities runs over all of it
(boxes match at IoU >= 0.5). A result identity that is one person in camera 1 and another in
camera 2 can be matched to only one of them, so every cross-camera mistake costs. No boxes
are ignored (the multi-camera ground truth holds the evaluated people only).

Per camera, the usual MOTChallenge figures (HOTA, MOTA, IDF1 with TrackEval's MOT17
pre-processing) come from `evaluate_split` over the scene's camera sequences.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..data.formats import MotGroundTruth, MotTracks, read_mot_results
from ..data.formats.mtmc import MtmcRows, MultiCameraScene, camera_number
from .mot_metrics import (
    COMBINED,
    EvaluationError,
    EvaluationResult,
    evaluate_arrays,
    evaluate_split,
)

#: The multi-camera figures (TrackEval's Identity fields; rates in %).
MTMC_METRICS = ("IDF1", "IDP", "IDR", "IDTP", "IDFP", "IDFN")


def concatenate_cameras(gt: MtmcRows, results: MtmcRows) -> tuple:
    """(MotGroundTruth, MotTracks, frames): both as one sequence, camera after camera in
    the order of their numbers, each camera's frames moved by the frames before it (the
    longest of ground truth and results in that camera)."""
    cameras = np.union1d(gt.cameras, results.cameras)
    offsets, total = {}, 0
    for cam in cameras.tolist():
        offsets[cam] = total
        total += int(
            max(
                gt.frames[gt.cameras == cam].max(initial=0),
                results.frames[results.cameras == cam].max(initial=0),
            )
        )
    shift = np.vectorize(offsets.get, otypes=[np.int64])
    gt_frames = gt.frames + (shift(gt.cameras) if len(gt) else 0)
    tr_frames = results.frames + (shift(results.cameras) if len(results) else 0)
    truth = MotGroundTruth(
        frames=gt_frames,
        ids=gt.ids,
        tlwh=gt.tlwh,
        consider=np.ones(len(gt), np.int64),
        classes=np.ones(len(gt), np.int64),
        visibility=np.ones(len(gt)),
    )
    tracks = MotTracks(tr_frames, results.ids, results.tlwh, np.ones(len(results)))
    return truth, tracks, total


def evaluate_multicamera(gt: MtmcRows, results: MtmcRows) -> dict:
    """{IDF1, IDP, IDR (%), IDTP, IDFP, IDFN} over every camera together (module
    docstring)."""
    truth, tracks, frames = concatenate_cameras(gt, results)
    result = evaluate_arrays({"all cameras": (truth, tracks, frames)}, benchmark="custom")
    return {k: v for k, v in result.summary(None)[COMBINED].items() if k in MTMC_METRICS}


def results_from_camera_files(results_dir, cameras: list) -> MtmcRows:
    """The per-camera result files `results_dir/<camera>.txt` (global identities) as one
    multi-camera table (ground positions unknown: -1)."""
    parts = []
    for name in cameras:
        path = Path(results_dir) / f"{name}.txt"
        if not path.is_file():
            raise EvaluationError(
                f"no results for camera {name} in {results_dir} (expected {path})"
            )
        rows = read_mot_results(path)
        parts.append(
            MtmcRows(
                np.full(len(rows), camera_number(name), np.int64),
                rows.ids,
                rows.frames,
                rows.tlwh,
                np.full((len(rows), 2), -1.0),
            )
        )
    return MtmcRows.concatenate(parts)


def evaluate_scene(
    scene_dir: str | os.PathLike, results_dir: str | os.PathLike, benchmark: str = "MOT17"
) -> tuple[EvaluationResult, dict]:
    """A multi-camera scene's per-camera figures (`evaluate_split` over its cameras) and
    its cross-camera figures (`evaluate_multicamera` against its ground_truth.txt), from the
    per-camera result files in `results_dir`."""
    scene = MultiCameraScene(scene_dir)
    names = list(scene.cameras)
    per_camera = evaluate_split(scene.root, results_dir, names, benchmark)
    results = results_from_camera_files(results_dir, names)
    return per_camera, evaluate_multicamera(scene.read_ground_truth(), results)
