"""Configuration: the defaults tree, experiment files and command-line overrides."""

from .config import (
    ConfigError,
    argument_parser,
    load_cfg,
    load_yaml_with_base,
    merge_from_file,
    merge_from_list,
    setup,
)
from .defaults import get_cfg

__all__ = [
    "ConfigError",
    "argument_parser",
    "get_cfg",
    "load_cfg",
    "load_yaml_with_base",
    "merge_from_file",
    "merge_from_list",
    "setup",
]
