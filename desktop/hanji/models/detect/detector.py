"""The text detector predictor: numpy image in, :class:`Detection` list (image pixels) out."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from hanji import imaging
from hanji.models.detect.merge import MergeRule, join_fragments
from hanji.models.detect.net import DBNet
from hanji.models.detect.postprocess import Detection, PostProcess

WEIGHTS = "ppocrv4_det_mobile.pt"


def load_dbnet(path: str | None = None) -> DBNet:
    """The PP-OCRv4 mobile detector with its shipped weights (checksum verified), in eval mode."""
    from hanji.errors import HanjiError
    from hanji.models.weights import load_shipped, load_state

    state = load_state(path) if path else load_shipped(WEIGHTS)
    net = DBNet()
    try:
        net.load_state_dict(state)
    except RuntimeError as e:
        raise HanjiError(f"the weights do not fit the detector ({str(e)[:200]})", path or WEIGHTS) from e
    return net.eval()


@dataclass
class Resize:
    """How big the image is when the network sees it (like rapidocr: cap the long side, raise the
    short one, round both to multiples of 32)."""

    max_side: int = 2000
    min_side: int = 736
    max_upscale: float = 2.0  # a small image is a crop of big text, not a page of tiny text
    multiple: int = 32

    def size(self, h: int, w: int) -> tuple[int, int]:
        r = 1.0
        if max(h, w) > self.max_side:
            r = self.max_side / max(h, w)
        if min(h, w) * r < self.min_side:
            r = min(self.min_side / min(h, w), self.max_upscale, self.max_side / max(h, w))
            r = max(r, 1.0) if max(h, w) <= self.max_side else r
        m = self.multiple
        nh = max(m, int(round(h * r / m)) * m)
        nw = max(m, int(round(w * r / m)) * m)
        return nh, nw


@dataclass
class TextDetector:
    """Finds text lines. ``detect(rgb)`` returns quads (clockwise from top-left) and, for curved
    text, polygons, each with a score; coordinates are pixels of the image given."""

    net: DBNet | None = None
    device: str | torch.device | None = None
    resize: Resize = field(default_factory=Resize)
    post: PostProcess = field(default_factory=PostProcess)
    merge: MergeRule | None = field(default_factory=MergeRule)  # letter-spaced fragments joined; None: off
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        from hanji.models.device import pick_device

        self.device = pick_device(str(self.device) if self.device is not None else None)
        net = self.net if self.net is not None else load_dbnet()
        net = net.eval().fuse().to(self.device)
        if self.device.type == "cpu":
            net = net.to(memory_format=torch.channels_last)
        self.net = net

    def prob_map(self, rgb: np.ndarray) -> tuple[np.ndarray, float, float]:
        """The text probability map at network size, and the x/y factors back to image pixels."""
        rgb = as_rgb(rgb)
        h, w = rgb.shape[:2]
        nh, nw = self.resize.size(h, w)
        img = imaging.resize(rgb, (nw, nh))
        x = torch.from_numpy(np.ascontiguousarray(img[:, :, ::-1]))  # the model was trained on BGR
        x = x.to(self.device).permute(2, 0, 1)[None].float().mul_(1 / 127.5).sub_(1.0)
        if self.device.type == "cpu":
            x = x.contiguous(memory_format=torch.channels_last)
        with self._lock, torch.inference_mode():
            prob = self.net(x)[0, 0].float().cpu().numpy()
        return prob, w / nw, h / nh

    def detect(self, rgb: np.ndarray, read: Callable[[list], list[str]] | None = None) -> list[Detection]:
        """``read(shapes) -> texts`` (a recognizer on those shapes of ``rgb``) lets the
        letter-spaced merge see what its pieces say (:func:`~hanji.models.detect.merge.join_fragments`)."""
        rgb = as_rgb(rgb)
        h, w = rgb.shape[:2]
        prob, sx, sy = self.prob_map(rgb)
        post, keep = self.post, 0.0
        if self.merge is not None and read is not None and self.merge.weak_score < post.box_thresh:
            # faint pieces too: the merge keeps those that join a kept piece and read as Hangul
            post, keep = dataclasses.replace(post, box_thresh=self.merge.weak_score), post.box_thresh
        dets = [d for d in post(prob, sx, sy, w, h) if _big_enough(d)]
        return join_fragments(dets, self.merge, rgb, read, min_score=keep) if self.merge is not None else dets

    __call__ = detect


def _big_enough(d: Detection) -> bool:
    from hanji.domain import geometry

    if d.kind == "quad":
        w, h = geometry.quad_size(d.points)
        return w > 3 and h > 3
    x0, y0, x1, y1 = geometry.bbox(d.points)
    return x1 - x0 > 3 and y1 - y0 > 3


def as_rgb(img: np.ndarray) -> np.ndarray:
    """An HxWx3 uint8 RGB array from gray, RGBA or RGB input."""
    img = np.asarray(img)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    if img.ndim == 3 and img.shape[2] == 4:
        return np.ascontiguousarray(img[:, :, :3])
    if img.ndim == 3 and img.shape[2] == 1:
        return np.repeat(img, 3, axis=2)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an HxW or HxWx3 image, got shape {img.shape}")
    return img
