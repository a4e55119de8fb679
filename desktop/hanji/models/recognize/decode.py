"""CTC greedy decoding, batching of line crops and the character error rate (torch-free helpers
except :func:`batch_tensor`)."""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from hanji.domain.text import cer as text_cer
from hanji.domain.text import edit_distance as levenshtein  # noqa: F401 (re-exported)

HEIGHT = 48


def ctc_greedy(probs: np.ndarray, charset: list[str], length: int | None = None,
               best: np.ndarray | None = None, conf: np.ndarray | None = None) -> tuple[str, float]:
    """Decode one ``(T, classes)`` probability matrix: best class per step, collapse repeats, drop blanks.

    The score is the mean probability of the emitted characters (the mean best probability over all
    steps when nothing is emitted, i.e. the confidence that the line is empty). ``best`` / ``conf``:
    each step's best class (the first of equals) and its probability, when already known (the
    recognizer finds them for a whole batch at once); ``probs`` is then not read."""
    if best is None or conf is None:
        if length is not None:
            probs = probs[:length]
        best = probs.argmax(axis=1)
        conf = probs[np.arange(len(best)), best]
    elif length is not None:
        best, conf = best[:length], conf[:length]
    if len(best) == 0:
        return "", 0.0
    chars, scores, prev = [], [], 0
    for k, c in enumerate(best):
        if c != 0 and c != prev:
            chars.append(charset[c - 1])
            scores.append(conf[k])
        prev = c
    text = unicodedata.normalize("NFC", "".join(chars))
    score = float(np.mean(scores)) if scores else float(np.mean(conf))
    return text, score


def resized_width(h: int, w: int, height: int = HEIGHT, max_width: int = 2400) -> int:
    return int(min(max_width, max(8, math.ceil(w * height / max(h, 1)))))


def prepare(crop: np.ndarray, height: int = HEIGHT, bgr: bool = True) -> np.ndarray:
    """One crop -> ``(3, height, w)`` float32 in [-1, 1]."""
    from hanji import imaging

    a = np.asarray(crop)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    elif a.shape[2] == 4:
        a = a[:, :, :3]
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    h, w = a.shape[:2]
    if h < 1 or w < 1:
        a = np.full((height, 8, 3), 255, np.uint8)
        h, w = a.shape[:2]
    nw = resized_width(h, w, height)
    a = imaging.resize(a, (nw, height), "area" if h > height else "linear")
    if bgr:
        a = a[:, :, ::-1]
    x = (a.astype(np.float32) / 255.0 - 0.5) / 0.5
    return np.ascontiguousarray(x.transpose(2, 0, 1))


# Crops are batched by width: sorted, a batch closed when the next crop is more than
# BUCKET_RATIO wider than its first (bounded padding), or when the batch would hold more than
# BATCH_COLUMNS columns (a batch that fits the CPU's cache: one padded batch of 32 crops up to
# 800 px wide was 1.7x slower than the same crops in such buckets, measured on SROIE receipts).
BUCKET_RATIO = 1.3
BATCH_COLUMNS = 320 * 16


def width_batches(widths: list[int], max_batch: int = 32, ratio: float = BUCKET_RATIO,
                  columns: int = BATCH_COLUMNS) -> list[list[int]]:
    """Indices of ``widths`` in batches of similar width (ascending), each within the limits above."""
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        w = widths[i]
        if cur and (len(cur) >= max_batch or w > ratio * widths[cur[0]] + 16 or (len(cur) + 1) * w > columns):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


def batch_tensor(prepared: list[np.ndarray], min_width: int = 64, multiple: int = 8):
    """Pad prepared crops (value 0, i.e. mid-grey, as PaddleOCR does) to one width; returns
    ``(tensor, widths)``."""
    import torch

    widths = [p.shape[2] for p in prepared]
    w = max(min_width, max(widths))
    w = int(math.ceil(w / multiple) * multiple)
    out = np.zeros((len(prepared), 3, prepared[0].shape[1], w), np.float32)
    for i, p in enumerate(prepared):
        out[i, :, :, : p.shape[2]] = p
    return torch.from_numpy(out), widths


def cer(preds: list[str], refs: list[str]) -> float:
    """Character error rate: total edit distance over total reference length (NFC, both; the
    one CER, :func:`hanji.domain.text.cer`)."""
    return text_cer(preds, refs)
