"""Converters from data set releases to the JDE training layout (SPEC §4).

- `convert_mot_release`: MOT15/16/17/20 training splits; `make_half_split`: MOT17 halves.
- `convert_crowdhuman`: CrowdHuman, detection and self-supervised modes.
- `convert_jde_zoo`: lists for Caltech, CityPersons, CUHK-SYSU, PRW, ETH.
"""

from .crowdhuman import convert_crowdhuman, read_odgt
from .jde_zoo import JDE_ZOO, convert_jde_zoo, list_jde_dataset
from .mot import (
    MOT_BENCHMARKS,
    JdeSplit,
    convert_mot_release,
    make_half_split,
    mot_sequences_to_jde,
)

__all__ = [
    "JDE_ZOO",
    "MOT_BENCHMARKS",
    "JdeSplit",
    "convert_crowdhuman",
    "convert_jde_zoo",
    "convert_mot_release",
    "list_jde_dataset",
    "make_half_split",
    "mot_sequences_to_jde",
    "read_odgt",
]
