"""Converters from the public multi-camera releases to the multi-camera scene layout
(`data.formats.mtmc`: a MOT sequence per camera with global identities, its calibration as
a ground -> image homography in metres, the scene's ground_truth.txt and timestamps.txt).

AI City Challenge MTMC / CityFlow (a scenario folder, e.g. train/S01)::

    S01/c001/vdo.avi                  the camera's video
    S01/c001/gt/gt.txt                frame,id,left,top,width,height,1,-1,-1,-1 (global ids)
    S01/c001/calibration.txt          "Homography matrix: ..." GPS (latitude, longitude) ->
                                      image; a fisheye camera's "Intrinsic parameter matrix"
                                      and "Distortion coefficients" lines are not used
    cam_timestamp/S01.txt             "c001 0.000" per camera: seconds its video lags

The homographies of GPS degrees become homographies of metres on a local plane (east,
north) around the mean GPS position of the scenario's annotated boxes, so the ground-plane
gates (MULTICAM.MAX_SPEED in m/s) apply; the GPS order is AI City's (latitude, longitude).

WILDTRACK (seven overlapping cameras, 400 annotated frames at 2 frames/s)::

    Image_subsets/C1/00000000.png ... annotations_positions/00000000.json ...
    calibrations/intrinsic_zero/intr_CVLab1.xml   camera_matrix (OpenCV storage)
    calibrations/extrinsic/extr_CVLab1.xml        rvec, tvec (world in centimetres)

Each annotation frame lists {"personID", "positionID", "views": [{"viewNum", "xmin", "ymin",
"xmax", "ymax"} (-1 where not seen)]}; a positionID is a cell of the 480 x 1440 ground grid
of 2.5 cm from (-3.0, -9.0) m, X first. Cameras are written as c01..c07.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np

from ...boxes import tlwh_to_ground
from ..formats import (
    FormatError,
    MotGroundTruth,
    SeqInfo,
    read_mot_gt,
    write_mot_gt,
    write_seqinfo,
)
from ..formats.mtmc import (
    CALIBRATION_FILE,
    GROUND_TRUTH_FILE,
    TIMESTAMPS_FILE,
    MtmcRows,
    camera_number,
    read_calibration,
    read_time_offsets,
    write_calibration,
    write_mtmc,
    write_time_offsets,
)

METRES_PER_DEGREE = 111_320.0  # of latitude; of longitude times cos(latitude)
WILDTRACK_CAMERAS = ("CVLab1", "CVLab2", "CVLab3", "CVLab4", "IDIAP1", "IDIAP2", "IDIAP3")
WILDTRACK_GRID = (480, 1440, 0.025, -3.0, -9.0)  # columns, rows, cell (m), origin X, Y (m)
WILDTRACK_FRAME_STEP, WILDTRACK_FRAME_RATE = 5, 2.0


def _metres_to_gps(origin) -> np.ndarray:
    """(3, 3) local metres (east, north, 1) -> GPS (latitude, longitude, 1) around `origin`
    (latitude, longitude) in degrees: the tangent plane, exact to centimetres over a
    scenario's few hundred metres."""
    lat0, lon0 = origin
    per_lon = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    return np.array([[0, 1 / METRES_PER_DEGREE, lat0], [1 / per_lon, 0, lon0], [0, 0, 1]])


def _write_camera(out: Path, name: str, frames: int, frame_rate, size, gt: MotGroundTruth):
    (out / "gt").mkdir(parents=True, exist_ok=True)
    write_mot_gt(out / "gt" / "gt.txt", gt)
    write_seqinfo(out, SeqInfo(name, "img1", frame_rate, frames, size[0], size[1], ".jpg"))


def _extract_video(video: Path, img_dir: Path) -> tuple:
    """Every frame of `video` as img_dir/000001.jpg ...; (frames, frame rate, (w, h))."""
    img_dir.mkdir(parents=True, exist_ok=True)
    capture = cv2.VideoCapture(str(video))
    rate, count, size = capture.get(cv2.CAP_PROP_FPS) or 10.0, 0, (0, 0)
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            count += 1
            size = (image.shape[1], image.shape[0])
            cv2.imwrite(str(img_dir / f"{count:06d}.jpg"), image)
    finally:
        capture.release()
    if not count:
        raise FormatError(video, "no frame could be read from this video")
    return count, float(rate), size


