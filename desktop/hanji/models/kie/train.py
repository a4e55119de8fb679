"""Training the tagger on token documents: reproducible (batches drawn from ``seed`` and the step
number, RNG state in the checkpoint) and resumable (a checkpoint every few steps, atomically saved).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from hanji.models.kie.features import MAX_TOKENS, TokenDoc, collate, doc_arrays
from hanji.models.kie.tagger import Tagger, TaggerConfig
from hanji.models.schedule import warmup_cosine
from hanji.models.weights import load_state, save_state

Progress = Callable[..., None]

# the learning rate ends at 5 % of its base: the last steps settle the tag head without undoing it
LR_FLOOR = 0.05
# warm-up: a tenth of the run, at most this many steps (a fresh head's first gradients are large)
MAX_WARMUP = 200

# OCR-like slips (:func:`noisy`), tried in turn with these cumulative chances: a digit read as one
# that looks like it (OCR's commonest slip on amounts), a Hangul syllable with another final
# consonant (the part of a syllable recognizers misread most), a dropped character; else doubled
P_DIGIT_SLIP = 0.6
P_FINAL_SLIP = 0.7
P_DROP = 0.85
# layout augmentation: boxes shifted by up to 3 % of the page and scaled by 0.9-1.05 (scans are
# cropped and sized differently; a tagger must not learn absolute positions)
BOX_JITTER = 0.03
BOX_SCALE = (0.9, 1.05)


def tag_vocab(docs: list[TokenDoc]) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(tags, doc types, fields per doc type) seen in ``docs``."""
    labels: set[str] = set()
    types: dict[str, set[str]] = {}
    for d in docs:
        names = {t[2:] for t in (d.tags or []) if t != "O"}
        labels |= names
        types.setdefault(d.doc_type, set()).update(names)
    tags = ["O"] + [p + n for n in sorted(labels) for p in ("B-", "I-")]
    return tags, sorted(types), {k: sorted(v) for k, v in types.items()}


_SIMILAR_DIGITS = {"0": "8O", "1": "7l", "5": "6S", "8": "0B3", "6": "5", "3": "8", "7": "1", "9": "4", "2": "Z", "4": "9"}


