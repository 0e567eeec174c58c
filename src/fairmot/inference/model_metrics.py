"""Detection AP and re-ID TPR of a model over the image lists of a data_cfg, with the
original's definitions: `detection_ap` and `embedding_tpr` take a model in memory (the
training loop's periodic evaluation), `checkpoint_detection_ap` and
`checkpoint_embedding_tpr` a checkpoint (tools/test_det.py, tools/test_emb.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from ..boxes import letterbox_forward, tlbr_to_cxcywh
from ..config import inference_input_size
from ..data.formats import atomic_write_text, read_data_cfg
from ..data.jde_images import JDEImageList
from ..errors import UsageError
from ..evaluation.detection import DetectionAP
from ..evaluation.reid import FAR_LEVELS, tpr_at_far
from ..models import build_model, load_checkpoint, select_device
from ..models.decode import decode_raw, dets_to_frame, gather

DET_TOP_K = 200  # detections kept per image for AP, as the original


def build_image_list(cfg, data_cfg, purpose: str) -> JDEImageList:
    """The letterboxed labelled images of a parsed data_cfg's `purpose` lists ("test" or
    "test_emb") at the test input size."""
    return JDEImageList(data_cfg, purpose, inference_input_size(cfg), cfg.INPUT.PAD_VALUE)


def detection_evaluation(cfg, data_cfg: str | None = None):
    """The training loop's periodic evaluation of a config (None where SOLVER.EVAL_PERIOD
    is 0): model -> {"mAP": ...} over the "test" lists of the data_cfg file `data_cfg`
    (default DATA.CFG), the original's detection AP at EVAL.DET_IOU_THRES."""
    if cfg.SOLVER.EVAL_PERIOD <= 0:
        return None
    parsed = read_data_cfg(data_cfg or cfg.DATA.CFG, root=cfg.DATA.ROOT or None, require=("test",))
    images = build_image_list(cfg, parsed, "test")
    iou_thres, ltrb, down_ratio = cfg.EVAL.DET_IOU_THRES, cfg.MODEL.LTRB, cfg.INPUT.DOWN_RATIO

    def evaluate(model) -> dict:
        summary = detection_ap(
            model, images, iou_thres=iou_thres, ltrb=ltrb, down_ratio=down_ratio, progress=False
        )
        return {"mAP": summary["mAP"]}

    return evaluate


def _device_of(model) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def detection_ap(
    model,
    images: JDEImageList,
    *,
    iou_thres: float = 0.5,
    ltrb: bool = True,
    down_ratio: int = 4,
    progress: bool = True,
) -> dict:
    """mAP at `iou_thres` of the model's top DET_TOP_K detections per image (model in eval
    mode, on its device)."""
    device, accumulator = _device_of(model), DetectionAP(iou_thres)
    for k in tqdm(range(len(images)), desc="test_det", disable=not progress):
        item = images[k]
        outputs = model(torch.from_numpy(item.input)[None].to(device))
        hm, wh, reg = (outputs[name].float() for name in ("hm", "wh", "reg"))
        dets, _, _ = decode_raw(hm.sigmoid(), wh, reg, ltrb, DET_TOP_K)
        dets = dets[0].cpu().numpy()
        frame = dets_to_frame(
            dets, np.zeros((len(dets), 0)), item.frame_wh, images.input_wh, -np.inf, down_ratio
        )
        accumulator.add(frame.boxes.astype(np.float64), item.boxes)
    return accumulator.summary()


def _embed_known_boxes(model, item, grid_tlbr: np.ndarray, out_wh) -> torch.Tensor:
    """(M, D) unit embeddings of one image's boxes (output-grid x1 y1 x2 y2): the dense id
    map at their centres, or the RoI head of a two-stage network."""
    device = _device_of(model)
    outputs = model(torch.from_numpy(item.input)[None].to(device))
    if model.two_stage:
        rois = torch.from_numpy(grid_tlbr.astype(np.float32))[None].to(device)
        keep = torch.ones(rois.shape[:2], dtype=torch.bool, device=device)
        feats = model.embed_boxes(outputs["feature"], rois, keep).float()
    else:
        centres = tlbr_to_cxcywh(grid_tlbr)[:, :2]
        ix = np.clip(np.floor(centres[:, 0]), 0, out_wh[0] - 1).astype(np.int64)
        iy = np.clip(np.floor(centres[:, 1]), 0, out_wh[1] - 1).astype(np.int64)
        inds = torch.from_numpy(iy * out_wh[0] + ix)[None].to(device)
        feats = gather(outputs["id"].float(), inds)[0]
    return F.normalize(feats, dim=1)


