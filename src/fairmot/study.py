"""The paper's experiments as commands: a study file names the rows of one of its tables as
config overrides; every row is trained (or reuses another row's training), tracked and
evaluated over seeds, and the table gives each row's mean ± std beside the paper's figures,
with whether the paper's direction holds within the spread (tools/ablate.py).

A study file (YAML, `configs/studies/`)::

    title: Re-ID feature dimension          # the table's caption
    paper_table: 5                          # the paper's table it reproduces
    config: configs/synthetic.yaml          # every row starts from it (repository-relative)
    data: synthetic                         # "synthetic": rendered per seed; "config":
                                            #   DATA.CFG to train, EVAL.GT_DIR to evaluate
    overrides: [SOLVER.EPOCHS, 3]           # KEY VALUE for every row (a shorter recipe)
    seeds: 3                                # default of --seeds
    compare: IDF1                           # the figure the direction check reads
    baseline: "128"                         # the row the others are compared with
    rows:
      - name: "64"
        overrides: [MODEL.REID_DIM, 64]
        paper: {MOTA: 69.2, IDF1: 73.3}     # the paper's figures of the row
      - name: iou
        reuse: "128"                        # track row 128's model of the same seed
        overrides: [TRACKER.ASSOCIATION, iou]
      - name: selfsup
        pretrain: [DATA.SELF_SUPERVISED, true]   # train with these first, fine-tune from it

Seed k runs with SEED + k; with synthetic data the training split is rendered with
SYNTH.SEED + k and the validation split with SYNTH.VAL_SEED (the base SYNTH.SEED when -1),
so every run is scored on the same scenes (as `fairmot.spread`). Under OUTPUT_DIR:
`data_seed_<k>/` (the seed's data set, shared by its rows), `<row>/seed_<k>/` (one run:
config.yaml, the checkpoint, tracks/, eval/, result.json: its record), and study.md,
study.csv, study.json. A killed study resumes: runs with a result.json are read, an
interrupted training continues from its last checkpoint.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import machine
from .config import ConfigError, merge_from_list, validate
from .data.formats.text_table import atomic_write_text
from .evaluation.reid import FAR_LEVELS

#: The figures of each run (TrackEval's names, rates in %; TPR: the re-ID true-positive rate
#: at false-accept rates 0.1 %, 1 % and 10 % over the validation boxes, in %; the paper's
#: TPR is at 10 %).
METRICS = ("HOTA", "MOTA", "IDF1", "IDSW", "DetA", "AssA", *(f"TPR@FAR={f:g}" for f in FAR_LEVELS))
DATA_KINDS = ("synthetic", "config")
REPO = Path(__file__).resolve().parents[2]


@dataclass
class StudyRow:
    """One row of a study: its overrides, where its model comes from, the paper's figures."""

    name: str
    overrides: list = field(default_factory=list)
    reuse: str = ""
    pretrain: list | None = None
    paper: dict = field(default_factory=dict)


@dataclass
class Study:
    """A study file (module docstring), read by `load_study`."""

    path: Path
    title: str
    config: Path
    rows: list
    paper_table: int | None = None
    data: str = "synthetic"
    overrides: list = field(default_factory=list)
    seeds: int = 3
    compare: str = "IDF1"
    baseline: str = ""

    def row(self, name: str) -> StudyRow:
        return next(r for r in self.rows if r.name == name)


