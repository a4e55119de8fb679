"""One value per field from the candidates of :mod:`hanji.domain.kv_link` and the tagger's spans:
validators first, then the source's and the label's say, then the sums a receipt must add up to.

:func:`choose_fields` is what extraction calls: regions in reading order, the document type, the
tagger's spans (:class:`hanji.domain.fields.FieldSpan`, optional) -> ``{field: Candidate}``;
:func:`link_fields` also rewrites the tagger's tags to match, :func:`with_chosen` the key-values.
"""

from __future__ import annotations

import re

from hanji.domain import validators as v
from hanji.domain.fields import MULTI_VALUED, FieldSpan
from hanji.domain.kv_link import (
    Candidate,
    Ref,
    Row,
    _label_candidates,
    _text,
    rows_of,
)
from hanji.domain.kv_patterns import pattern_candidates
from hanji.domain.labels import compact, label_like, spellings
from hanji.domain.model import KeyValue, Region
from hanji.domain.text import tokens
from hanji.domain.values import (
    AMOUNT_FIELDS,
    MARK_WORDS,
    NAME_FIELDS,
    NETWORK_WORDS,
    address_as_printed,
    cut_value,
    plausible,
    shape_of,
    without_marks,
)

# fields whose value has a fixed shape: a tagged value that fails it is no value (a barcode's 20 digits are no
# approval number, a phone number no time); other failing tagged values stay as proposals (a name OCR garbled)
STRICT = {"approval_number", "time", "phone", "installment", "expiry"}
SHARED = {"date": ("time",), "time": ("date",)}  # fields that may share a token ('2024-05-03 13:22' glued)
# specks OCR reads as quotes or points beside a name ("' 박슬기"): none of it, at either end (a business's
# name: at its start, :func:`_name_as_printed`)
_SPECKS = r"[\s'\"`‘’“”.,:;·_\-]+"
_NAME_EDGE = re.compile(f"^{_SPECKS}|{_SPECKS}$")
_NAME_START = re.compile(f"^{_SPECKS}")
TAGGER_WEIGHT = 0.9  # a tagger span scores its mean probability times this; a label scores its grade + 0.5 x geometry
# fields that are a whole line or cell: a tagger span inside one is widened to it
WHOLE = {"trade_name", "store_name", "representative", "name", "holder", "issuer", "business_type", "business_item",
         "card_kind", "address", "business_address", "opening_date", "issue_date"}


def _tagger_candidates(spans: list[FieldSpan], regions: list[Region], rows: list[Row],
                       doc_type: str) -> list[Candidate]:
    """The tagger's spans as candidates: a span cut from its regions' whole text for patterned fields
    (``2015년`` of ``2015년 09월 10일`` becomes the date), widened over its region for whole-line fields
    (less labels, a ``SAMPLE`` mark, network names), kept as tagged for the others."""
    label_refs = {t.ref for row in rows for h in row.hits for t in row.toks[h.start:h.end]}
    printed = spellings(doc_type)
    out = []
    for s in spans:
        if s.key in MULTI_VALUED:
            continue
        # the span's tokens as refs
        refs: list[Ref] = []
        n = 0
        for i, reg in enumerate(regions):
            for k, _ in enumerate(tokens(reg.text)):
                if s.start <= n < s.end:
                    refs.append((i, k))
                n += 1
        text = s.text
        tagged = list(refs)
        if s.key in WHOLE and refs:
            regs = sorted({i for i, _ in refs})
            wide = [(i, k) for i in regs for k in range(len(tokens(regions[i].text)))]
            toks = {(i, k): t for i in regs for k, t in enumerate(tokens(regions[i].text))}
            keep = [r for r in wide if r not in label_refs and not MARK_WORDS.match(toks[r]) and
                    not (doc_type == "credit_card" and NETWORK_WORDS.match(toks[r])) and
                    not re.fullmatch(r"[:：\-·▪■•|]+", toks[r])]
            if doc_type != "credit_card":  # a label OCR misread before the value ('소계지', '업대') is none of it
                while len(keep) > 1 and keep[0] not in tagged and label_like(toks[keep[0]], doc_type, short=True):
                    keep = keep[1:]
            if s.key in ("opening_date", "issue_date"):
                keep = wide
            if not keep:
                continue  # a mark ('SAMPLE', '견본'), a network or a label is no value
            refs = keep
            text = " ".join(toks[r] for r in keep)
            if text.count("(") > text.count(")"):  # a bracket left open goes on below: '(전포동,' / '우성아파트)'
                at = [n for n, row in enumerate(rows) if any(t.ref == refs[-1] for t in row.toks)]
                if at and at[0] + 1 < len(rows):
                    below = rows[at[0] + 1]
                    more = [t for t in below.toks if t.ref[0] not in regs]
                    if more and not below.hits and ")" in _text(more) and \
                            below.box[1] - rows[at[0]].box[3] < below.h:
                        refs = refs + [t.ref for t in more]
                        text = text + " " + _text(more)
        val = cut_value(s.key, text) if s.key not in WHOLE or s.key.endswith("date") else text.strip()
        if val is None or (text != s.text and not plausible(s.key, val, doc_type) and re.search(r"\d", text) and
                           not re.search(r"\d", s.text) and plausible(s.key, s.text.strip(), doc_type)):
            val, refs = s.text.strip(), tagged  # widening took in another value ('459-41-81931 홍길동'): as tagged
        if compact(val) in printed:
            continue  # a printed label ('대표', '합계') is no value of a field
        out.append(Candidate(s.key, val, refs, TAGGER_WEIGHT * s.score, "tagger"))
    return out


