"""The main job end to end on the instant synthetic config, through the real tool."""

import subprocess
import sys
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[1]


def test_demo_tool_writes_everything_under_output_dir(tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/demo.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            "OUTPUT_DIR",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "config.yaml").is_file()
    assert (out / "data" / "synthetic.json").is_file()
    videos = list((out / "preview").glob("*.mp4"))
    assert len(videos) == 1 and videos[0].with_suffix(".png").is_file()
    capture = cv2.VideoCapture(str(videos[0]))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 40
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing written elsewhere


def test_make_synthetic_tool(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/make_synthetic.py"),
            "--cfg",
            str(REPO / "configs/synthetic_instant.yaml"),
            "OUTPUT_DIR",
            str(tmp_path),
            "SYNTH.SEQ_LENGTH",
            "10",
            "SYNTH.NUM_WORKERS",
            "2",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert '"frames": 20' in result.stdout
    assert len(list((tmp_path / "data/images/val").glob("*/img1/*.jpg"))) == 10
