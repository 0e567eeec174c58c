"""Pack the fixtures computed by the original FairMOT code into tests/fixtures/, compactly
and losslessly for every value a parity test reads (tests/reference.py reads them back):

    python scripts/pack_reference_fixtures.py SOURCE_DIR [--frames 400]

SOURCE_DIR holds the original's output as it was computed (targets_*.npz, decode.npz,
loss.npz, tracker_scene_stream.npz, tracker_scene_official_tracks.txt.gz,
official_dla34_state_dict.json). What changes:

- images (the targets' inputs and the letterboxed network inputs) become PNG files, each
  input image stored once for both input sizes;
- the embedding maps of decode.npz and loss.npz keep only the positions the original reads
  (decode: its 500 peaks, from which the detections' embeddings are taken; loss: the
  targets' `ind`, where the identity loss gathers): elsewhere they are zero. A
  reimplementation that read any other position would get zeros there and miss the
  original's numbers, so the tests bind as before;
- the tracker scene keeps its first `--frames` frames, and the official tracks the rows of
  those frames: the tracker is online (frame t's output depends on frames 1..t only), so
  the rows are exactly what the original writes for the shorter scene.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def write_png(array: np.ndarray, rel: str) -> str:
    (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(OUT / rel), array, [cv2.IMWRITE_PNG_COMPRESSION, 9]):
        raise OSError(f"cannot write {OUT / rel}")
    assert np.array_equal(cv2.imread(str(OUT / rel), cv2.IMREAD_UNCHANGED), array), rel
    return rel


def sparse(arrays: dict, key: str, positions: np.ndarray) -> None:
    """Replace B x C x H x W arrays[key] by its C-vectors at flat positions (B x N)."""
    dense = arrays.pop(key)
    batch, channels = dense.shape[:2]
    flat = dense.reshape(batch, channels, -1).transpose(0, 2, 1)
    arrays[f"{key}@shape"] = np.array(dense.shape)
    arrays[f"{key}@positions"] = positions.astype(np.int32)
    arrays[f"{key}@values"] = np.stack([flat[b, positions[b]] for b in range(batch)])


def pack_targets(source: Path) -> None:
    for size in ("1088x608", "576x320"):
        arrays = dict(np.load(source / f"targets_{size}.npz"))
        for key in [k for k in arrays if k.endswith(("_image_bgr", "_input_rgb_u8"))]:
            folder = "images" if key.endswith("_image_bgr") else f"targets_{size}"
            arrays[f"{key}@png"] = np.array(write_png(arrays.pop(key), f"{folder}/{key}.png"))
        np.savez_compressed(OUT / f"targets_{size}.npz", **arrays)


def pack_maps(source: Path) -> None:
    decode = dict(np.load(source / "decode.npz"))
    for case in (0, 1):
        sparse(decode, f"case{case}_id", decode[f"case{case}_raw_inds"])
    np.savez_compressed(OUT / "decode.npz", **decode)
    loss = dict(np.load(source / "loss.npz"))
    sparse(loss, "out_id", loss["batch_ind"])
    np.savez_compressed(OUT / "loss.npz", **loss)


def pack_tracker_scene(source: Path, frames: int) -> None:
    scene = np.load(source / "tracker_scene_stream.npz")
    keep = {"num_frames": np.array(frames)}
    for f in range(1, frames + 1):
        for part in ("dets", "feats", "truth"):
            keep[f"frame{f:06d}_{part}"] = scene[f"frame{f:06d}_{part}"]
    np.savez_compressed(OUT / "tracker_scene_stream.npz", **keep)
    name = "tracker_scene_official_tracks.txt.gz"
    with gzip.open(source / name, "rt") as f:
        rows = [line for line in f if int(float(line.split(",")[0])) <= frames]
    with gzip.open(OUT / name, "wt", compresslevel=9) as f:
        f.writelines(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--frames", type=int, default=400)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    pack_targets(args.source)
    pack_maps(args.source)
    pack_tracker_scene(args.source, args.frames)
    shutil.copy(args.source / "official_dla34_state_dict.json", OUT)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT}: {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