_LEGAL_OPEN = re.compile(r"\((주|유|사|합|재|의)$")


def _name_as_printed(value: str, doc_type: str) -> str:
    """A business's name less what OCR put around it: a speck read as a quote before it ('" 유한회사 ...'),
    a label glued on after it ('해오름인터내셔널(주대표자': the 대표자 of the next cell), and a legal form's
    bracket left open at its end then closed ('(주' -> '(주)')."""
    out = _NAME_START.sub("", value) or value
    printed = spellings(doc_type)
    for k in range(len(out) - 3, 0, -1):  # the longest label glued at the end
        tail = out[k:]
        if re.fullmatch(r"[가-힣]{3,}", tail) and compact(tail) in printed and out[:k].strip():
            out = out[:k].rstrip()
            break
    return _LEGAL_OPEN.sub(lambda m: f"({m.group(1)})", out)


def _receipt_sums(cands: list[Candidate], item_amounts: list[str]) -> None:
    """Totals that add up rank higher: ``합계 − 할인 = 결제금액`` and ``items = total``. In place."""
    disc = [abs(v.parse_amount(c.value) or 0) for c in cands if c.field == "discount" and c.ok]
    totals = [c for c in cands if c.field == "total" and c.ok]
    vals = {id(c): v.parse_amount(c.value) for c in totals}
    items = sum(v.parse_amount(a) or 0 for a in item_amounts) if item_amounts else None
    for c in totals:
        x = vals[id(c)]
        if x is None:
            continue
        for g in totals:
            y = vals[id(g)]
            if g is not c and y is not None and any(abs(y - d - x) < 0.5 for d in disc if d):
                c.score += 0.3  # the amount after the discount is the one paid
        if items is not None and abs(items - x) < 0.5:
            c.score += 0.1
    discount_refs = {r for c in cands if c.field == "discount" for r in c.refs}
    for c in totals:  # a discount line's amount is never the total
        if set(c.refs) & discount_refs:
            c.ok = False
    # nor is an amount below the tax or the supply value a labelled line prints: the total holds them both
    parts = [abs(v.parse_amount(c.value) or 0) for c in cands
             if c.field in ("tax", "subtotal") and c.ok and c.source == "label"]
    for c in totals:
        x = vals[id(c)]
        if x is not None and parts and abs(x) < max(parts) - 0.5:
            c.score -= 0.6


def choose_fields(regions: list[Region], doc_type: str, spans: list[FieldSpan] | None = None,
                  fields: list[str] | None = None, extra_labels: dict[str, list[str]] | None = None,
                  item_amounts: list[str] | None = None, rows: list[Row] | None = None,
                  rejected: list[Candidate] | None = None) -> dict[str, Candidate]:
    """The value of each single-valued field of ``doc_type`` (``fields``: those allowed; default all).
    ``rejected``: filled with the tagger's candidates that are no value at all (failing their field's fixed
    shape, another field's by their look, an amount that is none): their tags are to go."""
    rows = rows if rows is not None else rows_of(regions, doc_type, extra_labels)
    cands = _label_candidates(rows, doc_type) + pattern_candidates(rows, doc_type, regions)
    cands += _tagger_candidates(spans or [], regions, rows, doc_type)
    if fields is not None:
        cands = [c for c in cands if c.field in fields]
    tagged = {r for c in cands if c.source == "tagger" and c.field != "store_name" for r in c.refs}
    cands = [c for c in cands if not (c.field == "store_name" and c.source == "pattern" and set(c.refs) & tagged)]
    for c in cands:
        if c.field in NAME_FIELDS:  # a speck OCR read as a quote or a point beside a name ("' 박슬기") is none of it
            c.value = _NAME_EDGE.sub("", c.value) or c.value
        elif c.field in ("address", "business_address"):  # '서운득별시 ...': the province's name back
            c.value = address_as_printed(c.value)
        elif c.field in ("trade_name", "store_name", "company"):
            c.value = _name_as_printed(c.value, doc_type)
        if c.field in ("holder", "issuer") and doc_type == "credit_card":
            c.value = without_marks(c.value)  # 'JUNG RAMHA AMERICAN EXPRESS', 'OCEAN CREDITmastercard'
        c.ok = plausible(c.field, c.value, doc_type)
    if doc_type in ("receipt", ""):
        _receipt_sums(cands, item_amounts or [])
    chosen: dict[str, Candidate] = {}
    used: dict[Ref, str] = {}
    for c in sorted(cands, key=lambda c: -c.rank):
        if c.field in chosen:
            continue
        if any(used.get(r, c.field) not in (c.field, *SHARED.get(c.field, ())) for r in c.refs):
            continue
        if not c.ok and (c.field in AMOUNT_FIELDS or c.source != "tagger" or c.field in STRICT or
                         shape_of(c.value) not in (None, c.field, *SHARED.get(c.field, ()))):
            # a label's or a pattern's failing value is no value; an amount that is none neither, nor a tagged
            # value of a fixed shape that fails it (a barcode as the approval number), nor one that is another
            # field's by its look (a phone line as the time)
            if rejected is not None and c.source == "tagger":
                rejected.append(c)
            continue
        chosen[c.field] = c
        for r in c.refs:
            used[r] = c.field
    return chosen