def load_study(path) -> Study:
    """Read and check a study file: every row named once, `reuse` and `baseline` naming a
    row that trains, `data` and `compare` known. Raises ConfigError naming the file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the study file ({exc})") from None
    try:
        rows = [StudyRow(**_row_fields(r)) for r in raw.pop("rows", [])]
        study = Study(path=path, rows=rows, **_study_fields(raw, path))
    except (TypeError, ConfigError) as exc:  # an unknown field, a malformed row
        raise ConfigError(f"{path}: {exc}") from None
    _check_study(study)
    return study


def _row_fields(raw) -> dict:
    if not isinstance(raw, dict) or "name" not in raw:
        raise ConfigError(f"a study row needs a name, got {raw!r}")
    fields = {**raw, "name": str(raw["name"]), "overrides": _texts(raw.get("overrides", []))}
    if raw.get("pretrain") is not None:
        fields["pretrain"] = _texts(raw["pretrain"])
    return fields


def _texts(values) -> list[str]:
    """KEY VALUE lists as the command line gives them (YAML reads true, 64 as values)."""
    if not isinstance(values, list):
        raise ConfigError(f"overrides are a list of KEY VALUE pairs, got {values!r}")
    return [str(v) for v in values]


def _study_fields(raw: dict, path: Path) -> dict:
    fields = dict(raw)
    config = Path(fields.pop("config", ""))
    if not config.is_absolute():
        config = REPO / config if (REPO / config).is_file() else path.parent / config
    fields["overrides"] = _texts(fields.get("overrides", []))
    fields["baseline"] = str(fields.get("baseline", ""))
    return {"config": config, "title": str(fields.pop("title", path.stem)), **fields}


def _check_study(study: Study) -> None:
    where = study.path
    names = [r.name for r in study.rows]
    if not names or len(set(names)) != len(names):
        raise ConfigError(f"{where}: rows must be given, each name once (got {names})")
    trained = set()  # rows that train, above the current one (a seed runs them in order)
    for row in study.rows:
        if row.reuse and row.reuse not in trained:
            raise ConfigError(
                f"{where}: row {row.name!r} reuses {row.reuse!r}, which is not a row above it "
                "that trains"
            )
        if not row.reuse:
            trained.add(row.name)
    if study.baseline and study.baseline not in names:
        raise ConfigError(f"{where}: baseline {study.baseline!r} is not a row ({names})")
    if study.data not in DATA_KINDS:
        raise ConfigError(f"{where}: data must be one of {DATA_KINDS}, got {study.data!r}")
    if study.compare not in METRICS:
        raise ConfigError(f"{where}: compare must be one of {METRICS}, got {study.compare!r}")
    if not study.config.is_file():
        raise ConfigError(f"{where}: config {study.config} does not exist")


def row_config(cfg, study: Study, row: StudyRow, k: int, extra=(), out_dir=None):
    """The config of `row`'s run k: `cfg` (the study's config with its overrides), the
    row's overrides (and `extra`), seeds moved by k, OUTPUT_DIR `out_dir` (default
    OUTPUT_DIR/<row>/seed_<k>)."""
    run = cfg.clone()
    run.defrost()
    merge_from_list(run, [*row.overrides, *extra])
    run.SEED = cfg.SEED + k
    if study.data == "synthetic":
        run.SYNTH.SEED = cfg.SYNTH.SEED + k
        run.SYNTH.VAL_SEED = cfg.SYNTH.VAL_SEED if cfg.SYNTH.VAL_SEED >= 0 else cfg.SYNTH.SEED
    run.OUTPUT_DIR = str(out_dir or run_dir(cfg, row.name, k))
    validate(run)
    run.freeze()
    return run


def run_dir(cfg, row_name: str, k: int) -> Path:
    """Where run k of the row `row_name` of the study in OUTPUT_DIR goes."""
    return Path(cfg.OUTPUT_DIR) / row_name / f"seed_{k}"


def check_rows(cfg, study: Study) -> None:
    """Every row's config loads (its keys exist and their values fit): what a study would
    run, checked in a fraction of a second before anything trains."""
    for row in study.rows:
        row_config(cfg, study, row, 0, row.pretrain or ())


def first_steps(cfg, study: Study, progress: bool = False) -> list[tuple[str, dict]]:
    """Every training the study would run (each row that trains, its pre-training stage
    first where it has one), built from its config on seed 0's data — network, data set,
    loss, optimiser, precision — and one optimisation step taken: `ablate.py --first-step`,
    seconds that prove each row starts before a study is left to run for hours. Nothing is
    written but seed 0's data (rendered where the study keeps it, for the study itself).

    Returns:
        [(the training's name, its step's loss terms)], in the study's order.
    """
    from .engine import build_trainer

    data = _seed_data(cfg, study, 0, progress)
    steps = []
    for row in study.rows:
        if row.reuse:
            continue
        stages = [] if row.pretrain is None else [(f"{row.name} pre-training", row.pretrain)]
        for name, extra in [*stages, (row.name, ())]:
            run = row_config(cfg, study, row, 0, extra)
            trainer = build_trainer(run, data_cfg=data.data_cfg, progress=progress)
            steps.append((name, trainer.trial_step()))
    return steps


@dataclass
class _Data:
    """Where a run trains and what it is evaluated on."""

    data_cfg: str | None  # None: each run's own DATA.CFG
    split_dir: Path  # the sequences tracked
    gt_dir: Path  # the ground truth evaluated against


def _seed_data(cfg, study: Study, k: int, progress: bool) -> _Data:
    """Seed k's data: the synthetic set rendered once into OUTPUT_DIR/data_seed_<k> (kept
    for the other rows and a resumed study), or the config's DATA.CFG and EVAL.GT_DIR."""
    if study.data == "config":
        gt = Path(cfg.EVAL.GT_DIR)
        return _Data(None, gt, gt)
    from .data.synthetic import SyntheticLayout, generate_dataset

    layout = SyntheticLayout(Path(cfg.OUTPUT_DIR) / f"data_seed_{k}")
    if not layout.summary.is_file():
        synth = row_config(cfg, study, StudyRow("data"), k).SYNTH
        generate_dataset(synth, layout.root, progress=progress)
    gt = layout.ground_truth("val", cfg.MODEL.NUM_CLASSES)
    return _Data(str(layout.data_cfg), layout.split_dir("val"), gt)