def noisy(tok: str, r: random.Random) -> str:
    """An OCR-like slip in one character: a confusable digit, a changed Hangul final, a dropped char."""
    if not tok:
        return tok
    i = r.randrange(len(tok))
    c = tok[i]
    x = r.random()
    if c in _SIMILAR_DIGITS and x < P_DIGIT_SLIP:
        rep = r.choice(_SIMILAR_DIGITS[c])
    elif "\uac00" <= c <= "\ud7a3" and x < P_FINAL_SLIP:
        rep = chr(0xAC00 + ((ord(c) - 0xAC00) // 28) * 28 + r.randrange(28))
    elif x < P_DROP and len(tok) > 2:
        rep = ""
    else:
        rep = c + c if c.isalpha() else c
    return tok[:i] + rep + tok[i + 1:]


def _augment(doc: TokenDoc, r: random.Random, p_noise: float) -> TokenDoc:
    toks = [noisy(t, r) if r.random() < p_noise else t for t in doc.tokens]
    jx, jy = r.uniform(-BOX_JITTER, BOX_JITTER), r.uniform(-BOX_JITTER, BOX_JITTER)
    sx, sy = r.uniform(*BOX_SCALE), r.uniform(*BOX_SCALE)
    boxes = [(min(1, max(0, a * sx + jx)), min(1, max(0, b * sy + jy)), min(1, max(0, c * sx + jx)),
              min(1, max(0, d * sy + jy))) for a, b, c, d in doc.boxes]
    return TokenDoc(toks, boxes, doc.region_of, doc.region_feats, doc.tags, doc.doc_type, doc.order)


def _window(doc: TokenDoc, r: random.Random, max_tokens: int) -> TokenDoc:
    if len(doc) <= max_tokens:
        return doc
    a = r.randrange(len(doc) - max_tokens + 1)
    b = a + max_tokens
    return TokenDoc(doc.tokens[a:b], doc.boxes[a:b], doc.region_of[a:b], doc.region_feats[a:b],
                    doc.tags[a:b] if doc.tags else None, doc.doc_type, doc.order)


def batch_tensors(docs: list[TokenDoc], tags: list[str], doc_types: list[str], max_tokens: int = MAX_TOKENS,
                  numeric: bool = False):
    ti = {t: i for i, t in enumerate(tags)}
    xs, y = collate([doc_arrays(d, numeric) for d in docs], ti, [d.tags or [] for d in docs], max_tokens)
    dti = {t: i for i, t in enumerate(doc_types)}
    yt = torch.tensor([dti.get(d.doc_type, -100) for d in docs], dtype=torch.long)
    return xs, y, yt


def loss_of(model: Tagger, xs: dict, y: torch.Tensor, yt: torch.Tensor, type_weight: float = 0.3,
            o_weight: float = 1.0) -> torch.Tensor:
    """Cross-entropy of the tags (the ``O`` tag weighted by ``o_weight``) plus that of the document type."""
    tag_logits, type_logits = model(**xs)
    w = None
    if o_weight != 1.0:
        w = torch.ones(tag_logits.shape[-1])
        w[0] = o_weight  # tags[0] is "O"
    loss = nn.functional.cross_entropy(tag_logits.reshape(-1, tag_logits.shape[-1]), y.reshape(-1), weight=w,
                                       ignore_index=-100)
    if (yt >= 0).any() and len(model.cfg.doc_types) > 1:
        loss = loss + type_weight * nn.functional.cross_entropy(type_logits, yt, ignore_index=-100)
    return loss


def _batch(docs: list[TokenDoc], seed: int, step: int, size: int, max_tokens: int, noise: float) -> list[TokenDoc]:
    """The training documents of ``step``: drawn from ``seed`` and the step number alone, so that a
    resumed run sees the same batches."""
    r = random.Random(seed * 1_000_003 + step)
    return [_augment(_window(docs[r.randrange(len(docs))], r, max_tokens), r, noise) for _ in range(size)]


def _initial_model(cfg: TaggerConfig, init: dict | None) -> Tagger:
    """A new tagger, or one starting from ``init``: whole when its vocabulary is the same, else
    its encoder with new heads."""
    model = Tagger(cfg)
    if init is None:
        return model
    if init.get("config", {}).get("tags") == cfg.tags and init.get("config", {}).get("doc_types") == cfg.doc_types:
        model.load_state_dict(init["model"])
    else:  # another vocabulary: start from its encoder, new heads
        own = model.state_dict()
        model.load_state_dict({k: v for k, v in init["model"].items()
                               if k in own and own[k].shape == v.shape and not k.startswith(("tag_head", "type_head"))},
                              strict=False)
    return model


def _resume(checkpoint: Path | None, model: Tagger, opt, seed: int) -> int:
    """Load a checkpoint of the same vocabulary and seed into ``model`` and ``opt``; the step to go on from."""
    if checkpoint is None or not Path(checkpoint).exists():
        return 0
    st = load_state(checkpoint)
    if st.get("config", {}).get("tags") != model.cfg.tags or st.get("seed") != seed:
        return 0
    model.load_state_dict(st["model"])
    opt.load_state_dict(st["optim"])
    torch.set_rng_state(st["torch_rng"])
    return int(st["step"])


def train(docs: list[TokenDoc], steps: int, seed: int = 0, batch_size: int = 16, lr: float = 2e-3,
          checkpoint: Path | None = None, checkpoint_every: int = 100, resume: bool = True,
          progress: Progress | None = None, cancel=None, config: dict | None = None,
          noise: float = 0.04, init: dict | None = None, o_weight: float = 1.0) -> tuple[Tagger, dict]:
    """Train a tagger on ``docs`` for ``steps`` steps; returns the model and its final state dict.

    ``checkpoint``: where to keep the resumable state; with ``resume`` an existing checkpoint with
    the same vocabulary is continued from its step. ``cancel``: an object with ``check()`` that raises
    to stop; the checkpoint is saved first. ``init``: a tagger state to start from (fine-tuning) when
    its vocabulary matches.
    """
    if not docs:
        raise ValueError("no labelled documents to train on")
    tags, doc_types, type_fields = tag_vocab(docs)
    torch.manual_seed(seed)
    cfg = TaggerConfig(tags=tags, doc_types=doc_types, **(config or {}))
    model = _initial_model(cfg, init)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    start = _resume(checkpoint, model, opt, seed) if resume else 0
    warm = max(1, min(MAX_WARMUP, steps // 10))

    def lr_at(step: int) -> float:
        return lr * warmup_cosine(step, steps, warm, LR_FLOOR)

    def save(step: int) -> None:
        if checkpoint is None:
            return
        save_state({"config": cfg.__dict__, "model": model.state_dict(), "optim": opt.state_dict(),
                    "torch_rng": torch.get_rng_state(), "step": step, "seed": seed, "type_fields": type_fields},
                   checkpoint)

    model.train()
    last = float("nan")
    ema = None
    for step in range(start, steps):
        if cancel is not None:
            try:
                cancel.check()
            except BaseException:
                save(step)
                raise
        xs, y, yt = batch_tensors(_batch(docs, seed, step, batch_size, cfg.max_tokens, noise), tags, doc_types,
                                  cfg.max_tokens, cfg.numeric)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        loss = loss_of(model, xs, y, yt, o_weight=o_weight)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last = float(loss.detach())
        ema = last if ema is None else 0.95 * ema + 0.05 * last
        if progress is not None:
            progress(step + 1, steps, f"loss {ema:.4f}")
        if checkpoint is not None and (step + 1) % checkpoint_every == 0:
            save(step + 1)
    save(steps)
    model.eval()
    state = model.state()
    state["type_fields"] = type_fields
    state["final_loss"] = last
    return model, state
