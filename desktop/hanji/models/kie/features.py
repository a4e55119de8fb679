"""A document as the tagger sees it: whitespace tokens in reading order, each with its characters,
its box (split out of its region's box by character widths), a few shape features and the
features of the region it belongs to. Pure Python; :func:`collate` makes the tensors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from hanji.domain import Region, validators
from hanji.domain.order import reading_order
from hanji.domain.text import tokens

MAX_CHARS = 20
# a token longer than MAX_CHARS keeps its start and its last 6 characters (a number's check
# digits, an amount's decimals, a Korean word's ending are at the end)
KEEP_TAIL = 6
# lengths become features in 0..1: a token's characters up to 30 (longer ones are all "long": an
# address or a run of digits), a region's words up to 12 (a line of a receipt rarely has more)
TOKEN_LENGTH_SCALE = 30
REGION_WORDS_SCALE = 12
MAX_TOKENS = 512
N_BUCKETS = 64
# character vocabulary: 0 pad, 1..95 printable ASCII, Hangul syllables as three jamo ids, others hashed
_ASCII0, _INI0, _MED0, _FIN0, _OTHER0, _N_OTHER = 1, 96, 115, 136, 164, 500
CHAR_VOCAB = _OTHER0 + _N_OTHER

_AMOUNT = re.compile(r"^[-(]?(?:₩|RM|\$|MYR)?-?\d{1,3}(?:[,.]\d{3})*(?:\.\d{1,2})?(?:원|\))?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_PHONE = re.compile(r"^(?:\(?0\d{1,2}\)?-?\d{3,4}-\d{4}|1[5-9]\d{2}-\d{4}|\+?\d{2,3}-\d{3,4}-\d{4})$")
_DATEISH = re.compile(r"\d{1,4}\s*[./\-년]\s*\d{1,2}\s*[./\-월]\s*\d{1,4}|\d{1,2}\s*[A-Za-z]{3}\s*\d{2,4}")
N_SHAPE = 16
N_REGION = 6
N_LAYOUT = 10


def char_ids(ch: str) -> tuple[int, int, int]:
    o = ord(ch)
    if 32 <= o < 127:
        return (_ASCII0 + o - 32, 0, 0)
    s = o - 0xAC00
    if 0 <= s < 11172:
        return (_INI0 + s // 588, _MED0 + (s % 588) // 28, _FIN0 + s % 28)
    return (_OTHER0 + o % _N_OTHER, 0, 0)


def token_chars(tok: str) -> list[tuple[int, int, int]]:
    t = unicodedata.normalize("NFKC", tok)
    if len(t) > MAX_CHARS:
        t = t[: MAX_CHARS - KEEP_TAIL] + t[-KEEP_TAIL:]
    return [char_ids(c) for c in t]


def shape_features(tok: str) -> list[float]:
    t = unicodedata.normalize("NFKC", tok)
    n = max(1, len(t))
    dig = sum(c.isdigit() for c in t)
    hangul = any("\uac00" <= c <= "\ud7a3" for c in t)
    latin = [c for c in t if c.isascii() and c.isalpha()]
    core = re.sub(r"[,.\-/:]", "", t)
    d = validators.digits(t)
    return [
        float(core.isdigit()), float(dig > 0), float(hangul), float(bool(latin)),
        float(bool(latin) and all(c.isupper() for c in latin)),
        float(bool(_DATEISH.search(t))), float(bool(_TIME.match(t))), float(bool(_AMOUNT.match(t))),
        float(len(d) == 10 and validators.check_business_number(d).ok),
        float(len(d) == 13 and validators.check_resident_number(d).ok),
        float(13 <= len(d) <= 19 and validators.luhn_ok(d)),
        float(t.endswith(":")), min(len(t), TOKEN_LENGTH_SCALE) / TOKEN_LENGTH_SCALE, dig / n, float("*" in t), float(bool(_PHONE.match(t))),
    ]


def region_features(text: str) -> list[float]:
    t = unicodedata.normalize("NFKC", text)
    d = validators.digits(t)
    return [
        float(len(d) == 10 and validators.check_business_number(d).ok),
        float(len(d) == 13 and validators.check_resident_number(d).ok),
        float(13 <= len(d) <= 19 and validators.luhn_ok(d)),
        float(validators.parse_date(t) is not None or validators.parse_date(t, dayfirst=True) is not None),
        float(":" in t), min(len(t.split()), REGION_WORDS_SCALE) / REGION_WORDS_SCALE,
    ]


@dataclass
class TokenDoc:
    """Tokens of one document in reading order, with where each came from."""

    tokens: list[str]
    boxes: list[tuple[float, float, float, float]]  # normalised to the text's extent, 0..1
    region_of: list[int]  # index into the (ordered) regions list
    region_feats: list[list[float]]
    tags: list[str] | None = None
    doc_type: str = ""
    order: list[int] = field(default_factory=list)  # region indices of the input, in reading order
    fields: dict | None = None  # the true key-values, when known (generated documents), for evaluation

    def __len__(self) -> int:
        return len(self.tokens)


def _token_boxes(reg: Region, toks: list[str]) -> list[tuple[float, float, float, float]]:
    """Split the region's box along x in proportion to character counts (a space counts one)."""
    x0, y0, x1, y1 = reg.bbox
    total = sum(len(t) for t in toks) + max(0, len(toks) - 1)
    if total == 0:
        return [(x0, y0, x1, y1)] * len(toks)
    step = (x1 - x0) / total
    out, pos = [], 0
    for t in toks:
        a = x0 + pos * step
        out.append((a, y0, a + len(t) * step, y1))
        pos += len(t) + 1
    return out