def convert_aicity_scenario(src, out, timestamps=None) -> dict:
    """An AI City / CityFlow scenario folder (`src`, e.g. train/S01) as a multi-camera
    scene in `out`; `timestamps`: its cam_timestamp file (default: the release's
    cam_timestamp/<scenario>.txt two levels up, if there). Returns a summary."""
    src, out = Path(src), Path(out)
    cameras = sorted(d for d in src.iterdir() if (d / "vdo.avi").is_file())
    if not cameras:
        raise FormatError(src, "no camera folders with a vdo.avi (an AI City scenario: c001/...)")
    truths = {cam.name: read_mot_gt(cam / "gt" / "gt.txt") for cam in cameras}
    gps = {cam.name: read_calibration(cam / CALIBRATION_FILE) for cam in cameras}
    feet = [tlwh_to_ground(truths[c].tlwh, np.linalg.inv(gps[c])) for c in truths]
    feet = np.concatenate(feet)
    if not np.isfinite(feet).any():
        raise FormatError(src, "no annotated box to place the local ground plane at")
    to_gps = _metres_to_gps(np.nanmean(feet, axis=0))
    parts = []
    for cam in cameras:
        frames, rate, size = _extract_video(cam / "vdo.avi", out / cam.name / "img1")
        gt = truths[cam.name]
        _write_camera(out / cam.name, cam.name, frames, rate, size, gt)
        metres_to_image = gps[cam.name] @ to_gps
        write_calibration(out / cam.name / CALIBRATION_FILE, metres_to_image)
        world = tlwh_to_ground(gt.tlwh, np.linalg.inv(metres_to_image))
        number = np.full(len(gt), camera_number(cam.name), np.int64)
        parts.append(MtmcRows(number, gt.ids, gt.frames, gt.tlwh, np.round(world, 3)))
    _write_scene_truth(out, parts)
    stamps = (
        Path(timestamps) if timestamps else src.parents[1] / "cam_timestamp" / f"{src.name}.txt"
    )
    if stamps.is_file():
        offsets = read_time_offsets(stamps)
        write_time_offsets(
            out / TIMESTAMPS_FILE, {c.name: offsets.get(c.name, 0.0) for c in cameras}
        )
    return {"scene": out.name, "cameras": [c.name for c in cameras], "rows": sum(map(len, parts))}


def _write_scene_truth(out: Path, parts: list) -> None:
    write_mtmc(out / GROUND_TRUTH_FILE, MtmcRows.concatenate(parts))


