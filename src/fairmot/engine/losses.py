"""The joint FairMOT loss (docs/training.md): focal heatmap loss, masked L1 box losses, re-ID
cross-entropy over all training identities, and the uncertainty weighting.

Several classes (the multi-class FairMOT variant): one identity classifier per class over that
class's identities, on the shared embedding, each with its own embedding scale; the re-ID
loss is the mean over the classes present in the batch of each class's cross-entropy. With
one class this is exactly the paper's loss.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..models.decode import gather
from .errors import TrainingError

WEIGHTINGS = ("uncertainty", "fixed")


def focal_loss(
    pred: torch.Tensor, target: torch.Tensor, alpha: float = 2.0, beta: float = 4.0
) -> torch.Tensor:
    """Penalty-reduced pixel-wise focal loss, normalised by the number of objects.

    Args:
        pred: (B, C, H, W) heatmap after the sigmoid, clamped to [1e-4, 1 - 1e-4].
        target: (B, C, H, W) Gaussian-splatted targets (1 at object centres).
    """
    positive = target.eq(1).float()
    negative = 1 - positive
    pos_loss = (torch.log(pred) * torch.pow(1 - pred, alpha) * positive).sum()
    neg_loss = (
        torch.log(1 - pred) * torch.pow(pred, alpha) * torch.pow(1 - target, beta) * negative
    ).sum()
    num_pos = positive.sum()
    return -neg_loss if num_pos == 0 else -(pos_loss + neg_loss) / num_pos


def masked_l1_loss(
    output: torch.Tensor, mask: torch.Tensor, ind: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """L1 between the (B, C, H, W) map at (B, K) indices and (B, K, C) targets, over the
    objects of (B, K) mask, normalised by the number of masked values."""
    pred = gather(output, ind)
    mask = mask.unsqueeze(2).expand_as(pred).float()
    return F.l1_loss(pred * mask, target * mask, reduction="sum") / (mask.sum() + 1e-4)


class FairMOTLoss(nn.Module):
    """Loss module; owns the identity classifier and the learned s_det, s_id.

    Args:
        reid_dim: embedding channels; num_ids: identities of the training set (classifier
            outputs; the embedding scale is sqrt(2) * ln(num_ids - 1)), or one count per
            class (one classifier each).
        weighting: "uncertainty" (learned s_det, s_id) or "fixed" (det + id_weight * id).
        hm_weight, wh_weight, reg_weight: detection loss weights (paper: 1, 0.1, 1).
        s_det_init, s_id_init: initial uncertainty parameters (paper: -1.85, -1.05).

    forward(outputs, batch, embeddings=None) -> dict of scalar tensors: loss, hm_loss,
    wh_loss, off_loss, id_loss, det_loss, and the current s_det, s_id. The re-ID embeddings
    are `embeddings` (M, reid_dim), those of the M objects of `reg_mask` in row-major order
    (a two-stage network's, see ModelWithLoss), or when None the dense `id` map at the
    objects' centres.
    """

    def __init__(
        self,
        *,
        reid_dim: int,
        num_ids: int | Sequence[int],
        weighting: str = "uncertainty",
        hm_weight: float = 1.0,
        wh_weight: float = 0.1,
        reg_weight: float = 1.0,
        id_weight: float = 1.0,
        s_det_init: float = -1.85,
        s_id_init: float = -1.05,
        focal_alpha: float = 2.0,
        focal_beta: float = 4.0,
    ):
        super().__init__()
        if weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
        counts = (num_ids,) if isinstance(num_ids, int) else tuple(num_ids)
        if min(counts) < 2:
            raise ValueError(
                f"the re-ID loss needs at least 2 identities per class, got {list(counts)}"
            )
        self.weighting = weighting
        self.hm_weight, self.wh_weight, self.reg_weight = hm_weight, wh_weight, reg_weight
        self.id_weight = id_weight
        self.focal_alpha, self.focal_beta = focal_alpha, focal_beta
        self.classifiers = nn.ModuleList(nn.Linear(reid_dim, n) for n in counts)
        self.emb_scales = [math.sqrt(2) * math.log(n - 1) for n in counts]
        self._register_load_state_dict_pre_hook(_single_classifier_keys)
        self.s_det = nn.Parameter(torch.full((1,), s_det_init))
        self.s_id = nn.Parameter(torch.full((1,), s_id_init))

    @property
    def classifier(self) -> nn.Linear:
        """The first class's identity classifier (the only one with one class)."""
        return self.classifiers[0]

    @property
    def num_ids(self) -> int | list:
        """Identities per class: an int with one class (as checkpoints record it)."""
        counts = [c.out_features for c in self.classifiers]
        return counts[0] if len(counts) == 1 else counts

    def identity_loss(self, embeddings, ids, batch: dict, mask) -> torch.Tensor:
        """Cross-entropy of the (M, D) embeddings of the batch's objects against their (M,)
        identities (-1: none); per class and averaged over the classes present."""
        if len(self.classifiers) == 1:
            scaled = self.emb_scales[0] * F.normalize(embeddings.float(), dim=1)
            return F.cross_entropy(self.classifier(scaled), ids, ignore_index=-1)
        classes = batch["cls"][mask > 0]
        losses = []
        for cls, (classifier, scale) in enumerate(zip(self.classifiers, self.emb_scales)):
            chosen = (classes == cls) & (ids >= 0)
            if chosen.any():
                scaled = scale * F.normalize(embeddings[chosen].float(), dim=1)
                losses.append(F.cross_entropy(classifier(scaled), ids[chosen]))
        return torch.stack(losses).mean() if losses else embeddings.sum() * 0.0

    def forward(self, outputs: dict, batch: dict, embeddings: torch.Tensor | None = None) -> dict:
        hm = torch.clamp(outputs["hm"].float().sigmoid(), min=1e-4, max=1 - 1e-4)
        hm_loss = focal_loss(hm, batch["hm"], self.focal_alpha, self.focal_beta)
        mask, ind = batch["reg_mask"], batch["ind"]
        wh_loss = masked_l1_loss(outputs["wh"].float(), mask, ind, batch["wh"])
        off_loss = masked_l1_loss(outputs["reg"].float(), mask, ind, batch["reg"])
        if embeddings is None:
            embeddings = gather(outputs["id"].float(), ind)[mask > 0]
        # Outside autocast: bf16 logits over hundreds of identities round neighbours together.
        with torch.autocast(embeddings.device.type, enabled=False):
            id_loss = self.identity_loss(embeddings, batch["ids"][mask > 0], batch, mask)
        det_loss = self.hm_weight * hm_loss + self.wh_weight * wh_loss + self.reg_weight * off_loss
        if self.weighting == "uncertainty":
            loss = 0.5 * (
                torch.exp(-self.s_det) * det_loss
                + torch.exp(-self.s_id) * id_loss
                + self.s_det
                + self.s_id
            )
            loss = loss.squeeze(0)
        else:
            loss = det_loss + self.id_weight * id_loss
        return {
            "loss": loss,
            "hm_loss": hm_loss,
            "wh_loss": wh_loss,
            "off_loss": off_loss,
            "id_loss": id_loss,
            "det_loss": det_loss,
            "s_det": self.s_det.detach()[0],
            "s_id": self.s_id.detach()[0],
        }


def _single_classifier_keys(state_dict, prefix, *args) -> None:
    """Checkpoints of the one-class loss name its classifier `classifier`: load it as the
    first of `classifiers`."""
    for name in ("weight", "bias"):
        if f"{prefix}classifier.{name}" in state_dict:
            state_dict[f"{prefix}classifiers.0.{name}"] = state_dict.pop(
                f"{prefix}classifier.{name}"
            )


def build_loss(cfg, num_ids) -> FairMOTLoss:
    """The loss of a config (MODEL.REID_DIM, LOSS.*) over `num_ids` training identities
    (one count per class); a TrainingError when a class has fewer than two (nothing for the
    identity classifier to tell apart)."""
    counts = [num_ids] if isinstance(num_ids, int) else list(num_ids)
    few = {n: c for n, c in zip(cfg.DATA.CLASS_NAMES, counts) if c < 2}
    if few:
        raise TrainingError(
            f"the training lists of {cfg.DATA.CFG} hold too few identities of "
            + ", ".join(f"{name} ({count})" for name, count in few.items())
            + ": the re-ID loss needs at least 2 per class (more data, or fewer DATA.CLASSES)"
        )
    return FairMOTLoss(
        reid_dim=cfg.MODEL.REID_DIM,
        num_ids=num_ids,
        weighting=cfg.LOSS.WEIGHTING,
        hm_weight=cfg.LOSS.HM_WEIGHT,
        wh_weight=cfg.LOSS.WH_WEIGHT,
        reg_weight=cfg.LOSS.REG_WEIGHT,
        id_weight=cfg.LOSS.ID_WEIGHT,
        s_det_init=cfg.LOSS.S_DET_INIT,
        s_id_init=cfg.LOSS.S_ID_INIT,
        focal_alpha=cfg.LOSS.FOCAL_ALPHA,
        focal_beta=cfg.LOSS.FOCAL_BETA,
    )
