"""From head outputs to detections in frame pixels (docs/tracking.md), batched in torch.

Peaks: a 3x3 max-pool keeps local maxima of the (sigmoid) heatmap; the top K over all
classes are boxes from the offset and size heads; `dets_to_frame` maps them back through the
letterbox the way the original does (`boxes.letterbox_to_frame`: centre and scale of the
frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import roi_align

from ..boxes import tlbr_to_frame

#: Re-ID samplings of the dense id map; "two_stage" reads a RoI head instead (see `decode`).
REID_SAMPLINGS = ("center", "center_bi", "roi_align", "pos_anchor")
TWO_STAGE = "two_stage"
#: The output that marks a network's outputs as taken at the heatmap peaks only
#: (`FairMOTNet.forward_peaks`) rather than dense maps.
PEAK_INDEX = "peak_index"


@dataclass(frozen=True)
class DecodeParams:
    """How `decode` turns head outputs into detections (config keys DECODE.*, MODEL.LTRB,
    INPUT.DOWN_RATIO).

    Attributes:
        conf_thres: detections must score above this (paper: 0.4).
        k: peaks kept per image before the threshold (DECODE.TOP_K).
        ltrb: the size head predicts left, top, right, bottom distances (else w, h).
        sampling: re-ID sampling, one of REID_SAMPLINGS or "two_stage".
        down_ratio: input pixels per output cell.
    """

    conf_thres: float = 0.4
    k: int = 500
    ltrb: bool = True
    sampling: str = "center"
    down_ratio: int = 4

    @classmethod
    def from_config(cls, cfg) -> DecodeParams:
        return cls(
            conf_thres=cfg.DECODE.CONF_THRES,
            k=cfg.DECODE.TOP_K,
            ltrb=cfg.MODEL.LTRB,
            sampling=cfg.DECODE.REID_SAMPLING,
            down_ratio=cfg.INPUT.DOWN_RATIO,
        )


@dataclass
class Detections:
    """Decoded detections of one image.

    Attributes:
        boxes: (N, 5) float32 x1 y1 x2 y2 score in frame pixels (score above the threshold).
        classes: (N,) int64 class index.
        embeddings: (N, D) float32 unit re-ID embeddings.
    """

    boxes: np.ndarray
    classes: np.ndarray
    embeddings: np.ndarray


def heatmap_peaks(heat: torch.Tensor, k: int):
    """Top-k local maxima of a (B, C, H, W) score map.

    Returns:
        scores (B, k), flat spatial indices (B, k) into H * W, classes (B, k), ys, xs (B, k)
        float grid coordinates.
    """
    scores, flat = top_peaks(heat, k)
    return (scores, *peak_coordinates(flat, heat.shape[-2:]))


def top_peaks(heat: torch.Tensor, k: int):
    """Scores (B, k) and flat indices (B, k) into C * H * W of the top-k local maxima (3x3
    max-pool) of a (B, C, H, W) score map, best first. Equal scores come in torch.topk's
    order, as in the original; an exported graph's TopK puts the lower index first, so the
    runtimes may keep different ones of peaks tied at the k-th score."""
    batch, classes, height, width = heat.shape
    keep = F.max_pool2d(heat, 3, stride=1, padding=1) == heat
    heat = (heat * keep).reshape(batch, -1)
    k = min(k, classes * height * width)
    return torch.topk(heat, k)


def peak_coordinates(flat: torch.Tensor, grid_hw):
    """Flat indices into C * H * W of a grid of size `grid_hw` (H, W) -> spatial indices
    into H * W, classes, and float ys, xs, each shaped like `flat`."""
    height, width = grid_hw
    cls = torch.div(flat, height * width, rounding_mode="floor")
    inds = flat - cls * height * width
    ys = torch.div(inds, width, rounding_mode="floor").float()
    xs = (inds - ys.long() * width).float()
    return inds, cls, ys, xs


def gather(feature: torch.Tensor, inds: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) at flat spatial indices (B, K) -> (B, K, C)."""
    batch, channels = feature.shape[:2]
    flat = feature.reshape(batch, channels, -1)
    return flat.gather(2, inds[:, None, :].expand(-1, channels, -1)).transpose(1, 2)


