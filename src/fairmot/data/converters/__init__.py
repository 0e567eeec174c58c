"""Converters from data set releases to the JDE training layout (docs/datasets.md).

- `convert_mot_release`: MOT15/16/17/20 training splits; `make_half_split`: MOT17 halves.
- `convert_crowdhuman`: CrowdHuman, detection and self-supervised modes.
- `convert_jde_zoo`: lists for Caltech, CityPersons, CUHK-SYSU, PRW, ETH.
- `convert_kitti_tracking`, `convert_visdrone_mot`: the multi-class releases, also laid out
  for tracking (MOTChallenge layout) and evaluation (their benchmarks' layouts).
- `convert_aicity_scenario`, `convert_wildtrack`: the multi-camera releases, as
  multi-camera scenes (`data.formats.mtmc`).
"""

from .crowdhuman import convert_crowdhuman, read_odgt
from .jde_zoo import JDE_ZOO, convert_jde_zoo, list_jde_dataset
from .kitti import KITTI_CLASSES, KITTI_VAL, convert_kitti_tracking
from .mot import (
    MOT_BENCHMARKS,
    JdeSplit,
    convert_mot_release,
    make_half_split,
    mot_sequences_to_jde,
)
from .multicamera import convert_aicity_scenario, convert_wildtrack
from .visdrone import VISDRONE_CLASSES, convert_visdrone_mot

__all__ = [
    "JDE_ZOO",
    "KITTI_CLASSES",
    "KITTI_VAL",
    "VISDRONE_CLASSES",
    "MOT_BENCHMARKS",
    "JdeSplit",
    "convert_aicity_scenario",
    "convert_crowdhuman",
    "convert_jde_zoo",
    "convert_kitti_tracking",
    "convert_mot_release",
    "convert_visdrone_mot",
    "convert_wildtrack",
    "list_jde_dataset",
    "make_half_split",
    "mot_sequences_to_jde",
    "read_odgt",
]
