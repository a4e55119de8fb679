"""From BIO tags to a document's key-values, and back: tags from key-values that are not tied to
regions (SROIE's key files), so that a project's confirmed key-values can train the tagger.

Regions are taken in the order given (callers put them into reading order); tags run across region
boundaries, so an ``I-address`` at the start of a line continues the address of the line above.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from hanji.domain.bio import spans_from_tags
from hanji.domain.model import KeyValue, Region
from hanji.domain.text import nfc, tokens

# fields that occur once per item or per form element: every span is kept
MULTI_VALUED = {"item_name", "item_quantity", "item_unit_price", "item_amount", "question", "answer", "header",
                "other"}


@dataclass
class FieldSpan:
    key: str
    text: str
    region_indices: list[int]  # indices into the regions given
    score: float
    start: int = 0  # token range in the regions' token sequence
    end: int = 0


def field_spans(regions: list[Region], tags: list[list[str]] | None = None,
                scores: list[list[float]] | None = None) -> list[FieldSpan]:
    """Entity spans over the regions' tokens (``tags`` default to each region's own)."""
    toks: list[str] = []
    all_tags: list[str] = []
    owner: list[int] = []
    sc: list[float] = []
    for i, reg in enumerate(regions):
        rt = tokens(reg.text)
        rtags = (tags[i] if tags is not None else reg.tags) or []
        if len(rtags) != len(rt):
            rtags = ["O"] * len(rt)
        toks += rt
        all_tags += rtags
        owner += [i] * len(rt)
        sc += (scores[i] if scores is not None and len(scores[i]) == len(rt) else [1.0] * len(rt))
    out = []
    for s in spans_from_tags(all_tags):
        regs = sorted(set(owner[s.start:s.end]))
        out.append(FieldSpan(s.label, " ".join(toks[s.start:s.end]), regs,
                             sum(sc[s.start:s.end]) / max(1, s.end - s.start), s.start, s.end))
    return out


# the year as hanji.domain.receipt_rules reads it: also where OCR glued the time on ('14-03-1821:32')
_YEAR = r"(?:(?:\d{4}|\d{2,3})(?!\d|:\d)|(?:\d{4}|\d{2})(?=\d{1,2}:\d{2}))"
# one separator in a date ('19-21/03/2018' holds the date '21/03/2018'); a four-digit year first, else the day
# first ('V2.6029/07/2016': '29/07/2016'); a year OCR glued to the digits after it ('17/01/201842153')
_DATE_IN = re.compile(r"\d{4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일|(?<!\d)(?:19|20)\d{2}\s*([./\-])\s*\d{1,2}\s*\1\s*\d{1,2}(?!\d)|"
                      r"\d{1,2}\s*([./\-])\s*\d{1,2}\s*\2\s*(?:" + _YEAR + r"|(?:19|20)\d{2}(?=\d))\.?|"
                      r"\d{1,2}\s*[-/.]?\s*[A-Za-z]{3}\s*[-/.]?\s*" + _YEAR)
_MONEY_IN = re.compile(r"(?:\$|S(?=\d))?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")  # S: a '$' as OCR reads it


def clean_value(key: str, text: str, doc_type: str = "") -> str:
    """Trim what a tagged span holds around the value itself, where the format is known: on SROIE
    receipts a date is the date part of 'DATE:25/12/2018 8:13' and a total the amount of 'TOTAL:RM9.00' as
    printed, 'RM' glued to it kept (the answer keys keep it in two of three such receipts of SROIE's 060-399)."""
    t = nfc(text).strip()
    if doc_type == "sroie":
        if key == "date":
            m = _DATE_IN.search(t)
            return m.group(0) if m else t
        if key == "total":  # SROIE keeps a '$' printed before the amount, and 'RM' printed glued to it
            found = list(_MONEY_IN.finditer(t))
            if not found:
                return t
            m = found[-1]
            glued = re.search(r"RM$", t[:m.start()], re.I) and not m.group(0).startswith(("S", "$"))
            return ("RM" if glued else "") + re.sub(r"^S", "$", m.group(0))
    return t


def pick_spans(spans: list[FieldSpan], doc_type: str = "") -> list[FieldSpan]:
    """The spans a document's key-values come from, in the order given: every span of an item or form
    field; for a single-valued field (one total, one date) one span: among those whose value passes
    the field's validator (when any does) the best-scoring, the first on a tie."""
    from hanji.domain.validators import check_field

    best: dict[str, tuple[bool, float, int]] = {}
    for n, s in enumerate(spans):
        if s.key in MULTI_VALUED:
            continue
        rank = (check_field(s.key, clean_value(s.key, s.text, doc_type), doc_type).ok, s.score)
        if s.key not in best or rank[0] > best[s.key][0] or (rank[0] == best[s.key][0] and
                                                             rank[1] > best[s.key][1] + 1e-9):
            best[s.key] = (*rank, n)
    keep = {n for _, _, n in best.values()}
    return [s for n, s in enumerate(spans) if s.key in MULTI_VALUED or n in keep]


def keyvalues_from_spans(spans: list[FieldSpan], doc_type: str = "",
                         region_ids: list[int | None] | None = None) -> list[KeyValue]:
    """One key-value per single-valued field, one per span for item and form fields (see
    :func:`pick_spans`). ``region_ids`` maps region indices to store ids."""
    return [_kv(s, doc_type, region_ids) for s in pick_spans(spans, doc_type)]


def drop_spans(tags: list[list[str]], spans: list[FieldSpan]) -> list[list[str]]:
    """``tags`` (per region, as given to :func:`field_spans`) with ``spans`` set back to ``O``."""
    flat = [t for tg in tags for t in tg]
    for s in spans:
        flat[s.start:s.end] = ["O"] * (s.end - s.start)
    out, k = [], 0
    for tg in tags:
        out.append(flat[k:k + len(tg)])
        k += len(tg)
    return out


def _kv(s: FieldSpan, doc_type: str, region_ids: list[int | None] | None) -> KeyValue:
    ids = [region_ids[i] for i in s.region_indices if region_ids[i] is not None] if region_ids else []
    return KeyValue(s.key, clean_value(s.key, s.text, doc_type), region_ids=ids, source="machine",
                    confidence=round(s.score, 4))


def fields_dict(kvs: list[KeyValue]) -> dict[str, str | list[str]]:
    """``{key: value}``; a key with several values (receipt items) maps to the list of them."""
    out: dict[str, str | list[str]] = {}
    for kv in kvs:
        if kv.key in out:
            prev = out[kv.key]
            out[kv.key] = (prev if isinstance(prev, list) else [prev]) + [kv.value]
        else:
            out[kv.key] = [kv.value] if kv.key in MULTI_VALUED else kv.value
    return out


# ------------------------------------------------------------------ tags from loose key-values
def _compact(text: str) -> str:
    return re.sub(r"\s+", "", nfc(text)).upper()


def tags_from_keyvalues(regions: list[Region], kvs: list[KeyValue], min_ratio: float = 0.8) -> list[list[str]]:
    """BIO tags for ``regions`` (in reading order) that mark where each key-value's text is.

    A value is looked for as a run of whole tokens whose text, spaces removed, is the value's
    (fuzzy, ``min_ratio`` by difflib); a short value (a date, an amount) may also sit inside one token
    (``DATE:25/12/2018``). An amount found several times is tagged on the lines that say 'total'
    when there are such lines. Values not found leave the tags ``O``.
    """
    toks: list[str] = []
    owner: list[int] = []
    for i, reg in enumerate(regions):
        rt = tokens(reg.text)
        toks += rt
        owner += [i] * len(rt)
    ctoks = [_compact(t) for t in toks]
    flat = ["O"] * len(toks)
    for kv in kvs:
        val = _compact(kv.value)
        if not val:
            continue
        n_val = len(tokens(kv.value))
        hits: list[tuple[int, int]] = []
        if n_val <= 1 or len(val) <= 12:
            hits = [(i, i + 1) for i, t in enumerate(ctoks) if t == val]
            if not hits:
                hits = [(i, i + 1) for i, t in enumerate(ctoks) if val in t and len(val) >= 3]
        if not hits:
            best, best_r = None, min_ratio
            for i in range(len(toks)):
                acc = ""
                for j in range(i, min(len(toks), i + 3 * n_val + 4)):
                    acc += ctoks[j]
                    if len(acc) > 1.4 * len(val) + 2:
                        break
                    if len(acc) < 0.6 * len(val):
                        continue
                    r = difflib.SequenceMatcher(None, acc, val, autojunk=False).ratio()
                    if r > best_r:
                        best, best_r = (i, j + 1), r
            hits = [best] if best else []
        if len(hits) > 1:
            def context(h: tuple[int, int]) -> str:
                r = owner[h[0]]
                return _compact(regions[r].text + " " + (regions[r - 1].text if r > 0 else ""))

            total_lines = [h for h in hits if "TOTAL" in context(h) and "SUB" not in context(h)]
            if total_lines:
                hits = total_lines
        for a, b in hits:
            if any(flat[k] != "O" for k in range(a, b)):
                continue
            for k in range(a, b):
                flat[k] = ("B-" if k == a else "I-") + kv.key
    out: list[list[str]] = [[] for _ in regions]
    for k, tag in enumerate(flat):
        out[owner[k]].append(tag)
    return out


# ------------------------------------------------------------------ field-level scores
def normalise_value(text: str) -> str:
    """What field comparison looks at: NFC, no whitespace, upper case."""
    return _compact(text)


def field_counts(gold: dict[str, list[str]], pred: dict[str, list[str]],
                 keys: list[str] | None = None, tolerance: float = 0.0) -> dict[str, tuple[int, int, int]]:
    """Per key, ``(true positives, false positives, false negatives)`` of (key, value) pairs, values
    compared by :func:`normalise_value`, each gold pair matched at most once. ``tolerance``: a value
    also matches when its difflib similarity to the true one is at least ``1 - tolerance``."""
    out: dict[str, tuple[int, int, int]] = {}
    for key in keys if keys is not None else sorted(set(gold) | set(pred)):
        g = [normalise_value(v) for v in gold.get(key, [])]
        p = [normalise_value(v) for v in pred.get(key, [])]
        tp = 0
        left = list(g)
        for v in p:
            if v in left:
                left.remove(v)
                tp += 1
            elif tolerance > 0:
                near = [x for x in left if difflib.SequenceMatcher(None, v, x, autojunk=False).ratio() >= 1 - tolerance]
                if near:
                    left.remove(near[0])
                    tp += 1
        out[key] = (tp, len(p) - tp, len(g) - tp)
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ------------------------------------------------------------------ privacy on export
def mask_value(key: str, value: str) -> str:
    """A field's value with its personal part masked: numbers keep their first digits, names their
    first and last syllable (``FIELD_MASKS``); another personal field with a long number in it keeps its
    first six digits, one without keeps its first word and masks the rest letter by letter."""
    from hanji.domain.validators import FIELD_MASKS, mask_number

    fn = FIELD_MASKS.get(key)
    if fn is not None:
        return fn(value)
    if sum(ch.isdigit() for ch in value) >= 6:
        return mask_number(value, keep=6)
    head, sep, rest = nfc(value).partition(" ")
    return head + sep + re.sub(r"\S", "*", rest) if rest else head


def mask_personal(regions: list[Region], kvs: list[KeyValue], personal: set[str]) -> tuple[list[Region], list[KeyValue]]:
    """Copies of a document's regions and key-values with the fields in ``personal`` masked: the tokens
    tagged with them (or the whole text of a region labelled with one) and their key-values' values."""
    from dataclasses import replace

    out_regions = []
    for r in regions:
        toks = tokens(r.text)
        if r.label in personal:
            out_regions.append(replace(r, text=mask_value(r.label, r.text), machine_text=None, tags=list(r.tags),
                                       points=list(r.points), attrs=dict(r.attrs)))
            continue
        tags = r.tags if len(r.tags) == len(toks) else ["O"] * len(toks)
        if not any(t[2:] in personal for t in tags if t != "O"):
            out_regions.append(r)
            continue
        for s in spans_from_tags(tags):
            if s.label in personal:
                masked = tokens(mask_value(s.label, " ".join(toks[s.start:s.end])))
                if len(masked) != s.end - s.start:  # the mask changed the spacing: mask token by token
                    masked = [mask_value(s.label, t) if len(t) > 1 else "*" for t in toks[s.start:s.end]]
                toks[s.start:s.end] = masked
        out_regions.append(replace(r, text=" ".join(toks), machine_text=None, tags=list(r.tags),
                                   points=list(r.points), attrs=dict(r.attrs)))
    out_kvs = [replace(kv, value=mask_value(kv.key, kv.value), region_ids=list(kv.region_ids)) if kv.key in personal
               else kv for kv in kvs]
    return out_regions, out_kvs


def personal_values(regions: list[Region], kvs: list[KeyValue], personal: set[str]) -> list[tuple[str, str]]:
    """``(field, text)`` of every personal value a document holds: tagged spans, regions labelled with
    a personal field, key-values; longest first (so that a longer value is masked before a part of it)."""
    found: dict[str, str] = {}
    for r in regions:
        if r.label in personal and r.text.strip():
            found.setdefault(r.text.strip(), r.label)
        toks = tokens(r.text)
        if len(r.tags) == len(toks):
            for s in spans_from_tags(r.tags):
                if s.label in personal:
                    found.setdefault(" ".join(toks[s.start:s.end]), s.label)
    for kv in kvs:
        if kv.key in personal and kv.value.strip():
            found.setdefault(kv.value.strip(), kv.key)
    return sorted(((k, v) for v, k in found.items()), key=lambda p: -len(p[1]))


_SEP = r"[\s.\-]*"


def mask_text(text: str, secrets: list[tuple[str, str]]) -> str:
    """``text`` with each personal value of ``secrets`` (from :func:`personal_values`) masked wherever it
    occurs; a number is found whatever its spacing or dashes (``9001011234568`` for ``900101-1234568``)."""
    for key, value in secrets:
        digits = [ch for ch in value if ch.isdigit()]
        if len(digits) >= 6:
            pat = re.compile(r"(?<!\d)" + _SEP.join(re.escape(d) for d in digits) + r"(?!\d)")
            text = pat.sub(lambda m, key=key: mask_value(key, m.group(0)), text)
        elif len(value) >= 2 and value in text:
            text = text.replace(value, mask_value(key, value))
    return text


def mask_nested(obj, secrets: list[tuple[str, str]]):
    """A copy of ``obj`` (str, list, tuple, dict of them) with :func:`mask_text` applied to every string."""
    if isinstance(obj, str):
        return mask_text(obj, secrets)
    if isinstance(obj, dict):
        return {k: mask_nested(v, secrets) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(mask_nested(v, secrets) for v in obj)
    return obj


def mask_document(regions: list[Region], kvs: list[KeyValue], personal: set[str],
                  attrs: dict | None = None) -> tuple[list[Region], list[KeyValue], dict]:
    """A document's regions, key-values and attrs as they are exported with personal data masked:
    :func:`mask_personal`, then every personal value found also masked where it occurs untagged (a
    key-value's region, other key-values, words kept in attrs). The inputs are not changed."""
    from dataclasses import replace

    if not personal:
        return regions, kvs, dict(attrs or {})
    secrets = personal_values(regions, kvs, personal)
    regs, out_kvs = mask_personal(regions, kvs, personal)
    if secrets:
        regs = [replace(r, text=mask_text(r.text, secrets), points=list(r.points), tags=list(r.tags),
                        machine_text=mask_text(r.machine_text, secrets) if r.machine_text else r.machine_text,
                        attrs=mask_nested(r.attrs, secrets)) for r in regs]
        out_kvs = [replace(kv, value=mask_text(kv.value, secrets), region_ids=list(kv.region_ids)) for kv in out_kvs]
    return regs, out_kvs, mask_nested(dict(attrs or {}), secrets)
