"""Text-line recognizers: ``load_recognizer("ko")`` (Hanji's Korean model, the default) or
``load_recognizer("ppocr_en")`` (PaddleOCR PP-OCRv4, Chinese/English, converted to torch).

    rec = load_recognizer()
    rec.predict([crop, ...])  # -> [("인천광역시 남동구", 0.97), ...]

Crops are ``HxWx3`` uint8 RGB numpy arrays of one text line each; they are resized to a height of
48 pixels, sorted by width and batched internally.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hanji.errors import HanjiError

RECOGNIZERS = {"ko": "ko_rec.pt", "ppocr_en": "ppocr_en_rec.pt"}
DEFAULT = "ko"
# how much the English prior counts against the image (the Korean one: LMDecoder.weight, 0.3); chosen on
# SROIE's training receipts (detector lines, two folds; the 20 test receipts never read): 0.3 took the
# case- and space-blind CER 0.0245 -> 0.0252 on one fold, 0.15 to 0.0215
ENGLISH_PRIOR_WEIGHT = 0.15


def fold_fullwidth(c: str) -> str:
    """Full-width ASCII forms (PP-OCR's dictionary has both) read as ASCII; the ideographic space as a space."""
    if len(c) == 1 and 0xFF01 <= ord(c) <= 0xFF5E:
        return chr(ord(c) - 0xFEE0)
    return " " if c == "\u3000" else c


class Recognizer:
    """A CTC line recognizer: network, charset (class i+1 is ``charset[i]``), name and version."""

    def __init__(self, net, charset: list[str], name: str, version: str, meta: dict[str, Any] | None = None,
                 device=None) -> None:
        import torch

        from hanji.models.device import pick_device

        self.device = device if device is not None else pick_device()
        self.net = net.eval()
        self.net.fuse()
        self.net = self.net.to(self.device)
        self.charset = [fold_fullwidth(c) for c in charset]
        self.name = name
        self.version = version
        self.meta = dict(meta or {})
        self.min_width = int(self.meta.get("min_width", 64))
        self.bgr = self.meta.get("channels", "bgr") == "bgr"
        self._torch = torch
        self.weights_sha256: str | None = None  # SHA-256 of the weights it was loaded from, when known
        # unsure lines are decoded with a character prior (beam search): the Korean one for a Korean
        # recognizer, the English/Latin one for the others (ppocr_en and what is fine-tuned from it)
        self.korean = sum("\uac00" <= c <= "\ud7a3" for c in self.charset) >= 1000
        self.prior = self.korean or sum("A" <= c <= "Z" for c in self.charset) >= 26
        self._decoder = None

    def decoder(self):
        """The beam-search decoder with the shipped character LM of the recognizer's script, loaded on first use."""
        if self._decoder is None:
            from hanji.models.recognize.beam import LMDecoder
            from hanji.models.recognize.lm import SHIPPED_EN, shipped_lm

            self._decoder = (LMDecoder(shipped_lm()) if self.korean
                             else LMDecoder(shipped_lm(SHIPPED_EN), weight=ENGLISH_PRIOR_WEIGHT))
        return self._decoder

    def logits(self, crops: list[np.ndarray]):
        """Raw CTC logits ``(B, T, classes)`` of crops padded to one width (for tests and tools)."""
        from hanji.models.recognize.decode import batch_tensor, prepare

        x, _ = batch_tensor([prepare(c, bgr=self.bgr) for c in crops], self.min_width)
        with self._torch.inference_mode():
            return self.net(x.to(self.device)).float().cpu()

    def predict(self, crops: list[np.ndarray], batch_size: int = 32, prior: bool | None = None) -> list[tuple[str, float]]:
        """``(text, score)`` of each crop. ``prior``: decode unsure lines with the character prior
        (default: :attr:`prior`: the Korean one for Korean recognizers, the English one for Latin ones)."""
        from hanji.models.recognize.decode import batch_tensor, ctc_greedy, prepare, width_batches

        use_prior = self.prior if prior is None else prior
        decode = self.decoder().decode if use_prior else ctc_greedy

        if not crops:
            return []
        from hanji.models import threads
        from hanji.models.device import is_cpu

        prepared = [prepare(c, bgr=self.bgr) for c in crops]
        out: list[tuple[str, float] | None] = [None] * len(prepared)
        torch = self._torch
        cpu = is_cpu(self.device)
        n_workers = threads.workers() if cpu else 1
        widths = [p.shape[2] for p in prepared]
        batches = width_batches(widths, batch_size)
        if n_workers > 1 and len(batches) < n_workers and len(prepared) >= n_workers:
            # fewer batches than workers: smaller ones, so that every worker has one
            batches = width_batches(widths, max(1, -(-len(prepared) // n_workers)))
        # the costliest first (padded pixels), so that the workers finish together
        batches.sort(key=lambda idx: -len(idx) * max(widths[i] for i in idx))

        def run(idx: list[int]) -> list[tuple[int, tuple[str, float]]]:
            x, ws = batch_tensor([prepared[i] for i in idx], self.min_width)
            x = x.to(self.device)
            if cpu:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.inference_mode():
                probs_t = self.net(x).float().softmax(-1)
                # each step's best class and probability (and the second best, which tells the prior
                # where the image is unsure) for the whole batch at once: the same values the
                # decoders would find row by row, without a pass over each line's classes in numpy
                if use_prior:
                    top = probs_t.topk(2, dim=-1)
                    conf_t, best_t, second = top.values[..., 0], top.indices[..., 0], top.values[..., 1].cpu().numpy()
                else:
                    (conf_t, best_t), second = probs_t.max(-1), None
                probs, best, conf = probs_t.cpu().numpy(), best_t.cpu().numpy(), conf_t.cpu().numpy()
            t = probs.shape[1]
            res = []
            for j, i in enumerate(idx):
                # steps beyond the crop's own width see only padding
                n = min(t, max(1, -(-ws[j] * t // x.shape[3])))
                known = {"best": best[j], "conf": conf[j]}
                if second is not None:
                    known["second"] = second[j]
                res.append((i, decode(probs[j], self.charset, n + 1 if n < t else t, **known)))
            return res

        for res in (threads.run(run, batches) if n_workers > 1 else map(run, batches)):
            for i, o in res:
                out[i] = o
        return [o for o in out if o is not None]


def from_state(state: dict[str, Any], name: str | None = None, device=None, path: str | Path | None = None) -> Recognizer:
    """Build a :class:`Recognizer` from a weights dictionary ``{"model", "charset", "meta"}``."""
    from hanji.models.recognize.net import RecNet

    try:
        charset = list(state["charset"])
        meta = dict(state.get("meta", {}))
        sd = state["model"]
        net = RecNet(len(charset) + 1)
        net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    except (KeyError, TypeError, RuntimeError, AttributeError) as e:
        raise HanjiError(f"the file is not a Hanji recognizer ({e.__class__.__name__}: {str(e)[:160]})", path) from e
    return Recognizer(net, charset, name or meta.get("name", "?"), str(meta.get("version", "?")), meta, device)


def load_recognizer(name: str = DEFAULT, device=None, path: str | Path | None = None) -> Recognizer:
    """Load a recognizer of the zoo by name, or from a weights file ``path`` (a checkpoint of
    ``hanji train recognizer`` works too). Checksums of shipped files are verified."""
    from hanji.models.weights import load_shipped, load_state, sha256_file, shipped_sha256

    if path is not None:
        state = load_state(path)
        rec = from_state(state, name, device, path)
        rec.weights_sha256 = sha256_file(Path(path))
        return rec
    if name not in RECOGNIZERS:
        raise HanjiError(f"unknown recognizer {name!r}; choose one of {', '.join(RECOGNIZERS)}")
    state = load_shipped(RECOGNIZERS[name])
    rec = from_state(state, name, device, RECOGNIZERS[name])
    rec.weights_sha256 = shipped_sha256(RECOGNIZERS[name])
    return rec


def from_bytes(data: bytes, name: str, device=None, source: str | Path | None = None) -> Recognizer:
    """A recognizer from weights held in memory (a model trained on a project, kept in its file)."""
    import hashlib

    from hanji.models.weights import load_state_bytes

    rec = from_state(load_state_bytes(data, source), name, device, source)
    rec.weights_sha256 = hashlib.sha256(data).hexdigest()
    return rec
