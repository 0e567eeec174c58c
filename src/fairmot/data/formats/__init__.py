"""Readers and writers of the MOTChallenge and JDE file formats and of saved detections.

Every reader validates what it reads and raises `FormatError` naming the file, the line and
what was expected; nothing is silently dropped.
"""

from .detections import SavedDetections, read_detections_dir, write_detections
from .jde import (
    DATA_CFG_PURPOSES,
    DataCfg,
    label_path_for_image,
    read_data_cfg,
    read_image_list,
    read_jde_labels,
    write_data_cfg,
    write_image_list,
    write_jde_labels,
)
from .mot import (
    MOT_CLASSES,
    MotDetections,
    MotGroundTruth,
    MotResultsWriter,
    MotSequence,
    MotTracks,
    SeqInfo,
    list_sequences,
    read_mot_det,
    read_mot_gt,
    read_mot_results,
    read_seqinfo,
    write_mot_det,
    write_mot_gt,
    write_mot_results,
    write_seqinfo,
)
from .text_table import FormatError, atomic_write_text

__all__ = [
    "DATA_CFG_PURPOSES",
    "DataCfg",
    "FormatError",
    "MOT_CLASSES",
    "MotDetections",
    "MotGroundTruth",
    "MotResultsWriter",
    "MotSequence",
    "MotTracks",
    "SavedDetections",
    "SeqInfo",
    "atomic_write_text",
    "label_path_for_image",
    "list_sequences",
    "read_data_cfg",
    "read_detections_dir",
    "read_image_list",
    "read_jde_labels",
    "read_mot_det",
    "read_mot_gt",
    "read_mot_results",
    "read_seqinfo",
    "write_data_cfg",
    "write_detections",
    "write_image_list",
    "write_jde_labels",
    "write_mot_det",
    "write_mot_gt",
    "write_mot_results",
    "write_seqinfo",
]
