"""A multi-view synthetic scene: one world of people walking along a street, seen through
2-4 fixed cameras with overlapping and non-overlapping fields of view.

World units are metres on the ground plane: X along the street (0 .. street length), Z
across it (people walk in a band Z_BAND); a walker's `x`, `z` are its world X, Z here.
Every camera is the single-camera model of `scene.Camera` (pinhole over a flat ground)
placed at a ground position, a height and a heading (`CameraPose`): a world point becomes
a camera point (lateral x, depth z) by a rotation and a translation, then a pixel as in
one-camera scenes. So each camera's ground-plane homography is exact (`CameraPose.
homography`), and a person's identity is the same in every camera that sees it: the ground
truth carries global identities.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ..formats import SeqInfo, write_mot_gt, write_seqinfo
from ..formats.mtmc import (
    CALIBRATION_FILE,
    GROUND_TRUTH_FILE,
    MtmcRows,
    camera_number,
    write_calibration,
    write_mtmc,
)
from .figures import lookalike_of, random_appearance
from .render import Renderer, rows_to_ground_truth
from .scene import STRIDE_METRES, Camera, SceneParams, StaticObject, Walker

#: Walking band across the street (metres of world Z).
Z_BAND = (5.0, 16.0)
#: Farther than this from a camera, a person is written with consider flag 0 (under ~40 px
#: tall at 360 rows: too small to annotate, as in one-camera scenes).
ANNOTATED_DEPTH = 30.0
#: Nearer than this a person is behind or beside the camera: not drawn.
NEAREST_DEPTH = 2.5


@dataclass(frozen=True)
class CameraPose:
    """Where a camera stands and looks.

    Attributes:
        name: the camera's name (its folder, e.g. "c01").
        x, z: ground position in metres (world X along the street, Z across it).
        yaw: heading in degrees: 0 looks along +Z (across the street), positive turns
            towards +X.
        height: metres above the ground.
        horizon: image row of the horizon as a fraction of the frame height (a lower
            horizon is a camera tilted further down).
    """

    name: str
    x: float
    z: float
    yaw: float
    height: float
    horizon: float

    def camera(self, width: int, height: int) -> Camera:
        return Camera(width, height, 1.8 * height, self.horizon * height, self.height)

    def to_camera(self, x, z) -> tuple:
        """World ground points -> (lateral metres, depth metres) in this camera."""
        c, s = math.cos(math.radians(self.yaw)), math.sin(math.radians(self.yaw))
        dx, dz = np.asarray(x, np.float64) - self.x, np.asarray(z, np.float64) - self.z
        return dx * c - dz * s, dx * s + dz * c

    def homography(self, width: int, height: int) -> np.ndarray:
        """(3, 3) world ground (X, Z, 1) -> image foot point (u, v, 1), up to scale."""
        cam = self.camera(width, height)
        c, s = math.cos(math.radians(self.yaw)), math.sin(math.radians(self.yaw))
        to_camera = np.array(
            [[c, -s, -(c * self.x - s * self.z)], [s, c, -(s * self.x + c * self.z)], [0, 0, 1]]
        )
        # u = W/2 + f x / z, v = horizon + f h / z: linear in (x, z, 1) up to the scale z.
        project = np.array(
            [
                [cam.focal, cam.width / 2, 0.0],
                [0.0, cam.horizon, cam.focal * cam.camera_height],
                [0.0, 1.0, 0.0],
            ]
        )
        return project @ to_camera


#: The camera rig along an 80 m street: c01 and c02 overlap (far side of the street), a
#: gap of 3-14 m lies between c02 and c03 and between c03 and c04, and c04 looks back from
#: the other side. Heights, headings and tilts differ.
RIG = (
    CameraPose("c01", 8.0, 0.0, 0.0, 2.1, 0.30),
    CameraPose("c02", 22.0, 0.0, 18.0, 3.0, 0.22),
    CameraPose("c03", 50.0, 0.0, -12.0, 2.5, 0.27),
    CameraPose("c04", 68.0, 22.0, 180.0, 2.8, 0.25),
)


@dataclass(frozen=True)
class WorldParams:
    """Plain parameters of one multi-view scene (from the SYNTH config node)."""

    width: int = 640
    height: int = 360
    frame_rate: float = 15.0
    length: int = 600
    num_people: int = 12
    street_length: float = 80.0
    lookalike_fraction: float = 0.2
    num_occluders: int = 4
    num_static_persons: int = 2
    stop_prob: float = 0.004
    lighting_amplitude: float = 0.25
    noise_std: float = 4.0


class World:
    """People walking along the street, one frame at a time (deterministic given `rng`).

    Walkers enter at either end and leave at the other; a few stop for a while; each drifts
    slowly across the street inside Z_BAND. The population stays near `num_people`.
    """

    def __init__(self, params: WorldParams, rng: np.random.Generator):
        self.params, self.rng = params, rng
        self.dt = 1.0 / params.frame_rate
        self.frame, self.next_id = 0, 1
        self.walkers: list[Walker] = []
        self.statics = self._place_statics()
        for _ in range(params.num_people):
            self._spawn(x=float(rng.uniform(0.0, params.street_length)))

    def _spawn(self, x: float | None = None) -> None:
        rng, p = self.rng, self.params
        direction = int(rng.choice([-1, 1]))
        if x is None:  # entering at the end it walks away from
            x = -2.0 if direction > 0 else p.street_length + 2.0
        alive = [w for w in self.walkers if w.alive]
        if alive and rng.random() < p.lookalike_fraction:
            appearance = lookalike_of(alive[rng.integers(len(alive))].appearance, rng)
        else:
            appearance = random_appearance(rng)
        self.walkers.append(
            Walker(
                track_id=self.next_id,
                appearance=appearance,
                x=x,
                z=float(rng.uniform(*Z_BAND)),
                vx=float(direction * rng.uniform(0.8, 1.6)),
                vz=float(rng.uniform(-0.15, 0.15)),
                body_height=float(rng.uniform(1.6, 1.9)),
                phase=float(rng.random()),
            )
        )
        self.next_id += 1

    def _place_statics(self) -> list[StaticObject]:
        rng, p, statics = self.rng, self.params, []
        for k in range(p.num_occluders + p.num_static_persons):
            occluder = k < p.num_occluders
            pillar = rng.random() < 0.5
            statics.append(
                StaticObject(
                    k + 1,
                    "occluder" if occluder else "static_person",
                    float(rng.uniform(0.0, p.street_length)),
                    float(rng.uniform(*Z_BAND)),
                    width_m=float(rng.uniform(0.4, 0.7) if pillar else rng.uniform(1.0, 1.8)),
                    height_m=float(
                        (rng.uniform(2.4, 3.2) if pillar else rng.uniform(0.9, 1.3))
                        if occluder
                        else rng.uniform(1.6, 1.9)
                    ),
                    appearance=None if occluder else random_appearance(rng),
                )
            )
        return statics

    def step(self) -> None:
        """Advance to the next frame (the first call produces frame 1)."""
        rng, p = self.rng, self.params
        self.frame += 1
        if self.frame > 1:
            for w in self.walkers:
                if w.stop_frames > 0:
                    w.stop_frames -= 1
                    continue
                w.x += w.vx * self.dt
                w.z = float(np.clip(w.z + w.vz * self.dt, *Z_BAND))
                if w.z in Z_BAND:
                    w.vz = -w.vz  # turn back into the band at its edges
                w.phase = (w.phase + abs(w.vx) * self.dt / STRIDE_METRES) % 1.0
                if rng.random() < p.stop_prob:
                    w.stop_frames = int(rng.uniform(0.5, 3.0) * p.frame_rate)
                w.alive = -3.0 <= w.x <= p.street_length + 3.0
            self.walkers = [w for w in self.walkers if w.alive]
            if len(self.walkers) < p.num_people and rng.random() < 0.05:
                self._spawn()

    def positions(self) -> dict:
        """{walker id: (X, Z)} of the walkers this frame."""
        return {w.track_id: (w.x, w.z) for w in self.walkers}


class CameraView:
    """The world as one camera sees it, in the form `render.Renderer` reads a one-camera
    `Scene` in: a camera, statics and walkers in camera coordinates, frame, rng."""

    def __init__(self, world: World, pose: CameraPose, rng: np.random.Generator):
        p = world.params
        self.world, self.pose, self.rng = world, pose, rng
        self.params = SceneParams(
            width=p.width,
            height=p.height,
            frame_rate=p.frame_rate,
            length=p.length,
            pan_amplitude=0.0,  # fixed cameras: the calibration holds for every frame
            shake_amplitude=0.0,
            lighting_amplitude=p.lighting_amplitude,
            noise_std=p.noise_std,
        )
        self.camera = pose.camera(p.width, p.height)
        self.statics = self._visible_statics(rng)
        self.vehicles: list = []

    def _visible_statics(self, rng) -> list[StaticObject]:
        statics = []
        for obj in self.world.statics:
            x, z = self.pose.to_camera(obj.x, obj.z)
            if NEAREST_DEPTH + 1.0 < z < 40.0:
                statics.append(replace(obj, x=float(x), z=float(z)))
        # A figure painted on the far wall of each view: a distractor, never moving.
        poster = StaticObject(
            len(self.world.statics) + 1,
            "poster",
            float(rng.uniform(-0.35, 0.35)),
            0.0,
            0.0,
            0.0,
            random_appearance(rng),
        )
        return [*statics, poster]

    @property
    def frame(self) -> int:
        return self.world.frame

    @property
    def walkers(self) -> list[Walker]:
        """This frame's walkers in camera coordinates (x lateral, z depth), those in front."""
        views = []
        c, s = math.cos(math.radians(self.pose.yaw)), math.sin(math.radians(self.pose.yaw))
        for w in self.world.walkers:
            x, z = self.pose.to_camera(w.x, w.z)
            if z < NEAREST_DEPTH:
                continue
            lateral = w.vx * c - w.vz * s  # the walker's facing on the screen
            views.append(
                replace(w, x=float(x), z=float(z), vx=lateral, ignored=z > ANNOTATED_DEPTH)
            )
        return views

    def camera_offset(self) -> tuple:
        return 0, 0

    @staticmethod
    def pose_phase(walker: Walker):
        return None if walker.stop_frames > 0 else walker.phase


