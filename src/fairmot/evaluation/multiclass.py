"""Multi-class tracking metrics: every class alone, and combined over classes, by TrackEval's
BDD100K rules (the multi-class layout TrackEval reads, `data.formats.bdd100k`).

Our reader reads the files; the arrays go to TrackEval's own BDD100K pre-processing (per
class: the class's boxes; unmatched result boxes mostly inside an ignore region, i.e. a
distractor or `Crowd` box of the ground truth, removed) and to its HOTA, CLEAR, Identity
and Count metrics; classes are combined as TrackEval does (`cls_comb_cls_av`: the mean over
classes, `cls_comb_det_av`: over all boxes, and the super-categories HUMAN, VEHICLE, BIKE).
Every number is therefore TrackEval's for the same files (tested).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.formats import FormatError
from ..data.formats.bdd100k import (
    BDD_CLASSES,
    BDD_DISTRACTORS,
    BDD_SUPER_CATEGORIES,
    BddTracks,
    read_bdd_sequence,
)
from .mot_metrics import (
    FAMILIES,
    EvaluationError,
    _trackeval,
    metric_objects,
    rows_by_frame,
    similarity_scores,
    summary_row,
)

#: TrackEval's keys of the combinations over classes.
CLASS_AVERAGED, DETECTION_AVERAGED = "cls_comb_cls_av", "cls_comb_det_av"
COMBINED_SEQ = "COMBINED_SEQ"


def _bdd_dataset():
    """TrackEval's BDD100K dataset class without its file discovery: we read the files."""

    class ArrayDataset(_trackeval().datasets.BDD100K):
        def __init__(self):
            self.class_name_to_class_id = {
                "pedestrian": 1, "rider": 2, "other person": 3, "car": 4, "bus": 5, "truck": 6,
                "train": 7, "trailer": 8, "other vehicle": 9, "motorcycle": 10, "bicycle": 11,
            }  # fmt: skip

    return ArrayDataset()


def _class_ids(dataset, tracks: BddTracks, path: str) -> np.ndarray:
    known = dataset.class_name_to_class_id
    unknown = sorted(set(tracks.categories.tolist()) - set(known))
    if unknown:
        raise FormatError(path, f"unknown categor(y/ies) {unknown}; BDD100K has {sorted(known)}")
    return np.array([known[c] for c in tracks.categories], np.int64)


def bdd_raw_data(dataset, name: str, gt: BddTracks, tracks: BddTracks) -> dict:
    """The dict TrackEval's BDD100K loader builds from the two files, from our arrays."""
    if tracks.num_frames != gt.num_frames:
        raise EvaluationError(
            f"{name}: the results have {tracks.num_frames} frames, the ground truth "
            f"{gt.num_frames} (one entry per frame, frames without boxes too)"
        )
    ignore = np.isin(gt.categories, BDD_DISTRACTORS) | gt.crowd
    gt_classes, tr_classes = _class_ids(dataset, gt, name), _class_ids(dataset, tracks, name)
    gt_rows = rows_by_frame(gt.frames, gt.num_frames)
    tr_rows = rows_by_frame(tracks.frames, gt.num_frames)
    raw = {"num_timesteps": gt.num_frames, "seq": name}
    raw["gt_ids"] = [gt.ids[r[~ignore[r]]] for r in gt_rows]
    raw["gt_classes"] = [gt_classes[r[~ignore[r]]] for r in gt_rows]
    raw["gt_dets"] = [gt.tlbr[r[~ignore[r]]] for r in gt_rows]
    raw["gt_crowd_ignore_regions"] = [gt.tlbr[r[ignore[r]]] for r in gt_rows]
    raw["tracker_ids"] = [tracks.ids[r] for r in tr_rows]
    raw["tracker_classes"] = [tr_classes[r] for r in tr_rows]
    raw["tracker_dets"] = [tracks.tlbr[r] for r in tr_rows]
    raw["similarity_scores"] = similarity_scores(dataset, raw)
    return raw


