"""Configuration: the defaults tree, experiment files, command-line overrides and the
allowed value of every key."""

from .config import (
    ConfigError,
    inference_input_size,
    load_cfg,
    load_yaml_with_base,
    merge_from_file,
    merge_from_list,
)
from .defaults import get_cfg
from .validation import RULES, validate

__all__ = [
    "ConfigError",
    "get_cfg",
    "inference_input_size",
    "load_cfg",
    "load_yaml_with_base",
    "merge_from_file",
    "merge_from_list",
    "RULES",
    "validate",
]
