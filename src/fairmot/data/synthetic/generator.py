"""Writing the synthetic MOT data set: MOTChallenge sequences, JDE labels, lists, data_cfg,
in the layout of `SyntheticLayout`."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ...boxes import tlwh_to_tlbr
from ..converters import mot_sequences_to_jde
from ..formats import (
    DataCfg,
    MotDetections,
    MotGroundTruth,
    MotSequence,
    SeqInfo,
    atomic_write_text,
    write_data_cfg,
    write_image_list,
    write_mot_det,
    write_mot_gt,
    write_seqinfo,
)
from ..formats.bdd100k import BddTracks, write_bdd_sequence
from .layout import SyntheticLayout
from .multiview import WorldParams, generate_multiview_scene, scene_cameras
from .render import (
    CLASS_CAR,
    CLASS_DISTRACTOR,
    CLASS_PEDESTRIAN,
    CLASS_STATIC_PERSON,
    Renderer,
    rows_to_ground_truth,
)
from .scene import Scene, SceneParams

SPLITS = ("train", "val")


@dataclass
class SequenceSummary:
    name: str
    split: str
    seed: int
    frames: int
    identities: int
    gt_rows: int
    crossings: list  # [frame, id_a, id_b] of each scheduled crossing
    seconds: float


def scene_params_from_cfg(synth_cfg) -> SceneParams:
    """Unpack the SYNTH config node into plain scene parameters."""
    return SceneParams(
        width=synth_cfg.WIDTH,
        height=synth_cfg.HEIGHT,
        frame_rate=float(synth_cfg.FRAME_RATE),
        length=synth_cfg.SEQ_LENGTH,
        num_people=synth_cfg.NUM_PEOPLE,
        crossings_per_100=synth_cfg.CROSSINGS_PER_100,
        lookalike_fraction=synth_cfg.LOOKALIKE_FRACTION,
        num_occluders=synth_cfg.NUM_OCCLUDERS,
        num_static_persons=synth_cfg.NUM_STATIC_PERSONS,
        num_posters=synth_cfg.NUM_POSTERS,
        num_far_walkers=synth_cfg.NUM_FAR_WALKERS,
        stop_prob=synth_cfg.STOP_PROB,
        turn_prob=synth_cfg.TURN_PROB,
        pan_amplitude=synth_cfg.PAN_AMPLITUDE,
        shake_amplitude=synth_cfg.SHAKE_AMPLITUDE,
        pan_period=synth_cfg.PAN_PERIOD,
        lighting_amplitude=synth_cfg.LIGHTING_AMPLITUDE,
        noise_std=synth_cfg.NOISE_STD,
        return_prob=synth_cfg.RETURN_PROB,
        num_vehicles=synth_cfg.NUM_VEHICLES,
    )


def sequence_seed(base_seed: int, split: str, index: int) -> int:
    """Seed of sequence `index` of `split`: distinct across splits and indices."""
    state = np.random.SeedSequence([base_seed, SPLITS.index(split), index])
    return int(state.generate_state(1)[0])


def _public_detections(gt: MotGroundTruth, params: SceneParams, rng: np.random.Generator):
    """det.txt derived from the gt: person-like rows (classes 1, 7, 8) at least a quarter
    visible, 8 % missed, boxes jittered by 4 % of their size, plus false positives."""
    candidates = np.flatnonzero(np.isin(gt.classes, (1, 7, 8)) & (gt.visibility >= 0.25))
    kept = candidates[rng.random(len(candidates)) >= 0.08]
    sizes = np.tile(gt.tlwh[kept, 2:], 2)
    boxes = gt.tlwh[kept] + rng.normal(0, 0.04, (len(kept), 4)) * sizes
    boxes[:, 2:] = np.maximum(boxes[:, 2:], 2.0)
    scores = rng.uniform(0.5, 1.0, len(kept))
    # False positives: person-shaped boxes on the lower part of the frame, 0.3 per frame.
    fp_frames = np.repeat(np.arange(1, params.length + 1), rng.poisson(0.3, params.length))
    fp_h = rng.uniform(0.1, 0.5, len(fp_frames)) * params.height
    fp_boxes = np.column_stack(
        [
            rng.uniform(0, 1, len(fp_frames)) * (params.width - 0.4 * fp_h),
            rng.uniform(0.3, 1.0, len(fp_frames)) * params.height - fp_h,
            0.4 * fp_h,
            fp_h,
        ]
    )
    return MotDetections(
        frames=np.concatenate([gt.frames[kept], fp_frames]).astype(np.int64),
        tlwh=np.concatenate([boxes, fp_boxes]).reshape(-1, 4),
        scores=np.concatenate([scores, rng.uniform(0.1, 0.7, len(fp_frames))]),
    )


def _render_frames(seq_dir: Path, info: SeqInfo, scene, renderer, jpeg_quality, progress):
    """Render every frame into seq_dir/img1; returns one annotation row per visible object
    and frame: (frame, (kind, id), tlwh, class, consider, visibility)."""
    encode = [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)]
    rows = []
    frames = range(1, info.seq_length + 1)
    for frame in tqdm(frames, desc=seq_dir.name, disable=not progress, leave=False):
        scene.step()
        rendered = renderer.render()
        path = seq_dir / "img1" / info.frame_name(frame)
        if not cv2.imwrite(str(path), rendered.image, encode):
            raise OSError(f"could not write frame {path}")
        rows += [
            (frame, (o.kind, o.object_id), o.tlwh, o.mot_class, o.consider, o.visibility)
            for o in rendered.objects
        ]
    return rows


def generate_sequence(
    seq_dir: str | os.PathLike,
    params: SceneParams,
    seed: int,
    jpeg_quality: int = 92,
    write_det: bool = True,
    progress: bool = False,
) -> SequenceSummary:
    """Render one sequence into `seq_dir` in the MOTChallenge layout.

    Pedestrians are written as class 1, consider 1 (far walkers: consider 0); static persons
    as class 7, the poster figure as class 8 and occluders as class 9, all with consider 0.
    Identities are unique within the sequence: walkers 1, 2, ..., static objects after them.
    """
    start = time.perf_counter()
    seq_dir = Path(seq_dir)
    (seq_dir / "img1").mkdir(parents=True, exist_ok=True)
    scene_seed, det_seed = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(scene_seed)
    scene = Scene(params, rng)
    renderer = Renderer(scene, rng)
    info = SeqInfo(
        seq_dir.name, "img1", params.frame_rate, params.length, params.width, params.height, ".jpg"
    )
    rows = _render_frames(seq_dir, info, scene, renderer, jpeg_quality, progress)
    gt = rows_to_ground_truth(rows)
    (seq_dir / "gt").mkdir(exist_ok=True)
    write_mot_gt(seq_dir / "gt" / "gt.txt", gt)
    if write_det:
        (seq_dir / "det").mkdir(exist_ok=True)
        detections = _public_detections(gt, params, np.random.default_rng(det_seed))
        write_mot_det(seq_dir / "det" / "det.txt", detections)
    write_seqinfo(seq_dir, info)
    pedestrians = gt.ids[(gt.classes == CLASS_PEDESTRIAN) & (gt.consider == 1)]
    return SequenceSummary(
        name=seq_dir.name,
        split="",
        seed=seed,
        frames=params.length,
        identities=len(np.unique(pedestrians)),
        gt_rows=len(gt),
        crossings=[[c.frame, c.id_a, c.id_b] for c in scene.crossings],
        seconds=time.perf_counter() - start,
    )


def _generate_job(job):
    seq_dir, params, seed, quality, write_det, progress = job
    return generate_sequence(seq_dir, params, seed, quality, write_det, progress)


def _sequence_jobs(synth_cfg, root: Path, progress: bool) -> tuple:
    """(jobs, their splits): one `generate_sequence` job per sequence, numbered SYN-01...
    over the splits in order."""
    params = scene_params_from_cfg(synth_cfg)
    counts = {"train": synth_cfg.TRAIN_SEQS, "val": synth_cfg.VAL_SEQS}
    split_params = {
        "train": replace(params, length=synth_cfg.TRAIN_SEQ_LENGTH or params.length),
        "val": params,
    }
    val_seed = synth_cfg.VAL_SEED if synth_cfg.VAL_SEED >= 0 else synth_cfg.SEED
    split_seeds = {"train": synth_cfg.SEED, "val": val_seed}
    jobs, splits = [], []
    for split in SPLITS:
        for index in range(counts[split]):
            seq_dir = SyntheticLayout(root).sequence_dir(split, len(jobs) + 1)
            seed = sequence_seed(split_seeds[split], split, index)
            bars = progress and synth_cfg.NUM_WORKERS == 0  # no bars from worker processes
            jobs.append(
                (
                    seq_dir,
                    split_params[split],
                    seed,
                    synth_cfg.JPEG_QUALITY,
                    synth_cfg.WRITE_DET,
                    bars,
                )
            )
            splits.append(split)
    return jobs, splits


def _run_jobs(jobs: list, num_workers: int, progress: bool) -> list:
    if num_workers > 0:
        with ProcessPoolExecutor(num_workers) as pool:
            results = pool.map(_generate_job, jobs)
            return list(tqdm(results, total=len(jobs), desc="sequences", disable=not progress))
    return [_generate_job(job) for job in tqdm(jobs, desc="sequences", disable=not progress)]


def _write_lists(root: Path, jobs: list, splits: list, with_cars: bool = False) -> dict:
    """JDE labels (people class 0; with cars, cars class 1) and image lists of each split,
    and the data_cfg synthetic.json (the val split's every third frame is the re-ID test
    list); with cars also the ground truth of each split in the BDD100K layout (for
    per-class evaluation) under bdd100k/<split>/. Returns {split: JdeSplit}."""
    classes = {CLASS_PEDESTRIAN: 0, CLASS_CAR: 1} if with_cars else {CLASS_PEDESTRIAN: 0}
    layout, lists = SyntheticLayout(root), {}
    for split in SPLITS:
        seq_dirs = [job[0] for job, s in zip(jobs, splits) if s == split]
        if with_cars:
            for seq_dir in seq_dirs:
                write_bdd_ground_truth(MotSequence(seq_dir), layout.bdd_dir(split))
        if seq_dirs:
            converted = mot_sequences_to_jde(seq_dirs, root, first_identity=1, classes=classes)
            lists[split] = converted
            write_image_list(layout.image_list(split), converted.images)
    data_cfg = DataCfg(root=root)
    if "train" in lists:
        data_cfg.train["synthetic"] = layout.image_list("train")
    if "val" in lists:
        write_image_list(layout.image_list("emb"), lists["val"].images[::3])
        data_cfg.test["synthetic"] = layout.image_list("val")
        data_cfg.test_emb["synthetic"] = layout.image_list("emb")
    write_data_cfg(layout.data_cfg, data_cfg)
    return lists


#: Ground-truth MOT classes in the BDD100K layout: evaluated categories, and distractors
#: (ignore regions: a result box mostly inside one is not a false positive).
BDD_CATEGORIES = {CLASS_PEDESTRIAN: "pedestrian", CLASS_CAR: "car"}
BDD_IGNORED = {CLASS_STATIC_PERSON: "other person", CLASS_DISTRACTOR: "other person"}


def write_bdd_ground_truth(seq: MotSequence, out_dir: Path) -> Path:
    """A sequence's ground truth as `out_dir/<SEQ>.json` in the BDD100K layout: people and
    cars evaluated; zero-marked people (too far to annotate), static persons and the poster
    figure as ignore regions; occluders left out."""
    gt = seq.read_gt()
    names = {**BDD_CATEGORIES, **BDD_IGNORED}
    keep = np.isin(gt.classes, list(names))
    categories = np.array([names[int(c)] for c in gt.classes[keep]])
    rows = BddTracks(
        frames=gt.frames[keep],
        ids=gt.ids[keep],
        tlbr=tlwh_to_tlbr(gt.tlwh[keep]),
        categories=categories,
        scores=np.ones(int(keep.sum())),
        crowd=(gt.consider[keep] == 0) & (gt.classes[keep] == CLASS_PEDESTRIAN),
        num_frames=seq.info.seq_length,
    )
    path = out_dir / f"{seq.name}.json"
    write_bdd_sequence(path, seq.name, rows)
    return path


def world_params_from_cfg(synth_cfg) -> WorldParams:
    """The multi-view scene parameters of the SYNTH config node (MV_* and the shared keys)."""
    return WorldParams(
        width=synth_cfg.WIDTH,
        height=synth_cfg.HEIGHT,
        frame_rate=float(synth_cfg.MV_FRAME_RATE),
        length=synth_cfg.MV_LENGTH,
        num_people=synth_cfg.MV_PEOPLE,
        lookalike_fraction=synth_cfg.LOOKALIKE_FRACTION,
        stop_prob=synth_cfg.STOP_PROB,
        lighting_amplitude=synth_cfg.LIGHTING_AMPLITUDE,
        noise_std=synth_cfg.NOISE_STD,
    )


def _generate_multiview(synth_cfg, root: Path, progress: bool) -> list:
    """The MV_SCENES multi-camera val scenes (seeded by the val seed), their summaries."""
    val_seed = synth_cfg.VAL_SEED if synth_cfg.VAL_SEED >= 0 else synth_cfg.SEED
    params, cameras = world_params_from_cfg(synth_cfg), scene_cameras(synth_cfg.MV_CAMERAS)
    layout = SyntheticLayout(root)
    return [
        generate_multiview_scene(
            layout.multicamera_scene("val", k + 1),
            params,
            cameras,
            int(np.random.SeedSequence([val_seed, 2, k]).generate_state(1)[0]),
            synth_cfg.JPEG_QUALITY,
            progress,
        )
        for k in range(synth_cfg.MV_SCENES)
    ]


def generate_dataset(synth_cfg, data_root: str | os.PathLike, progress: bool = True) -> dict:
    """Render every sequence of both splits and write labels, lists and the data_cfg.

    Args:
        synth_cfg: the SYNTH config node.
        data_root: folder to write into (created; existing sequences are overwritten).
        progress: show progress bars.

    Returns:
        The summary also written to `data_root/summary.json`.
    """
    root = Path(data_root).resolve()
    jobs, splits = _sequence_jobs(synth_cfg, root, progress)
    start = time.perf_counter()
    summaries = _run_jobs(jobs, synth_cfg.NUM_WORKERS, progress)
    elapsed = time.perf_counter() - start
    for summary, split in zip(summaries, splits):
        summary.split = split
    lists = _write_lists(root, jobs, splits, with_cars=synth_cfg.NUM_VEHICLES > 0)
    total_frames = sum(s.frames for s in summaries)
    multicamera = _generate_multiview(synth_cfg, root, progress)
    summary = {
        "frames": total_frames,
        "seconds": round(elapsed, 3),
        "frames_per_second": round(total_frames / max(elapsed, 1e-9), 1),
        "identities": {split: lists[split].num_identities for split in lists},
        "sequences": [asdict(s) for s in summaries],
        **({"multicamera": multicamera} if multicamera else {}),
    }
    atomic_write_text(SyntheticLayout(root).summary, json.dumps(summary, indent=2) + "\n")
    return summary