def _train(cfg, data: _Data, shelf: Path, progress: bool) -> Path:
    """Train `cfg` on `data` into its OUTPUT_DIR (continuing an interrupted training),
    unless trained.json says it finished or another study on `shelf` finished the same
    training (`finished_twin`); returns the checkpoint."""
    from .engine import train

    out = Path(cfg.OUTPUT_DIR)
    done, last = out / "trained.json", out / "model_last.pth"
    if done.is_file():
        return last
    twin = finished_twin(cfg, shelf)
    if twin is not None:
        print(f"      the same training finished in {twin}: its model is used", flush=True)
        return twin / "model_last.pth"
    atomic_write_text(out / "config.yaml", cfg.dump())
    losses = train(cfg, resume=last.is_file(), progress=progress, data_cfg=data.data_cfg)
    atomic_write_text(done, json.dumps(losses, indent=2) + "\n")
    return last


#: Config sections that do not change what a training learns (how its model is tracked,
#: evaluated, drawn), left out when two trainings are compared.
NOT_TRAINING = ("OUTPUT_DIR", "TRACKER", "POSTPROCESS", "COUNT", "EVAL", "VIS")


def training_key(cfg) -> dict:
    """The parts of a config (a CfgNode, or a config.yaml read as a dict) that decide what
    its training learns (`NOT_TRAINING` out), as YAML reads them (tuples as lists)."""
    tree = yaml.safe_load(cfg.dump()) if hasattr(cfg, "dump") else cfg
    return {k: v for k, v in tree.items() if k not in NOT_TRAINING}


def finished_twin(cfg, shelf: Path) -> Path | None:
    """A finished training of another study on `shelf` (the folder holding the studies'
    OUTPUT_DIRs, e.g. output/studies) whose config equals `cfg` in every key that decides
    what it learns (`training_key`: seeds and the synthetic set's keys included): Table 6's
    model is Table 5's 64-d row, trained once. None where there is none."""
    own, key = Path(cfg.OUTPUT_DIR).resolve(), training_key(cfg)
    for done in sorted(Path(shelf).glob("*/*/seed_*/**/trained.json")):
        run = done.parent
        if run.resolve() == own or not (run / "model_last.pth").is_file():
            continue
        try:
            other = yaml.safe_load((run / "config.yaml").read_text())
        except (OSError, yaml.YAMLError):
            continue  # a half-written or foreign folder: not a twin
        if isinstance(other, dict) and training_key(other) == key:
            return run
    return None


