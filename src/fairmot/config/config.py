"""Merging experiment files and command-line overrides into the defaults, strictly.

A YAML experiment file may name another one under `_BASE_` (relative to itself); it is merged
first. Unknown keys and values of the wrong type fail with a `ConfigError` naming the key,
the source (file or command line) and what was expected, with a suggestion for typos.
"""

from __future__ import annotations

import ast
import difflib
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml
from yacs.config import CfgNode

from .defaults import get_cfg
from .validation import PER_CLASS_KEYS, ConfigError, validate

BASE_KEY = "_BASE_"


def _all_keys(node: CfgNode, prefix: str = "") -> list[str]:
    keys = []
    for name, value in node.items():
        full = f"{prefix}{name}"
        keys.append(full)
        if isinstance(value, CfgNode):
            keys.extend(_all_keys(value, full + "."))
    return keys


def _unknown_key_error(root: CfgNode, full_key: str, source: str) -> ConfigError:
    close = difflib.get_close_matches(full_key, _all_keys(root), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return ConfigError(f"{source}: unknown config key '{full_key}'.{hint}")


def _type_name(value: Any) -> str:
    return type(value).__name__


def _coerce(value: Any, default: Any, full_key: str, source: str) -> Any:
    """Return `value` converted to the type of `default`, or raise ConfigError."""

    def fail() -> ConfigError:
        return ConfigError(
            f"{source}: config key '{full_key}' expects a value of type {_type_name(default)} "
            f"(default {default!r}), got {value!r} of type {_type_name(value)}."
        )

    if default is None:
        return value
    if full_key in PER_CLASS_KEYS and isinstance(value, (list, tuple)):
        return [_coerce(v, default, f"{full_key}[{i}]", source) for i, v in enumerate(value)]
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise fail()
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise fail()
    if isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise fail()
    if isinstance(default, str):
        if isinstance(value, str):
            return value
        raise fail()
    if isinstance(default, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            raise fail()
        if default:
            # Elements must fit the type of the default's elements (ints are valid floats).
            items = [
                _coerce(v, default[0], f"{full_key}[{i}]", source) for i, v in enumerate(value)
            ]
        else:
            items = list(value)
        return type(default)(items)
    raise fail()


def _merge_dict(root: CfgNode, node: CfgNode, values: dict, source: str, prefix: str = "") -> None:
    for name, value in values.items():
        full_key = f"{prefix}{name}"
        if name not in node:
            raise _unknown_key_error(root, full_key, source)
        default = node[name]
        if isinstance(default, CfgNode):
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{source}: config key '{full_key}' is a group of keys "
                    f"({', '.join(default.keys())}); got the value {value!r}."
                )
            _merge_dict(root, default, value, source, full_key + ".")
        else:
            if isinstance(value, dict):
                raise ConfigError(
                    f"{source}: config key '{full_key}' is a single value, got a group {value!r}."
                )
            node[name] = _coerce(value, default, full_key, source)


def load_yaml_with_base(path: str | os.PathLike, _seen: tuple = ()) -> dict:
    """Read a YAML experiment file, recursively merging the file it names under `_BASE_`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    resolved = path.resolve()
    if resolved in _seen:
        chain = " -> ".join(str(p) for p in (*_seen, resolved))
        raise ConfigError(f"{path}: circular _BASE_ chain: {chain}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of config keys, got {_type_name(data)}")
    base = data.pop(BASE_KEY, None)
    if base is None:
        return data
    merged = load_yaml_with_base(path.parent / base, (*_seen, resolved))
    _deep_update(merged, data)
    return merged


def _deep_update(target: dict, update: dict) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value


def merge_from_file(cfg: CfgNode, path: str | os.PathLike) -> CfgNode:
    """Merge a YAML experiment file (and its `_BASE_` chain) into `cfg` in place."""
    _merge_dict(cfg, cfg, load_yaml_with_base(path), source=str(path))
    return cfg


def _parse_override(text: str, default: Any) -> Any:
    if isinstance(default, str):
        return text  # strings are taken verbatim: "MODEL.WEIGHTS 123" names a file "123"
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.lower() in ("none", "null"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def merge_from_list(cfg: CfgNode, opts: Sequence[str]) -> CfgNode:
    """Merge command-line `KEY VALUE` pairs (e.g. `SOLVER.BASE_LR 1e-3`) into `cfg` in place."""
    if len(opts) % 2:
        raise ConfigError(
            f"command line: overrides come in KEY VALUE pairs; got an odd number: {list(opts)}"
        )
    for full_key, text in zip(opts[0::2], opts[1::2]):
        node = cfg
        parts = full_key.split(".")
        for depth, name in enumerate(parts):
            if not isinstance(node, CfgNode) or name not in node:
                raise _unknown_key_error(cfg, full_key, "command line")
            if depth < len(parts) - 1:
                node = node[name]
        default = node[parts[-1]]
        if isinstance(default, CfgNode):
            raise ConfigError(
                f"command line: '{full_key}' is a group of keys; override one of "
                f"{', '.join(f'{full_key}.{k}' for k in default.keys())}."
            )
        node[parts[-1]] = _coerce(_parse_override(text, default), default, full_key, "command line")
    return cfg


def load_cfg(
    cfg_file: str | os.PathLike | None = None,
    opts: Iterable[str] = (),
    stored: tuple | None = None,
) -> CfgNode:
    """Defaults, then a stored config (`stored`: (YAML text, where it comes from), e.g. the
    config a checkpoint was trained with), then `cfg_file`, then `opts`; returned frozen."""
    cfg = get_cfg()
    if stored and stored[0]:
        text, source = stored
        try:
            values = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{source}: the stored config is not valid YAML ({exc})") from None
        _merge_dict(cfg, cfg, values, source=source)
    if cfg_file:
        merge_from_file(cfg, cfg_file)
    merge_from_list(cfg, list(opts))
    validate(cfg)
    cfg.freeze()
    return cfg


def inference_input_size(cfg: CfgNode) -> tuple:
    """(width, height) in pixels of the network input for tracking and evaluation:
    INPUT.TEST_WIDTH / TEST_HEIGHT, or the training size where those are 0."""
    return (cfg.INPUT.TEST_WIDTH or cfg.INPUT.WIDTH, cfg.INPUT.TEST_HEIGHT or cfg.INPUT.HEIGHT)
