"""World simulation of a synthetic sequence: a camera over a ground plane, walkers, static
occluders and distractors.

Units: world positions in metres (X to the right, Z the depth from the camera), speeds in
metres per second, image positions in pixels. A point on the ground at (X, Z) projects to
u = cx + f X / Z, v = v_horizon + f * camera_height / Z, and an object of height H metres
standing there is f H / Z pixels tall, so sizes follow the perspective of the ground plane.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .figures import Appearance, lookalike_of, random_appearance
from .vehicles import Vehicle, random_vehicle

STRIDE_METRES = 1.4  # distance covered by one gait cycle


@dataclass(frozen=True)
class SceneParams:
    """Plain parameters of one synthetic sequence (built from the SYNTH config node)."""

    width: int = 640
    height: int = 360
    frame_rate: float = 30.0
    length: int = 300
    num_people: int = 8
    crossings_per_100: float = 2.0
    lookalike_fraction: float = 0.2
    num_occluders: int = 2
    num_static_persons: int = 1
    num_posters: int = 1
    num_far_walkers: int = 1
    stop_prob: float = 0.004
    turn_prob: float = 0.003
    pan_amplitude: float = 40.0
    shake_amplitude: float = 1.5
    pan_period: float = 0.0  # seconds of one pan cycle (0: the sequence's length)
    lighting_amplitude: float = 0.25
    noise_std: float = 4.0
    return_prob: float = 0.0
    return_seconds: tuple = (2.0, 10.0)
    num_vehicles: int = 0


@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking along Z over a flat ground plane."""

    width: int
    height: int
    focal: float
    horizon: float  # image row of the horizon
    camera_height: float  # metres above the ground

    @classmethod
    def for_frame(cls, width: int, height: int) -> Camera:
        # A 1.75 m person is 0.56 of the frame height with the feet at 0.97 of it at the
        # nearest walking depth (5.6 m), and 0.13 of the height at the farthest (24 m).
        return cls(width, height, focal=1.8 * height, horizon=0.30 * height, camera_height=2.08)

    def project(self, x: np.ndarray, z: np.ndarray):
        """Ground point (x, z) -> image foot point (u, v) and pixels per metre."""
        scale = self.focal / z
        return self.width / 2 + x * scale, self.horizon + self.camera_height * scale, scale

    def x_range(self, z: float, margin_px: float = 0.0):
        """Visible world X interval at depth z, widened by `margin_px` on both sides."""
        half = (self.width / 2 + margin_px) * z / self.focal
        return -half, half


@dataclass
class Walker:
    """A pedestrian (gt class 1) walking on the ground plane."""

    track_id: int
    appearance: Appearance
    x: float
    z: float
    vx: float  # m/s, sign = facing
    vz: float
    body_height: float  # metres
    phase: float = 0.0
    stop_frames: int = 0
    protected_until: int = -1  # no random stops/turns before this frame (scheduled crossings)
    ignored: bool = False  # far walker written with consider flag 0
    alive: bool = True

    @property
    def facing(self) -> int:
        return 1 if self.vx >= 0 else -1


@dataclass(frozen=True)
class StaticObject:
    """A static occluder (box or pillar) or a distractor figure."""

    object_id: int
    kind: str  # "occluder", "static_person", "poster"
    x: float
    z: float
    width_m: float
    height_m: float
    appearance: Appearance | None = None


@dataclass
class Crossing:
    """A scheduled crossing: two walkers meet at (x, z) at `frame`."""

    frame: int
    id_a: int
    id_b: int


@dataclass
class PlannedCrossing:
    """Walker a (left to right, depth z) and b (right to left, depth z_b) reach x at `frame`.
    Each enters the view at its own start frame (or is in view from the first frame)."""

    start_a: int
    start_b: int
    frame: int
    x: float
    z: float
    z_b: float
    speed_a: float
    speed_b: float
    walker_a: Walker | None = None
    walker_b: Walker | None = None


