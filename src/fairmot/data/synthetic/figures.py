"""Person-like figures: per-identity appearance and pre-rendered walking sprites.

A sprite is drawn once per identity, gait phase and facing direction at a canonical height
and resized to its on-screen height every frame. Sprites hold premultiplied colour and an
alpha channel, so resizing and compositing them stays exact at the soft edges; a pixel
belongs to the figure exactly where its alpha is non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

#: Canonical sprite height in pixels (feet at the bottom row); drawn at 2x and area-reduced.
SPRITE_HEIGHT = 160
SPRITE_WIDTH = 112
#: Gait phases per walking cycle; pose index GAIT_PHASES is the standing pose.
GAIT_PHASES = 8
PATTERNS = ("solid", "hstripes", "vstripes", "checks", "two_tone")
ACCESSORIES = ("none", "backpack", "bag", "hat")

_SKIN = np.array([[205, 224, 255], [160, 190, 230], [110, 150, 200], [70, 100, 140], [45, 65, 95]])
_HAIR = np.array([[20, 20, 20], [40, 60, 90], [30, 90, 160], [160, 170, 180], [60, 40, 30]])


@dataclass(frozen=True)
class Appearance:
    """What one identity looks like. Colours are BGR uint8 triples."""

    skin: tuple
    hair: tuple
    shirt: tuple
    shirt_second: tuple
    pants: tuple
    shoes: tuple
    pattern: str
    accessory: str
    accessory_colour: tuple
    build: float  # shoulder-width factor, 0.9 - 1.1


def _colour(rng: np.random.Generator, saturation=(0.3, 1.0), value=(0.25, 1.0)) -> tuple:
    hsv = np.array(
        [[[rng.uniform(0, 180), rng.uniform(*saturation) * 255, rng.uniform(*value) * 255]]],
        dtype=np.uint8,
    )
    return tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])


def random_appearance(rng: np.random.Generator) -> Appearance:
    return Appearance(
        skin=tuple(int(c) for c in _SKIN[rng.integers(len(_SKIN))]),
        hair=tuple(int(c) for c in _HAIR[rng.integers(len(_HAIR))]),
        shirt=_colour(rng),
        shirt_second=_colour(rng),
        pants=_colour(rng, saturation=(0.1, 0.7), value=(0.15, 0.7)),
        shoes=_colour(rng, saturation=(0.0, 0.4), value=(0.05, 0.5)),
        pattern=PATTERNS[rng.integers(len(PATTERNS))],
        accessory=ACCESSORIES[rng.integers(len(ACCESSORIES))],
        accessory_colour=_colour(rng),
        build=float(rng.uniform(0.9, 1.1)),
    )


def lookalike_of(original: Appearance, rng: np.random.Generator) -> Appearance:
    """Same colours and build, another pattern (and possibly accessory): a hard re-ID pair."""
    others = [p for p in PATTERNS if p != original.pattern]
    return replace(
        original,
        pattern=others[rng.integers(len(others))],
        accessory=ACCESSORIES[rng.integers(len(ACCESSORIES))],
    )


def _pt(x: float, y: float, scale: int) -> tuple:
    return int(round(x * scale)), int(round(y * scale))


def _limb(canvas, mask, start, angle_deg, length, width, colour, scale):
    """A limb hanging from `start` rotated by `angle_deg` from vertical (positive: forward)."""
    angle = np.deg2rad(angle_deg)
    end = (start[0] + length * np.sin(angle), start[1] + length * np.cos(angle))
    p1, p2 = _pt(*start, scale), _pt(*end, scale)
    thickness = max(1, int(round(width * scale)))
    cv2.line(canvas, p1, p2, colour, thickness, cv2.LINE_8)
    cv2.line(mask, p1, p2, 255, thickness, cv2.LINE_8)
    return end


def _torso_texture(app: Appearance, w: int, h: int, scale: int) -> np.ndarray:
    patch = np.empty((h, w, 3), np.uint8)
    patch[:] = app.shirt
    period = max(2, 7 * scale)
    if app.pattern in ("hstripes", "checks"):
        for y in range(0, h, period):
            patch[y : y + period // 2] = app.shirt_second
    if app.pattern == "vstripes":
        for x in range(0, w, period):
            patch[:, x : x + period // 2] = app.shirt_second
    if app.pattern == "checks":
        for x in range(0, w, 2 * period):
            block = patch[:, x : x + period]
            block[:] = np.where(block == app.shirt, app.shirt_second, app.shirt)
    if app.pattern == "two_tone":
        patch[h // 2 :] = app.shirt_second
    return patch


@dataclass(frozen=True)
class _Body:
    """Where a pose's parts go, in canonical sprite pixels (drawn at `scale` times that)."""

    h: float  # body height
    cx: float  # body centre x
    shoulder: float  # half shoulder width
    leg_angle: float
    arm_angle: float
    scale: int = 2

    hip_y = property(lambda self: 0.52 * self.h)
    shoulder_y = property(lambda self: 0.17 * self.h)
    leg_len = property(lambda self: 0.47 * self.h)
    leg_w = property(lambda self: 0.095 * self.h)
    arm_len = property(lambda self: 0.34 * self.h)
    arm_w = property(lambda self: 0.065 * self.h)
    head_r = property(lambda self: 0.068 * self.h)

    def pt(self, x: float, y: float) -> tuple:
        return _pt(x, y, self.scale)


