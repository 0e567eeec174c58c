"""What each class of bad input gets from the tools: the exit status, the message's first line,
no traceback, and nothing half-written under OUTPUT_DIR (only the run's own record).

One parametrised case per class of input; the README's "Bad input" table lists them.
"""

import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INSTANT = str(REPO / "configs/synthetic_instant.yaml")


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """A workspace: the MOT15 TUD files, a small checkpoint and damaged copies of it, a tiny
    synthetic data set with a data_cfg that has no test lists, an image folder."""
    import cv2
    import motmetrics
    import numpy as np

    from fairmot.config import load_cfg
    from fairmot.data.formats import SeqInfo, read_mot_gt, write_seqinfo
    from fairmot.data.synthetic import generate_dataset
    from fairmot.models import build_model, save_checkpoint

    ws = tmp_path_factory.mktemp("bad_input")
    data = Path(motmetrics.__file__).parent / "data"
    for seq in ("TUD-Campus", "TUD-Stadtmitte"):
        (ws / "gt" / seq / "gt").mkdir(parents=True)
        shutil.copy(data / seq / "gt.txt", ws / "gt" / seq / "gt" / "gt.txt")
        length = int(read_mot_gt(ws / "gt" / seq / "gt" / "gt.txt").frames.max())
        write_seqinfo(ws / "gt" / seq, SeqInfo(seq, "img1", 25, length, 640, 480, ".jpg"))
        (ws / "results").mkdir(exist_ok=True)
        shutil.copy(data / seq / "test.txt", ws / "results" / f"{seq}.txt")
    cfg = load_cfg(INSTANT, ["SYNTH.SEQ_LENGTH", "4", "SYNTH.VAL_SEQS", "0"])
    save_checkpoint(ws / "model.pth", build_model(cfg), epoch=1, config=cfg.dump())
    blob = (ws / "model.pth").read_bytes()
    (ws / "truncated.pth").write_bytes(blob[: len(blob) // 2])
    (ws / "random.pth").write_bytes(np.random.default_rng(0).bytes(4096))
    (ws / "train_run").mkdir()
    (ws / "train_run" / "model_last.pth").write_bytes(blob[: len(blob) // 3])
    generate_dataset(cfg.SYNTH, ws / "data", progress=False)
    data_cfg = json.loads((ws / "data" / "synthetic.json").read_text())
    data_cfg.pop("test", None), data_cfg.pop("test_emb", None)
    (ws / "train_only.json").write_text(json.dumps(data_cfg))
    (ws / "frames").mkdir()
    for k in range(2):
        cv2.imwrite(str(ws / "frames" / f"{k:06d}.jpg"), np.zeros((64, 96, 3), np.uint8))
    (ws / "empty").mkdir()
    (ws / "notes.txt").write_text("not a video\n")
    kitti = ws / "kitti" / "training"
    (kitti / "image_02" / "0000").mkdir(parents=True)
    cv2.imwrite(str(kitti / "image_02" / "0000" / "000000.png"), np.zeros((64, 96, 3), np.uint8))
    (kitti / "label_02").mkdir()
    row = "0 1 {} 0 0 -10 10 10 40 60 1.5 1.6 3.9 1 1 10 0\n"
    (kitti / "label_02" / "0000.txt").write_text(row.format("Car") + row.format("Lorry"))
    return ws


def _eval_case(ws: Path, name: str, change) -> list:
    """eval_mot on a copy of the TUD files changed by `change(gt_dir, results_dir)`."""
    root = ws / "eval_cases" / name
    shutil.copytree(ws / "gt", root / "gt")
    shutil.copytree(ws / "results", root / "results")
    change(root / "gt", root / "results")
    return ["--gt", str(root / "gt"), "--results", str(root / "results")]


def _append_row(row: str):
    def change(gt, results):
        with open(results / "TUD-Campus.txt", "a") as f:
            f.write(row + "\n")

    return change


def _empty_gt(gt, results):
    (gt / "TUD-Campus" / "gt" / "gt.txt").write_text("")


def _extra_results(gt, results):
    shutil.copy(results / "TUD-Campus.txt", results / "TUD-Crossing.txt")


# (case, tool, arguments ({w}: the workspace), exit status, first line of stderr (a regex))
CASES = [
    ("unknown config key", "train", ["SOLVER.EPOCH", "3"], 1,
     r"error: command line: unknown config key 'SOLVER.EPOCH'\. Did you mean SOLVER.EPOCHS"),
    ("wrong type", "train", ["SOLVER.EPOCHS", "three"], 1,
     r"error: command line: config key 'SOLVER.EPOCHS' expects a value of type int"),
    ("unknown architecture", "train", ["MODEL.ARCH", "dla35"], 1,
     r"error: config: MODEL.ARCH must be one of 'dla34', "),
    ("value out of range", "train", ["SOLVER.BATCH_SIZE", "-1"], 1,
     r"error: config: SOLVER.BATCH_SIZE must be >= 1, got -1$"),
    ("override without value", "train", ["SOLVER.EPOCHS"], 2,
     r"usage: train.py"),
    ("missing config file", "track", ["--cfg", "{w}/nope.yaml"], 1,
     r"error: config file not found: .*nope.yaml$"),
    ("missing checkpoint", "track", ["--weights", "{w}/none.pth", "--input", "{w}/frames"], 1,
     r"error: checkpoint not found: .*none.pth$"),
    ("random-bytes checkpoint", "track", ["--weights", "{w}/random.pth", "--input", "{w}/frames"],
     1, r"error: cannot read checkpoint .*random.pth: not a PyTorch checkpoint"),
    ("truncated checkpoint", "track", ["--weights", "{w}/truncated.pth", "--input", "{w}/frames"],
     1, r"error: cannot read checkpoint .*truncated.pth: the file is truncated or damaged"),
    ("mismatched checkpoint", "export", ["--cfg", INSTANT, "--weights", "{w}/model.pth",
     "MODEL.ARCH", "resnet34"], 1, r"error: .*model.pth does not fit the model"),
    ("checkpoint of another class count", "track", ["--weights", "{w}/model.pth", "--input",
     "{w}/frames", "MODEL.NUM_CLASSES", "2", "DATA.CLASSES", "[0, 1]", "DATA.CLASS_NAMES",
     "['pedestrian', 'car']"], 1,
     r"error: .*model.pth does not fit the model \(\w+\): the checkpoint was trained with 1 "
     r"class\(es\), the config asks for 2"),
    ("label of a class outside DATA.CLASSES", "train", ["--cfg", INSTANT, "DATA.CFG",
     "{w}/data/synthetic.json", "DATA.CLASSES", "[1]"], 1,
     r"error: .*labels_with_ids/.*txt: label class 0 is not among DATA.CLASSES \[1\]"),
    ("resume from a truncated checkpoint", "train", ["--cfg", INSTANT, "--resume",
     "DATA.CFG", "{w}/data/synthetic.json", "OUTPUT_DIR", "{w}/train_run"], 1,
     r"error: cannot read checkpoint .*model_last.pth: the file is truncated or damaged"),
    ("tracking without a model", "track", ["--input", "{w}/frames"], 1,
     r"error: tracking frames needs a trained model"),
    ("missing input", "track", ["--weights", "{w}/model.pth", "--input", "{w}/nowhere"], 1,
     r"error: .*nowhere: no such file or folder to track$"),
    ("empty folder", "track", ["--weights", "{w}/model.pth", "--input", "{w}/empty"], 1,
     r"error: .*empty: holds no sequence folders \(with seqinfo.ini\) and no images$"),
    ("not a video", "track", ["--weights", "{w}/model.pth", "--input", "{w}/notes.txt"], 1,
     r"error: .*notes.txt: not a video or image file"),
    ("camera that does not exist", "track", ["--weights", "{w}/model.pth", "--input", "97"], 1,
     r"error: camera 97: cannot open it"),
    ("no test lists", "test_det", ["--cfg", INSTANT, "--weights", "{w}/model.pth", "--data-cfg",
     "{w}/train_only.json"], 1, r"error: .*train_only.json: no 'test' data sets"),
    ("no test_emb lists", "test_emb", ["--cfg", INSTANT, "--weights", "{w}/model.pth",
     "--data-cfg", "{w}/train_only.json"], 1, r"error: .*train_only.json: no 'test_emb' data"),
    ("a type KITTI does not have", "convert_data", ["kitti", "--src", "{w}/kitti", "--root",
     "{w}/kitti_root", "--val"], 1,
     r"error: .*label_02/0000.txt:2: type 'Lorry' is not a KITTI tracking type; expected one of"),
    ("a category VisDrone does not have", "convert_data", ["visdrone", "--src", "{w}/kitti",
     "--root", "{w}/visdrone_root", "--classes", "car", "lorry"], 1,
     r"error: VisDrone has no category lorry; classes must be among \['pedestrian'"),
    ("missing data_cfg", "check_data", ["--data-cfg", "{w}/none.json"], 1,
     r"error: .*none.json: missing data_cfg file: no such file$"),
    ("missing results", "eval_mot", ["--gt", "{w}/gt", "--results", "{w}/nothing"], 1,
     r"error: no results for TUD-Campus, TUD-Stadtmitte in .*nothing"),
    ("malformed result row", "eval_mot", ("malformed", _append_row("71,3,1,2,x,4,1,-1,-1,-1")),
     1, r"error: .*TUD-Campus.txt:\d+: field 'x' is not a number"),
    ("infinite box field", "eval_mot", ("infinite", _append_row("71,3,inf,2,3,4,1,-1,-1,-1")),
     1, r"error: .*TUD-Campus.txt:\d+: x, y \(fields 3-4\) must be finite"),
    ("negative box", "eval_mot", ("negative", _append_row("71,3,1,2,-3,4,1,-1,-1,-1")), 1,
     r"error: .*TUD-Campus.txt:\d+: width and height \(fields 5-6\) must be positive"),
    ("NaN box", "eval_mot", ("nan", _append_row("71,3,1,2,nan,4,1,-1,-1,-1")), 1,
     r"error: .*TUD-Campus.txt:\d+: width and height \(fields 5-6\) must be positive"),
    ("empty ground truth", "eval_mot", ("empty_gt", _empty_gt), 0,
     r"WARNING: .*TUD-Campus/gt/gt.txt has no rows: every result box there counts as a false"),
    ("results without a sequence", "eval_mot", ("extra", _extra_results), 0,
     r"WARNING: .*results holds results for TUD-Crossing with no sequence in .*: not evaluated"),
    ("10-column ground truth under MOT17", "eval_mot", ("mot15", lambda gt, res: None), 0,
     r"WARNING: .*gt.txt has the MOT15 layout \(10 fields: no class, no visibility\) but the "
     r"MOT17 rules were asked for"),
]  # fmt: skip


def _command(ws: Path, case: str, tool: str, args) -> tuple:
    """(the case's OUTPUT_DIR, its tool's command line)."""
    out = ws / "out" / re.sub(r"\W+", "_", case)
    if isinstance(args, tuple):  # an evaluation case: a changed copy of the TUD files
        args = _eval_case(ws, *args) + ["--benchmark", "MOT17"]
    args = [a.replace("{w}", str(ws)) for a in args]
    plain = tool in ("check_data", "convert_data") or "OUTPUT_DIR" in args  # no OUTPUT_DIR
    overrides = [] if plain else ["OUTPUT_DIR", str(out)]
    return out, [sys.executable, str(REPO / "tools" / f"{tool}.py"), *args, *overrides]


@pytest.fixture(scope="module")
def finished(ws, request) -> dict:
    """{case: (OUTPUT_DIR, completed process)} of the selected cases, run three at a time:
    each is a separate tool process that spends its time importing (the cases write to
    folders of their own), so running them side by side saves most of a minute."""
    selected = {
        item.callspec.params["case"]
        for item in request.session.items
        if item.path == request.path and hasattr(item, "callspec")
    }
    commands = {c[0]: _command(ws, *c[:3]) for c in CASES if c[0] in selected}

    def run(command):
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    with ThreadPoolExecutor(3) as pool:
        done = {case: pool.submit(run, command) for case, (_, command) in commands.items()}
    return {case: (commands[case][0], work.result()) for case, work in done.items()}


@pytest.mark.parametrize("case, tool, args, status, first_line", CASES, ids=[c[0] for c in CASES])
def test_bad_input(finished, case, tool, args, status, first_line):
    out, result = finished[case]
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr, result.stderr
    if status == 0:
        assert any(re.match(first_line, line) for line in lines), result.stderr
        return
    assert lines and re.match(first_line, lines[0] if status == 2 else lines[-1]), result.stderr
    if status == 1:
        assert len([line for line in lines if line.startswith("error:")]) == 1
    written = [p for p in out.rglob("*") if p.is_file() and "runs" not in p.relative_to(out).parts]
    assert written == []  # nothing half-written: at most the run's own record
    for record in out.glob("runs/*/run.json"):
        assert json.loads(record.read_text())["status"] == "error"