def wildtrack_position(position_ids) -> np.ndarray:
    """(N, 2) ground metres (X, Y) of WILDTRACK positionIDs (the release's grid)."""
    columns, _, cell, x0, y0 = WILDTRACK_GRID
    ids = np.asarray(position_ids, np.int64)
    return np.stack([x0 + cell * (ids % columns), y0 + cell * (ids // columns)], axis=1)


def wildtrack_homography(intrinsic_xml, extrinsic_xml) -> np.ndarray:
    """(3, 3) ground metres (X, Y, 1) -> image pixels of one WILDTRACK camera: K [r1 r2 t]
    with the world's centimetres scaled to metres."""
    storage = cv2.FileStorage(str(intrinsic_xml), cv2.FILE_STORAGE_READ)
    matrix = storage.getNode("camera_matrix").mat() if storage.isOpened() else None
    storage.release()
    if matrix is None or matrix.shape != (3, 3):
        raise FormatError(intrinsic_xml, "expected an OpenCV storage with a 3x3 camera_matrix")
    try:
        root = ET.parse(extrinsic_xml).getroot()
        rvec, tvec = (np.array(root.find(k).text.split(), np.float64) for k in ("rvec", "tvec"))
    except (ET.ParseError, AttributeError, ValueError) as exc:
        raise FormatError(
            extrinsic_xml, f"expected <rvec> and <tvec> of 3 numbers ({exc})"
        ) from None
    rotation, _ = cv2.Rodrigues(rvec.reshape(3))
    centimetres = np.column_stack([rotation[:, 0], rotation[:, 1], tvec.reshape(3)])
    return matrix @ centimetres @ np.diag([100.0, 100.0, 1.0])


def _wildtrack_rows(src: Path) -> tuple:
    """Every annotation file's rows: (frame numbers, (camera index, id, frame, tlbr)...)."""
    files = sorted((src / "annotations_positions").glob("*.json"))
    if not files:
        raise FormatError(src, "no annotations_positions/*.json (a WILDTRACK release)")
    rows, positions = [], {}
    for frame, path in enumerate(files, start=1):
        try:
            people = json.loads(path.read_text())
            for person in people:
                positions[(frame, int(person["personID"]))] = int(person["positionID"])
                for view in person["views"]:
                    box = [view[k] for k in ("xmin", "ymin", "xmax", "ymax")]
                    if any(v != -1 for v in box):  # -1 -1 -1 -1: not seen
                        rows.append((int(view["viewNum"]), int(person["personID"]), frame, box))
        except (ValueError, KeyError, TypeError) as exc:
            raise FormatError(path, f"not a WILDTRACK annotation frame ({exc})") from None
    return files, rows, positions


def convert_wildtrack(src, out) -> dict:
    """The WILDTRACK release (`src`, holding Image_subsets/, annotations_positions/,
    calibrations/) as one multi-camera scene in `out`. Returns a summary."""
    src, out = Path(src), Path(out)
    files, rows, positions = _wildtrack_rows(src)
    parts = []
    for index, camera in enumerate(WILDTRACK_CAMERAS):
        images = src / "Image_subsets" / f"C{index + 1}"
        if images.is_dir():
            mine = [r for r in rows if r[0] == index]
            parts.append(_wildtrack_camera(src, out, index, camera, images, files, mine, positions))
    if not parts:
        raise FormatError(src / "Image_subsets", "no camera folders C1 ... C7")
    _write_scene_truth(out, parts)
    return {"scene": out.name, "cameras": len(parts), "frames": len(files)}


def _wildtrack_camera(src, out, index, camera, images, files, rows, positions) -> MtmcRows:
    """One WILDTRACK camera as c0N/ (frames, gt, calibration); its rows of the scene's
    ground truth, with ground positions from the positionIDs."""
    name, n = f"c{index + 1:02d}", len(rows)
    size = _link_frames(images, files, out / name / "img1")
    tlbr = np.array([r[3] for r in rows], np.float64).reshape(-1, 4)
    tlwh = np.c_[tlbr[:, :2], tlbr[:, 2:] - tlbr[:, :2]]
    ids, frames = (np.array([r[k] for r in rows], np.int64) for k in (1, 2))
    ones = np.ones(n, np.int64)
    gt = MotGroundTruth(frames, ids, tlwh, ones, ones, np.ones(n))
    _write_camera(out / name, name, len(files), WILDTRACK_FRAME_RATE, size, gt)
    calib = src / "calibrations"
    homography = wildtrack_homography(
        calib / "intrinsic_zero" / f"intr_{camera}.xml",
        calib / "extrinsic" / f"extr_{camera}.xml",
    )
    write_calibration(out / name / CALIBRATION_FILE, homography)
    world = wildtrack_position([positions[(f, i)] for f, i in zip(frames, ids)]).reshape(-1, 2)
    return MtmcRows(np.full(n, index + 1, np.int64), ids, frames, tlwh, world)


def _link_frames(images: Path, annotation_files: list, img_dir: Path) -> tuple:
    """Each annotated frame's image (same stem as its annotation file) as img_dir/NNNNNN
    (linked where the file system allows, else copied); returns (width, height)."""
    img_dir.mkdir(parents=True, exist_ok=True)
    size = None
    for frame, annotation in enumerate(annotation_files, start=1):
        matches = sorted(images.glob(f"{annotation.stem}.*"))
        if not matches:
            raise FormatError(images, f"no image {annotation.stem}.* for {annotation.name}")
        target = img_dir / f"{frame:06d}.jpg"
        image = cv2.imread(str(matches[0]))
        if image is None:
            raise FormatError(matches[0], "not a readable image")
        size = size or (image.shape[1], image.shape[0])
        if matches[0].suffix.lower() in (".jpg", ".jpeg"):
            _link_or_copy(matches[0], target)
        else:  # PNG in the release: the sequence layout reads .jpg frames
            cv2.imwrite(str(target), image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    return size


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
