"""Detection AP and re-ID TPR of a trained model over a data_cfg (tools/test_det.py,
tools/test_emb.py), with the original's definitions."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from ..data.formats import read_data_cfg
from ..data.jde_images import JDEImageList
from ..evaluation.detection import DetectionAP
from ..evaluation.reid import FAR_LEVELS, tpr_at_far
from ..models import build_model, load_checkpoint, select_device
from ..models.decode import decode_raw, gather, letterbox_to_frame
from .detector import test_input_size

DET_TOP_K = 200  # detections kept per image for AP, as the original


def _setup(cfg, weights: str, purpose: str, data_cfg_path: str | None):
    data_cfg = read_data_cfg(data_cfg_path or cfg.DATA.CFG, root=cfg.DATA.ROOT or None)
    images = JDEImageList(data_cfg, purpose, test_input_size(cfg), cfg.INPUT.PAD_VALUE)
    model = build_model(cfg)
    load_checkpoint(model, weights or cfg.MODEL.WEIGHTS, strict=True)
    device = select_device(cfg.DEVICE)
    return images, model.to(device).eval(), device


@torch.no_grad()
def evaluate_detection(
    cfg, weights: str = "", data_cfg_path: str | None = None, progress: bool = True
) -> dict:
    """mAP at EVAL.DET_IOU_THRES over the data_cfg's "test" lists."""
    images, model, device = _setup(cfg, weights, "test", data_cfg_path)
    accumulator = DetectionAP(cfg.EVAL.DET_IOU_THRES)
    for k in tqdm(range(len(images)), desc="test_det", disable=not progress):
        item = images[k]
        outputs = model(torch.from_numpy(item.input)[None].to(device))
        dets, _, _ = decode_raw(
            outputs["hm"].float().sigmoid(),
            outputs["wh"].float(),
            outputs["reg"].float(),
            cfg.MODEL.LTRB,
            DET_TOP_K,
        )
        dets = dets[0].cpu().numpy().astype(np.float64)
        corners = letterbox_to_frame(
            dets[:, :4].reshape(-1, 2, 2),
            item.frame_wh,
            test_input_size(cfg),
            cfg.INPUT.DOWN_RATIO,
        )
        frame_dets = np.concatenate([corners.reshape(-1, 4), dets[:, 4:5]], axis=1)
        accumulator.add(frame_dets, item.boxes)
    return accumulator.summary()


@torch.no_grad()
def evaluate_embeddings(
    cfg,
    weights: str = "",
    data_cfg_path: str | None = None,
    far_levels=FAR_LEVELS,
    progress: bool = True,
) -> dict:
    """TPR at the false-accept rates over the embeddings of the ground-truth boxes of the
    data_cfg's "test_emb" lists (at their centres, or by the RoI head of a two-stage
    network; boxes without identity skipped)."""
    images, model, device = _setup(cfg, weights, "test_emb", data_cfg_path)
    down = cfg.INPUT.DOWN_RATIO
    width, height = test_input_size(cfg)
    out_w, out_h = width // down, height // down
    embeddings, labels = [], []
    for k in tqdm(range(len(images)), desc="test_emb", disable=not progress):
        item = images[k]
        known = item.ids >= 0
        if not known.any():
            continue
        outputs = model(torch.from_numpy(item.input)[None].to(device))
        # Boxes in the output grid: frame -> letterboxed input -> stride.
        boxes = (item.boxes[known] * item.ratio + np.tile(item.pad, 2)) / down
        if "id" in outputs:  # the dense id map at the box centres
            centres = (boxes[:, :2] + boxes[:, 2:]) / 2
            ix = np.clip(np.floor(centres[:, 0]), 0, out_w - 1).astype(np.int64)
            iy = np.clip(np.floor(centres[:, 1]), 0, out_h - 1).astype(np.int64)
            inds = torch.from_numpy(iy * out_w + ix)[None].to(device)
            feats = gather(outputs["id"].float(), inds)[0]
        else:  # two-stage: the RoI head on the boxes
            rois = torch.from_numpy(boxes.astype(np.float32))[None].to(device)
            keep = torch.ones(rois.shape[:2], dtype=torch.bool, device=device)
            feats = model.embed_boxes(outputs["feature"], rois, keep).float()
        embeddings.append(F.normalize(feats, dim=1).cpu().numpy())
        labels.append(item.ids[known])
    if not embeddings:
        raise ValueError("no ground-truth box with an identity in the test_emb lists")
    return tpr_at_far(np.concatenate(embeddings), np.concatenate(labels), far_levels)
