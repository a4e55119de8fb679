"""Fine-tuning the DB text detector on labelled pages (the flywheel's ``hanji train detector PROJECT``).

Targets as in DBNet (Liao et al. 2020) and PaddleOCR's ``MakeShrinkMap``: each text polygon shrunk
by ``D = area * (1 - r^2) / perimeter`` (r = 0.4) is the text kernel; polygons too small to shrink
are ignored. The loss is on the probability map the shipped head predicts: balanced BCE (all
positives, at most three times as many of the hardest negatives) plus dice. The shipped model has
no threshold branch (it was converted for inference), so the threshold-map L1 term of DB is left
out; the post-processing's fixed threshold is what inference uses anyway.

Batch norm statistics stay as trained (a few pages are too few to re-estimate them); the stem and
the first backbone stages can be frozen for CPU time. Checkpoints are plain dictionaries
(``weights_only`` loadable) with the model, optimizer and step.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pyclipper
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from hanji.models.detect.net import DBNet
from hanji.models.schedule import warmup_cosine

# fine-tuning a trained detector on a few pages: it ends at a tenth of the rate, not near zero,
# so the last steps still move the weights towards the project's pages
LR_FLOOR = 0.1
SHRINK_RATIO = 0.4
Polygon = Sequence[tuple[float, float]]


@dataclass
class DetTrainConfig:
    steps: int = 200
    batch_size: int = 2
    size: int = 640  # training crops are size x size
    lr: float = 1e-4
    weight_decay: float = 1e-4
    warmup: int = 10
    seed: int = 0
    freeze_stages: int = 2  # backbone stages kept as shipped (0: train everything)


def _area_perimeter(poly: np.ndarray) -> tuple[float, float]:
    x, y = poly[:, 0], poly[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))
    perim = float(np.sum(np.linalg.norm(poly - np.roll(poly, 1, axis=0), axis=1)))
    return area, perim


def shrink_targets(polys: list[Polygon], h: int, w: int, ratio: float = SHRINK_RATIO, min_side: float = 3.0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(gt, mask)`` float32 maps of ``h x w``: 1 on the shrunk text kernels; mask 0 where a text
    region is too small or too thin to shrink (neither text nor background there)."""
    gt = Image.new("L", (w, h), 0)
    mask = Image.new("L", (w, h), 255)
    dg, dm = ImageDraw.Draw(gt), ImageDraw.Draw(mask)
    for p in polys:
        poly = np.asarray(p, np.float64)
        if len(poly) < 3:
            continue
        xy = [tuple(map(float, q)) for q in poly]
        area, perim = _area_perimeter(poly)
        side = min(np.ptp(poly[:, 0]), np.ptp(poly[:, 1]))
        if area < 1 or side < min_side:
            dm.polygon(xy, fill=0)
            continue
        d = area * (1 - ratio**2) / max(perim, 1e-6)
        pco = pyclipper.PyclipperOffset()
        pco.AddPath([tuple(map(int, map(round, q))) for q in poly], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        shrunk = pco.Execute(-d)
        if not shrunk:
            dm.polygon(xy, fill=0)
            continue
        for s in shrunk:
            if len(s) >= 3:
                dg.polygon([tuple(map(float, q)) for q in s], fill=255)
    return (np.asarray(gt, np.float32) / 255.0), (np.asarray(mask, np.float32) / 255.0)


def db_loss(prob: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor, neg_ratio: float = 3.0,
            eps: float = 1e-6) -> torch.Tensor:
    """Balanced BCE (hard negatives, ``neg_ratio`` per positive) plus dice, on ``(B, H, W)`` maps."""
    prob = prob.clamp(eps, 1 - eps)
    pos = gt * mask
    neg = (1 - gt) * mask
    n_pos = int(pos.sum().item())
    n_neg = min(int(neg.sum().item()), int(max(n_pos, 1) * neg_ratio))
    bce = F.binary_cross_entropy(prob, gt, reduction="none")
    pos_loss = (bce * pos).sum()
    neg_loss = (bce * neg).flatten()
    if n_neg > 0:
        neg_loss, _ = neg_loss.topk(n_neg)
    balanced = (pos_loss + neg_loss.sum()) / (n_pos + n_neg + eps)
    inter = (prob * gt * mask).sum()
    union = (prob * mask).sum() + (gt * mask).sum() + eps
    dice = 1 - 2 * inter / union
    return balanced + dice


def to_tensor(rgb: np.ndarray) -> torch.Tensor:
    """HxWx3 RGB uint8 -> (3, H, W) in [-1, 1], BGR as the shipped detector was trained."""
    x = torch.from_numpy(np.ascontiguousarray(rgb[:, :, ::-1])).permute(2, 0, 1).float()
    return x.mul_(1 / 127.5).sub_(1.0)


def random_crop(rgb: np.ndarray, polys: list[Polygon], rng: random.Random, size: int = 640,
                jitter: float = 0.2) -> tuple[np.ndarray, list[np.ndarray]]:
    """A ``size x size`` training sample: the page scaled as the detector scales it for inference
    (:class:`hanji.models.detect.detector.Resize`), jittered by up to ``jitter``, then a crop that
    holds text when it can; polygons moved with it. Pads with white."""
    from hanji.models.detect.detector import Resize

    h, w = rgb.shape[:2]
    nh, nw = Resize().size(h, w)
    scale = (nh / h + nw / w) / 2 * rng.uniform(1 - jitter, 1 + jitter)
    nh, nw = max(8, int(round(h * scale))), max(8, int(round(w * scale)))
    img = np.asarray(Image.fromarray(rgb).resize((nw, nh), Image.BILINEAR))
    ps = [np.asarray(p, np.float64) * scale for p in polys]
    x0 = y0 = 0
    if nw > size or nh > size:
        if ps and rng.random() < 0.9:  # centre the crop near a random text region
            c = rng.choice(ps).mean(axis=0)
            x0 = int(np.clip(c[0] - rng.uniform(0.2, 0.8) * size, 0, max(0, nw - size)))
            y0 = int(np.clip(c[1] - rng.uniform(0.2, 0.8) * size, 0, max(0, nh - size)))
        else:
            x0, y0 = rng.randint(0, max(0, nw - size)), rng.randint(0, max(0, nh - size))
    crop = np.full((size, size, 3), 255, np.uint8)
    part = img[y0 : y0 + size, x0 : x0 + size]
    crop[: part.shape[0], : part.shape[1]] = part
    out = [p - np.array([x0, y0]) for p in ps]
    return crop, [p for p in out if (p[:, 0].max() > 0 and p[:, 1].max() > 0 and p[:, 0].min() < size
                                     and p[:, 1].min() < size)]


def _freeze(net: DBNet, stages: int) -> list[torch.nn.Module]:
    bb = net.backbone
    frozen: list[torch.nn.Module] = [bb.conv1, bb.bn1, *list(bb.stages)[:stages]]
    for m in frozen:
        m.requires_grad_(False)
    return frozen


class DetTrainer:
    """Model, optimizer and step; :meth:`train_step` on a batch of (image, polygons) samples."""

    def __init__(self, cfg: DetTrainConfig, net: DBNet, device=None) -> None:
        self.cfg = cfg
        self.device = device or torch.device("cpu")
        self.net = net.to(self.device)
        self.frozen = _freeze(net, cfg.freeze_stages) if cfg.freeze_stages else []
        params = [p for p in net.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.step = 0

    def train_mode(self) -> None:
        self.net.train()
        for m in self.net.modules():  # keep the batch-norm statistics the shipped model learned
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()

    def lr_at(self, step: int) -> float:
        c = self.cfg
        return c.lr * warmup_cosine(step, c.steps, c.warmup, LR_FLOOR)

    def train_step(self, samples: list[tuple[np.ndarray, list[np.ndarray]]]) -> float:
        for g in self.opt.param_groups:
            g["lr"] = self.lr_at(self.step)
        self.train_mode()
        x = torch.stack([to_tensor(img) for img, _ in samples]).to(self.device)
        maps = [shrink_targets(polys, img.shape[0], img.shape[1]) for img, polys in samples]
        gt = torch.from_numpy(np.stack([m[0] for m in maps])).to(self.device)
        mask = torch.from_numpy(np.stack([m[1] for m in maps])).to(self.device)
        prob = self.net(x)[:, 0]
        loss = db_loss(prob, gt, mask)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in self.net.parameters() if p.requires_grad], 5.0)
        self.opt.step()
        self.step += 1
        return float(loss.detach())

    def state(self) -> dict[str, Any]:
        return {"model": {k: v.detach().cpu() for k, v in self.net.state_dict().items()},
                "optimizer": self.opt.state_dict(), "step": self.step, "config": asdict(self.cfg),
                "torch_rng": torch.get_rng_state()}

    def load(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["model"])
        self.opt.load_state_dict(state["optimizer"])
        self.step = int(state["step"])
        if "torch_rng" in state:
            torch.set_rng_state(state["torch_rng"])

    def run(self, sample_batch: Callable[[int], list], checkpoint: Callable[[dict[str, Any]], None],
            progress: Callable[..., None] | None = None, cancel=None, checkpoint_every: int = 25) -> float | None:
        """Train until ``cfg.steps``; ``checkpoint(state)`` every ``checkpoint_every`` steps and on the way out."""
        loss = None
        try:
            while self.step < self.cfg.steps:
                if cancel is not None:
                    cancel.check()
                loss = self.train_step(sample_batch(self.step))
                if progress is not None:
                    progress(self.step, self.cfg.steps, f"loss {loss:.3f}")
                if self.step % checkpoint_every == 0:
                    checkpoint(self.state())
        finally:
            if self.step > 0:
                checkpoint(self.state())
        return loss


def hmean(detections: list[list[Polygon]], truths: list[list[Polygon]], iou_thresh: float = 0.5) -> dict[str, float]:
    """Precision, recall and H-mean of detections against labelled regions, page by page (one-to-one
    matches at IoU >= ``iou_thresh``, greedy by IoU), as in the ICDAR 2015 protocol."""
    from hanji.domain.geometry import iou, one_to_one

    tp = n_det = n_gt = 0
    for dets, gts in zip(detections, truths):
        n_det += len(dets)
        n_gt += len(gts)
        tp += len(one_to_one(((iou(d, g), i, j) for i, d in enumerate(dets) for j, g in enumerate(gts)), iou_thresh))
    p = tp / n_det if n_det else 0.0
    r = tp / n_gt if n_gt else 0.0
    return {"precision": p, "recall": r, "hmean": 2 * p * r / (p + r) if p + r else 0.0}
