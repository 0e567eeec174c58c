"""The joint FairMOT loss (SPEC §3): focal heatmap loss, masked L1 box losses, re-ID
cross-entropy over all training identities, and the uncertainty weighting."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..models.decode import gather

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
            outputs; the embedding scale is sqrt(2) * ln(num_ids - 1)).
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
        num_ids: int,
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
        if num_ids < 2:
            raise ValueError(f"the re-ID loss needs at least 2 identities, got {num_ids}")
        self.weighting = weighting
        self.hm_weight, self.wh_weight, self.reg_weight = hm_weight, wh_weight, reg_weight
        self.id_weight = id_weight
        self.focal_alpha, self.focal_beta = focal_alpha, focal_beta
        self.classifier = nn.Linear(reid_dim, num_ids)
        self.emb_scale = math.sqrt(2) * math.log(num_ids - 1)
        self.s_det = nn.Parameter(torch.full((1,), s_det_init))
        self.s_id = nn.Parameter(torch.full((1,), s_id_init))

    def forward(self, outputs: dict, batch: dict, embeddings: torch.Tensor | None = None) -> dict:
        hm = torch.clamp(outputs["hm"].float().sigmoid(), min=1e-4, max=1 - 1e-4)
        hm_loss = focal_loss(hm, batch["hm"], self.focal_alpha, self.focal_beta)
        mask, ind = batch["reg_mask"], batch["ind"]
        wh_loss = masked_l1_loss(outputs["wh"].float(), mask, ind, batch["wh"])
        off_loss = masked_l1_loss(outputs["reg"].float(), mask, ind, batch["reg"])
        if embeddings is None:
            embeddings = gather(outputs["id"].float(), ind)[mask > 0]
        embeddings = self.emb_scale * F.normalize(embeddings.float(), dim=1)
        logits = self.classifier(embeddings)
        id_loss = F.cross_entropy(logits, batch["ids"][mask > 0], ignore_index=-1)
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


def build_loss(cfg, num_ids: int) -> FairMOTLoss:
    """The loss of a config (MODEL.REID_DIM, LOSS.*) over `num_ids` training identities."""
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
