"""Key-value extraction: document type, BIO tags and fields of a document, with validator flags.

- :func:`extract_regions`: regions (text + quads) -> ``{"doc_type", "fields", "regions", "flags"}``.
- :func:`extract_images`: image files -> the same, reading them with the OCR pipeline first; this is
  ``hanji extract`` and the interface used to evaluate Hanji's key-value extraction.
- proposals in a project (``propose``, ``confirm``) are in :mod:`hanji.jobs.propose`.
- :func:`mask_fields`: personal numbers and names masked for export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from hanji.domain import KeyValue, Region
from hanji.domain.fields import MULTI_VALUED, drop_spans, field_spans, fields_dict, keyvalues_from_spans, pick_spans
from hanji.domain.kv_rank import LINKED_TYPES, link_fields, with_chosen
from hanji.domain.labels import labelled_fields
from hanji.domain.receipt_header import (
    header_name,
    latin_address_as_printed,
    legal_form_as_printed,
    name_letters,
    name_without_number,
    seller_address_line,
)
from hanji.domain.receipt_rules import (
    address_block,
    company_lines,
    date_candidates,
    entity_grade,
    name_length,
    name_runs,
    name_start,
    under_wider_name,
)
from hanji.domain.receipt_total import total_candidates
from hanji.domain.schemas import DOC_TYPES
from hanji.domain.text import tokens
from hanji.domain.validators import FIELD_MASKS, check_field, check_items_total, mask_number
from hanji.domain.values import AMOUNT_FIELDS, BUSINESS_NUMBER_TYPES, amount_as_printed, unlike_type, won_amount
from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.vocab import correct_keyvalues
from hanji.models import zoo

DOC_TYPE_CHOICES = ("auto", "receipt", "id_card", "business_registration", "credit_card", "funsd", "sroie")


def load_predictor(model: str | Path | None = None):
    """The tagger at ``model`` (a file written by ``hanji train tagger``), or the shipped Korean one."""
    return zoo.tagger(model)


def flags_for(doc_type: str, kvs: list[KeyValue]) -> list[dict[str, str]]:
    """Validator results that are not ok, as review flags ``{"key", "value", "level", "reason"}``."""
    out = []
    for kv in kvs:
        c = check_field(kv.key, kv.value, doc_type)
        if not c.ok:
            out.append({"key": kv.key, "value": kv.value, "level": c.level, "reason": c.reason})
    amounts = [kv.value for kv in kvs if kv.key == "item_amount"]
    total = next((kv.value for kv in kvs if kv.key == "total"), None)
    if amounts and total and doc_type in ("receipt", ""):
        sub = next((kv.value for kv in kvs if kv.key == "subtotal"), None)
        tax = next((kv.value for kv in kvs if kv.key == "tax"), None)
        c = check_items_total(amounts, total, sub, tax)
        if not c.ok:
            out.append({"key": "total", "value": total, "level": c.level, "reason": c.reason})
    return out


def _model_type(doc_type: str, predictor) -> str | None:
    """The type to force on the tagger: None to classify; 'sroie'/'funsd' map onto the one type a
    model trained on such a project knows."""
    if doc_type in ("", "auto"):
        return None
    if doc_type in predictor.doc_types:
        return doc_type
    if len(predictor.doc_types) == 1:
        return predictor.doc_types[0]
    return None


def extract_regions(regions: list[Region], doc_type: str = "auto", predictor=None,
                    fill_min_prob: float = 0.1, rule_weight: float = 1.0, vocab=None, link: bool = True,
                    labels: dict[str, list[str]] | None = None, schema: set[str] | None = None) -> dict[str, Any]:
    """Tags, fields and flags for ``regions`` (any order; the result is in reading order). A
    single-valued field (total, date) tagged more than once keeps one span, the tags and the
    key-values alike (:func:`hanji.domain.fields.pick_spans`). ``fill_min_prob``: see :func:`fill_missing_fields` (0 turns the filling off).
    ``rule_weight``: weight of the receipt rules' opinion on the total (:func:`choose_total`; 0 turns it off).
    ``vocab``: a project's field vocabulary (:func:`hanji.jobs.vocab.project_vocabulary`): OCR slips in
    the values' words are corrected against it (:func:`hanji.domain.vocab.correct_value`); the result's
    ``"corrections"`` lists them (``{"key", "read", "value", "words": [[before, after], ...]}``; the
    regions keep the text as read). ``link``: printed labels linked to their values and candidates
    ranked by validators (:func:`hanji.domain.kv_rank.link_fields`; Korean document types); ``labels``: a project's own
    label spellings per field, added to :data:`hanji.domain.labels.LABELS`; ``schema``: the fields a
    project has (its entity types): the linking proposes no other."""
    predictor = predictor or load_predictor()
    regions = [r for r in regions if r.text.strip()]
    forced = _model_type(doc_type, predictor)
    pred = predictor.predict(regions, doc_type=forced)
    texts = [r.text for r in regions]
    if forced is None and unlike_type(pred.doc_type, texts):  # of the types it can be, the one its labels say
        others = [t for t in BUSINESS_NUMBER_TYPES if t in pred.type_scores]
        if others:
            best = max(others, key=lambda t: (labelled_fields(texts, t), pred.type_scores[t]))
            pred = predictor.predict(regions, doc_type=best)
    ordered = [regions[i] for i in pred.order]
    tags = [pred.tags[i] for i in pred.order]
    scores = [pred.scores[i] for i in pred.order]
    out_type = doc_type if doc_type not in ("", "auto") else pred.doc_type
    probs = [pred.probs[i] for i in pred.order] if getattr(pred, "probs", None) is not None else None
    if fill_min_prob > 0 and probs is not None and hasattr(predictor, "fields_of"):
        fill_missing_fields(tags, scores, probs, pred.tag_names, predictor.fields_of(pred.doc_type), fill_min_prob)

    def ruled(field: str) -> bool:  # the receipt rules weigh in on fields the tagger has for this type
        return "B-" + field in pred.tag_names and (not hasattr(predictor, "fields_of")
                                                   or field in predictor.fields_of(pred.doc_type))

    if rule_weight > 0 and probs_ok(pred):
        if ruled("total"):
            choose_total(ordered, tags, scores, probs, pred.tag_names, rule_weight * TOTAL_RULE_WEIGHT)
        if ruled("date"):
            choose_date(ordered, tags, scores, probs, pred.tag_names, rule_weight)
        for f in ("company", "store_name"):
            if ruled(f):
                choose_name(ordered, tags, scores, probs, pred.tag_names, f, rule_weight * NAME_RULE_WEIGHT)
        if ruled("address") and out_type not in LINKED_TYPES:
            choose_address(ordered, tags, scores)
    spans = field_spans(ordered, tags, scores)
    chosen = {}
    if link and out_type in LINKED_TYPES:  # labels linked to values, validators ranking them with the tagger's spans
        chosen = link_fields(ordered, out_type, spans, tags, scores, labels, schema)
        spans = field_spans(ordered, tags, scores)
    kept = pick_spans(spans, out_type)  # one span per single-valued field: the tags say what the fields say
    if len(kept) < len(spans):
        kept_ids = {id(s) for s in kept}
        tags = drop_spans(tags, [s for s in spans if id(s) not in kept_ids])
        spans = kept
    ids = [r.id for r in ordered]
    kvs = keyvalues_from_spans(spans, out_type, ids if all(i is not None for i in ids) else None)
    if chosen:
        kvs = with_chosen(kvs, chosen, ids)
    for kv in kvs:  # 'Total:$6.90' -> '$6.90': the amount, not the label OCR glued to it
        if kv.key in AMOUNT_FIELDS:
            kv.value = amount_as_printed(kv.value)
            if out_type in LINKED_TYPES:  # a Korean amount: '1.000' is 1,000 won, '~400' is -400
                kv.value = won_amount(kv.value)
        elif kv.key in ("company", "store_name"):  # 'Sdin Bhd' -> 'Sdn Bhd'
            kv.value = legal_form_as_printed(name_letters(name_without_number(kv.value)))
        elif kv.key == "address":  # 'KENARI 5.BANDAR' -> 'KENARI 5,BANDAR'
            kv.value = latin_address_as_printed(kv.value)
        elif kv.key == "item_quantity":  # '1x' of '1x 800': the quantity, not the 'x' OCR glued to it
            kv.value = re.sub(r"(?<=\d)\s*[xX×*]$", "", kv.value)
    corrections = correct_keyvalues(kvs, vocab) if vocab else []
    key_of: dict[int, str] = {}
    for s in spans:
        for i in s.region_indices:
            key_of.setdefault(i, s.key)
    regs = []
    for i, r in enumerate(ordered):
        regs.append({"points": [[round(x, 1), round(y, 1)] for x, y in r.points], "text": r.text,
                     "score": round(r.confidence, 4) if r.confidence is not None else None,
                     "key": key_of.get(i, ""), "tags": tags[i]})
    return {"doc_type": out_type, "type_scores": {k: round(v, 4) for k, v in pred.type_scores.items()},
            "fields": fields_dict(kvs), "regions": regs, "flags": flags_for(out_type, kvs),
            "corrections": corrections, "keyvalues": kvs, "ordered": ordered}


def probs_ok(pred) -> bool:
    return getattr(pred, "probs", None) is not None and bool(pred.tag_names)


def _global_token(tags: list[list[str]], region: int, token: int) -> int:
    """The index of a region's token in the document's token sequence (as :func:`field_spans` counts)."""
    return sum(len(t) for t in tags[:region]) + token


def _choose_graded(key: str, cands: list, tags: list[list[str]], scores: list[list[float]],
                   probs: list[list[list[float]]], tag_names: list[str], weight: float, regions: list[Region]) -> None:
    """One span of ``key`` from the rules' graded candidates (``region``, token range ``start..end``,
    ``grade``) and the tagger together: a candidate scores ``weight`` times its grade plus the
    tagger's probability that ``key`` begins at its first token; the tagger's own spans of ``key``
    that are no candidate score their mean probability. The best wins; every other tag of ``key``
    goes back to ``O``. In place."""
    if not cands:
        return
    b = tag_names.index("B-" + key)
    covered = {_global_token(tags, c.region, k) for c in cands for k in range(c.start, max(c.end, c.start + 1))}
    # the tagger's spans that begin inside a candidate are that candidate ('2017' of ':04 Jan 2017')
    own = [s for s in field_spans(regions, tags, scores) if s.key == key and s.start not in covered]

    def p_of(c) -> float:  # the tagger's chance that the value begins at one of the candidate's tokens
        ps = probs[c.region]
        return max((ps[k][b] for k in range(c.start, min(max(c.end, c.start + 1), len(ps)))), default=0.0)

    best = max(cands, key=lambda c: weight * c.grade + p_of(c))
    if own and max(s.score for s in own) >= weight * best.grade + p_of(best):
        return
    for tg in tags:
        for k, t in enumerate(tg):
            if t in ("B-" + key, "I-" + key):
                tg[k] = "O"
    for k in range(best.start, min(best.end, len(tags[best.region]))):
        tags[best.region][k] = ("B-" if k == best.start else "I-") + key
        scores[best.region][k] = max(p_of(best), min(1.0, best.grade))


def choose_total(regions: list[Region], tags: list[list[str]], scores: list[list[float]],
                 probs: list[list[list[float]]], tag_names: list[str], weight: float = 1.0) -> None:
    """The total, from the tagger and the receipt rules together (:func:`_choose_graded`): the
    candidates are the amounts whose label says they are the total
    (:func:`hanji.domain.receipt_total.total_candidates`). In place (regions in reading order)."""
    _choose_graded("total", total_candidates(regions), tags, scores, probs, tag_names, weight, regions)


# how much the rules' grade counts next to the tagger's probability (0..1): a label that says 'total'
# outweighs an unlabelled amount the tagger is sure of; so does a legal form ('SDN BHD', '(주)') on a
# head line over a line without one the tagger prefers (a brand, a person's name), while a weaker
# business word ('ENTERPRISE', 'TRADING': 0.6 x 1.5) still leaves the tagger a say. Chosen on a
# development split inside SROIE's training receipts (2 folds of 19: company F1 0.76 at 1.0, 0.82 at
# 1.5; 0.5 before the name-line rules); the shipped Korean tagger's store_name stays 1.0 on 100
# held-out receipts
TOTAL_RULE_WEIGHT = 1.5
NAME_RULE_WEIGHT = 1.5


def choose_date(regions: list[Region], tags: list[list[str]], scores: list[list[float]],
                probs: list[list[list[float]]], tag_names: list[str], weight: float = 1.0) -> None:
    """The date of the sale, from the tagger and the receipt rules together (:func:`_choose_graded`):
    the candidates are every date printed (:func:`hanji.domain.receipt_rules.date_candidates`); one labelled
    as an expiry, due or validity date scores :data:`DATE_VETO`, below any other. In place."""
    cands = date_candidates(regions)
    for c in cands:  # an expiry or due date is not the sale's, even where the tagger is sure of it
        if c.grade <= 0:
            c.grade = DATE_VETO
    _choose_graded("date", cands, tags, scores, probs, tag_names, weight, regions)


DATE_VETO = -1.0


def choose_name(regions: list[Region], tags: list[list[str]], scores: list[list[float]],
                probs: list[list[list[float]]], tag_names: list[str], key: str, weight: float = NAME_RULE_WEIGHT) -> None:
    """The seller's name (``company`` / ``store_name``), from the tagger and the receipt rules
    together. Candidates: the tagger's spans of ``key`` widened to whole lines, and the head lines
    that name a business by its legal form (:func:`hanji.domain.receipt_rules.company_lines`), each
    cleaned by :func:`hanji.domain.receipt_rules.name_runs` (no address, contact, title or number-only
    lines; a line ending in '&' or an open bracket goes on to the next; a line printed double width is
    apart from the lines beside it; a label before the name, ``상호:``, and a company number after it are
    no part of it). A candidate right under a name line printed double width, with no legal form, is a
    tagline and no candidate (:func:`hanji.domain.receipt_rules.under_wider_name`). Where the head prints the seller's
    address (:func:`hanji.domain.receipt_header.seller_address_line`) only candidates that start above
    it are kept, and where all start below it (or there is none) the name lines right above it are the one candidate
    (:func:`hanji.domain.receipt_header.header_name`). Each
    scores the tagger's mean probability of ``key`` over its tokens plus ``weight`` times the best
    legal-form grade of its lines; the best becomes the one span of ``key``. In place."""
    bi = [i for i, t in enumerate(tag_names) if t in ("B-" + key, "I-" + key)]

    def p_line(r: int) -> float:
        ps = probs[r]
        return sum(sum(p[i] for i in bi) for p in ps) / len(ps) if ps else 0.0

    cands: list[list[int]] = []
    for s in field_spans(regions, tags, scores):
        if s.key == key:
            cands += [c for c in name_runs(regions, list(s.region_indices)) if c not in cands]
    for r, _ in company_lines(regions):
        if not any(r in c for c in cands) and name_length(tokens(regions[r].text)):
            cands += [c for c in name_runs(regions, [r]) if c not in cands]
    # a tagline under a name printed double width ('BISTRO & CAFE' under 'THREE STOOGES') is no name
    cands = [c for c in cands if not under_wider_name(regions, c)] or cands
    address = seller_address_line([r.text for r in regions])
    if address is not None:  # the seller is named above its address; a business named below it is another
        above = [c for c in cands if c[0] < address]  # (and where nothing else names one, the lines above it do)
        head = header_name(regions, address)
        cands = above or ([head] if head else cands)
    for tg in tags:  # the tagger's spans are candidates now; a span on no name line at all ('1950') goes
        for k, t in enumerate(tg):
            if t in ("B-" + key, "I-" + key):
                tg[k] = "O"
    if not cands:
        return

    def score(lines: list[int]) -> float:
        return (sum(p_line(r) for r in lines) / len(lines)
                + weight * max(entity_grade(regions[r].text) for r in lines))

    best = max(cands, key=score)
    first = True
    for r in best:
        toks = tokens(regions[r].text)
        n = name_length(toks)  # '99 SPEED MART S/B (519537-X)': the number is not the name
        for k in range(min(name_start(toks), n - 1) if n else 0, n):  # nor is a label before it ('상호:')
            tags[r][k] = ("B-" if first else "I-") + key
            scores[r][k] = max(scores[r][k], p_line(r))
            first = False


def choose_address(regions: list[Region], tags: list[list[str]], scores: list[list[float]]) -> None:
    """The address, from the tagger's spans widened to whole lines and to the address lines next to them
    (:func:`hanji.domain.receipt_rules.address_block`: 'LOT 50,FLOOR T2,SKY AVENUE' + 'PAHANG,69000
    PAHANG' where the tagger tagged 'T2,Sky'). Only the lines of the first span's block. In place
    (regions in reading order)."""
    lines = [i for i, tg in enumerate(tags) if any(t in ("B-address", "I-address") for t in tg)]
    if not lines:
        return
    first = [i for i in lines if i <= lines[0] + 3]  # the first address; a second, far below, is another's
    block = address_block([r.text for r in regions], first)
    if not block:
        return
    for tg in tags:
        for k, t in enumerate(tg):
            if t in ("B-address", "I-address"):
                tg[k] = "O"
    start = True
    for i in block:
        for k in range(len(tags[i])):
            if tags[i][k] == "O":
                tags[i][k] = "B-address" if start else "I-address"
                scores[i][k] = max(scores[i][k], 0.5)
                start = False


def fill_missing_fields(tags: list[list[str]], scores: list[list[float]], probs: list[list[list[float]]],
                        tag_names: list[str], fields: list[str], min_prob: float = 0.02) -> None:
    """Every document of a type has its single-valued fields (a receipt has one total): a field the
    best tag path left out is put on the token most likely to begin it (when that chance is at least
    ``min_prob``), continued over the next tokens whose likeliest tag, O aside, is its ``I-``.
    Changes ``tags`` and ``scores`` in place (regions in reading order)."""
    index = {t: i for i, t in enumerate(tag_names)}
    present = {t[2:] for tg in tags for t in tg if t != "O"}
    flat = [(r, k) for r in range(len(tags)) for k in range(len(tags[r]))]
    for f in fields:
        if f in present or f in MULTI_VALUED or "B-" + f not in index:
            continue
        b, i_tag = index["B-" + f], index.get("I-" + f)
        best = max(range(len(flat)), key=lambda n: probs[flat[n][0]][flat[n][1]][b], default=None)
        if best is None:
            continue
        r, k = flat[best]
        if probs[r][k][b] < min_prob or tags[r][k] != "O":
            continue
        tags[r][k] = "B-" + f
        scores[r][k] = probs[r][k][b]
        n = best + 1
        while i_tag is not None and n < len(flat):
            r2, k2 = flat[n]
            p = probs[r2][k2]
            rest = [x for j, x in enumerate(p) if j != index["O"]] if "O" in index else p
            if tags[r2][k2] != "O" or p[i_tag] < max(rest) or p[i_tag] < min_prob:
                break
            tags[r2][k2] = "I-" + f
            scores[r2][k2] = p[i_tag]
            n += 1


def mask_fields(fields: dict[str, Any], personal: set[str] | None = None) -> dict[str, Any]:
    """Personal numbers and names masked (first digits kept): resident numbers, card numbers, names."""
    out: dict[str, Any] = {}
    for k, v in fields.items():
        fn = FIELD_MASKS.get(k)
        if fn is None and personal and k in personal:
            fn = mask_number
        if fn is None:
            out[k] = v
        else:
            out[k] = [fn(x) for x in v] if isinstance(v, list) else fn(v)
    return out


def personal_fields(doc_type: str = "") -> set[str]:
    """Field names that carry personal data (the schema's ``personal`` flag)."""
    return {name for dt, fields in DOC_TYPES.items() if not doc_type or dt == doc_type
            for name, _, personal in fields if personal}


def _mask_regions(res: dict[str, Any]) -> None:
    for r in res["regions"]:
        fn = FIELD_MASKS.get(r["key"])
        if fn is not None:
            r["text"] = fn(r["text"])


def extract_images(paths: Sequence[str | Path], doc_type: str = "auto", model: str | Path | None = None,
                   pipeline: Any = None, mask: bool = False, progress: Progress = no_progress,
                   cancel: CancelToken | None = None, vocab: Any = None,
                   labels: dict[str, list[str]] | None = None) -> Iterator[dict[str, Any]]:
    """One result per image: ``{"image", "doc_type", "fields", "regions": [{"points", "text", "score",
    "key"}], "flags", "corrections"}``. ``mask``: personal numbers and names masked in fields and
    region texts. ``vocab``: a field vocabulary the values' OCR slips are corrected against
    (:func:`hanji.jobs.vocab.project_vocabulary`); ``labels``: a project's own labels per field
    (:func:`hanji.jobs.propose.project_labels`)."""
    from hanji.models.pipeline import load_image

    if doc_type not in DOC_TYPE_CHOICES:
        raise HanjiError(f"unknown document type {doc_type!r}; choose one of {', '.join(DOC_TYPE_CHOICES)}")
    predictor = load_predictor(model)
    if pipeline is None:
        pipeline = zoo.pipeline("ppocr_en" if doc_type in ("funsd", "sroie") else "ko")
    paths = list(paths)
    for i, p in enumerate(paths):
        if cancel:
            cancel.check()
        progress(i, len(paths), str(p))
        regions = pipeline.page(load_image(p))
        res = extract_regions(regions, doc_type, predictor, vocab=vocab, labels=labels)
        res.pop("keyvalues")
        res.pop("ordered")
        for r in res["regions"]:
            r.pop("tags", None)
        if mask:
            res["fields"] = mask_fields(res["fields"])
            _mask_regions(res)
            res["corrections"] = [c for c in res["corrections"] if c["key"] not in FIELD_MASKS]
        yield {"image": str(p), **res}
    progress(len(paths), len(paths), "")