@dataclass
class MultiClassResult:
    """TrackEval's raw results of a multi-class evaluation.

    Attributes:
        sequences: sequence names in order.
        classes: the evaluated classes.
        raw: {sequence: {class: {family: {field: value}}}}.
        combined: {class, CLASS_AVERAGED, DETECTION_AVERAGED or super-category:
            {family: {field: value}}} over all sequences.
    """

    sequences: list
    classes: list
    raw: dict
    combined: dict

    def tables(self) -> dict:
        """{class or combination: {family: {sequence or COMBINED_SEQ: results}}}, what
        TrackEval's tables and files are made of (combinations: COMBINED_SEQ only)."""
        out = {}
        for key, families in self.combined.items():
            per_seq = {s: self.raw[s][key] for s in self.sequences} if key in self.classes else {}
            out[key] = {
                f: {**{s: r[f] for s, r in per_seq.items()}, COMBINED_SEQ: families[f]}
                for f in FAMILIES
            }
        return out

    def summary(self) -> dict:
        """{class or combination: {sequence or COMBINED: {field: value}}} in TrackEval's
        summary scale (percentages, counts as integers)."""
        families = metric_objects()
        out = {}
        for key, table in self.tables().items():
            out[key] = {
                "COMBINED" if seq == COMBINED_SEQ else seq: summary_row(
                    {f: table[f][seq] for f in FAMILIES}, families
                )
                for seq in table["HOTA"]
            }
        return out


def evaluate_per_class(
    sequences: dict, rules, classes, super_categories: dict | None = None
) -> MultiClassResult:
    """TrackEval's metrics of every class in every sequence and their combinations.

    Args:
        sequences: {sequence: the raw data dict TrackEval's loader builds for it}.
        rules: an object with TrackEval's `get_preprocessed_seq_data(raw, cls)`: the
            benchmark's rules (which boxes count for `cls`, which are ignored).
        classes: the classes evaluated, as the rules name them.
        super_categories: {name: member classes} combined detection-averaged (those with
            no evaluated member are left out).
    """
    metrics, classes = metric_objects(), list(classes)
    raw = {}
    for name, sequence in sequences.items():
        raw[name] = {}
        for cls in classes:
            prepared = rules.get_preprocessed_seq_data(sequence, cls)
            raw[name][cls] = {f: m.eval_sequence(prepared) for f, m in metrics.items()}
    combined = {
        cls: {f: m.combine_sequences({s: raw[s][cls][f] for s in raw}) for f, m in metrics.items()}
        for cls in classes
    }
    per_class = {f: {cls: combined[cls][f] for cls in classes} for f in FAMILIES}
    combined[CLASS_AVERAGED] = {
        f: m.combine_classes_class_averaged(per_class[f]) for f, m in metrics.items()
    }
    combined[DETECTION_AVERAGED] = {
        f: m.combine_classes_det_averaged(per_class[f]) for f, m in metrics.items()
    }
    for category, members in (super_categories or {}).items():
        chosen = [c for c in members if c in classes]
        if not chosen:  # none of its classes evaluated (TrackEval would fail here)
            continue
        combined[category] = {
            f: m.combine_classes_det_averaged({c: combined[c][f] for c in chosen})
            for f, m in metrics.items()
        }
    return MultiClassResult(list(sequences), classes, raw, combined)


def evaluate_bdd_arrays(data: dict, classes=BDD_CLASSES) -> MultiClassResult:
    """Evaluate {sequence: (ground truth BddTracks, results BddTracks)} per class."""
    dataset = _bdd_dataset()
    sequences = {name: bdd_raw_data(dataset, name, gt, tr) for name, (gt, tr) in data.items()}
    return evaluate_per_class(sequences, dataset, classes, BDD_SUPER_CATEGORIES)


def split_sequences(available, results_dir: Path, seqs, suffix: str, where) -> list:
    """The sequences to evaluate: `seqs` (default every one of `available`, the ground
    truth's, found in `where`), each checked to have a results file `<SEQ><suffix>`."""
    if not available:
        raise EvaluationError(f"{where} holds no ground-truth sequences")
    names = list(seqs) if seqs else list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise EvaluationError(f"sequence(s) {', '.join(unknown)} not found in {where}")
    missing = [n for n in names if not (results_dir / f"{n}{suffix}").is_file()]
    if missing:
        raise EvaluationError(f"no results for {', '.join(missing)} in {results_dir}")
    return names


def evaluate_bdd_split(
    gt_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    seqs: list | None = None,
    classes=None,
) -> MultiClassResult:
    """Evaluate `results_dir/<SEQ>.json` against `gt_dir/<SEQ>.json` (BDD100K layout), the
    categories `classes` (TrackEval's CLASSES_TO_EVAL; default all of BDD_CLASSES)."""
    gt_dir, results_dir = Path(gt_dir), Path(results_dir)
    available = sorted(p.stem for p in gt_dir.glob("*.json"))
    where = f"{gt_dir} (<SEQ>.json files, BDD100K layout)"
    names = split_sequences(available, results_dir, seqs, ".json", where)
    data = {
        n: (read_bdd_sequence(gt_dir / f"{n}.json"), read_bdd_sequence(results_dir / f"{n}.json"))
        for n in names
    }
    return evaluate_bdd_arrays(data, classes or BDD_CLASSES)
