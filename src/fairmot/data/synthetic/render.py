"""Rendering synthetic frames with exact boxes and occlusion-derived visibility.

Objects are composited back to front (far to near). While compositing, an owner map records
which object each pixel shows; an object's visibility is the fraction of its rendered pixels
(alpha > 0, including those outside the frame) that end up in the frame and still show it.
Its box is the tight box of its rendered pixels: pixel columns x .. x+w-1 and rows
y .. y+h-1 of the frame (0-based; may extend beyond the frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..formats import MotGroundTruth
from .figures import SPRITE_HEIGHT, SpriteBank
from .scene import Scene, StaticObject, Walker
from .vehicles import VEHICLE_SPRITE_HEIGHT, Vehicle, draw_vehicle

#: MOT17 classes written for each kind of rendered object.
CLASS_PEDESTRIAN, CLASS_CAR, CLASS_STATIC_PERSON, CLASS_DISTRACTOR, CLASS_OCCLUDER = 1, 3, 7, 8, 9
WALL_DEPTH = 45.0  # metres: the facade behind the walking area
POSTER_HEIGHT = 0.16  # poster figure height as a fraction of the frame height


@dataclass
class RenderedObject:
    """One object of one frame as ground truth.

    Attributes:
        object_id: identity within its kind (walkers: the track id).
        kind: "walker", "vehicle", "static_person", "poster" or "occluder".
        mot_class: MOT17 class id written to gt.txt.
        consider: gt consider flag (0: zero-marked).
        tlwh: (4,) int box of its rendered pixels in frame pixels.
        visibility: visible fraction in [0, 1].
        depth: metres from the camera (inf for the poster).
    """

    object_id: int
    kind: str
    mot_class: int
    consider: int
    tlwh: np.ndarray
    visibility: float
    depth: float


@dataclass
class RenderedFrame:
    """One rendered frame.

    Attributes:
        image: (H, W, 3) uint8 BGR frame.
        objects: every object with at least one rendered pixel inside the frame, far to near.
        camera_offset: (dx, dy) integer shift of the camera (pan + shake) in pixels.
        own_masks: only when asked for: per object, the (H, W) bool mask of its own rendered
            pixels inside the frame, before anything nearer is drawn over it.
    """

    image: np.ndarray
    objects: list
    camera_offset: tuple
    own_masks: list | None = None


def _gt_labels(obj) -> tuple:
    """(kind, object id, MOT class, consider flag) of a scene object."""
    if isinstance(obj, Walker):
        return "walker", obj.track_id, CLASS_PEDESTRIAN, 0 if obj.ignored else 1
    if isinstance(obj, Vehicle):
        return "vehicle", obj.track_id, CLASS_CAR, 1
    mot_class = {
        "occluder": CLASS_OCCLUDER,
        "static_person": CLASS_STATIC_PERSON,
        "poster": CLASS_DISTRACTOR,
    }[obj.kind]
    return obj.kind, obj.object_id, mot_class, 0


class Renderer:
    """Draws the frames of one scene.

    Args:
        scene: the simulated scene (its camera, statics and parameters are read once).
        rng: random generator for the background, textures and noise (deterministic).
    """

    def __init__(self, scene: Scene, rng: np.random.Generator):
        self.scene = scene
        p = scene.params
        self.width, self.height = p.width, p.height
        self.margin_x = int(np.ceil(p.pan_amplitude + 5 * p.shake_amplitude)) + 4
        self.margin_y = int(np.ceil(5 * p.shake_amplitude)) + 4
        self.background = self._make_background(rng)
        self.noise_bank = self._make_noise(rng)
        self.light_phase = rng.uniform(0, 2 * np.pi, size=2)
        self.banks: dict = {}
        self.vehicle_sprites: dict = {}  # track id -> (facing right, facing left)
        self.static_sprites = {s.object_id: self._static_sprite(s, rng) for s in scene.statics}

    # -- one-off assets --------------------------------------------------------------------

    def _make_background(self, rng: np.random.Generator) -> np.ndarray:
        cam = self.scene.camera
        h, w = self.height + 2 * self.margin_y, self.width + 2 * self.margin_x
        oy, ox = self.margin_y, self.margin_x
        wall_base = int(round(cam.horizon + cam.focal * cam.camera_height / WALL_DEPTH)) + oy
        image = np.empty((h, w, 3), np.uint8)
        # Ground: pavement with perspective tile joints.
        image[wall_base:] = rng.integers(90, 150, size=3)
        joint = tuple(int(c) for c in rng.integers(40, 90, size=3))
        for z in np.arange(5.0, WALL_DEPTH, 1.5):
            v = int(round(cam.horizon + cam.focal * cam.camera_height / z)) + oy
            cv2.line(image, (0, v), (w - 1, v), joint, 1)
        for x in np.arange(-30.0, 30.01, 1.5):
            u_near, v_near, _ = cam.project(np.float64(x), np.float64(3.0))
            u_far, v_far, _ = cam.project(np.float64(x), np.float64(WALL_DEPTH))
            cv2.line(
                image, (int(u_near) + ox, int(v_near) + oy), (int(u_far) + ox, wall_base), joint, 1
            )
        # Facade: buildings of different colours with rows of windows.
        x = 0
        while x < w:
            bw = int(rng.integers(w // 8, w // 3))
            colour = tuple(int(c) for c in rng.integers(60, 210, size=3))
            image[:wall_base, x : x + bw] = colour
            window = tuple(int(c) for c in rng.integers(20, 120, size=3))
            step_x, step_y = int(rng.integers(14, 26)), int(rng.integers(16, 28))
            for wy in range(6, wall_base - step_y, step_y):
                for wx in range(x + 5, x + bw - 10, step_x):
                    cv2.rectangle(image, (wx, wy), (wx + step_x // 2, wy + step_y // 2), window, -1)
            cv2.line(image, (x, 0), (x, wall_base), (30, 30, 30), 1)
            x += bw
        # Low-frequency colour variation (stains, shading) and fine grain.
        blotches = rng.normal(0, 9, size=(h // 24 + 2, w // 24 + 2, 3)).astype(np.float32)
        blotches = cv2.resize(blotches, (w, h), interpolation=cv2.INTER_CUBIC)
        grain = rng.normal(0, 5, size=(h, w, 3)).astype(np.float32)
        return np.clip(image + blotches + grain, 0, 255).astype(np.uint8)

    def _make_noise(self, rng: np.random.Generator):
        std = self.scene.params.noise_std
        if std <= 0:
            return None
        shape = (4, self.height + 16, self.width + 16, 3)
        return np.clip(rng.normal(0, std, size=shape), -127, 127).astype(np.int16)

    def _static_sprite(self, obj: StaticObject, rng: np.random.Generator) -> np.ndarray:
        """Premultiplied BGRA sprite of a static object at its on-screen size."""
        cam = self.scene.camera
        if obj.kind == "occluder":
            _, _, scale = cam.project(np.float64(obj.x), np.float64(obj.z))
            ow, oh = (
                max(2, int(round(obj.width_m * scale))),
                max(2, int(round(obj.height_m * scale))),
            )
            base = rng.integers(40, 200, size=3).astype(np.float32)
            shade = np.linspace(0.75, 1.15, ow, dtype=np.float32)[None, :, None]
            sprite = np.empty((oh, ow, 4), np.uint8)
            sprite[..., :3] = np.clip(base * shade + rng.normal(0, 6, (oh, ow, 1)), 0, 255)
            for y in range(int(rng.integers(3, 9)), oh, int(rng.integers(8, 20))):
                sprite[y, :, :3] //= 2  # panel seams
            sprite[..., 3] = 255
            return sprite
        bank = SpriteBank(obj.appearance)
        if obj.kind == "poster":
            return self._resize(bank.pose(None, facing=1), POSTER_HEIGHT * self.height)
        _, _, scale = cam.project(np.float64(obj.x), np.float64(obj.z))
        return self._resize(bank.pose(None, facing=int(rng.choice([-1, 1]))), obj.height_m * scale)

    @staticmethod
    def _resize(sprite: np.ndarray, body_height_px: float, canonical=SPRITE_HEIGHT) -> np.ndarray:
        factor = body_height_px / (canonical - 1)
        size = (
            max(1, int(round(sprite.shape[1] * factor))),
            max(1, int(round(sprite.shape[0] * factor))),
        )
        interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
        return cv2.resize(sprite, size, interpolation=interpolation)

    # -- per frame -------------------------------------------------------------------------

    def _placements(self, dx: int, dy: int):
        """(sprite, top-left x, top-left y, depth, object) for every object, far to near."""
        cam, scene = self.scene.camera, self.scene
        items = []
        for obj in scene.statics:
            sprite = self.static_sprites[obj.object_id]
            sh, sw = sprite.shape[:2]
            if obj.kind == "poster":
                wall_base = cam.horizon + cam.focal * cam.camera_height / WALL_DEPTH
                u = self.width * (0.5 + obj.x)
                items.append(
                    (
                        sprite,
                        int(round(u - sw / 2)) - dx,
                        int(round(wall_base - 0.08 * self.height - sh)) - dy,
                        np.inf,
                        obj,
                    )
                )
                continue
            u, v, _ = cam.project(np.float64(obj.x), np.float64(obj.z))
            items.append((sprite, int(round(u - sw / 2)) - dx, int(round(v - sh)) - dy, obj.z, obj))
        for walker in scene.walkers:
            bank = self.banks.get(walker.track_id)
            if bank is None:
                bank = self.banks[walker.track_id] = SpriteBank(walker.appearance)
            u, v, scale = cam.project(np.float64(walker.x), np.float64(walker.z))
            sprite = self._resize(
                bank.pose(scene.pose_phase(walker), walker.facing), walker.body_height * scale
            )
            sh, sw = sprite.shape[:2]
            items.append(
                (sprite, int(round(u - sw / 2)) - dx, int(round(v - sh)) - dy, walker.z, walker)
            )
        items += self._vehicle_placements(dx, dy)
        live = {w.track_id for w in scene.walkers}
        for track_id in [t for t in self.banks if t not in live]:
            del self.banks[track_id]  # bounded memory: only walkers in the scene keep sprites
        items.sort(key=lambda item: -item[3])
        return items

    def _vehicle_placements(self, dx: int, dy: int) -> list:
        cam, items = self.scene.camera, []
        for car in self.scene.vehicles:
            pair = self.vehicle_sprites.get(car.track_id)
            if pair is None:
                right = draw_vehicle(car)
                pair = self.vehicle_sprites[car.track_id] = (right, right[:, ::-1].copy())
            u, v, scale = cam.project(np.float64(car.x), np.float64(car.z))
            sprite = self._resize(
                pair[0 if car.facing > 0 else 1], car.height_m * scale, VEHICLE_SPRITE_HEIGHT
            )
            sh, sw = sprite.shape[:2]
            items.append((sprite, int(round(u - sw / 2)) - dx, int(round(v - sh)) - dy, car.z, car))
        live = {c.track_id for c in self.scene.vehicles}
        for track_id in [t for t in self.vehicle_sprites if t not in live]:
            del self.vehicle_sprites[track_id]
        return items

    def background_view(self, camera_offset: tuple) -> np.ndarray:
        """The background as the camera sees it at `camera_offset` (no objects, light, noise)."""
        dx, dy = camera_offset
        y0, x0 = self.margin_y + dy, self.margin_x + dx
        return self.background[y0 : y0 + self.height, x0 : x0 + self.width]

    def render(self, return_masks: bool = False) -> RenderedFrame:
        """Render the scene's current frame (see RenderedFrame)."""
        dx, dy = self.scene.camera_offset()
        offset = (
            int(np.clip(dx, -self.margin_x, self.margin_x)),
            int(np.clip(dy, -self.margin_y, self.margin_y)),
        )
        frame = self.background_view(offset).copy()
        owner = np.zeros((self.height, self.width), np.int16)
        drawn, own_masks = [], [] if return_masks else None
        for index, (sprite, left, top, depth, obj) in enumerate(self._placements(*offset), 1):
            alpha = sprite[..., 3]
            rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
            # The part of the sprite inside the frame.
            fy0, fx0 = max(top, 0), max(left, 0)
            fy1 = min(top + sprite.shape[0], self.height)
            fx1 = min(left + sprite.shape[1], self.width)
            if rows.size == 0 or fy1 <= fy0 or fx1 <= fx0:
                continue
            part = sprite[fy0 - top : fy1 - top, fx0 - left : fx1 - left]
            covered = part[..., 3] > 0
            if not covered.any():
                continue
            a = part[..., 3:].astype(np.float32) * (1.0 / 255.0)
            region = frame[fy0:fy1, fx0:fx1]
            region[:] = region * (1.0 - a) + part[..., :3]
            owner[fy0:fy1, fx0:fx1][covered] = index
            box = np.array(
                [left + cols[0], top + rows[0], cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1]
            )
            drawn.append((index, obj, box, depth, np.count_nonzero(alpha), (fy0, fy1, fx0, fx1)))
            if return_masks:
                mask = np.zeros((self.height, self.width), bool)
                mask[fy0:fy1, fx0:fx1] = covered
                own_masks.append(mask)

        objects = []
        for index, obj, box, depth, area, (fy0, fy1, fx0, fx1) in drawn:
            visible = np.count_nonzero(owner[fy0:fy1, fx0:fx1] == index)
            kind, object_id, mot_class, consider = _gt_labels(obj)
            objects.append(
                RenderedObject(object_id, kind, mot_class, consider, box, visible / area, depth)
            )
        image = self._apply_lighting_and_noise(frame)
        return RenderedFrame(image, objects, offset, own_masks)

    def _apply_lighting_and_noise(self, frame: np.ndarray) -> np.ndarray:
        p, t = self.scene.params, self.scene.frame / self.scene.params.frame_rate
        gain = 1.0 + p.lighting_amplitude * (
            0.7 * np.sin(2 * np.pi * t / 7.0 + self.light_phase[0])
            + 0.3 * np.sin(2 * np.pi * t / 2.3 + self.light_phase[1])
        )
        if gain != 1.0:
            frame = cv2.convertScaleAbs(frame, alpha=gain)
        if self.noise_bank is not None:
            k, oy, ox = self.scene.rng.integers(0, (len(self.noise_bank), 16, 16))
            noise = self.noise_bank[k, oy : oy + self.height, ox : ox + self.width]
            frame = cv2.add(frame, noise, dtype=cv2.CV_8U)
        return frame


def rows_to_ground_truth(rows: list) -> MotGroundTruth:
    """The annotation rows as ground truth; static objects get identities after every
    walker's and car's."""
    moving = ("walker", "vehicle")
    track_ids = [key[1] for _, key, *_ in rows if key[0] in moving]
    static_base = max(track_ids, default=0)
    ids = np.array(
        [key[1] if key[0] in moving else static_base + key[1] for _, key, *_ in rows], np.int64
    )
    return MotGroundTruth(
        frames=np.array([r[0] for r in rows], np.int64),
        ids=ids,
        tlwh=np.array([r[2] for r in rows], np.float64).reshape(-1, 4),
        consider=np.array([r[4] for r in rows], np.int64),
        classes=np.array([r[3] for r in rows], np.int64),
        visibility=np.round(np.array([r[5] for r in rows], np.float64), 6),
    )