def _draw_back_limbs(canvas, mask, app: Appearance, body: _Body) -> None:
    """The back arm and both legs with shoes (before the torso, which covers their tops)."""
    h, cx, scale = body.h, body.cx, body.scale
    start = (cx - body.shoulder + body.arm_w / 2, body.shoulder_y + body.arm_w / 2)
    back_shirt = tuple(int(c * 0.8) for c in app.shirt)
    _limb(canvas, mask, start, -body.arm_angle - 4, body.arm_len, body.arm_w, back_shirt, scale)
    for sign, shade in ((-1, 0.8), (1, 1.0)):
        start = (cx - sign * 0.055 * h, body.hip_y)
        colour = tuple(int(c * shade) for c in app.pants)
        length = body.leg_len - 0.03 * h
        foot = _limb(canvas, mask, start, sign * body.leg_angle, length, body.leg_w, colour, scale)
        # Shoe: a short segment forward of the ankle, ending on the ground line.
        ground = h - body.leg_w * 0.35
        ankle = (foot[0], min(foot[1], ground))
        toe = (ankle[0] + 0.07 * h, ground)
        thickness = max(1, int(round(body.leg_w * 0.7 * scale)))
        cv2.line(canvas, body.pt(*ankle), body.pt(*toe), app.shoes, thickness)
        cv2.line(mask, body.pt(*ankle), body.pt(*toe), 255, thickness)


def _draw_rectangle(canvas, mask, tl, br, colour) -> None:
    cv2.rectangle(canvas, tl, br, colour, -1)
    cv2.rectangle(mask, tl, br, 255, -1)


def _draw_torso(canvas, mask, app: Appearance, body: _Body) -> None:
    """A backpack behind the torso when worn, then the torso with the clothing pattern."""
    h, cx, shoulder = body.h, body.cx, body.shoulder
    if app.accessory == "backpack":
        tl = body.pt(cx - shoulder - 0.07 * h, body.shoulder_y + 0.03 * h)
        br = body.pt(cx - shoulder + 0.04 * h, body.hip_y - 0.05 * h)
        _draw_rectangle(canvas, mask, tl, br, app.accessory_colour)
    x0, x1 = body.pt(cx - shoulder, body.shoulder_y), body.pt(cx + shoulder, body.hip_y + 0.02 * h)
    patch = _torso_texture(app, x1[0] - x0[0], x1[1] - x0[1], body.scale)
    canvas[x0[1] : x1[1], x0[0] : x1[0]] = patch
    mask[x0[1] : x1[1], x0[0] : x1[0]] = 255