def decode_raw(hm: torch.Tensor, wh: torch.Tensor, reg: torch.Tensor | None, ltrb: bool, k: int):
    """Boxes in output-grid units before thresholding.

    Args:
        hm: (B, C, H, W) heatmap after the sigmoid; wh: (B, 4 or 2, H, W); reg: (B, 2, H, W).

    Returns:
        dets (B, k, 6) x1 y1 x2 y2 score class, inds (B, k), centres (B, k, 2) x y.
    """
    scores, inds, cls, ys, xs = heatmap_peaks(hm, k)
    offset = None if reg is None else gather(reg, inds)
    dets, centres = boxes_at_peaks(scores, cls, ys, xs, gather(wh, inds), offset, ltrb)
    return dets, inds, centres


def decode_peaks(outputs: dict, grid_hw, ltrb: bool):
    """`decode_raw` of a network's outputs at its heatmap peaks (`FairMOTNet.forward_peaks`:
    `peak_scores`, `peak_index` into C * H * W of the grid of size `grid_hw` (H, W), and
    `wh`, `reg` (B, K, channels) there); the same returns."""
    inds, cls, ys, xs = peak_coordinates(outputs[PEAK_INDEX], grid_hw)
    size, offset = outputs["wh"].float(), outputs.get("reg")
    offset = None if offset is None else offset.float()
    scores = outputs["peak_scores"].float()
    dets, centres = boxes_at_peaks(scores, cls, ys, xs, size, offset, ltrb)
    return dets, inds, centres


def boxes_at_peaks(scores, cls, ys, xs, size, offset, ltrb: bool):
    """Detections (B, K, 6) x1 y1 x2 y2 score class and centres (B, K, 2) x y in grid units
    from peaks (scores, classes, ys, xs: (B, K)) and the size (B, K, 4 or 2) and offset
    (B, K, 2, or None) heads there."""
    if offset is not None:
        xs, ys = xs + offset[..., 0], ys + offset[..., 1]
    if ltrb:
        boxes = torch.stack(
            [xs - size[..., 0], ys - size[..., 1], xs + size[..., 2], ys + size[..., 3]], dim=2
        )
    else:
        half_w, half_h = size[..., 0] / 2, size[..., 1] / 2
        boxes = torch.stack([xs - half_w, ys - half_h, xs + half_w, ys + half_h], dim=2)
    dets = torch.cat([boxes, scores[..., None], cls[..., None].float()], dim=2)
    return dets, torch.stack([xs, ys], dim=2)


def sample_embeddings(
    id_map: torch.Tensor,
    inds: torch.Tensor,
    centres: torch.Tensor,
    boxes: torch.Tensor,
    sampling: str = "center",
) -> torch.Tensor:
    """Re-ID features of K detections per image, L2-normalised: (B, K, D).

    sampling: "center" (at the integer peak; paper default), "center_bi" (bilinear at the
    sub-pixel centre), "roi_align" (average over the box, RoIAlign 3x3), "pos_anchor"
    (average over the 3x3 neighbourhood of the peak) — the variants of the paper's Table 1.
    """
    if sampling == "center":
        feats = gather(id_map, inds)
    elif sampling == "center_bi":
        height, width = id_map.shape[-2:]
        grid = torch.stack(
            [(centres[..., 0] + 0.5) / width * 2 - 1, (centres[..., 1] + 0.5) / height * 2 - 1],
            dim=-1,
        )[:, :, None, :]
        feats = F.grid_sample(id_map, grid, mode="bilinear", align_corners=False)[..., 0]
        feats = feats.transpose(1, 2)
    elif sampling == "pos_anchor":
        feats = gather(F.avg_pool2d(id_map, 3, stride=1, padding=1, count_include_pad=False), inds)
    elif sampling == "roi_align":
        batch, k = boxes.shape[:2]
        index = torch.arange(batch, device=boxes.device, dtype=boxes.dtype)
        rois = torch.cat([index.repeat_interleave(k)[:, None], boxes.reshape(-1, 4)], dim=1)
        pooled = roi_align(
            id_map, rois, output_size=3, spatial_scale=1.0, sampling_ratio=2, aligned=True
        )
        feats = pooled.mean(dim=(2, 3)).reshape(batch, k, -1)
    else:
        raise ValueError(
            f"re-ID sampling of the id map must be one of {REID_SAMPLINGS}, got {sampling!r} "
            f"({TWO_STAGE!r} is decoded by `decode` with the network's embed_boxes)"
        )
    return F.normalize(feats, dim=2)


