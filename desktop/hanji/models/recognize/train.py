"""Training a CTC line recognizer: the "ko" model starts from the converted PP-OCRv4 backbone and
neck with a new head over :func:`korean_charset` (rows of characters PP-OCR already knows are
copied from its head).

Data comes from a ``sample_batch(step) -> [(image, text), ...]`` callable (the jobs layer renders
lines with :mod:`hanji.synth.lines`), so a run is reproducible from its seed and resumes exactly:
the batch of step *s* depends only on the seed and *s*. Checkpoints are plain dictionaries of
tensors and values (``weights_only`` loadable) with the model, optimizer, step and RNG state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from hanji.errors import HanjiError
from hanji.models.recognize.charset import korean_charset
from hanji.models.recognize.decode import batch_tensor, cer, ctc_greedy, prepare
from hanji.models.recognize.net import RecNet, fuse_blocks
from hanji.models.schedule import warmup_cosine

# long runs from a pretrained start end at 5 % of the rate: small final steps settle the CTC head
LR_FLOOR = 0.05

Sample = tuple[np.ndarray, str]


@dataclass
class TrainConfig:
    steps: int = 20000
    batch_size: int = 16
    lr: float = 5e-4
    head_lr: float = 2e-3
    warmup: int = 200
    weight_decay: float = 1e-4
    seed: int = 0
    checkpoint_every_s: float = 240.0
    eval_every: int = 500
    threads: int = 0  # 0: leave torch's default
    freeze_blocks: int = 10  # stem and first N backbone blocks stay as PP-OCRv4 trained them (CPU time)
    version: str = "ko-rec-1"


def ko_model_from_ppocr(ppocr_state: dict[str, Any] | None, seed: int = 0) -> RecNet:
    """A RecNet over the Korean charset; backbone, neck and known head rows from PP-OCRv4."""
    torch.manual_seed(seed)
    charset = korean_charset()
    net = RecNet(len(charset) + 1)
    if ppocr_state is None:
        return net
    sd = {k: v.float() for k, v in ppocr_state["model"].items() if not k.startswith("head.")}
    net.load_state_dict(sd, strict=False)
    src_w, src_b = ppocr_state["model"]["head.weight"].float(), ppocr_state["model"]["head.bias"].float()
    index = {c: i + 1 for i, c in enumerate(ppocr_state["charset"])}
    with torch.no_grad():
        net.head.weight.normal_(0, 0.02)
        net.head.bias.fill_(float(src_b[1:].mean()))
        net.head.weight[0] = src_w[0]
        net.head.bias[0] = src_b[0]
        for j, c in enumerate(charset, 1):
            i = index.get(c)
            if i is not None:
                net.head.weight[j] = src_w[i]
                net.head.bias[j] = src_b[i]
    return net


def encode(texts: list[str], charset: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    index = {c: i + 1 for i, c in enumerate(charset)}
    targets, lengths = [], []
    for t in texts:
        ids = [index[c] for c in t if c in index]
        targets.extend(ids)
        lengths.append(len(ids))
    return torch.tensor(targets, dtype=torch.long), torch.tensor(lengths, dtype=torch.long)


def make_batch(samples: list[Sample], min_width: int = 64) -> tuple[torch.Tensor, list[int]]:
    return batch_tensor([prepare(img) for img, _ in samples], min_width)


def ctc_loss(net: RecNet, x: torch.Tensor, texts: list[str], charset: list[str], start: int = 0) -> torch.Tensor:
    logits = net(x, start)  # (B, T, C)
    logp = logits.float().log_softmax(-1).transpose(0, 1)  # (T, B, C)
    targets, lengths = encode(texts, charset)
    t = torch.full((logits.shape[0],), logp.shape[0], dtype=torch.long)
    return F.ctc_loss(logp, targets.to(logp.device), t, lengths, blank=0, reduction="mean", zero_infinity=True)


def param_groups(net: RecNet, cfg: TrainConfig) -> list[dict[str, Any]]:
    head = list(net.head.parameters())
    rest = [p for n, p in net.named_parameters() if not n.startswith("head.")]
    return [{"params": rest, "lr": cfg.lr}, {"params": head, "lr": cfg.head_lr}]


def lr_factor(step: int, cfg: TrainConfig) -> float:
    return warmup_cosine(step, cfg.steps, cfg.warmup, LR_FLOOR)


def evaluate(net: RecNet, samples: list[Sample], charset: list[str], device=None, batch_size: int = 32) -> float:
    net.eval()
    preds = []
    with torch.inference_mode():
        order = sorted(range(len(samples)), key=lambda i: samples[i][0].shape[1] / samples[i][0].shape[0])
        res: dict[int, str] = {}
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            x, _ = make_batch([samples[i] for i in idx])
            probs = net(x.to(device) if device else x).float().softmax(-1).cpu().numpy()
            for j, i in enumerate(idx):
                res[i] = ctc_greedy(probs[j], charset)[0]
        preds = [res[i] for i in range(len(samples))]
    return cer(preds, [t for _, t in samples])


def export_weights(net: RecNet, charset: list[str], meta: dict[str, Any], fp16: bool = True) -> dict[str, Any]:
    sd = {k: (v.half() if fp16 and v.is_floating_point() else v).detach().cpu().clone() for k, v in net.state_dict().items()}
    return {"model": sd, "charset": list(charset), "meta": dict(meta)}


def export_from_checkpoint(state: dict[str, Any], fp16: bool = True) -> dict[str, Any]:
    """Shippable weights (model, charset, meta; no optimizer) from a training checkpoint."""
    charset = list(state["charset"])
    net = RecNet(len(charset) + 1)
    net.load_state_dict(state["model"])
    meta = dict(state.get("meta", {}))
    meta["held_out_cer"] = float(state.get("best_cer", float("nan")))
    meta["step"] = int(state.get("step", 0))
    return export_weights(net, charset, meta, fp16)


def blend_weights(tuned: dict[str, Any], base: dict[str, Any], alpha: float) -> dict[str, Any]:
    """Weights ``alpha * tuned + (1 - alpha) * base`` (WiSE-FT): a fine-tune pulled back toward the model
    it started from keeps most of its gain on the new data and most of the base's accuracy on the old.
    Both are exported weight dicts (``model``, ``charset``, ``meta``) of the same architecture and charset."""
    if list(tuned["charset"]) != list(base["charset"]):
        raise HanjiError("the two recognizers have different charsets: they cannot be blended")
    if set(tuned["model"]) != set(base["model"]):
        raise HanjiError("the two recognizers have different layers: they cannot be blended")
    out = {}
    for k, v in tuned["model"].items():
        b = base["model"][k]
        out[k] = (alpha * v.float() + (1 - alpha) * b.float()).to(v.dtype) if v.is_floating_point() else v.clone()
    meta = dict(tuned.get("meta", {}))
    meta["version"] = f"{meta.get('version', 'ko')}+blend{alpha:g}"
    meta["blend"] = {"alpha": float(alpha), "base_version": str(base.get("meta", {}).get("version", ""))}
    return {"model": out, "charset": list(tuned["charset"]), "meta": meta}


class Trainer:
    """Holds model, optimizer and step; ``run`` trains until ``cfg.steps``, checkpointing as it goes.
    ``min_width``: the narrowest batch it pads to (the model's own minimum, e.g. ppocr_en's 320)."""

    min_width = 64

    def __init__(self, cfg: TrainConfig, net: RecNet, charset: list[str], device=None) -> None:
        self.cfg = cfg
        self.device = device or torch.device("cpu")
        self.net = net.to(self.device)
        self.charset = charset
        self.frozen = [net.backbone.stem, net.backbone.stem_bn, *net.backbone.blocks[: cfg.freeze_blocks]]
        if cfg.freeze_blocks:
            for m in self.frozen:
                m.requires_grad_(False)
        self.train_mode()
        self.opt = torch.optim.AdamW(param_groups(net, cfg), weight_decay=cfg.weight_decay)
        self.step = 0
        self.best_cer = float("inf")
        self.history: list[dict[str, float]] = []
        self.prefix: torch.nn.Module | None = None
        self._make_prefix()

    def _make_prefix(self) -> None:
        """A fused, inference-only copy of the frozen layers: the same numbers, less work per step."""
        import copy

        n = self.cfg.freeze_blocks
        if not n:
            self.prefix = None
            return
        bb = self.net.backbone
        stem = copy.deepcopy(torch.nn.Sequential(bb.stem, bb.stem_bn)).eval()
        blocks = copy.deepcopy(bb.blocks[:n]).eval()
        fuse_blocks(blocks)
        self.prefix = torch.nn.Sequential(stem, blocks).to(self.device)

    def train_mode(self) -> None:
        self.net.train()
        if self.cfg.freeze_blocks:
            for m in self.frozen:
                m.eval()

    def state(self) -> dict[str, Any]:
        return {"model": {k: v.detach().cpu() for k, v in self.net.state_dict().items()},
                "optimizer": self.opt.state_dict(), "step": self.step, "best_cer": self.best_cer,
                "config": asdict(self.cfg), "charset": list(self.charset), "torch_rng": torch.get_rng_state(),
                "history": self.history,
                "meta": {"name": "ko", "version": f"{self.cfg.version}+step{self.step}", "arch": "pplcnetv3-svtr-ctc",
                         "height": 48, "channels": "bgr", "min_width": 64}}

    def load(self, state: dict[str, Any], path: str | Path | None = None) -> None:
        try:
            self.net.load_state_dict(state["model"])
            self.opt.load_state_dict(state["optimizer"])
            self.step = int(state["step"])
            self.best_cer = float(state.get("best_cer", float("inf")))
            self.history = list(state.get("history", []))
            if "torch_rng" in state:
                torch.set_rng_state(state["torch_rng"])
        except (KeyError, RuntimeError, ValueError, TypeError) as e:
            raise HanjiError(f"not a recognizer training checkpoint ({e.__class__.__name__}: {str(e)[:160]})", path) from e
        if list(state.get("charset", self.charset)) != list(self.charset):
            raise HanjiError("the checkpoint was trained with another charset", path)
        self._make_prefix()

    def train_step(self, samples: list[Sample]) -> float:
        for g, base in zip(self.opt.param_groups, (self.cfg.lr, self.cfg.head_lr)):
            g["lr"] = base * lr_factor(self.step, self.cfg)
        self.train_mode()
        x, _ = make_batch(samples, self.min_width)
        x = x.to(self.device)
        start = 0
        if self.prefix is not None:
            with torch.no_grad():
                x = self.prefix(x)
            start = self.cfg.freeze_blocks
        loss = ctc_loss(self.net, x, [t for _, t in samples], self.charset, start)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.net.parameters(), 5.0)
        self.opt.step()
        self.step += 1
        return float(loss.detach())

    def run(self, sample_batch: Callable[[int], list[Sample]], out_dir: Path, eval_set: list[Sample] | None = None,
            progress: Callable[..., None] | None = None, cancel=None, log: Callable[[str], None] | None = None) -> dict[str, Any]:
        from hanji.models.weights import save_state

        out_dir.mkdir(parents=True, exist_ok=True)
        last_ckpt = time.monotonic()
        t0, n0, losses = time.monotonic(), self.step, []

        def checkpoint() -> None:
            save_state(self.state(), out_dir / "last.pt")

        try:
            while self.step < self.cfg.steps:
                if cancel is not None:
                    cancel.check()
                losses.append(self.train_step(sample_batch(self.step)))
                if progress is not None:
                    progress(self.step, self.cfg.steps, f"loss {losses[-1]:.3f}")
                if self.step % 50 == 0 and log:
                    rate = (self.step - n0) * self.cfg.batch_size / max(1e-6, time.monotonic() - t0)
                    log(f"step {self.step} loss {np.mean(losses[-50:]):.4f} lr {self.opt.param_groups[0]['lr']:.2e} "
                        f"{rate:.1f} lines/s")
                if eval_set and (self.step % self.cfg.eval_every == 0 or self.step == self.cfg.steps):
                    c = evaluate(self.net, eval_set, self.charset, self.device)
                    self.history.append({"step": self.step, "loss": float(np.mean(losses[-50:])), "cer": c})
                    if log:
                        log(f"eval step {self.step} held-out CER {c:.4f} (best {min(c, self.best_cer):.4f})")
                    if c < self.best_cer:
                        self.best_cer = c
                        save_state(self.state(), out_dir / "best.pt")
                if time.monotonic() - last_ckpt > self.cfg.checkpoint_every_s:
                    checkpoint()
                    last_ckpt = time.monotonic()
        finally:
            if self.step > 0:
                checkpoint()
        return {"step": self.step, "best_cer": self.best_cer, "loss": float(np.mean(losses[-50:])) if losses else None}
