"""Values printed without a label, found by their look: a ``○○세무서장`` line, a ``○○구청장`` line, a card's
number, expiry, holder, issuer and network mark, a receipt's business number, phone and first date.
Candidates for :func:`hanji.domain.kv_rank.choose_fields`, graded below a labelled value. Pure functions."""

from __future__ import annotations

import re

from hanji.domain.kv_link import Candidate, Row, _text
from hanji.domain.labels import compact
from hanji.domain.model import Region
from hanji.domain.values import (
    ISSUER_WORDS,
    MARK_WORDS,
    NETWORK_WORDS,
    cut_value,
    network_in_text,
    network_of_number,
    plausible,
)


def _card_groups(row: Row) -> list[Candidate]:
    """Card numbers from a row of digit groups with one stray group left out (OCR reads the chip's
    edge as a ``1``): those whose digits pass Luhn."""
    from hanji.domain.validators import luhn_ok

    groups = [t for t in row.toks if t.text.isdigit()]
    out = []
    if 4 <= len(groups) <= 7:
        for skip in range(len(groups)):
            kept = groups[:skip] + groups[skip + 1:]
            d = "".join(t.text for t in kept)
            if 13 <= len(d) <= 19 and len(groups[skip].text) <= 2 and luhn_ok(d):
                out.append(Candidate("card_number", " ".join(t.text for t in kept), [t.ref for t in kept], 0.65,
                                     "pattern"))
    return out


def _card_words(row: Row) -> list[list]:
    """A row's words region by region, a card's printed marks (SAMPLE, network names) left out."""
    refs = sorted({t.ref[0] for t in row.toks})
    return [[t for t in row.toks if t.ref[0] == reg and not MARK_WORDS.match(t.text) and not NETWORK_WORDS.match(t.text)]
            for reg in refs]


def pattern_candidates(rows: list[Row], doc_type: str, regions: list[Region]) -> list[Candidate]:
    out: list[Candidate] = []
    n = len(rows)
    # the top row, when it holds words (not only numbers or marks) and there are more rows under it
    first_words = 0 if len(rows) >= 3 and re.search(r"[가-힣A-Za-z]{2}", _text(rows[0].toks)) and \
        len(re.findall(r"\d", _text(rows[0].toks))) <= 2 else -1
    for ri, row in enumerate(rows):
        text = _text(row.toks)
        refs = [t.ref for t in row.toks]
        if doc_type == "business_registration":
            m = re.search(r"([가-힣]+\s?세\s?무\s?서\s?장)", text)
            if m:
                out.append(Candidate("issuer", m.group(1), [t.ref for t in row.toks if compact(t.text) in compact(m.group(1))]
                                     or refs, 0.9, "pattern"))
            if not row.hits and ri > n * 0.5:
                dv = cut_value("issue_date", text)
                if dv and re.fullmatch(r"[\d\s년월일./\-]+", text.strip()):
                    out.append(Candidate("issue_date", dv, refs, 0.6, "pattern"))
        elif doc_type == "id_card":
            m = re.search(r"^(?:[가-힣]+\s)?[가-힣]+(?:특별시|광역시|특별자치시|도|시)\s?(?:[가-힣]+\s?)*[가-힣]*(?:청장|시장|군수|구청장)$",
                          text.strip())
            if m and not row.hits:
                out.append(Candidate("issuer", text.strip(), refs, 0.8, "pattern"))
            if not row.hits:
                dv = cut_value("issue_date", text)
                if dv and not re.search(r"\d{6}\s?-\s?\d{7}", text):
                    out.append(Candidate("issue_date", dv, [t.ref for t in row.toks if compact(t.text) in compact(dv)] or refs,
                                         0.5, "pattern"))
            rv = cut_value("resident_number", text)
            if rv:
                out.append(Candidate("resident_number", rv, [t.ref for t in row.toks if compact(t.text) in compact(rv)] or refs,
                                     0.6, "pattern"))
        elif doc_type == "credit_card":
            ev = cut_value("expiry", text)
            if ev:
                out.append(Candidate("expiry", ev, [t.ref for t in row.toks if compact(ev).startswith(compact(t.text)) or
                                                    compact(t.text) in compact(ev)] or refs, 0.6, "pattern"))
            cv = cut_value("card_number", text)
            if cv and len(re.sub(r"\D", "", cv)) >= 13:
                out.append(Candidate("card_number", cv, [t.ref for t in row.toks if compact(t.text) in compact(cv)] or refs,
                                     0.6, "pattern"))
            out += _card_groups(row)
        elif doc_type == "receipt":
            if ri == first_words and not row.hits:  # the top line, words and no label: the store's name, as a
                # last resort (the tagger's or a label's name ranks above it; none over a tagged value)
                out.append(Candidate("store_name", text.strip(), refs, 0.4, "pattern"))
            for fld in ("business_number", "phone"):
                fv = cut_value(fld, text)
                if fv and plausible(fld, fv, doc_type):
                    out.append(Candidate(fld, fv, [t.ref for t in row.toks if compact(t.text) in compact(fv)] or refs,
                                         0.5, "pattern"))
            dv = cut_value("date", text)
            if dv and plausible("date", dv):  # the first date printed is the sale's (later ones: approval, expiry)
                grade = 0.3 if any(c.field == "date" and c.source == "pattern" for c in out) else 0.8
                out.append(Candidate("date", dv, [t.ref for t in row.toks if compact(t.text) in compact(dv)] or refs, grade,
                                     "pattern"))
                tv = cut_value("time", text.replace(dv, " "))
                if tv:
                    out.append(Candidate("time", tv, [t.ref for t in row.toks if compact(t.text) in compact(tv)] or refs,
                                         grade, "pattern"))
    if doc_type == "credit_card":  # the issuer: a line naming a bank or card company, else the top line
        first = True
        for row in rows:
            for words in _card_words(row):
                text = _text(words)
                if not words or row.hits or not re.search(r"[가-힣A-Za-z]{2}", text) or re.search(r"\d", text):
                    continue
                grade = 0.7 if ISSUER_WORDS.search(text) else (0.5 if first else 0.0)
                first = False
                if grade:
                    out.append(Candidate("issuer", text, [t.ref for t in words], grade, "pattern"))
        top = rows[0].box[1] if rows else 0.0
        bottom = max((r.box[3] for r in rows), default=1.0)
        for row in rows:  # the holder: a name in the lower half (romanised capitals or 2-4 syllables)
            if row.hits or (row.box[1] + row.box[3]) / 2 <= (top + bottom) / 2:
                continue
            for words in _card_words(row):
                text = _text(words)
                if words and not ISSUER_WORDS.search(text) and (re.fullmatch(r"[A-Z]{1,12}(?: [A-Z]{1,12}){1,3}", text) or
                                                                 re.fullmatch(r"[가-힣]{2,4}", text)):
                    out.append(Candidate("holder", text, [t.ref for t in words], 0.5, "pattern"))
        found = network_in_text(" ".join(r.text for r in regions))
        num = next((c.value for c in out if c.field == "card_number"), None)
        if found:
            out.append(Candidate("network", found, [], 1.0, "pattern"))
        elif num and network_of_number(num):
            out.append(Candidate("network", network_of_number(num), [], 0.7, "pattern"))
    return out