@torch.no_grad()
def embedding_tpr(
    model, images: JDEImageList, *, far_levels=FAR_LEVELS, down_ratio=4, progress=True
) -> dict:
    """TPR at the false-accept rates over the embeddings of the ground-truth boxes (boxes
    without identity skipped)."""
    out_wh = (images.input_wh[0] // down_ratio, images.input_wh[1] // down_ratio)
    embeddings, labels = [], []
    for k in tqdm(range(len(images)), desc="test_emb", disable=not progress):
        item = images[k]
        known = item.ids >= 0
        if not known.any():
            continue
        # Boxes in the output grid: frame -> letterboxed input -> stride.
        grid = letterbox_forward(item.boxes[known], item.ratio, item.pad) / down_ratio
        embeddings.append(_embed_known_boxes(model, item, grid, out_wh).cpu().numpy())
        labels.append(item.ids[known])
    if not embeddings:
        raise UsageError("no ground-truth box with an identity in the test_emb lists")
    return tpr_at_far(np.concatenate(embeddings), np.concatenate(labels), far_levels)


def _setup(cfg, weights: str, purpose: str, data_cfg_path: str | None):
    data_cfg = read_data_cfg(
        data_cfg_path or cfg.DATA.CFG, root=cfg.DATA.ROOT or None, require=(purpose,)
    )
    model = build_model(cfg)
    load_checkpoint(model, weights or cfg.MODEL.WEIGHTS, strict=True)
    model = model.to(select_device(cfg.DEVICE)).eval()
    return model, build_image_list(cfg, data_cfg, purpose)


def _write_json(cfg, name: str, numbers: dict) -> Path:
    path = Path(cfg.OUTPUT_DIR) / "eval" / name
    atomic_write_text(path, json.dumps(numbers, indent=2) + "\n")
    return path


def checkpoint_detection_ap(
    cfg, weights: str = "", data_cfg_path=None, progress: bool = True
) -> tuple:
    """`detection_ap` of a checkpoint (default MODEL.WEIGHTS) over the "test" lists of a
    data_cfg (default DATA.CFG) at EVAL.DET_IOU_THRES, written to
    OUTPUT_DIR/eval/detection.json.

    Returns:
        ({"mAP", "recall", "precision", "images"}, the JSON file's path).
    """
    model, images = _setup(cfg, weights, "test", data_cfg_path)
    summary = detection_ap(
        model,
        images,
        iou_thres=cfg.EVAL.DET_IOU_THRES,
        ltrb=cfg.MODEL.LTRB,
        down_ratio=cfg.INPUT.DOWN_RATIO,
        progress=progress,
    )
    return summary, _write_json(cfg, "detection.json", summary)


def checkpoint_embedding_tpr(
    cfg, weights: str = "", data_cfg_path=None, far_levels=FAR_LEVELS, progress: bool = True
) -> tuple:
    """`embedding_tpr` of a checkpoint over the "test_emb" lists of a data_cfg, written to
    OUTPUT_DIR/eval/embedding.json as {"TPR@FAR=<far>": tpr}.

    Returns:
        ({far: tpr}, the JSON file's path).
    """
    model, images = _setup(cfg, weights, "test_emb", data_cfg_path)
    tpr = embedding_tpr(
        model, images, far_levels=far_levels, down_ratio=cfg.INPUT.DOWN_RATIO, progress=progress
    )
    named = {f"TPR@FAR={far:g}": value for far, value in tpr.items()}
    return tpr, _write_json(cfg, "embedding.json", named)