class Scene:
    """Deterministic simulation of one sequence, advanced one frame at a time.

    Args:
        params: sequence parameters.
        rng: the sequence's random generator (the only source of randomness).
    """

    Z_NEAR, Z_FAR = 5.6, 24.0
    Z_FAR_WALKERS = (32.0, 40.0)

    def __init__(self, params: SceneParams, rng: np.random.Generator):
        self.params = params
        self.rng = rng
        self.camera = Camera.for_frame(params.width, params.height)
        self.dt = 1.0 / params.frame_rate
        self.frame = 0
        self.next_id = 1
        self.walkers: list[Walker] = []
        self.appearances: list[Appearance] = []
        self.statics = self._place_statics()
        self.crossings: list[Crossing] = []
        self._pending_crossings = self._schedule_crossings()
        self._returning: list = []  # (frame due, walker): left the view, coming back
        self.vehicles: list[Vehicle] = []
        self.pan_phase = float(rng.uniform(0, 2 * np.pi))
        for _ in range(params.num_people):
            z = rng.uniform(self.Z_NEAR, self.Z_FAR)
            lo, hi = self.camera.x_range(z, margin_px=-20)
            self._spawn(x=rng.uniform(lo, hi), z=z, direction=rng.choice([-1, 1]))
        for _ in range(params.num_far_walkers):
            z = rng.uniform(*self.Z_FAR_WALKERS)
            lo, hi = self.camera.x_range(z, margin_px=-20)
            self._spawn(x=rng.uniform(lo, hi), z=z, direction=rng.choice([-1, 1]), ignored=True)
        for _ in range(params.num_vehicles):  # no draw at all without cars
            self._spawn_vehicle(in_view=True)

    # -- population ------------------------------------------------------------------------

    def _new_appearance(self) -> Appearance:
        rng = self.rng
        alive = [w for w in self.walkers if w.alive and not w.ignored]
        if alive and rng.random() < self.params.lookalike_fraction:
            app = lookalike_of(alive[rng.integers(len(alive))].appearance, rng)
        else:
            app = random_appearance(rng)
        self.appearances.append(app)
        return app

    def _spawn(self, x, z, direction, speed=None, ignored=False, vz=None) -> Walker:
        rng = self.rng
        speed = rng.uniform(0.8, 1.6) if speed is None else speed
        vz = rng.uniform(-0.25, 0.25) if vz is None else vz
        walker = Walker(
            track_id=self.next_id,
            appearance=self._new_appearance(),
            x=float(x),
            z=float(z),
            vx=float(direction * speed),
            vz=float(vz),
            body_height=float(rng.uniform(1.6, 1.9)),
            phase=float(rng.random()),
            ignored=ignored,
        )
        self.next_id += 1
        self.walkers.append(walker)
        return walker

    def _spawn_vehicle(self, in_view: bool = False) -> None:
        """A car on the road band (nearer than most people can be seen far), in view or
        entering at an edge."""
        rng = self.rng
        z = rng.uniform(self.Z_NEAR + 2.0, self.Z_FAR - 4.0)
        direction = int(rng.choice([-1, 1]))
        lo, hi = self.camera.x_range(
            z, margin_px=-40 if in_view else self.params.pan_amplitude + 60
        )
        x = rng.uniform(lo, hi) if in_view else (lo if direction > 0 else hi)
        self.vehicles.append(random_vehicle(self.next_id, x, z, direction, rng))
        self.next_id += 1

    def _step_vehicles(self) -> None:
        p = self.params
        for v in self.vehicles:
            v.x += v.vx * self.dt
            lo, hi = self.camera.x_range(v.z, margin_px=p.pan_amplitude + 160)
            v.alive = lo <= v.x <= hi
        self.vehicles = [v for v in self.vehicles if v.alive]
        if len(self.vehicles) < p.num_vehicles and self.rng.random() < 0.03:
            self._spawn_vehicle()

    def _spawn_at_edge(self) -> None:
        rng = self.rng
        z = rng.uniform(self.Z_NEAR, self.Z_FAR)
        direction = rng.choice([-1, 1])
        lo, hi = self.camera.x_range(z, margin_px=self.params.pan_amplitude + 60)
        self._spawn(x=lo if direction > 0 else hi, z=z, direction=direction)

    def _place_statics(self) -> list[StaticObject]:
        rng, p = self.rng, self.params
        statics = []
        next_id = 1
        for _ in range(p.num_occluders):
            z = rng.uniform(self.Z_NEAR + 2.0, self.Z_FAR - 6.0)
            lo, hi = self.camera.x_range(z, margin_px=-60)
            pillar = rng.random() < 0.5
            statics.append(
                StaticObject(
                    next_id,
                    "occluder",
                    float(rng.uniform(lo, hi)),
                    float(z),
                    width_m=float(rng.uniform(0.4, 0.7) if pillar else rng.uniform(1.0, 1.8)),
                    height_m=float(rng.uniform(2.4, 3.2) if pillar else rng.uniform(0.9, 1.3)),
                )
            )
            next_id += 1
        for _ in range(p.num_static_persons):
            z = rng.uniform(self.Z_NEAR + 1.0, self.Z_FAR - 4.0)
            lo, hi = self.camera.x_range(z, margin_px=-40)
            statics.append(
                StaticObject(
                    next_id,
                    "static_person",
                    float(rng.uniform(lo, hi)),
                    float(z),
                    0.0,
                    float(rng.uniform(1.6, 1.9)),
                    random_appearance(rng),
                )
            )
            next_id += 1
        for _ in range(p.num_posters):
            # A figure painted on the far wall: at the horizon's depth, it never moves.
            statics.append(
                StaticObject(
                    next_id,
                    "poster",
                    float(rng.uniform(-0.35, 0.35)),
                    0.0,
                    0.0,
                    0.0,
                    random_appearance(rng),
                )
            )
            next_id += 1
        return statics

    def _schedule_crossings(self) -> list[PlannedCrossing]:
        """CROSSINGS_PER_100 crossings per 100 frames, spread evenly over the sequence."""
        rng, p = self.rng, self.params
        count = int(round(p.crossings_per_100 * p.length / 100.0))
        margin = p.pan_amplitude + 60
        planned = []
        for k in range(count):
            # Meeting frame: the middle of the k-th of `count` equal slots of the central 80 %.
            slot = 0.1 + 0.8 * (k + rng.uniform(0.3, 0.7)) / count
            frame = int(np.clip(round(slot * p.length), 1, p.length))
            z = rng.uniform(self.Z_NEAR + 0.5, 0.55 * self.Z_FAR)
            z_b = z + 0.35  # one passes just behind the other: heavy overlap, real occlusion
            lo, hi = self.camera.x_range(z, margin_px=-0.25 * p.width)
            x = rng.uniform(lo, hi)
            speed_a, speed_b = rng.uniform(0.9, 1.5, size=2)
            entry_a, _ = self.camera.x_range(z, margin)
            _, entry_b = self.camera.x_range(z_b, margin)
            # Frames each walker needs from its entry point to the meeting point.
            lead_a = (x - entry_a) / speed_a / self.dt
            lead_b = (entry_b - x) / speed_b / self.dt
            planned.append(
                PlannedCrossing(
                    max(1, int(np.ceil(frame - lead_a))),
                    max(1, int(np.ceil(frame - lead_b))),
                    frame,
                    float(x),
                    float(z),
                    float(z_b),
                    float(speed_a),
                    float(speed_b),
                )
            )
        return planned

    def _start_due_crossings(self) -> None:
        """Spawn the crossing walkers whose start is this frame."""
        pending = []
        for c in self._pending_crossings:
            remaining = (c.frame - self.frame) * self.dt
            # Neither walker stops or turns until a second after the meeting.
            guard = c.frame + int(self.params.frame_rate)
            if c.walker_a is None and c.start_a <= self.frame:
                c.walker_a = self._spawn(c.x - c.speed_a * remaining, c.z, +1, c.speed_a, vz=0.0)
                c.walker_a.protected_until = guard
            if c.walker_b is None and c.start_b <= self.frame:
                c.walker_b = self._spawn(c.x + c.speed_b * remaining, c.z_b, -1, c.speed_b, vz=0.0)
                c.walker_b.protected_until = guard
            if c.walker_a is None or c.walker_b is None:
                pending.append(c)
                continue
            self.crossings.append(Crossing(c.frame, c.walker_a.track_id, c.walker_b.track_id))
        self._pending_crossings = pending

    # -- time ------------------------------------------------------------------------------

    def step(self) -> None:
        """Advance to the next frame (the first call produces frame 1)."""
        rng, p = self.rng, self.params
        self.frame += 1
        if self.frame > 1:
            for w in self.walkers:
                if not w.alive:
                    continue
                if w.stop_frames > 0:
                    w.stop_frames -= 1
                    continue
                w.x += w.vx * self.dt
                z_min, z_max = self.Z_FAR_WALKERS if w.ignored else (self.Z_NEAR, self.Z_FAR)
                w.z = float(np.clip(w.z + w.vz * self.dt, z_min, z_max))
                w.phase = (w.phase + abs(w.vx) * self.dt / STRIDE_METRES) % 1.0
                if self.frame > w.protected_until and not w.ignored:
                    if rng.random() < p.stop_prob:
                        w.stop_frames = int(rng.uniform(0.5, 2.0) * p.frame_rate)
                    elif rng.random() < p.turn_prob:
                        w.vx = -w.vx
                        w.vz = float(rng.uniform(-0.25, 0.25))
            for w in self.walkers:
                lo, hi = self.camera.x_range(w.z, margin_px=p.pan_amplitude + 80)
                if w.alive and not lo <= w.x <= hi:
                    w.alive = False
                    self._maybe_return_later(w)
            self._bring_back()
            if p.num_vehicles:
                self._step_vehicles()
            active = sum(w.alive and not w.ignored for w in self.walkers)
            if active < p.num_people and rng.random() < 0.06:
                self._spawn_at_edge()
            far = [w for w in self.walkers if w.alive and w.ignored]
            if len(far) < p.num_far_walkers and rng.random() < 0.02:
                z = rng.uniform(*self.Z_FAR_WALKERS)
                direction = rng.choice([-1, 1])
                lo, hi = self.camera.x_range(z, margin_px=p.pan_amplitude + 60)
                self._spawn(lo if direction > 0 else hi, z, direction, ignored=True)
        self._start_due_crossings()
        # Forget walkers that left: nothing grows with the sequence length.
        self.walkers = [w for w in self.walkers if w.alive]

    def _maybe_return_later(self, walker: Walker) -> None:
        """With probability return_prob, a person who left the view comes back through the
        same edge after return_seconds, the same identity and appearance (leave and return:
        what long-term re-identification is for). No random draw when it is 0."""
        p = self.params
        if walker.ignored or p.return_prob <= 0 or self.rng.random() >= p.return_prob:
            return
        due = self.frame + int(self.rng.uniform(*p.return_seconds) * p.frame_rate)
        self._returning.append((due, walker))

    def _bring_back(self) -> None:
        back = [w for due, w in self._returning if due <= self.frame]
        self._returning = [(due, w) for due, w in self._returning if due > self.frame]
        for walker in back:
            lo, hi = self.camera.x_range(walker.z, margin_px=self.params.pan_amplitude + 60)
            walker.x = lo if walker.vx < 0 else hi  # the edge it left by, walking back in
            walker.vx, walker.alive, walker.stop_frames = -walker.vx, True, 0
            self.walkers.append(walker)

    def camera_offset(self) -> tuple:
        """Integer image shift (dx, dy) of the camera at this frame: pan plus shake."""
        p = self.params
        period = p.pan_period * p.frame_rate if p.pan_period > 0 else max(p.length, 1)
        angle = 2 * np.pi * self.frame / period + self.pan_phase
        dx = dy = 0.0
        if p.shake_amplitude > 0:
            dx, dy = self.rng.normal(0.0, p.shake_amplitude, size=2)
        return int(round(p.pan_amplitude * np.sin(angle) + dx)), int(round(dy))

    @staticmethod
    def pose_phase(walker: Walker):
        """Gait phase for the sprite (None when standing still)."""
        return None if walker.stop_frames > 0 else walker.phase
