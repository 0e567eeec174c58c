"""Where the synthetic generator writes under its data root (images are shared by both
layouts, as in the JDE data zoo)::

    images/<split>/SYN-NN/{seqinfo.ini, img1/000001.jpg, gt/gt.txt, det/det.txt}
    labels_with_ids/<split>/SYN-NN/img1/000001.txt       JDE labels
    bdd100k/<split>/SYN-NN.json                           with cars: per-class ground truth
    multicamera/<split>/MV-NN/<camera>/...                multi-camera scenes (`data.formats.
                                                          mtmc`): a MOT sequence per camera
    synthetic.{train,val,emb}                             image lists
    synthetic.json                                        data_cfg (root ".")
    summary.json                                          per sequence: seed, identities
"""

from __future__ import annotations

import os
from pathlib import Path


class SyntheticLayout:
    """The paths of a synthetic data set rendered into `root`."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @property
    def summary(self) -> Path:
        """Per sequence: its seed, identities and crossings (`generate_dataset`'s return)."""
        return self.root / "summary.json"

    @property
    def data_cfg(self) -> Path:
        """The data_cfg (JSON) listing the splits' image lists."""
        return self.root / "synthetic.json"

    def split_dir(self, split: str) -> Path:
        """A split's sequences in the MOTChallenge layout (the single-class ground truth)."""
        return self.root / "images" / split

    def sequence_dir(self, split: str, number: int) -> Path:
        """Sequence `number` (1-based over both splits, train first) of `split`."""
        return self.split_dir(split) / f"SYN-{number:02d}"

    def bdd_dir(self, split: str) -> Path:
        """A split's ground truth in the BDD100K layout (written with cars)."""
        return self.root / "bdd100k" / split

    def multicamera_dir(self, split: str) -> Path:
        """A split's multi-camera scenes, each MV-NN/ (`data.formats.mtmc`)."""
        return self.root / "multicamera" / split

    def multicamera_scene(self, split: str, number: int) -> Path:
        """Multi-camera scene `number` (1-based) of `split`."""
        return self.multicamera_dir(split) / f"MV-{number:02d}"

    def image_list(self, split: str) -> Path:
        """The image list of `split` ("train", "val" or "emb", the re-ID test frames)."""
        return self.root / f"synthetic.{split}"

    def ground_truth(self, split: str, num_classes: int = 1) -> Path:
        """What a model of `num_classes` classes is evaluated against: the MOTChallenge
        split for one class, the BDD100K layout for several."""
        return self.bdd_dir(split) if num_classes > 1 else self.split_dir(split)
