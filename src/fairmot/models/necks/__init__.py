"""Necks: fusing multi-level backbone features into one stride-4 map."""

from .dla_up import DLAUp, IDAUp

__all__ = ["DLAUp", "IDAUp"]
