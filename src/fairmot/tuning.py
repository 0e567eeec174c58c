"""Tuning the tracker's keys on saved detections (Optuna, TPE).

Every trial replays the same saved detections and embeddings with one choice of the
TRACKER keys (`replay`: in memory, about a second on the synthetic val split) and scores
it. The objective is HOTA ("hota"), or the pair (HOTA up, IDSW down: "hota_idsw", a Pareto
front). A study lives in an SQLite file, so a killed study resumes where it stopped, and
several worker processes run trials at once against it. What a study leaves in its folder:
`study.db`, `trials.csv` (every finished trial), `best.yaml` (the best trial's keys over
the tuned experiment file: `--cfg best.yaml`) and `trials.png`.
"""

from __future__ import annotations

import csv
import dataclasses
import multiprocessing
from pathlib import Path

import yaml

from .data.formats import atomic_write_text
from .errors import FairMOTError, UsageError

#: The default search space: TRACKER key -> ("float", low, high, step) | ("int", low,
#: high) | ("choice", [values]). Thresholds around the paper's values, the mechanisms of
#: the presets as choices; steps keep the chosen values readable (and exactly what ran).
SEARCH_SPACE = {
    "MATCH_THRES_REID": ("float", 0.2, 0.7, 0.01),
    "MATCH_THRES_IOU": ("float", 0.3, 0.9, 0.01),
    "MATCH_THRES_UNCONFIRMED": ("float", 0.5, 0.9, 0.01),
    "MOTION_LAMBDA": ("float", 0.9, 1.0, 0.005),
    "FEATURE_MOMENTUM": ("float", 0.5, 0.99, 0.01),
    "GATING_THRES": ("float", 5.0, 30.0, 0.5),
    "LOST_SECONDS": ("float", 0.5, 3.0, 0.1),
    "DUPLICATE_THRES": ("float", 0.0, 0.3, 0.01),
    "FEATURE_BUDGET": ("choice", [0, 10, 30, 100]),
    "OBSERVATION_RECOVERY": ("choice", [False, True]),
}
OBJECTIVES = ("hota", "hota_idsw")


def suggest(trial, space: dict) -> dict:
    """{KEY: value} of one trial from `space` (see SEARCH_SPACE)."""
    values = {}
    for key, (kind, *spec) in space.items():
        if kind == "float":
            step = spec[2] if len(spec) > 2 else None
            values[key] = trial.suggest_float(key, spec[0], spec[1], step=step)
        elif kind == "int":
            values[key] = trial.suggest_int(key, spec[0], spec[1])
        elif kind == "choice":
            values[key] = trial.suggest_categorical(key, list(spec[0]))
        else:
            raise UsageError(f"search space {key}: kind must be float, int or choice, got {kind!r}")
    return values


def trial_config(cfg, values: dict):
    """A copy of `cfg` with the TRACKER keys of `values` set."""
    cfg = cfg.clone()
    cfg.defrost()
    for key, value in values.items():
        cfg.TRACKER[key] = value
    cfg.freeze()
    return cfg


def score_values(cfg, sequences: list, values: dict) -> dict:
    """The combined metrics of the saved detections tracked with `values` set."""
    from .replay import score_replay, track_replay
    from .tracker import OutputFilter, TrackerParams

    trial_cfg = trial_config(cfg, values)
    params = TrackerParams.from_config(trial_cfg.TRACKER)
    cmc = None
    if trial_cfg.TRACKER.CMC != "none":
        cmc = (trial_cfg.TRACKER.CMC, trial_cfg.TRACKER.CMC_DOWNSCALE)
    output_filter = OutputFilter.from_config(trial_cfg.TRACKER)
    tracks, _ = track_replay(sequences, params, output_filter, cmc)
    return score_replay(sequences, tracks, trial_cfg.EVAL.BENCHMARK)


@dataclasses.dataclass
class StudySpec:
    """What a study searches: its name and folder, the split, the objective, the space."""

    name: str
    folder: Path
    detections: str
    gt_dir: str
    objective: str = "hota"
    space: dict = dataclasses.field(default_factory=lambda: dict(SEARCH_SPACE))
    seed: int = 0
    base_cfg: str = ""  # the experiment file tuned (best.yaml's _BASE_)

    @property
    def storage(self) -> str:
        return f"sqlite:///{self.folder / 'study.db'}"

    def directions(self) -> list:
        return ["maximize"] if self.objective == "hota" else ["maximize", "minimize"]