@torch.no_grad()
def decode(
    outputs: dict,
    frame_wh,
    input_wh,
    *,
    conf_thres: float = 0.4,
    k: int = 500,
    ltrb: bool = True,
    sampling: str = "center",
    down_ratio: int = 4,
    embed_boxes=None,
) -> list:
    """Detections of every image of a batch.

    Args:
        outputs: the network's raw outputs {'hm' (logits), 'wh', 'reg', and 'id' or, for a
            two-stage network, 'feature'}, or its outputs at the top-k heatmap peaks
            (`FairMOTNet.forward_peaks`: 'peak_scores', 'peak_index', 'wh', 'reg', 'id'),
            which decode the same (sampling "center" only).
        frame_wh: (width, height) of the original frames.
        input_wh: (width, height) of the letterboxed network input.
        sampling: one of REID_SAMPLINGS for a dense id head, or "two_stage" for a
            two-stage network, whose `embed_boxes` method then embeds the boxes above the
            threshold (give it exactly for a two-stage network: `net.two_stage`).

    Returns:
        one Detections per image.
    """
    two_stage = embed_boxes is not None
    if (sampling == TWO_STAGE) != two_stage:
        raise ValueError(
            "DECODE.REID_SAMPLING 'two_stage' goes with a two-stage network (MODEL.REID_HEAD "
            f"'roi') and the other samplings with a dense id head; got {sampling!r} with "
            f"{'a two-stage network' if two_stage else 'a dense id head'}"
        )
    if PEAK_INDEX in outputs:
        dets, feats = _at_peaks(outputs, input_wh, ltrb, sampling, down_ratio)
    else:
        dets, feats = _from_maps(outputs, ltrb, k, sampling, embed_boxes, conf_thres)
    return [
        dets_to_frame(d, f, frame_wh, input_wh, conf_thres, down_ratio)
        for d, f in zip(dets.cpu().numpy(), feats.cpu().numpy())
    ]


def _at_peaks(outputs: dict, input_wh, ltrb: bool, sampling: str, down_ratio: int):
    """(dets (B, K, 6), unit embeddings (B, K, D)) of outputs taken at the peaks."""
    if sampling != "center":
        raise ValueError(
            f"outputs at the heatmap peaks carry the embeddings at the peak centres; "
            f"DECODE.REID_SAMPLING {sampling!r} needs the dense id map (INFERENCE.PEAK_HEADS "
            "False, or export without --peaks)"
        )
    grid_hw = (input_wh[1] // down_ratio, input_wh[0] // down_ratio)
    dets, _, _ = decode_peaks(outputs, grid_hw, ltrb)
    return dets, F.normalize(outputs["id"].float(), dim=2)


def _from_maps(outputs: dict, ltrb: bool, k: int, sampling: str, embed_boxes, conf_thres):
    """(dets (B, k, 6), unit embeddings (B, k, D)) of dense head maps; embeddings of a
    two-stage network (`embed_boxes`) only for the boxes above `conf_thres`, zero else."""
    hm = outputs["hm"].float().sigmoid()
    dets, inds, centres = decode_raw(hm, outputs["wh"].float(), outputs.get("reg"), ltrb, k)
    if embed_boxes is not None:
        keep = dets[..., 4] > conf_thres
        embedded = embed_boxes(outputs["feature"], dets[..., :4], keep).float()
        feats = dets.new_zeros((*keep.shape, embedded.shape[1]))
        feats[keep] = F.normalize(embedded, dim=1)
    else:
        feats = sample_embeddings(outputs["id"].float(), inds, centres, dets[..., :4], sampling)
    return dets, feats


def dets_to_frame(dets, feats, frame_wh, input_wh, conf_thres, down_ratio=4) -> Detections:
    """One image's (K, 6) output-grid detections x1 y1 x2 y2 score class and (K, D)
    embeddings -> the Detections scoring above `conf_thres`, boxes in frame pixels."""
    keep = dets[:, 4] > conf_thres
    dets, feats = dets[keep], feats[keep]
    boxes = np.empty((len(dets), 5), np.float32)
    boxes[:, :4] = tlbr_to_frame(dets[:, :4], frame_wh, input_wh, down_ratio)
    boxes[:, 4] = dets[:, 4]
    return Detections(boxes, dets[:, 5].astype(np.int64), feats.astype(np.float32))