def scene_cameras(count: int) -> tuple:
    """The first `count` cameras of the rig (2-4)."""
    if not 1 <= count <= len(RIG):
        raise ValueError(f"a multi-view scene has 1 to {len(RIG)} cameras, got {count}")
    return RIG[:count]


def _render_views(scene_dir: Path, world: World, views: dict, quality: int, progress: bool):
    """Step the world through every frame, rendering each camera's view (`views`: {camera:
    its Renderer}) into
    `<scene_dir>/<camera>/img1`; returns {camera: annotation rows} (rows as the one-camera
    generator's, with the walker's ground position appended)."""
    encode = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    rows = {name: [] for name in views}
    frames = range(1, world.params.length + 1)
    for frame in tqdm(frames, desc=scene_dir.name, disable=not progress, leave=False):
        world.step()
        positions = world.positions()
        for name, renderer in views.items():
            rendered = renderer.render()
            path = scene_dir / name / "img1" / f"{frame:06d}.jpg"
            if not cv2.imwrite(str(path), rendered.image, encode):
                raise OSError(f"could not write frame {path}")
            rows[name] += [
                (
                    frame,
                    (o.kind, o.object_id),
                    o.tlwh,
                    o.mot_class,
                    o.consider,
                    o.visibility,
                    positions.get(o.object_id, (-1.0, -1.0)) if o.kind == "walker" else None,
                )
                for o in rendered.objects
            ]
    return rows


