"""The allowed values of every config key, checked once when a config is built.

Types are checked while merging (`config.py`); this module checks what a type cannot say:
ranges, choices, multiples. A value outside its rule fails with a `ConfigError` naming the
key, the allowed values and what was given, before any work starts (instead of a traceback
deep inside the data loader or the network). Free-form keys (paths, names) have no rule;
`FREE_KEYS` lists them so that a test can check that no other key was forgotten.

The choices of architectures, backends and samplings are spelled out here (the config layer
does not import torch); a test checks them against the registries that implement them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from yacs.config import CfgNode

from ..data.formats.kitti import KITTI_TYPES
from ..data.formats.visdrone import VISDRONE_CATEGORIES
from ..errors import FairMOTError


class ConfigError(FairMOTError, ValueError):
    """A configuration file, override or value that does not fit the defaults tree."""


@dataclass(frozen=True)
class Rule:
    """`check(value)` is True for allowed values; `expected` says which ones, in words."""

    check: Callable[[Any], bool]
    expected: str


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def at_least(low: float) -> Rule:
    return Rule(lambda v: _finite(v) and v >= low, f">= {low}")


def above(low: float) -> Rule:
    return Rule(lambda v: _finite(v) and v > low, f"> {low}")


def between(low: float, high: float) -> Rule:
    return Rule(lambda v: _finite(v) and low <= v <= high, f"in [{low}, {high}]")


def one_of(*choices: Any) -> Rule:
    return Rule(lambda v: v in choices, f"one of {', '.join(repr(c) for c in choices)}")


def multiple_of(step: int, *, zero: bool = False) -> Rule:
    allowed = f"a positive multiple of {step}" + (" (or 0)" if zero else "")
    return Rule(lambda v: (v == 0 and zero) or (v > 0 and v % step == 0), allowed)


def each(rule: Rule, *, length: int | None = None, nonempty: bool = False) -> Rule:
    """A list whose every element passes `rule` (of `length` elements when given)."""
    size = f"{length} values" if length else ("one or more values" if nonempty else "values")

    def check(values: Any) -> bool:
        if (length and len(values) != length) or (nonempty and not values):
            return False
        return all(rule.check(v) for v in values)

    return Rule(check, f"{size}, each {rule.expected}")


def matches(pattern: str, description: str) -> Rule:
    return Rule(lambda v: re.fullmatch(pattern, v) is not None, description)


PROBABILITY = between(0.0, 1.0)
COUNT = at_least(0)
POSITIVE = at_least(1)

ARCHITECTURES = (
    "dla34",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet18_fpn",
    "resnet34_fpn",
    "hrnet_w18",
)
REID_SAMPLINGS = ("center", "center_bi", "roi_align", "pos_anchor", "two_stage")
ASSOCIATIONS = ("iou", "reid", "reid_kf", "reid_kf_iou")
TRACKER_PRESETS = ("fairmot", "strong", "oc")
POSTPROCESS_METHODS = ("link", "interpolate", "gsi")
CMC_METHODS = ("none", "sof", "ecc", "orb")
MULTICAM_MODES = ("none", "online", "offline")
BENCHMARKS = ("MOT15", "MOT16", "MOT17", "MOT20", "custom")
#: Multi-class result layouts and the class names they know (BDD100K: any name).
MULTICLASS_NAMES = {
    "bdd100k": None,
    "kitti": {t.lower() for t in KITTI_TYPES},
    "visdrone": set(VISDRONE_CATEGORIES[1:11]),
}

RULES: dict[str, Rule] = {
    "SEED": COUNT,
    "DEVICE": matches(r"auto|cpu|cuda(:\d+)?", "'auto', 'cpu', 'cuda' or 'cuda:N'"),
    "MODEL.ARCH": one_of(*ARCHITECTURES),
    "MODEL.HEAD_CONV": POSITIVE,
    "MODEL.DEFORMABLE": one_of(True, False),
    "MODEL.REID_DIM": POSITIVE,
    "MODEL.REID_HEAD": one_of("dense", "roi"),
    "MODEL.ROI_POOL_SIZE": POSITIVE,
    "MODEL.ROI_FC_DIM": POSITIVE,
    "MODEL.NUM_CLASSES": POSITIVE,
    "MODEL.LTRB": one_of(True, False),
    "MODEL.HM_BIAS_INIT": between(-20.0, 20.0),
    "INPUT.WIDTH": multiple_of(32),
    "INPUT.HEIGHT": multiple_of(32),
    "INPUT.TEST_WIDTH": multiple_of(32, zero=True),
    "INPUT.TEST_HEIGHT": multiple_of(32, zero=True),
    "INPUT.PAD_VALUE": between(0.0, 255.0),
    "INPUT.DOWN_RATIO": one_of(4),  # every network here has one stride-4 output
    "DATA.SELF_SUPERVISED": one_of(True, False),
    "DATA.MAX_OBJS": POSITIVE,
    "DATA.TRUNCATE_OBJECTS": one_of(True, False),
    "DATA.CLASSES": each(COUNT, nonempty=True),
    "DATA.ID_COUNTING": one_of("exact", "original"),
    "DATA.BAD_SAMPLES": one_of("error", "skip"),
    "DATA.NUM_WORKERS": COUNT,
    "AUG.ENABLED": one_of(True, False),
    "AUG.ROTATION": between(0.0, 180.0),
    "AUG.TRANSLATE": between(0.0, 1.0),
    "AUG.SCALE": each(above(0.0), length=2),
    "AUG.SHEAR": between(0.0, 45.0),
    "AUG.HSV_SATURATION": PROBABILITY,
    "AUG.HSV_VALUE": PROBABILITY,
    "AUG.FLIP_PROB": PROBABILITY,
    "AUG.MIN_AREA_RATIO": PROBABILITY,
    "AUG.MIN_BOX_SIZE": at_least(0.0),
    "AUG.MAX_BOX_ASPECT": above(0.0),
    "SOLVER.OPTIMIZER": one_of("adam"),
    "SOLVER.BASE_LR": above(0.0),
    "SOLVER.BATCH_SIZE": POSITIVE,
    "SOLVER.EPOCHS": POSITIVE,
    "SOLVER.LR_STEPS": each(POSITIVE),
    "SOLVER.GAMMA": above(0.0),
    "SOLVER.WEIGHT_DECAY": at_least(0.0),
    "SOLVER.AMP": one_of("auto", "none", "bf16", "fp16"),
    "SOLVER.MEMORY_FORMAT": one_of("auto", "contiguous", "channels_last"),
    "SOLVER.CHECKPOINT_PERIOD": COUNT,
    "SOLVER.LOG_PERIOD": POSITIVE,
    "SOLVER.EVAL_PERIOD": COUNT,
    "SOLVER.DETERMINISTIC": one_of(True, False),
    "LOSS.HM_WEIGHT": at_least(0.0),
    "LOSS.WH_WEIGHT": at_least(0.0),
    "LOSS.REG_WEIGHT": at_least(0.0),
    "LOSS.FOCAL_ALPHA": at_least(0.0),
    "LOSS.FOCAL_BETA": at_least(0.0),
    "LOSS.WEIGHTING": one_of("uncertainty", "fixed"),
    "LOSS.S_DET_INIT": between(-20.0, 20.0),
    "LOSS.S_ID_INIT": between(-20.0, 20.0),
    "LOSS.ID_WEIGHT": at_least(0.0),
    "DECODE.TOP_K": POSITIVE,
    "DECODE.CONF_THRES": PROBABILITY,
    "DECODE.REID_SAMPLING": one_of(*REID_SAMPLINGS),
    "INFERENCE.BACKEND": one_of("auto", "torch", "onnxruntime"),
    "INFERENCE.PEAK_HEADS": one_of(True, False),
    "INFERENCE.FRAMES_IN_FLIGHT": COUNT,
    "INFERENCE.DEVICE_LETTERBOX": one_of(True, False),
    "INFERENCE.READ_THREADS": COUNT,
    "INFERENCE.PRECISION": one_of("fp32", "fp16", "bf16"),
    "INFERENCE.CUDA_GRAPHS": one_of(True, False),
    "INFERENCE.DROP_FRAMES": one_of(True, False),
    "INFERENCE.STALL_SECONDS": above(0.0),
    "TRACKER.NEW_TRACK_THRES": PROBABILITY,
    "TRACKER.TRACK_BUFFER": COUNT,
    "TRACKER.LOST_SECONDS": at_least(0.0),
    "TRACKER.REID_GALLERY": one_of(True, False),
    "TRACKER.GALLERY_SIZE": POSITIVE,
    "TRACKER.GALLERY_SECONDS": above(0.0),
    "TRACKER.GALLERY_THRES": between(0.0, 2.0),
    "TRACKER.ASSOCIATION": one_of(*ASSOCIATIONS),
    "TRACKER.PRESET": one_of(*TRACKER_PRESETS),
    "TRACKER.CMC": one_of(*CMC_METHODS),
    "TRACKER.CMC_DOWNSCALE": at_least(1.0),
    "TRACKER.FEATURE_BUDGET": COUNT,
    "TRACKER.NSA_KALMAN": one_of(True, False),
    "TRACKER.ADAPTIVE_MOMENTUM": one_of(True, False),
    "TRACKER.MATCHING_CASCADE": one_of(True, False),
    "TRACKER.OBSERVATION_RECOVERY": one_of(True, False),
    "TRACKER.MATCH_THRES_RECOVERY": PROBABILITY,
    "TRACKER.MOTION_LAMBDA": PROBABILITY,
    "TRACKER.FEATURE_MOMENTUM": PROBABILITY,
    "TRACKER.GATING_THRES": above(0.0),
    # Costs: 1 - IoU in [0, 1]; the fused re-ID cost (cosine distance) can reach 2.
    "TRACKER.MATCH_THRES_REID": between(0.0, 2.0),
    "TRACKER.MATCH_THRES_IOU": PROBABILITY,
    "TRACKER.MATCH_THRES_UNCONFIRMED": PROBABILITY,
    "TRACKER.LOW_SCORE_MATCHING": one_of(True, False),
    "TRACKER.MATCH_THRES_LOW": PROBABILITY,
    "TRACKER.DUPLICATE_THRES": PROBABILITY,
    "TRACKER.MIN_BOX_AREA": at_least(0.0),
    "TRACKER.MAX_ASPECT": at_least(0.0),
    "POSTPROCESS.METHODS": Rule(
        lambda methods: all(m in POSTPROCESS_METHODS for m in methods),
        f"a list of {', '.join(map(repr, POSTPROCESS_METHODS))}",
    ),
    "POSTPROCESS.MAX_GAP": COUNT,
    "POSTPROCESS.GSI_SIGMA": at_least(0.0),
    "POSTPROCESS.LINK_MAX_GAP": COUNT,
    "POSTPROCESS.LINK_DISTANCE": at_least(0.0),
    "COUNT.LINES": Rule(
        lambda lines: all(
            isinstance(line, (list, tuple)) and len(line) == 4 and all(map(_finite, line))
            for line in lines
        ),
        "a list of [x1, y1, x2, y2] lines (frame pixels)",
    ),
    "COUNT.HYSTERESIS": at_least(0.0),
    "MULTICAM.MODE": one_of(*MULTICAM_MODES),
    "MULTICAM.APPEARANCE_THRES": between(0.0, 2.0),
    "MULTICAM.MIN_FRAMES": COUNT,
    "MULTICAM.MAX_GAP": at_least(0.0),
    "MULTICAM.MAX_SPEED": at_least(0.0),
    "MULTICAM.OVERLAP_DISTANCE": at_least(0.0),
    "MULTICAM.POSITION_SLACK": at_least(0.0),
    "MULTICAM.REQUIRE_CALIBRATION": one_of(True, False),
    "EVAL.BENCHMARK": one_of(*BENCHMARKS),
    "EVAL.MULTICLASS_LAYOUT": one_of(*MULTICLASS_NAMES),
    "EVAL.IOU_THRES": between(0.01, 1.0),
    "EVAL.DET_IOU_THRES": between(0.01, 1.0),
    "SYNTH.WIDTH": at_least(64),
    "SYNTH.HEIGHT": at_least(64),
    "SYNTH.FRAME_RATE": POSITIVE,
    "SYNTH.TRAIN_SEQS": COUNT,
    "SYNTH.VAL_SEQS": COUNT,
    "SYNTH.SEQ_LENGTH": POSITIVE,
    "SYNTH.TRAIN_SEQ_LENGTH": COUNT,
    "SYNTH.SEED": COUNT,
    "SYNTH.NUM_PEOPLE": COUNT,
    "SYNTH.CROSSINGS_PER_100": at_least(0.0),
    "SYNTH.LOOKALIKE_FRACTION": PROBABILITY,
    "SYNTH.NUM_OCCLUDERS": COUNT,
    "SYNTH.NUM_STATIC_PERSONS": COUNT,
    "SYNTH.NUM_POSTERS": COUNT,
    "SYNTH.NUM_FAR_WALKERS": COUNT,
    "SYNTH.STOP_PROB": PROBABILITY,
    "SYNTH.RETURN_PROB": PROBABILITY,
    "SYNTH.NUM_VEHICLES": COUNT,
    "SYNTH.TURN_PROB": PROBABILITY,
    "SYNTH.VAL_SEED": at_least(-1),
    "SYNTH.PAN_AMPLITUDE": at_least(0.0),
    "SYNTH.SHAKE_AMPLITUDE": at_least(0.0),
    "SYNTH.PAN_PERIOD": at_least(0.0),
    "SYNTH.LIGHTING_AMPLITUDE": PROBABILITY,
    "SYNTH.NOISE_STD": at_least(0.0),
    "SYNTH.JPEG_QUALITY": between(1, 100),
    "SYNTH.WRITE_DET": one_of(True, False),
    "SYNTH.NUM_WORKERS": COUNT,
    "SYNTH.MV_SCENES": COUNT,
    "SYNTH.MV_CAMERAS": between(1, 4),
    "SYNTH.MV_LENGTH": POSITIVE,
    "SYNTH.MV_FRAME_RATE": at_least(1),
    "SYNTH.MV_PEOPLE": COUNT,
    "VIS.FPS": at_least(0.0),
    "VIS.TRAIL_LENGTH": COUNT,
    "VIS.MAX_FRAMES": COUNT,
}

#: Thresholds that take one value, or a list of one value per class (in DATA.CLASSES order).
PER_CLASS_KEYS = frozenset(
    {
        "TRACKER.NEW_TRACK_THRES",
        "TRACKER.MATCH_THRES_REID",
        "TRACKER.MATCH_THRES_IOU",
        "TRACKER.MATCH_THRES_UNCONFIRMED",
        "TRACKER.MATCH_THRES_LOW",
        "TRACKER.MIN_BOX_AREA",
        "TRACKER.MAX_ASPECT",
    }
)

# Paths and lists of names: any value of the right type is accepted here; the code that
# opens them reports what is missing.
FREE_KEYS = frozenset(
    {
        "OUTPUT_DIR",
        "MODEL.INIT_WEIGHTS",
        "MODEL.WEIGHTS",
        "DATA.CFG",
        "DATA.ROOT",
        "EVAL.GT_DIR",
        "EVAL.SEQS",
        "DATA.CLASS_NAMES",
    }
)


def leaf_keys(node: CfgNode, prefix: str = "") -> dict[str, Any]:
    """Every leaf of `node` by its dotted key."""
    leaves = {}
    for name, value in node.items():
        if isinstance(value, CfgNode):
            leaves.update(leaf_keys(value, f"{prefix}{name}."))
        else:
            leaves[f"{prefix}{name}"] = value
    return leaves


def _combinations(cfg: CfgNode) -> list[str]:
    """Values allowed alone that do not fit together."""
    problems = []
    if cfg.MODEL.ARCH == "hrnet_w18" and not cfg.MODEL.DEFORMABLE:
        problems.append(
            "MODEL.ARCH hrnet_w18 has no deformable layers to turn off: keep MODEL.DEFORMABLE True"
        )
    if cfg.TRACKER.TRACK_BUFFER != 30 and cfg.TRACKER.LOST_SECONDS != 1.0:
        problems.append(
            "TRACKER.TRACK_BUFFER (frames at 30 frames/s) is an alias of TRACKER.LOST_SECONDS "
            f"(seconds): set one of them, not both ({cfg.TRACKER.TRACK_BUFFER} and "
            f"{cfg.TRACKER.LOST_SECONDS})"
        )
    if len(cfg.DATA.CLASSES) != cfg.MODEL.NUM_CLASSES:
        problems.append(
            f"DATA.CLASSES {list(cfg.DATA.CLASSES)} names {len(cfg.DATA.CLASSES)} class(es) but "
            f"MODEL.NUM_CLASSES is {cfg.MODEL.NUM_CLASSES}: one heatmap channel per class"
        )
    if len(cfg.DATA.CLASS_NAMES) != len(cfg.DATA.CLASSES):
        problems.append(
            f"DATA.CLASS_NAMES {list(cfg.DATA.CLASS_NAMES)} needs one name per class of "
            f"DATA.CLASSES {list(cfg.DATA.CLASSES)}"
        )
    if len(set(cfg.DATA.CLASSES)) != len(cfg.DATA.CLASSES):
        problems.append(f"DATA.CLASSES {list(cfg.DATA.CLASSES)} names a class twice")
    return problems + _layout_names(cfg)


def _layout_names(cfg: CfgNode) -> list[str]:
    """A multi-class layout other than BDD100K's names the classes by its own categories."""
    known = MULTICLASS_NAMES.get(cfg.EVAL.MULTICLASS_LAYOUT)
    if cfg.MODEL.NUM_CLASSES == 1 or not known:
        return []
    unknown = [n for n in cfg.DATA.CLASS_NAMES if n.lower() not in known]
    if not unknown:
        return []
    return [
        f"DATA.CLASS_NAMES {unknown} are not {cfg.EVAL.MULTICLASS_LAYOUT} categories "
        f"(EVAL.MULTICLASS_LAYOUT); expected names among {sorted(known)}"
    ]


def _allowed(key: str, rule: Rule, value) -> bool:
    if key in PER_CLASS_KEYS and isinstance(value, list):
        return all(rule.check(v) for v in value)
    return rule.check(value)


def validate(cfg: CfgNode) -> None:
    """Raise a `ConfigError` listing every key whose value breaks its rule and every
    combination of values that does not fit."""
    values = leaf_keys(cfg)
    problems = [
        f"{key} must be {rule.expected}, got {values[key]!r}"
        for key, rule in RULES.items()
        if key in values and not _allowed(key, rule, values[key])
    ]
    classes = cfg.MODEL.NUM_CLASSES
    problems += [
        f"{key} gives {len(values[key])} values: one per class needs {classes}"
        for key in sorted(PER_CLASS_KEYS)
        if isinstance(values[key], list) and len(values[key]) != classes
    ]
    problems += _combinations(cfg) if not problems else []
    if problems:
        raise ConfigError("config: " + "; ".join(problems))
