"""Cars for the multi-class synthetic set: a state per car and its sprite.

A car drives along the ground plane much faster than people walk (4 - 9 m/s), is wider than
it is tall (3.8 - 4.8 m long, 1.4 - 1.7 m high) and has one body colour per identity; people
and cars pass in front of each other at their depths. Sprites follow the people's convention
(`figures`): premultiplied BGR plus alpha, drawn at twice the canonical size and
area-reduced, wheels on the bottom row.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Canonical car sprite height in pixels (wheels at the bottom row).
VEHICLE_SPRITE_HEIGHT = 64


@dataclass
class Vehicle:
    """A car (gt class 3) driving on the ground plane."""

    track_id: int
    colour: tuple  # BGR body colour
    x: float
    z: float
    vx: float  # m/s, sign = facing
    length_m: float
    height_m: float
    alive: bool = True

    @property
    def facing(self) -> int:
        return 1 if self.vx >= 0 else -1


def random_vehicle(track_id: int, x: float, z: float, direction: int, rng) -> Vehicle:
    hue = int(rng.integers(0, 180))
    hsv = np.uint8([[[hue, rng.integers(60, 255), rng.integers(70, 235)]]])
    colour = tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])
    return Vehicle(
        track_id=track_id,
        colour=colour,
        x=float(x),
        z=float(z),
        vx=float(direction * rng.uniform(4.0, 9.0)),
        length_m=float(rng.uniform(3.8, 4.8)),
        height_m=float(rng.uniform(1.4, 1.7)),
    )


def draw_vehicle(vehicle: Vehicle) -> np.ndarray:
    """The car facing right: (VEHICLE_SPRITE_HEIGHT, W, 4) uint8 premultiplied BGRA."""
    scale = 2
    h = VEHICLE_SPRITE_HEIGHT * scale
    w = int(round(h * vehicle.length_m / vehicle.height_m))
    canvas = np.zeros((h, w, 3), np.uint8)
    mask = np.zeros((h, w), np.uint8)
    body = np.array(vehicle.colour, np.float64)
    shapes = [  # (kind, points or centre/radius, colour): back to front
        ("rect", (0.0, 0.38, 1.0, 0.86), body),
        ("rect", (0.22, 0.04, 0.74, 0.42), body * 0.8),
        ("rect", (0.27, 0.1, 0.47, 0.38), (200, 190, 170)),  # windows
        ("rect", (0.5, 0.1, 0.69, 0.38), (200, 190, 170)),
        ("rect", (0.95, 0.48, 1.0, 0.6), (120, 230, 255)),  # head light
        ("circle", (0.2, 0.84, 0.16), (25, 25, 25)),  # wheels
        ("circle", (0.8, 0.84, 0.16), (25, 25, 25)),
    ]
    for kind, geometry, colour in shapes:
        colour = tuple(int(c) for c in np.clip(colour, 0, 255))
        if kind == "rect":
            x0, y0, x1, y1 = geometry
            tl, br = (int(x0 * (w - 1)), int(y0 * (h - 1))), (int(x1 * (w - 1)), int(y1 * (h - 1)))
            cv2.rectangle(canvas, tl, br, colour, -1)
            cv2.rectangle(mask, tl, br, 255, -1)
        else:
            cx, cy, radius = geometry
            centre, r = (int(cx * (w - 1)), int(cy * (h - 1))), int(radius * h)
            cv2.circle(canvas, centre, r, colour, -1, cv2.LINE_AA)
            cv2.circle(mask, centre, r, 255, -1, cv2.LINE_AA)
    canvas[mask == 0] = 0
    size = (max(1, w // scale), VEHICLE_SPRITE_HEIGHT)
    return cv2.resize(np.dstack([canvas, mask]), size, interpolation=cv2.INTER_AREA)