def token_doc(regions: list[Region], doc_type: str = "", with_tags: bool = True, ordered: bool = False) -> TokenDoc:
    """The tagger's view of ``regions``: put into reading order (unless ``ordered``), split into tokens."""
    order = list(range(len(regions))) if ordered else reading_order([r.points for r in regions])
    toks: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    region_of: list[int] = []
    tags: list[str] = []
    rfeats: list[list[float]] = []
    for k in order:
        reg = regions[k]
        rt = tokens(reg.text)
        if not rt:
            continue
        rtags = reg.tags if len(reg.tags) == len(rt) else ["O"] * len(rt)
        rf = region_features(reg.text)
        for t, b, g in zip(rt, _token_boxes(reg, rt), rtags):
            toks.append(t)
            boxes.append(b)
            region_of.append(k)
            tags.append(g)
            rfeats.append(rf)
    if boxes:
        ex0 = min(b[0] for b in boxes)
        ey0 = min(b[1] for b in boxes)
        ew = max(1.0, max(b[2] for b in boxes) - ex0)
        eh = max(1.0, max(b[3] for b in boxes) - ey0)
        boxes = [((a - ex0) / ew, (b - ey0) / eh, (c - ex0) / ew, (d - ey0) / eh) for a, b, c, d in boxes]
    return TokenDoc(toks, boxes, region_of, rfeats, tags if with_tags else None, doc_type, order)


def layout_features(doc: TokenDoc) -> list[list[float]]:
    """Per token: its box, size, and where it sits in its region and in the document."""
    out = []
    n = max(1, len(doc))
    heights = sorted(b[3] - b[1] for b in doc.boxes) or [1.0]
    mh = max(1e-3, heights[len(heights) // 2])
    for i, (x0, y0, x1, y1) in enumerate(doc.boxes):
        first = i == 0 or doc.region_of[i - 1] != doc.region_of[i]
        last = i == n - 1 or doc.region_of[i + 1] != doc.region_of[i]
        out.append([x0, y0, x1, y1, min(3.0, (x1 - x0) * 3), min(3.0, (y1 - y0) / mh), float(first), float(last),
                    i / n, float(y0 > 0.5)])
    return out


N_NUMERIC = 3


def numeric_features(doc: TokenDoc) -> list[list[float]]:
    """Per token: its amount relative to the largest amount of the document, whether it is that
    largest amount, and whether it is the last occurrence of it (totals are big and come late)."""
    vals: list[float | None] = []
    for t in doc.tokens:
        v = None
        if _AMOUNT.match(unicodedata.normalize("NFKC", t)) and any(c in t for c in ",.원$₩"):
            v = validators.parse_amount(t)
        vals.append(v)
    top = max((v for v in vals if v is not None), default=None)
    last_top = max((i for i, v in enumerate(vals) if v is not None and v == top), default=-1)
    out = []
    for i, v in enumerate(vals):
        if v is None or not top:
            out.append([0.0, 0.0, 0.0])
        else:
            out.append([max(0.0, min(1.0, v / top)), float(v == top), float(i == last_top)])
    return out


def doc_arrays(doc: TokenDoc, numeric: bool = False) -> dict:
    """Plain lists for one document (what :func:`collate` stacks). ``numeric``: add
    :func:`numeric_features` (taggers trained with them need them)."""
    shape = [shape_features(t) + rf for t, rf in zip(doc.tokens, doc.region_feats)]
    if numeric:
        shape = [a + b for a, b in zip(shape, numeric_features(doc))]
    return {
        "chars": [token_chars(t) for t in doc.tokens],
        "shape": shape,
        "layout": layout_features(doc),
        "buckets": [[min(N_BUCKETS - 1, max(0, int(v * N_BUCKETS))) for v in b] for b in doc.boxes],
    }


def collate(items: list[dict], tag_index: dict[str, int] | None = None, tags: list[list[str]] | None = None,
            max_tokens: int = MAX_TOKENS):
    """Pad a batch of :func:`doc_arrays` results into tensors."""
    import torch

    B = len(items)
    T = max(1, min(max_tokens, max(len(it["chars"]) for it in items)))
    chars = torch.zeros(B, T, MAX_CHARS, 3, dtype=torch.long)
    width = len(items[0]["shape"][0]) if items and items[0]["shape"] else N_SHAPE + N_REGION
    shape = torch.zeros(B, T, width)
    layout = torch.zeros(B, T, N_LAYOUT)
    buckets = torch.zeros(B, T, 4, dtype=torch.long)
    mask = torch.zeros(B, T, dtype=torch.bool)
    y = torch.full((B, T), -100, dtype=torch.long)
    for b, it in enumerate(items):
        n = min(T, len(it["chars"]))
        for i in range(n):
            cs = it["chars"][i][:MAX_CHARS]
            if cs:
                chars[b, i, : len(cs)] = torch.tensor(cs, dtype=torch.long)
        if n:
            shape[b, :n] = torch.tensor(it["shape"][:n])
            layout[b, :n] = torch.tensor(it["layout"][:n])
            buckets[b, :n] = torch.tensor(it["buckets"][:n], dtype=torch.long)
        mask[b, :n] = True
        if tags is not None and tag_index is not None:
            y[b, :n] = torch.tensor([tag_index.get(t, 0) for t in tags[b][:n]], dtype=torch.long)
    return {"chars": chars, "shape": shape, "layout": layout, "buckets": buckets, "mask": mask}, y