def _model(cfg, study: Study, row: StudyRow, k: int, data: _Data, progress: bool) -> tuple:
    """(the config of run k of `row`, the checkpoint it tracks with): another row's model
    of the same seed (`reuse`), or its own, trained after a pre-training stage where the
    row has one (the fine-tuning then starts from it: MODEL.INIT_WEIGHTS); a training that
    another study beside this one (in OUTPUT_DIR's parent) finished is not repeated."""
    shelf = Path(cfg.OUTPUT_DIR).parent
    if row.reuse:
        return row_config(cfg, study, row, k), _tracked_weights(cfg, row.reuse, k)
    extra = []
    if row.pretrain is not None:
        out = run_dir(cfg, row.name, k) / "pretrain"
        pre = row_config(cfg, study, row, k, row.pretrain, out_dir=out)
        extra = ["MODEL.INIT_WEIGHTS", str(_train(pre, data, shelf, progress))]
    run = row_config(cfg, study, row, k, extra)
    return run, _train(run, data, shelf, progress)


def _tracked_weights(cfg, row_name: str, k: int) -> Path:
    """The checkpoint run k of `row_name` tracked with, as its result.json records it: its
    own, or that of the other study's training it found finished (`finished_twin`)."""
    run = run_dir(cfg, row_name, k)
    record = run / "result.json"
    if record.is_file():
        return Path(json.loads(record.read_text())["weights"])
    return run / "model_last.pth"


def run_row(cfg, study: Study, row: StudyRow, k: int, progress: bool = True) -> dict:
    """Run k of `row` (train or reuse, track the validation split, evaluate, the re-ID
    TPR of a trained model), its record written to result.json; returns the record."""
    from .evaluation import combined_metrics, evaluate_tracks
    from .inference import run_tracking
    from .inference.model_metrics import checkpoint_embedding_tpr
    from .pipeline import model_classes

    started = time.time()
    data = _seed_data(cfg, study, k, progress)
    run, weights = _model(cfg, study, row, k, data, progress)
    tracks = run_tracking(run, inputs=data.split_dir, weights=str(weights), progress=progress)
    out = Path(run.OUTPUT_DIR)
    result, _ = evaluate_tracks(
        run, data.gt_dir, tracks.evaluated_dir, out / "eval", classes=model_classes(run)
    )
    record = {"row": row.name, "seed": run.SEED, **combined_metrics(result)}
    if not row.reuse:
        tpr, _ = checkpoint_embedding_tpr(run, str(weights), data.data_cfg, progress=progress)
        record.update({f"TPR@FAR={far:g}": 100.0 * v for far, v in tpr.items()})
    record["minutes"] = (time.time() - started) / 60
    record["weights"] = str(weights)
    record["machine"] = machine.describe_line(machine.notes()["machine"])
    atomic_write_text(out / "config.yaml", run.dump())
    atomic_write_text(out / "result.json", json.dumps(record, indent=2) + "\n")
    return record


def summarise_rows(study: Study, records: list[dict]) -> dict:
    """{row: {metric: {"mean", "std", "n"}}} over each row's runs (std: sample, n - 1; 0
    for one run)."""
    summary = {}
    for row in study.rows:
        runs = [r for r in records if r["row"] == row.name]
        summary[row.name] = {}
        for metric in METRICS:
            values = [float(r[metric]) for r in runs if metric in r]
            if values:
                std = statistics.stdev(values) if len(values) > 1 else 0.0
                summary[row.name][metric] = {
                    "mean": statistics.fmean(values),
                    "std": std,
                    "n": len(values),
                }
    return summary


def paper_direction(study: Study, summary: dict, row: StudyRow) -> str:
    """Whether the paper's direction from the baseline row to `row` on the study's
    `compare` figure holds here: "holds" / "reversed" when our means differ by more than
    the spread (the two stds combined), "within spread" when they do not (with a single
    run of either: the sign alone, said so), "" where the paper gives no such pair (or for
    the baseline itself)."""
    metric, base = study.compare, study.baseline
    if not base or row.name == base:
        return ""
    paper_row, paper_base = row.paper.get(metric), study.row(base).paper.get(metric)
    if paper_row is None or paper_base is None or paper_row == paper_base:
        return ""
    ours_row = summary.get(row.name, {}).get(metric)
    ours_base = summary.get(base, {}).get(metric)
    if ours_row is None or ours_base is None:
        return ""
    difference = ours_row["mean"] - ours_base["mean"]
    if min(ours_row["n"], ours_base["n"]) < 2:  # no spread to weigh the difference against
        verdict = "holds" if (difference > 0) == (paper_row > paper_base) else "reversed"
        return f"{verdict} (one run: no spread)"
    if abs(difference) <= math.hypot(ours_row["std"], ours_base["std"]):
        return "within spread"
    return "holds" if (difference > 0) == (paper_row > paper_base) else "reversed"