def _scene_ground_truth(rows: dict) -> MtmcRows:
    """The evaluated people of every camera (pedestrians with consider 1) as one
    multi-camera ground truth with global identities and ground positions."""
    parts = []
    for name, camera_rows in rows.items():
        people = [r for r in camera_rows if r[1][0] == "walker" and r[4] == 1]
        parts.append(
            MtmcRows(
                cameras=np.full(len(people), camera_number(name), np.int64),
                ids=np.array([r[1][1] for r in people], np.int64),
                frames=np.array([r[0] for r in people], np.int64),
                tlwh=np.array([r[2] for r in people], np.float64).reshape(-1, 4),
                world=np.round(np.array([r[6] for r in people], np.float64).reshape(-1, 2), 3),
            )
        )
    return MtmcRows.concatenate(parts)


def generate_multiview_scene(
    scene_dir,
    params: WorldParams,
    cameras: tuple,
    seed: int,
    jpeg_quality: int = 92,
    progress: bool = False,
) -> dict:
    """Render one multi-view scene into `scene_dir` in the multi-camera layout
    (`data.formats.mtmc`): per camera a MOTChallenge sequence with global identities and its
    calibration.txt, and the scene's ground_truth.txt. Returns a summary (identities in all,
    identities seen by several cameras, seconds)."""
    start = time.perf_counter()
    scene_dir = Path(scene_dir)
    world_seed, *view_seeds = np.random.SeedSequence(seed).spawn(1 + len(cameras))
    world = World(params, np.random.default_rng(world_seed))
    views = {}
    for pose, view_seed in zip(cameras, view_seeds):
        (scene_dir / pose.name / "img1").mkdir(parents=True, exist_ok=True)
        view = CameraView(world, pose, np.random.default_rng(view_seed))
        views[pose.name] = Renderer(view, view.rng)
    rows = _render_views(scene_dir, world, views, jpeg_quality, progress)
    for pose in cameras:
        cam_dir = scene_dir / pose.name
        gt = rows_to_ground_truth([r[:6] for r in rows[pose.name]])
        (cam_dir / "gt").mkdir(exist_ok=True)
        write_mot_gt(cam_dir / "gt" / "gt.txt", gt)
        info = SeqInfo(
            pose.name, "img1", params.frame_rate, params.length, params.width, params.height, ".jpg"
        )
        write_seqinfo(cam_dir, info)
        write_calibration(cam_dir / CALIBRATION_FILE, pose.homography(params.width, params.height))
    truth = _scene_ground_truth(rows)
    write_mtmc(scene_dir / GROUND_TRUTH_FILE, truth)
    seen_by = {i: len(np.unique(truth.cameras[truth.ids == i])) for i in np.unique(truth.ids)}
    return {
        "name": scene_dir.name,
        "seed": seed,
        "cameras": [pose.name for pose in cameras],
        "frames": params.length,
        "identities": len(seen_by),
        "multi_camera_identities": sum(n > 1 for n in seen_by.values()),
        "seconds": round(time.perf_counter() - start, 3),
    }