def _draw_head(canvas, mask, app: Appearance, body: _Body) -> None:
    """Neck, head, and hair (or a hat) on the canvas only: it lies inside the head."""
    h, cx, scale, head_r = body.h, body.cx, body.scale, body.head_r
    head_c = (cx + 0.01 * h, head_r + 0.5)
    neck = (body.pt(cx, head_c[1]), body.pt(cx, body.shoulder_y + 2))
    neck_width = max(1, int(0.05 * h * scale))
    cv2.line(canvas, *neck, app.skin, neck_width)
    cv2.line(mask, *neck, 255, neck_width)
    cv2.circle(canvas, body.pt(*head_c), int(head_r * scale), app.skin, -1)
    cv2.circle(mask, body.pt(*head_c), int(head_r * scale), 255, -1)
    hair = app.accessory_colour if app.accessory == "hat" else app.hair
    radius = int(head_r * scale)
    cv2.ellipse(canvas, body.pt(*head_c), (radius, radius), 0, 180, 360, hair, -1)
    back = body.pt(head_c[0] - head_r * 0.5, head_c[1])
    cv2.ellipse(canvas, back, (int(head_r * 0.6 * scale), radius), 0, 90, 270, hair, -1)


def _draw_front_arm(canvas, mask, app: Appearance, body: _Body) -> None:
    """The front arm with a skin-coloured hand, and the bag it carries when it has one."""
    h, scale = body.h, body.scale
    start = (body.cx + body.shoulder - body.arm_w / 2, body.shoulder_y + body.arm_w / 2)
    hand = _limb(
        canvas, mask, start, body.arm_angle + 4, body.arm_len, body.arm_w, app.shirt, scale
    )
    cv2.circle(canvas, body.pt(*hand), int(body.arm_w * 0.6 * scale), app.skin, -1)
    cv2.circle(mask, body.pt(*hand), int(body.arm_w * 0.6 * scale), 255, -1)
    if app.accessory == "bag":
        tl = body.pt(hand[0] - 0.05 * h, hand[1] - 0.02 * h)
        br = body.pt(hand[0] + 0.05 * h, hand[1] + 0.09 * h)
        _draw_rectangle(canvas, mask, tl, br, app.accessory_colour)


def draw_figure(app: Appearance, phase: float | None) -> np.ndarray:
    """Draw one pose facing right, back parts first so the front ones cover them.

    Args:
        app: the identity's appearance.
        phase: gait phase in [0, 1); None for the standing pose.

    Returns:
        (SPRITE_HEIGHT, SPRITE_WIDTH, 4) uint8: premultiplied BGR and alpha, feet on the
        bottom row, body centred horizontally.
    """
    height, width = SPRITE_HEIGHT, SPRITE_WIDTH
    swing = 0.0 if phase is None else np.sin(2 * np.pi * phase)
    h = height - 1.0
    body = _Body(h, width / 2.0, 0.14 * h * app.build, 12.0 * swing, 8.0 * swing)
    canvas = np.zeros((height * body.scale, width * body.scale, 3), np.uint8)
    mask = np.zeros((height * body.scale, width * body.scale), np.uint8)
    for draw in (_draw_back_limbs, _draw_torso, _draw_head, _draw_front_arm):
        draw(canvas, mask, app, body)
    canvas[mask == 0] = 0  # premultiplied: no colour outside the figure
    return cv2.resize(np.dstack([canvas, mask]), (width, height), interpolation=cv2.INTER_AREA)


class SpriteBank:
    """Every pose of one identity: `GAIT_PHASES` walking phases plus standing, both facings."""

    def __init__(self, app: Appearance):
        poses = [draw_figure(app, k / GAIT_PHASES) for k in range(GAIT_PHASES)]
        poses.append(draw_figure(app, None))
        self.right = poses
        self.left = [np.ascontiguousarray(p[:, ::-1]) for p in poses]

    def pose(self, phase: float | None, facing: int) -> np.ndarray:
        """The sprite for gait `phase` (None: standing) facing right (+1) or left (-1)."""
        index = GAIT_PHASES if phase is None else int(phase * GAIT_PHASES) % GAIT_PHASES
        return (self.right if facing >= 0 else self.left)[index]