def _mean_std(cell: dict | None) -> str:
    if cell is None:
        return ""
    digits = 0 if cell["mean"] >= 100 else 1
    return f"{cell['mean']:.{digits}f} ± {cell['std']:.{digits}f}"


def format_study(study: Study, summary: dict) -> str:
    """Markdown: a row per study row, each figure as mean ± std over its runs, the paper's
    figures and the direction check (`paper_direction`)."""
    metrics = [m for m in METRICS if any(m in s for s in summary.values())]
    paper_keys = sorted({k for r in study.rows for k in r.paper})
    head = ["row", "runs", *metrics, *(f"paper {k}" for k in paper_keys)]
    head.append(f"paper's {study.compare} direction vs {study.baseline}" if study.baseline else "")
    lines = [
        f"**{study.title}**" + (f" (paper Table {study.paper_table})" if study.paper_table else ""),
        "",
    ]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in study.rows:
        figures = summary[row.name]
        runs = max((c["n"] for c in figures.values()), default=0)
        if not runs:
            continue  # a row left out (--rows)
        cells = [row.name, str(runs), *(_mean_std(figures.get(m)) for m in metrics)]
        cells += [f"{row.paper[k]:g}" if k in row.paper else "" for k in paper_keys]
        cells.append(paper_direction(study, summary, row))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_study(study: Study, records: list[dict], out_dir: Path) -> tuple[dict, list[Path]]:
    """study.md (the table), study.csv (a line per run) and study.json (runs and summary)
    in `out_dir`; returns (summary, paths)."""
    summary = summarise_rows(study, records)
    buffer = io.StringIO()
    columns = ["row", "seed", *METRICS, "minutes", "machine"]
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    paths = [out_dir / "study.md", out_dir / "study.csv", out_dir / "study.json"]
    atomic_write_text(paths[0], format_study(study, summary))
    atomic_write_text(paths[1], buffer.getvalue())
    text = json.dumps({"runs": records, "summary": summary}, indent=2)
    atomic_write_text(paths[2], text + "\n")
    return summary, paths


def run_study(
    cfg, study: Study, seeds: int | None = None, rows=None, progress: bool = True
) -> tuple[list[dict], dict, list[Path]]:
    """Every run of the study (`rows`: a subset by name) over `seeds` (default the study's),
    seed by seed, finished runs read from their result.json; then the table.

    Returns:
        (the run records, {row: {metric: {"mean", "std", "n"}}}, written paths).
    """
    chosen = _chosen_rows(study, rows)
    records = []
    for k in range(seeds or study.seeds):
        for row in chosen:
            done = run_dir(cfg, row.name, k) / "result.json"
            if done.is_file():
                print(f"{row.name} seed_{k}: finished before, read from {done}", flush=True)
                records.append(json.loads(done.read_text()))
                continue
            print(f"=== {row.name}, seed {k}", flush=True)
            records.append(run_row(cfg, study, row, k, progress))
    summary, paths = write_study(study, records, Path(cfg.OUTPUT_DIR))
    return records, summary, paths


def _chosen_rows(study: Study, names) -> list[StudyRow]:
    """The rows to run, in the study's order, with the rows they reuse."""
    if not names:
        return list(study.rows)
    unknown = set(names) - {r.name for r in study.rows}
    if unknown:
        raise ConfigError(f"{study.path}: no row named {sorted(unknown)}")
    wanted = set(names) | {study.row(n).reuse for n in names if study.row(n).reuse}
    return [r for r in study.rows if r.name in wanted]
