"""The synthetic MOT data set: the project's embedded default for training, tracking and
evaluation without downloads (tools/make_synthetic.py)."""

from .generator import generate_dataset, generate_sequence, scene_params_from_cfg, sequence_seed
from .layout import SyntheticLayout
from .oracle import oracle_detections
from .render import RenderedFrame, RenderedObject, Renderer
from .scene import Scene, SceneParams

__all__ = [
    "RenderedFrame",
    "RenderedObject",
    "Renderer",
    "Scene",
    "SceneParams",
    "SyntheticLayout",
    "generate_dataset",
    "generate_sequence",
    "oracle_detections",
    "scene_params_from_cfg",
    "sequence_seed",
]
