"""The synthetic data set: determinism, exact boxes, visibility from occlusion, crossings,
and that the project's own readers take what it writes."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fairmot.config import load_cfg
from fairmot.data.formats import (
    label_path_for_image,
    list_sequences,
    read_data_cfg,
    read_image_list,
    read_jde_labels,
)
from fairmot.data.synthetic import (
    Renderer,
    Scene,
    SceneParams,
    SyntheticLayout,
    generate_dataset,
    generate_sequence,
)

REPO = Path(__file__).resolve().parents[3]
PARAMS = SceneParams(length=60, num_people=10, num_occluders=3)


def rendered_frames(params, seed, frames, masks=True):
    rng = np.random.default_rng(seed)
    scene = Scene(params, rng)
    renderer = Renderer(scene, rng)
    for _ in range(frames):
        scene.step()
        yield scene, renderer, renderer.render(return_masks=masks)


def inside_frame(box, params):
    x, y, w, h = box
    return x >= 0 and y >= 0 and x + w <= params.width and y + h <= params.height


def iou_tlwh(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    params = replace(PARAMS, length=12)
    for name in ("a", "b"):
        generate_sequence(tmp_path / name / "SYN", params, seed=5)
    generate_sequence(tmp_path / "c" / "SYN", params, seed=6)
    for rel in ("gt/gt.txt", "det/det.txt", "seqinfo.ini", "img1/000012.jpg"):
        assert (tmp_path / "a/SYN" / rel).read_bytes() == (tmp_path / "b/SYN" / rel).read_bytes()
    assert (tmp_path / "a/SYN/gt/gt.txt").read_text() != (tmp_path / "c/SYN/gt/gt.txt").read_text()


def test_boxes_are_the_tight_boxes_of_the_rendered_pixels():
    checked = 0
    for _, _, frame in rendered_frames(PARAMS, seed=3, frames=40):
        for obj, mask in zip(frame.objects, frame.own_masks):
            ys, xs = np.nonzero(mask)
            x, y, w, h = obj.tlwh
            assert xs.min() >= x and xs.max() <= x + w - 1
            assert ys.min() >= y and ys.max() <= y + h - 1
            if inside_frame(obj.tlwh, PARAMS):  # tight: the box touches the figure on all sides
                assert (xs.min(), xs.max(), ys.min(), ys.max()) == (x, x + w - 1, y, y + h - 1)
                checked += 1
    assert checked > 200


def test_every_changed_pixel_lies_in_some_box():
    """Without light changes and noise, the frame differs from the bare background only
    inside the gt boxes: nothing is drawn that the gt does not account for."""
    params = replace(PARAMS, lighting_amplitude=0.0, noise_std=0.0)
    for _, renderer, frame in rendered_frames(params, seed=4, frames=20, masks=False):
        background = renderer.background_view(frame.camera_offset)
        changed = (frame.image != background).any(axis=2)
        covered = np.zeros_like(changed)
        for obj in frame.objects:
            x, y, w, h = obj.tlwh
            covered[max(y, 0) : y + h, max(x, 0) : x + w] = True
        assert changed.any() and not (changed & ~covered).any()


def test_visibility_is_the_unoccluded_fraction():
    """Recompute each fully-in-frame object's visibility from its own mask and the masks of
    the objects in front of it."""
    visibilities = []
    for _, _, frame in rendered_frames(PARAMS, seed=7, frames=60):
        depths = [o.depth for o in frame.objects]
        assert depths == sorted(depths, reverse=True)  # drawn far to near
        for i, obj in enumerate(frame.objects):
            if not inside_frame(obj.tlwh, PARAMS):
                continue
            own = frame.own_masks[i]
            in_front = np.zeros_like(own)
            for mask in frame.own_masks[i + 1 :]:
                in_front |= mask
            expected = np.count_nonzero(own & ~in_front) / np.count_nonzero(own)
            assert obj.visibility == pytest.approx(expected, abs=1e-12)
            visibilities.append(expected)
    visibilities = np.array(visibilities)
    assert (visibilities < 0.5).sum() > 10 and (visibilities == 1.0).sum() > 100


def test_figures_follow_the_ground_plane_and_body_proportions():
    ratios = []
    for scene, _, frame in rendered_frames(PARAMS, seed=9, frames=30, masks=False):
        walkers = {w.track_id: w for w in scene.walkers}
        cam = scene.camera
        for obj in frame.objects:
            if obj.kind != "walker" or not inside_frame(obj.tlwh, PARAMS) or obj.visibility < 1:
                continue
            x, y, w, h = obj.tlwh
            walker = walkers[obj.object_id]
            # Projected height f*H/Z, up to the sprite's rounding.
            assert h == pytest.approx(cam.focal * walker.body_height / walker.z, abs=2.5)
            foot = y + h + frame.camera_offset[1]
            assert foot == pytest.approx(
                cam.horizon + cam.focal * cam.camera_height / walker.z, abs=2.5
            )
            ratios.append(w / h)
    ratios = np.array(ratios)
    assert 0.35 <= ratios.mean() <= 0.45 and ratios.min() > 0.28 and ratios.max() < 0.52


@pytest.mark.parametrize("rate", [0.0, 2.0, 5.0])
def test_crossings_occur_at_the_configured_rate(rate):
    params = replace(PARAMS, length=200, crossings_per_100=rate)
    boxes = {}
    crossings = []
    for scene, _, frame in rendered_frames(params, seed=11, frames=params.length, masks=False):
        for obj in frame.objects:
            if obj.kind == "walker":
                boxes[(scene.frame, obj.object_id)] = obj.tlwh.astype(float)
        crossings = scene.crossings
    assert len(crossings) == round(rate * params.length / 100)
    for crossing in crossings:
        a = boxes[(crossing.frame, crossing.id_a)]
        b = boxes[(crossing.frame, crossing.id_b)]
        assert iou_tlwh(a, b) > 0.5  # heavy overlap: IoU alone cannot tell them apart


def test_dataset_is_read_back_by_the_project_readers(tmp_path):
    cfg = load_cfg(REPO / "configs/synthetic_instant.yaml", ["OUTPUT_DIR", str(tmp_path)])
    summary = generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    layout = SyntheticLayout(tmp_path / "data")  # where the generator writes, by name
    data_cfg = read_data_cfg(layout.data_cfg)
    assert set(data_cfg.train) == {"synthetic"} and set(data_cfg.test) == {"synthetic"}
    assert json.loads(layout.summary.read_text()) == summary
    assert layout.ground_truth("val") == layout.split_dir("val")

    for number, split in enumerate(("train", "val"), start=1):
        (seq,) = list_sequences(layout.split_dir(split))
        assert seq.root == layout.sequence_dir(split, number)
        assert seq.info.seq_length == cfg.SYNTH.SEQ_LENGTH
        assert (seq.info.im_width, seq.info.im_height) == (cfg.SYNTH.WIDTH, cfg.SYNTH.HEIGHT)
        gt = seq.read_gt()
        det = seq.read_det()
        assert len(det) > 0 and len(seq.frame_paths()) == seq.info.seq_length
        # MOT17 conventions: pedestrians class 1 with conf 1; distractors 7 and 8; zero-marked.
        assert set(np.unique(gt.classes)) <= {1, 7, 8, 9}
        assert {7, 8} <= set(np.unique(gt.classes))
        assert (gt.consider[gt.classes != 1] == 0).all()
        assert (gt.consider[gt.classes == 1] == 1).sum() > 0
        assert (gt.consider[gt.classes == 1] == 0).sum() > 0  # far walkers, zero-marked
        # Unique (frame, id) pairs.
        assert len(set(zip(gt.frames.tolist(), gt.ids.tolist()))) == len(gt)

        purpose = "train" if split == "train" else "test"
        images = data_cfg.image_paths(purpose, "synthetic")
        assert len(images) == seq.info.seq_length
        label_rows = [read_jde_labels(label_path_for_image(p)) for p in images]
        kept = (gt.classes == 1) & (gt.consider == 1)
        assert sum(len(r) for r in label_rows) == kept.sum()
        # Label ids are 1..n_identities, one per gt pedestrian identity.
        ids = np.unique(np.concatenate([r[:, 1] for r in label_rows]))
        np.testing.assert_array_equal(ids, np.arange(1, len(np.unique(gt.ids[kept])) + 1))
        assert summary["identities"][split] == len(ids)
        # Label geometry equals the gt box, normalised.
        first = gt.frames == 1
        expected = gt.tlwh[first & kept]
        rows = label_rows[0]
        np.testing.assert_allclose(rows[:, 4] * seq.info.im_width, expected[:, 2], atol=1e-3)
    emb = read_image_list(data_cfg.test_emb["synthetic"])
    assert len(emb) == (cfg.SYNTH.SEQ_LENGTH + 2) // 3


def test_short_training_sequences_leave_the_val_split_unchanged(tmp_path):
    """SYNTH.TRAIN_SEQ_LENGTH: more, shorter training sequences; val keeps its length, seeds
    and content (its seeds do not depend on the training split)."""
    base = ["SYNTH.SEQ_LENGTH", "8", "SYNTH.WRITE_DET", "False"]
    short = load_cfg(
        REPO / "configs/synthetic_instant.yaml",
        [*base, "SYNTH.TRAIN_SEQS", "3", "SYNTH.TRAIN_SEQ_LENGTH", "5"],
    )
    plain = load_cfg(REPO / "configs/synthetic_instant.yaml", base)
    generate_dataset(short.SYNTH, tmp_path / "short", progress=False)
    generate_dataset(plain.SYNTH, tmp_path / "plain", progress=False)
    train = list_sequences(tmp_path / "short/images/train")
    assert [s.info.seq_length for s in train] == [5, 5, 5]
    assert len(read_image_list(tmp_path / "short/synthetic.train")) == 15
    (val_short,) = list_sequences(tmp_path / "short/images/val")
    (val_plain,) = list_sequences(tmp_path / "plain/images/val")
    assert val_short.info.seq_length == 8
    np.testing.assert_array_equal(val_short.read_gt().tlwh, val_plain.read_gt().tlwh)


def test_val_seed_fixes_the_val_split_while_the_training_scenes_change(tmp_path):
    """SYNTH.VAL_SEED (tools/seed_spread.py): another SEED renders other training scenes and,
    with VAL_SEED kept, the same val split as the base seed."""
    base = ["SYNTH.SEQ_LENGTH", "8", "SYNTH.WRITE_DET", "False"]
    first = load_cfg(REPO / "configs/synthetic_instant.yaml", base)
    moved = load_cfg(
        REPO / "configs/synthetic_instant.yaml", [*base, "SYNTH.SEED", "2", "SYNTH.VAL_SEED", "1"]
    )
    generate_dataset(first.SYNTH, tmp_path / "first", progress=False)
    generate_dataset(moved.SYNTH, tmp_path / "moved", progress=False)
    gts = {
        (name, split): list_sequences(tmp_path / name / "images" / split)[0].read_gt().tlwh
        for name in ("first", "moved")
        for split in ("train", "val")
    }
    np.testing.assert_array_equal(gts["first", "val"], gts["moved", "val"])
    assert gts["first", "train"].shape != gts["moved", "train"].shape or not np.array_equal(
        gts["first", "train"], gts["moved", "train"]
    )


@pytest.mark.parametrize("return_prob", [0.0, 1.0])
def test_people_leave_and_come_back_with_their_identity(return_prob):
    """SYNTH.RETURN_PROB: a person who walks out of view comes back 2-10 s later through the
    same edge, the same identity; with 0 nobody does (and the scene is drawn as before)."""
    params = replace(PARAMS, length=900, return_prob=return_prob, num_people=6)
    scene = Scene(params, np.random.default_rng(3))
    seen: dict = {}
    for _ in range(params.length):
        scene.step()
        for w in scene.walkers:
            if w.alive and not w.ignored:
                seen.setdefault(w.track_id, []).append(scene.frame)
    gaps = [
        max(np.diff(frames))
        for frames in seen.values()
        if len(frames) > 1 and max(np.diff(frames)) > 1
    ]
    if return_prob == 0:
        assert gaps == []
    else:
        assert len(gaps) >= 5 and all(2 * 30 <= g - 1 <= 10 * 30 + 1 for g in gaps)


def test_cars_are_their_own_class_with_tight_boxes_and_their_own_identities(tmp_path):
    """SYNTH.NUM_VEHICLES: cars drive through the scenes as gt class 3, wider than tall,
    faster than people, with tight boxes and identities no person shares; the data set
    labels them JDE class 1 and writes the BDD100K ground truth for per-class evaluation."""
    from fairmot.data.formats import read_jde_labels
    from fairmot.data.formats.bdd100k import read_bdd_sequence

    params = replace(PARAMS, num_vehicles=2, lighting_amplitude=0.0, noise_std=0.0)
    cars, walkers, checked = {}, set(), 0
    for _, _, frame in rendered_frames(params, seed=5, frames=60):
        for obj, mask in zip(frame.objects, frame.own_masks):
            if obj.kind == "walker":
                walkers.add(obj.object_id)
            if obj.kind != "vehicle":
                continue
            assert obj.mot_class == 3 and obj.consider == 1
            cars.setdefault(obj.object_id, []).append(obj.tlwh)
            ys, xs = np.nonzero(mask)
            if inside_frame(obj.tlwh, params):
                x, y, w, h = obj.tlwh
                assert (xs.min(), xs.max(), ys.min(), ys.max()) == (x, x + w - 1, y, y + h - 1)
                assert w > 1.5 * h  # wider than tall
                checked += 1
    assert checked > 20 and len(cars) >= 2 and not set(cars) & walkers
    cfg = load_cfg(
        REPO / "configs/synthetic_multiclass.yaml",
        ["SYNTH.TRAIN_SEQS", "1", "SYNTH.VAL_SEQS", "1", "SYNTH.SEQ_LENGTH", "30"]
        + ["SYNTH.TRAIN_SEQ_LENGTH", "0", "SYNTH.WRITE_DET", "False"],
    )
    generate_dataset(cfg.SYNTH, tmp_path, progress=False)
    labels = np.concatenate(
        [read_jde_labels(p) for p in (tmp_path / "labels_with_ids").rglob("*.txt")]
    )
    assert set(labels[:, 0].tolist()) == {0.0, 1.0}
    people, vehicles = (set(labels[labels[:, 0] == c, 1].tolist()) for c in (0, 1))
    assert people and vehicles and not people & vehicles
    bdd = read_bdd_sequence(SyntheticLayout(tmp_path).ground_truth("val", 2) / "SYN-02.json")
    assert bdd.num_frames == 30 and {"pedestrian", "car"} <= set(bdd.categories)


def test_the_oracle_detects_the_classes_asked_for_with_their_index(tmp_path):
    from fairmot.data.formats import read_detections_dir
    from fairmot.data.synthetic import oracle_detections

    cfg = load_cfg(
        REPO / "configs/synthetic_instant.yaml",
        ["SYNTH.NUM_VEHICLES", "2", "SYNTH.TRAIN_SEQS", "0", "SYNTH.SEQ_LENGTH", "60"],
    )
    generate_dataset(cfg.SYNTH, tmp_path / "data", progress=False)
    (seq,) = list_sequences(tmp_path / "data/images/val")
    gt = seq.read_gt()
    considered = gt.consider == 1
    cars = int(((gt.classes == 3) & considered & (gt.visibility > 0.1)).sum())
    people = int(((gt.classes == 1) & considered & (gt.visibility > 0.1)).sum())
    assert cars > 0 and people > 0
    (both,) = read_detections_dir(oracle_detections(seq, tmp_path / "both", mot_classes=(1, 3)))
    (alone,) = read_detections_dir(oracle_detections(seq, tmp_path / "people"))
    classes = np.concatenate([both.frame(f)[2] for f in range(1, 61)])
    assert (classes == 1).sum() == cars and (classes == 0).sum() == people
    assert sum(len(alone.frame(f)[0]) for f in range(1, 61)) == people
    assert not np.concatenate([alone.frame(f)[2] for f in range(1, 61)]).any()
