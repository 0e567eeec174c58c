"""MOTChallenge tracking metrics with TrackEval as the engine.

Our readers (fairmot.data.formats) read and validate the files, so a malformed line fails
with its file and line; the arrays are handed to TrackEval's own MOTChallenge pre-processing
(`MotChallenge2DBox.get_preprocessed_seq_data`: distractor classes removed together with the
predictions matched to them, zero-marked ground truth ignored, only pedestrians evaluated;
nothing of that for MOT15) and to its HOTA, CLEAR and Identity metrics. The numbers are
therefore TrackEval's, by construction and by test.

TrackEval is installed without its declared dependencies (`pip install --no-deps trackeval`):
it asks for the GUI build of OpenCV, which conflicts with the headless one, and its MOT
metrics need only numpy and scipy.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..data.formats import (
    MOT_CLASSES,
    MotGroundTruth,
    MotTracks,
    list_sequences,
    read_mot_results,
)
from ..errors import FairMOTError

logger = logging.getLogger(__name__)

BENCHMARKS = ("MOT15", "MOT16", "MOT17", "MOT20", "custom")
#: Reported metrics, with TrackEval's names. Percentages for rates, counts for the rest.
METRICS = (
    "HOTA",
    "DetA",
    "AssA",
    "DetRe",
    "DetPr",
    "AssRe",
    "AssPr",
    "LocA",
    "MOTA",
    "MOTP",
    "IDF1",
    "IDP",
    "IDR",
    "IDSW",
    "Frag",
    "MT",
    "PT",
    "ML",
    "CLR_FP",
    "CLR_FN",
)
COUNT_METRICS = ("IDSW", "Frag", "MT", "PT", "ML", "CLR_FP", "CLR_FN")
#: TrackEval's metric families, as its MOTChallenge evaluation runs them (Count always).
FAMILIES = ("HOTA", "CLEAR", "Identity", "Count")
COMBINED = "COMBINED"


class EvaluationError(FairMOTError, ValueError):
    """Inputs that cannot be evaluated (missing sequences or result files)."""


def _trackeval():
    try:
        # TrackEval prints a notice for each optional data set whose dependency is absent.
        with contextlib.redirect_stdout(io.StringIO()):
            import trackeval
    except ImportError as exc:  # pragma: no cover - installed by make
        raise ImportError(
            "evaluation needs TrackEval: pip install --no-deps 'trackeval>=1.3'"
        ) from exc
    return trackeval


def metric_objects() -> dict:
    """TrackEval's metric families of a MOTChallenge run, by name (FAMILIES)."""
    metrics = _trackeval().metrics
    return {name: getattr(metrics, name)({"PRINT_CONFIG": False}) for name in FAMILIES}


def summary_row(results: dict, families: dict) -> dict:
    """{field: value} of every summary field of `families` (`metric_objects()`) in
    TrackEval's summary scale (rates in percent, arrays over alpha averaged, counts as
    integers), unrounded; `results`: {family: TrackEval's raw results}."""
    row = {}
    for name, metric in families.items():
        for key in metric.summary_fields:
            value = results[name][key]
            row[key] = int(value) if key in metric.integer_fields else float(100 * np.mean(value))
    return row


def _preprocessor(benchmark: str):
    """TrackEval's MOTChallenge dataset class without its file discovery: we read the files."""
    dataset_class = _trackeval().datasets.MotChallenge2DBox

    class ArrayDataset(dataset_class):
        def __init__(self):  # the parent's __init__ lists folders; nothing to list here
            self.benchmark = "MOT15" if benchmark == "MOT15" else "MOT17"
            self.do_preproc = benchmark != "custom"
            self.class_name_to_class_id = {name: cid for cid, name in MOT_CLASSES.items()}
            self.valid_class_numbers = list(self.class_name_to_class_id.values())

    return ArrayDataset()


def rows_by_frame(frames: np.ndarray, num_timesteps: int, first: int = 1) -> list:
    """The row indices of each of `num_timesteps` frames numbered from `first`, each in
    file order (TrackEval's loaders keep it)."""
    order = np.argsort(frames, kind="stable")
    bounds = np.searchsorted(frames[order], np.arange(first, first + num_timesteps + 1))
    return [order[bounds[t] : bounds[t + 1]] for t in range(num_timesteps)]


