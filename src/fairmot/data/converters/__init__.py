"""Converters from data set releases to the JDE training layout."""

from .mot import JdeSplit, mot_sequences_to_jde

__all__ = ["JdeSplit", "mot_sequences_to_jde"]