def _open_study(spec: StudySpec, seed: int):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True)
    return optuna.create_study(
        study_name=spec.name,
        storage=spec.storage,
        directions=spec.directions(),
        sampler=sampler,
        load_if_exists=True,
    )


def _worker(cfg, spec: StudySpec, trials: int, worker: int) -> None:
    """One process: read the detections once, then run trials until the study holds
    `trials` finished ones."""
    import optuna

    from .replay import load_replay

    sequences = load_replay(spec.detections, spec.gt_dir)
    study = _open_study(spec, spec.seed + worker)

    def objective(trial):
        metrics = score_values(cfg, sequences, suggest(trial, spec.space))
        trial.set_user_attr("metrics", {k: metrics[k] for k in ("HOTA", "MOTA", "IDF1", "IDSW")})
        if spec.objective == "hota":
            return metrics["HOTA"]
        return metrics["HOTA"], metrics["IDSW"]

    done = (optuna.trial.TrialState.COMPLETE,)
    study.optimize(objective, callbacks=[optuna.study.MaxTrialsCallback(trials, states=done)])


def run_study(cfg, spec: StudySpec, trials: int, jobs: int = 1):
    """Run (or resume) the study until it holds `trials` finished trials, `jobs` worker
    processes at once; then write trials.csv, best.yaml and trials.png.

    Returns:
        (the best trial's {KEY: value}, its metrics).
    """
    if spec.objective not in OBJECTIVES:
        raise UsageError(f"objective must be one of {OBJECTIVES}, got {spec.objective!r}")
    spec.folder.mkdir(parents=True, exist_ok=True)
    study = _open_study(spec, spec.seed)  # created once, before the workers race to it
    if jobs <= 1:
        _worker(cfg, spec, trials, 0)
    else:
        context = multiprocessing.get_context("spawn")  # no forked OpenCV / BLAS state
        workers = [
            context.Process(target=_worker, args=(cfg, spec, trials, i)) for i in range(jobs)
        ]
        for process in workers:
            process.start()
        for process in workers:
            process.join()
        if any(p.exitcode for p in workers):
            raise FairMOTError(
                f"a tuning worker failed (exit codes {[p.exitcode for p in workers]})"
            )
    return write_study(study, spec)


def best_trial(study, objective: str):
    """The best finished trial: the highest HOTA (with two objectives, the highest HOTA
    of the Pareto front)."""
    if objective == "hota":
        return study.best_trial
    return max(study.best_trials, key=lambda t: t.values[0])


def write_study(study, spec: StudySpec):
    """trials.csv, best.yaml (the best trial's overrides) and trials.png of a study."""
    from .visualization.plots import plot_trials

    finished = [t for t in study.trials if t.values is not None]
    if not finished:
        raise UsageError(f"study {spec.name} has no finished trial")
    keys = list(spec.space)
    rows = [
        [t.number, *(t.user_attrs["metrics"][k] for k in ("HOTA", "MOTA", "IDF1", "IDSW"))]
        + [t.params.get(k, "") for k in keys]
        for t in finished
    ]
    with open(spec.folder / "trials.csv", "w", newline="") as f:
        csv.writer(f).writerows([["trial", "HOTA", "MOTA", "IDF1", "IDSW", *keys], *rows])
    best = best_trial(study, spec.objective)
    overrides = {"_BASE_": str(Path(spec.base_cfg).resolve())} if spec.base_cfg else {}
    overrides["TRACKER"] = dict(best.params)
    atomic_write_text(spec.folder / "best.yaml", yaml.safe_dump(overrides, sort_keys=False))
    hota = [t.user_attrs["metrics"]["HOTA"] for t in finished]
    idsw = [t.user_attrs["metrics"]["IDSW"] for t in finished]
    plot_trials([t.number for t in finished], hota, idsw, best.number, spec.folder / "trials.png")
    return dict(best.params), best.user_attrs["metrics"]