def similarity_scores(dataset, raw: dict) -> list:
    """TrackEval's per-frame similarities of a raw data dict (`dataset`'s measure, IoU)."""
    return [
        dataset._calculate_similarities(g, t) for g, t in zip(raw["gt_dets"], raw["tracker_dets"])
    ]


def raw_sequence_data(
    dataset, name: str, gt: MotGroundTruth, tracks: MotTracks, num_timesteps: int
) -> dict:
    """The dict TrackEval's MOTChallenge loader builds, from our arrays."""
    for kind, rows in (("gt", gt), ("tracker", tracks)):  # TrackEval refuses them
        frame = _repeated_id_frame(rows.frames, rows.ids)
        if frame is not None:
            raise EvaluationError(f"{name}: frame {frame} holds the same {kind} id twice")
    gt_rows = rows_by_frame(gt.frames, num_timesteps)
    tr_rows = rows_by_frame(tracks.frames, num_timesteps)
    raw = {"num_timesteps": num_timesteps, "seq": name}
    raw["gt_ids"] = [gt.ids[r] for r in gt_rows]
    raw["gt_classes"] = [gt.classes[r] for r in gt_rows]
    raw["gt_dets"] = [gt.tlwh[r] for r in gt_rows]
    raw["gt_crowd_ignore_regions"] = [np.empty((0, 4)) for _ in gt_rows]
    raw["gt_extras"] = [{"zero_marked": gt.consider[r]} for r in gt_rows]
    raw["tracker_ids"] = [tracks.ids[r] for r in tr_rows]
    raw["tracker_classes"] = [np.ones(len(r), dtype=int) for r in tr_rows]
    raw["tracker_dets"] = [tracks.tlwh[r] for r in tr_rows]
    raw["tracker_confidences"] = [tracks.scores[r] for r in tr_rows]
    raw["similarity_scores"] = similarity_scores(dataset, raw)
    return raw


def _repeated_id_frame(frames: np.ndarray, ids: np.ndarray) -> int | None:
    """The first frame holding one id twice, or None."""
    order = np.lexsort((ids, frames))
    frames, ids = frames[order], ids[order]
    repeated = np.flatnonzero((frames[1:] == frames[:-1]) & (ids[1:] == ids[:-1]))
    return int(frames[repeated[0]]) if repeated.size else None


@dataclass
class EvaluationResult:
    """TrackEval's raw per-sequence results and their combination.

    Attributes:
        sequences: sequence names in order.
        raw: {sequence or COMBINED: {family: {field: value}}} for the FAMILIES as
            TrackEval's metrics return them (fractions; HOTA fields as arrays over alpha).
        alphas: (19,) localisation thresholds of the HOTA arrays.
        cross_camera: a multi-camera scene's figures over every camera together
            (`mtmc.evaluate_multicamera`: IDF1, IDP, IDR in %, IDTP, IDFP, IDFN; the
            sequences are then its cameras), else None.
    """

    sequences: list
    raw: dict
    alphas: np.ndarray = field(default_factory=lambda: np.arange(0.05, 0.99, 0.05))
    cross_camera: dict | None = None

    def summary(self, fields: tuple | None = METRICS) -> dict:
        """{sequence or COMBINED: {field: value}} in TrackEval's summary scale (rates in
        percent, arrays over alpha averaged, counts as integers), unrounded. `fields`:
        METRICS (the table's), or None for every summary field of every family, in
        TrackEval's summary-file order."""
        families = metric_objects()
        out = {}
        for key, res in self.raw.items():
            row = summary_row(res, families)
            out[key] = {f: row[f] for f in (fields or row)}
        return out

    def tables(self) -> dict:
        """{"pedestrian": {family: {sequence or "COMBINED_SEQ": results}}}, what TrackEval's
        tables and files are made of (`trackeval_output`)."""
        tables = {}
        for family in FAMILIES:
            tables[family] = {seq: self.raw[seq][family] for seq in self.sequences}
            tables[family]["COMBINED_SEQ"] = self.raw[COMBINED][family]
        return {"pedestrian": tables}

    def per_alpha(self) -> dict:
        """{sequence or COMBINED: {HOTA array field: [percent at each alpha]}}."""
        fields = metric_objects()["HOTA"].float_array_fields
        return {
            key: {f: [float(100 * v) for v in res["HOTA"][f]] for f in fields}
            for key, res in self.raw.items()
        }