LINKED_TYPES = ("receipt", "id_card", "business_registration", "credit_card")


def link_fields(regions: list[Region], doc_type: str, spans: list, tags: list[list[str]], scores: list[list[float]],
                labels: dict[str, list[str]] | None = None, schema: set[str] | None = None) -> dict:
    """Each single-valued field's value from the printed labels, patterns and the tagger's spans
    together (:func:`hanji.domain.kv_rank.choose_fields`); the tags are rewritten to match (the chosen
    value's tokens get the field's tags, the field's other tags go back to ``O``). ``schema``: the
    fields allowed (a project's entity types; default every field of the type). In place; returns
    ``{field: Candidate}``."""
    from hanji.domain.receipt_items import read_items
    from hanji.domain.schemas import DOC_TYPES

    fields = [f for f, _, _ in DOC_TYPES.get(doc_type, []) if f not in MULTI_VALUED and (not schema or f in schema)]
    rows = rows_of(regions, doc_type, labels)
    items = read_items(rows) if doc_type == "receipt" and (not schema or "item_name" in schema) else None
    printed = spellings(doc_type, labels)
    for s in spans:  # a printed label is never a value ('연락처', '에누리' tagged as item names; '대표' as the store)
        if compact(s.text) in printed:
            _clear(tags, s)
    if items:  # the item table read by its headings replaces the tagger's items
        for tg in tags:
            for k, t in enumerate(tg):
                if t[2:].startswith("item_"):
                    tg[k] = "O"
        for it in items:
            for f, (_, refs) in it.items():
                for n, (i, k) in enumerate(sorted(refs)):
                    if k < len(tags[i]):
                        tags[i][k] = ("B-" if n == 0 else "I-") + f
                        scores[i][k] = 1.0
        amounts = [it["item_amount"][0] for it in items]
    else:
        amounts = [s.text for s in spans if s.key == "item_amount"]
    rejected: list[Candidate] = []
    chosen = choose_fields(regions, doc_type, spans, fields, labels, amounts, rows, rejected)
    for c in rejected:  # a tagged value that is no value keeps no tags ('O' as the tax, a barcode as the approval)
        for i, k in c.refs:
            if k < len(tags[i]) and tags[i][k][2:] == c.field:
                tags[i][k] = "O"
    for row in rows:  # a printed label's own tokens keep no tag of a value ('대표' of '대표 권보율' as the store)
        for h in row.hits:
            if not h.rest:
                for t in row.toks[h.start:h.end]:
                    i, k = t.ref
                    if k < len(tags[i]) and tags[i][k] != "O":
                        tags[i][k] = "O"
    for f, c in chosen.items():
        if not c.refs:
            continue
        for tg in tags:
            for k, t in enumerate(tg):
                if t[2:] == f:
                    tg[k] = "O"
        for n, (i, k) in enumerate(sorted(c.refs)):
            if k < len(tags[i]):
                tags[i][k] = ("B-" if n == 0 else "I-") + f
                scores[i][k] = max(0.0, min(1.0, c.score / 1.5))
    return chosen


def _clear(tags: list[list[str]], span: FieldSpan) -> None:
    """``span``'s tags set back to ``O`` (token positions over ``tags`` as :func:`field_spans` counts them)."""
    n = 0
    for tg in tags:
        for k in range(len(tg)):
            if span.start <= n < span.end:
                tg[k] = "O"
            n += 1


def with_chosen(kvs: list[KeyValue], chosen: dict, ids: list) -> list[KeyValue]:
    """The key-values with the linked fields' values as chosen (cut to the value: ``02-123-4567`` of
    ``TEL:02-123-4567``); a chosen field no span carries (a card's network) is added."""
    out, seen = [], set()
    for kv in kvs:
        c = chosen.get(kv.key)
        if c is not None:
            if kv.key in seen:
                continue
            seen.add(kv.key)
            kv.value = c.value
            kv.confidence = round(max(0.0, min(1.0, c.score / 1.5)), 4)
        out.append(kv)
    for f, c in chosen.items():
        if f not in seen:
            rids = [ids[i] for i in sorted({i for i, _ in c.refs}) if ids[i] is not None]
            out.append(KeyValue(f, c.value, region_ids=rids, source="machine",
                                confidence=round(max(0.0, min(1.0, c.score / 1.5)), 4)))
    return out
