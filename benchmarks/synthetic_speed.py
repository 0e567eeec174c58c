"""Throughput of the synthetic data generator (frames/s), split into its stages.

    python benchmarks/synthetic_speed.py [--frames 300] [--width 640 --height 360]

Stages, each measured over the same seeded sequence in this run:
  simulate          scene update only
  + render          sprites, compositing, occlusion, light and noise
  + write           full `generate_sequence`: JPEG frames, gt.txt, det.txt, seqinfo.ini
"""

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from fairmot.data.synthetic import Renderer, Scene, SceneParams, generate_sequence


def time_stage(params, frames, render):
    rng = np.random.default_rng(0)
    scene = Scene(params, rng)
    renderer = Renderer(scene, rng) if render else None
    start = time.perf_counter()
    for _ in range(frames):
        scene.step()
        if renderer is not None:
            renderer.render()
    return frames / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    args = parser.parse_args()
    params = replace(SceneParams(), width=args.width, height=args.height, length=args.frames)

    rows = [
        ("simulate", time_stage(params, args.frames, render=False)),
        ("+ render", time_stage(params, args.frames, render=True)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        generate_sequence(Path(tmp) / "SYN-01", params, seed=0)
        rows.append(("+ write (generate_sequence)", args.frames / (time.perf_counter() - start)))

    print(f"synthetic generator, {args.width}x{args.height}, {args.frames} frames, 1 process")
    print(f"| {'stage':<28} | {'frames/s':>9} | {'ms/frame':>9} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 11}|")
    for name, fps in rows:
        print(f"| {name:<28} | {fps:9.1f} | {1000 / fps:9.2f} |")


if __name__ == "__main__":
    main()