def evaluate_arrays(data: dict, benchmark: str = "MOT17") -> EvaluationResult:
    """Evaluate sequences given as arrays.

    Args:
        data: {name: (MotGroundTruth, MotTracks, number of frames)}.
        benchmark: pre-processing rules, one of BENCHMARKS ("custom": none).
    """
    if benchmark not in BENCHMARKS:
        raise ValueError(f"benchmark must be one of {BENCHMARKS}, got {benchmark!r}")
    dataset = _preprocessor(benchmark)
    metrics = metric_objects()
    raw = {}
    for name, (gt, tracks, length) in data.items():
        prepared = dataset.get_preprocessed_seq_data(
            raw_sequence_data(dataset, name, gt, tracks, length), "pedestrian"
        )
        raw[name] = {key: metric.eval_sequence(prepared) for key, metric in metrics.items()}
    raw[COMBINED] = {
        key: metric.combine_sequences({n: raw[n][key] for n in data})
        for key, metric in metrics.items()
    }
    return EvaluationResult(list(data), raw, metrics["HOTA"].array_labels)


def evaluate_split(
    gt_dir: str | os.PathLike,
    results_dir: str | os.PathLike,
    seqs: list | None = None,
    benchmark: str = "MOT17",
) -> EvaluationResult:
    """Evaluate the result files `results_dir/<SEQ>.txt` against `gt_dir/<SEQ>/gt/gt.txt`.

    Raises:
        EvaluationError: a requested sequence or a result file is missing.
        fairmot.data.formats.FormatError: a malformed file (naming it and the line).
    """
    sequences = {s.name: s for s in list_sequences(gt_dir)}
    names = list(seqs) if seqs else list(sequences)
    unknown = [n for n in names if n not in sequences]
    if unknown:
        raise EvaluationError(
            f"sequence(s) {', '.join(unknown)} not found in {gt_dir} "
            f"(it has {', '.join(sequences)})"
        )
    results_dir = Path(results_dir)
    missing = [n for n in names if not (results_dir / f"{n}.txt").is_file()]
    if missing:
        raise EvaluationError(
            f"no results for {', '.join(missing)} in {results_dir} "
            f"(expected {results_dir / (missing[0] + '.txt')})"
        )
    if not seqs:
        _warn_unmatched_results(results_dir, sequences, gt_dir)
    data = {}
    for name in names:
        seq = sequences[name]
        length = seq.info.seq_length
        gt = seq.read_gt()
        _warn_about_ground_truth(seq.root / "gt" / "gt.txt", gt, benchmark)
        data[name] = (gt, read_mot_results(results_dir / f"{name}.txt", length), length)
    return evaluate_arrays(data, benchmark)


def _warn_unmatched_results(results_dir: Path, sequences: dict, gt_dir) -> None:
    extra = sorted(p.stem for p in results_dir.glob("*.txt") if p.stem not in sequences)
    if extra:
        logger.warning(
            "%s holds results for %s with no sequence in %s: not evaluated",
            results_dir,
            ", ".join(extra),
            gt_dir,
        )


def _warn_about_ground_truth(path: Path, gt: MotGroundTruth, benchmark: str) -> None:
    """Ground truth that is evaluated, but perhaps not as the user thinks."""
    if len(gt) == 0:
        logger.warning("%s has no rows: every result box there counts as a false positive", path)
    elif gt.mot15_layout and benchmark in ("MOT16", "MOT17", "MOT20"):
        logger.warning(
            "%s has the MOT15 layout (10 fields: no class, no visibility) but the %s rules "
            "were asked for: every row is taken as a pedestrian and no distractor is removed "
            "(use --benchmark MOT15 to say so)",
            path,
            benchmark,
        )


__all__ = [
    "BENCHMARKS",
    "COMBINED",
    "EvaluationError",
    "EvaluationResult",
    "FAMILIES",
    "METRICS",
    "evaluate_arrays",
    "evaluate_split",
]
