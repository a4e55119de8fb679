"""Layout-independent key-values: printed labels linked to their values by geometry, candidates ranked
by validators. Pure functions over regions (text + quads), no model.

1. Rows: the regions, the page's tilt taken out, are grouped into rows (vertical overlap); each
   region's tokens get a share of its box.
2. Labels (:mod:`hanji.domain.labels`) are found in each row, whatever their spacing.
3. Each label's value is looked for to its right on the same row (up to the next label or a wide
   gap) and in the rows just below it; each place is scored by :func:`link_score`, a logistic model
   of the label's and the value's boxes fitted on FUNSD's question -> answer links
   (``tools/fit_kv_link.py``). A value is the whole run of tokens there, never its first token, and
   goes on over the next lines for addresses; the field's pattern is then cut out of it
   (:func:`hanji.domain.values.cut_value`).
4. Candidates from labels, from patterns printed without a label (a ``○○세무서장`` line, a network
   mark, a valid business number) and from the tagger's spans compete per field: a value that fails
   its field's validator (:func:`hanji.domain.values.plausible`) loses to one that passes; then a
   label beats a pattern, a pattern the tagger, and among labels the surer spelling and the better
   placed value. A token goes to one field only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from hanji.domain import geometry
from hanji.domain.labels import LabelHit, compact, find_labels, label_like
from hanji.domain.model import Region
from hanji.domain.text import tokens
from hanji.domain.values import (
    _AMOUNT,
    MULTILINE,
    cut_value,
    plausible,
    won_amount,
)

Box = tuple[float, float, float, float]
Ref = tuple[int, int]  # (region index, token index)

# logistic weights of link_score, fitted on FUNSD's 30 training forms by tools/fit_kv_link.py (895 linked
# question -> answer pairs, 8,949 unlinked ones nearby); on the 50 test forms the best-scoring answer is a
# linked one for 579 of 594 linked questions (0.975; the nearest answer: 0.758)
LINK_WEIGHTS = (5.745, 0.094, -1.152, 2.489, -0.269, -1.545, -5.087, -6.012)
LINK_BIAS = 1.251


@dataclass
class Tok:
    ref: Ref
    text: str
    box: Box


@dataclass
class Row:
    toks: list[Tok]
    box: Box
    h: float
    hits: list[LabelHit] = field(default_factory=list)


@dataclass
class Candidate:
    field: str
    value: str
    refs: list[Ref]
    score: float  # before the validator's say
    source: str  # label | pattern | tagger
    ok: bool = True

    @property
    def rank(self) -> float:
        return self.score + (1.0 if self.ok else -1.0)


def _token_boxes(box: Box, toks: list[str]) -> list[Box]:
    x0, y0, x1, y1 = box
    total = sum(len(t) for t in toks) + max(0, len(toks) - 1)
    step = (x1 - x0) / max(1, total)
    out, pos = [], 0
    for t in toks:
        out.append((x0 + pos * step, y0, x0 + (pos + len(t)) * step, y1))
        pos += len(t) + 1
    return out


def text_angle(regions: list[Region]) -> float:
    """The text's angle (radians): the width-weighted median of the top edges' angles of the regions
    at least twice as wide as tall (0 when their boxes are upright)."""
    votes = []
    for r in regions:
        if len(r.points) != 4:
            continue
        (x0, y0), (x1, y1), _, (x3, y3) = r.points
        w, h = math.dist((x0, y0), (x1, y1)), math.dist((x0, y0), (x3, y3))
        if w >= 2 * h > 0:
            votes.append((math.atan2(y1 - y0, x1 - x0), w))
    a = geometry.median_angle(votes)
    return a if abs(a) < math.radians(30) else 0.0


# a page turned by more than this, or whose text lines turn by more than it from top to bottom (a photo
# taken at an angle: perspective turns each printed line by its own angle), is levelled band by band
# (:func:`local_angles`)
PERSPECTIVE_SPREAD = math.radians(1.0)
_SEARCH = [math.radians(0.25 * k) for k in range(-7, 8)]  # angles tried about the slants', +-1.75 degrees


def _level_y(points, angle: float) -> float:
    """The centre's height once the page is levelled by ``angle`` (the same along a printed line)."""
    return sum(p[1] for p in geometry.unrotate(points, angle)) / max(1, len(points))


def _band_angle(centres: list[tuple[float, float]], h: float, angle: float) -> float:
    """The angle, within 1.75 degrees of ``angle`` (less than half the turn that would bring one row level
    with the next, at a slip's width), at which the most region centres far apart across the page
    (more than 4 text heights) come level with one another (a projection profile of the centres: a row's
    label and its value at the far right end agree on it better than the regions' own slants do)."""
    best, best_score = angle, 0.0
    for d in _SEARCH:
        c, s_ = math.cos(-(angle + d)), math.sin(-(angle + d))
        ys = [(x * s_ + y * c, x) for x, y in centres]
        score = 0.0
        for j in range(len(ys)):
            for k in range(j + 1, len(ys)):
                if abs(ys[j][1] - ys[k][1]) > 4 * h:
                    score += max(0.0, 1.0 - abs(ys[j][0] - ys[k][0]) / (0.4 * h))
        if score > best_score + 1e-9 or (abs(score - best_score) <= 1e-9 and abs(d) < abs(best - angle)):
            best, best_score = angle + d, score
    return best


def local_angles(regions: list[Region], angle: float) -> list[float]:
    """The angle to level each region by: the page's (``angle``, from the regions' slants) on a page
    nearly level whose lines agree (a scan, a render); on a page turned by more than
    :data:`PERSPECTIVE_SPREAD`, or whose slants at the top and the bottom differ by more (a photo taken at
    an angle), the angle of its band of rows (about six text heights) found by :func:`_band_angle`,
    so that a value printed at a row's right end stays on its label's row."""
    votes = []
    for r in regions:
        if len(r.points) == 4:
            (x0, y0), (x1, y1), _, (x3, y3) = r.points
            w, hh = math.dist((x0, y0), (x1, y1)), math.dist((x0, y0), (x3, y3))
            if w >= 2 * hh > 0:
                votes.append((_level_y(r.points, angle), math.atan2(y1 - y0, x1 - x0), w))
    if len(votes) < 6 or abs(angle) >= math.radians(30):
        return [angle] * len(regions)
    votes.sort()
    third = len(votes) // 3
    spread = abs(geometry.median_angle([(a, w) for _, a, w in votes[:third]]) -
                 geometry.median_angle([(a, w) for _, a, w in votes[-third:]]))
    if spread < PERSPECTIVE_SPREAD and abs(angle) < PERSPECTIVE_SPREAD:
        return [angle] * len(regions)
    boxes = [geometry.bbox(geometry.unrotate(r.points, angle)) for r in regions if len(r.points) >= 2]
    hs = sorted(b[3] - b[1] for b in boxes)
    h = max(1.0, hs[len(hs) // 2]) if hs else 1.0
    ys = [_level_y(r.points, angle) if r.points else 0.0 for r in regions]
    centres = [(sum(p[0] for p in r.points) / max(1, len(r.points)), sum(p[1] for p in r.points) / max(1, len(r.points)))
               for r in regions]
    band = 6 * h
    cache: dict[int, float] = {}
    out = []
    for i in range(len(regions)):
        b = int(ys[i] // band)
        if b not in cache:
            near = [centres[j] for j in range(len(regions)) if abs(ys[j] - (b + 0.5) * band) <= band]
            cache[b] = _band_angle(near, h, angle)
        out.append(cache[b])
    return out


def rows_of(regions: list[Region], doc_type: str, extra_labels: dict[str, list[str]] | None = None) -> list[Row]:
    """The regions' tokens grouped into rows, top to bottom, each left to right, with the labels found.
    The regions are levelled first (:func:`text_angle`; line by line on a photo's perspective:
    :func:`local_angles`)."""
    angle = text_angle(regions)
    angles = local_angles(regions, angle)
    items = []
    for i, r in enumerate(regions):
        toks = tokens(r.text)
        if not toks or len(r.points) < 2:
            continue
        box = geometry.bbox(geometry.unrotate(r.points, angles[i]) if angles[i] else r.points)
        items.append((i, toks, box))
    items.sort(key=lambda it: (it[2][1] + it[2][3]) / 2)
    rows: list[list[tuple[int, list[str], Box]]] = []
    for it in items:
        yc, h = (it[2][1] + it[2][3]) / 2, it[2][3] - it[2][1]
        for row in reversed(rows[-4:]):
            ry0 = sum(b[2][1] for b in row) / len(row)
            ry1 = sum(b[2][3] for b in row) / len(row)
            rh = ry1 - ry0
            if ry0 <= yc <= ry1 and (ry0 + ry1) / 2 >= it[2][1] and (ry0 + ry1) / 2 <= it[2][3] and \
                    0.5 <= h / max(1.0, rh) <= 2.0:
                row.append(it)
                break
        else:
            rows.append([it])
    out = []
    for row in rows:
        row.sort(key=lambda it: it[2][0])
        toks = [Tok((i, k), t, b) for i, tt, box in row for k, (t, b) in enumerate(zip(tt, _token_boxes(box, tt)))]
        box = (min(b[2][0] for b in row), min(b[2][1] for b in row), max(b[2][2] for b in row), max(b[2][3] for b in row))
        hs = sorted(b[2][3] - b[2][1] for b in row)
        r = Row(toks, box, max(1.0, hs[len(hs) // 2]))
        r.hits = find_labels([t.text for t in toks], doc_type, extra_labels,
                             starts={k for k, t in enumerate(toks) if t.ref[1] == 0})
        out.append(r)
    out.sort(key=lambda r: (r.box[1] + r.box[3]) / 2)
    return out


def link_features(q: Box, a: Box) -> list[float]:
    """Geometry of a label box ``q`` and a value box ``a``, in label heights."""
    h = max(1.0, min(q[3] - q[1], a[3] - a[1]))
    right = max(0.0, a[0] - q[2]) / h
    below = (a[1] - q[3]) / h
    yov = max(0.0, min(q[3], a[3]) - max(q[1], a[1])) / h
    xov = max(0.0, min(q[2], a[2]) - max(q[0], a[0])) / max(1.0, min(q[2] - q[0], a[2] - a[0]))
    align = abs(a[0] - q[0]) / h
    return [min(yov, 1.0), math.log1p(min(right, 60.0)), math.log1p(max(0.0, min(below, 60.0))),
            min(xov, 1.0), 1.0 if below > -0.3 else 0.0, math.log1p(min(align, 60.0)),
            1.0 if a[2] <= q[0] else 0.0, 1.0 if a[3] <= q[1] + 0.3 * h else 0.0]


def link_score(q: Box, a: Box) -> float:
    """How likely a value at box ``a`` answers the label at box ``q`` (0..1; FUNSD-fitted logistic)."""
    z = LINK_BIAS + sum(w * f for w, f in zip(LINK_WEIGHTS, link_features(q, a)))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _hit_at(row: Row, k: int) -> LabelHit | None:
    for h in row.hits:
        if h.start <= k < h.end:
            return h
    return None


_NOISE = re.compile(r"^[:：\-·▪■•|]+$")
GAP_STOP = 3.0  # a gap wider than this many text heights ends a value on its row


def _run(row: Row, start: int, h: float) -> list[Tok]:
    """Tokens from ``start`` rightwards up to the next label or a wide gap."""
    out: list[Tok] = []
    for k in range(start, len(row.toks)):
        if _hit_at(row, k) is not None:
            break
        t = row.toks[k]
        if out and t.box[0] - out[-1].box[2] > GAP_STOP * h:
            break
        if not out and _NOISE.match(t.text):
            continue
        out.append(t)
    return out


def _text(toks: list[Tok], rest: str = "") -> str:
    return " ".join(([rest] if rest else []) + [t.text for t in toks])


def _label_candidates(rows: list[Row], doc_type: str) -> list[Candidate]:
    out: list[Candidate] = []
    for ri, row in enumerate(rows):
        for hit in row.hits:
            if not hit.field:
                continue
            lbox = _union([t.box for t in row.toks[hit.start:hit.end]])
            h = row.h
            places: list[tuple[float, list[Tok], str, int]] = []
            right = _run(row, hit.end, h)
            if doc_type != "credit_card":  # a label OCR misread after this one ('성명 Nanse' of 성명 Name) is no value
                while right and label_like(right[0].text, doc_type, short=len(right) > 1):
                    right = right[1:]
            if right or hit.rest:
                a = right[0].box if right else lbox
                places.append((link_score(lbox, a) if right else 1.0, right, hit.rest, ri))
            right_ok = places and plausible(hit.field, cut_value(hit.field, _text(right, hit.rest)) or "", doc_type)
            for rj in range(ri + 1, min(len(rows), ri + 4)):
                if right_ok:
                    break  # a value beside its label: the lines below belong to others
                below = rows[rj]
                if below.box[1] - lbox[3] > 3.0 * h:
                    break
                if any(lbox[0] - 2 * h < below.toks[hh.start].box[0] < lbox[2] + h for hh in below.hits):
                    break  # the next label under this one: its cell is empty
                ks = [k for k, t in enumerate(below.toks) if t.box[2] > lbox[0] - 1.5 * h and t.box[0] < lbox[2] + 3 * h
                      and _hit_at(below, k) is None]
                if not ks and not below.hits and rj == ri + 1 and below.box[1] - lbox[3] < 1.0 * h:
                    ks = [0]  # the line right under a label, set off to the right (a right-aligned slip)
                if not ks:
                    continue
                run = _run(below, ks[0], h)
                if run:
                    places.append((link_score(lbox, run[0].box), run, "", rj))
                break
            for geo, run, rest, rj in places:
                refs = [t.ref for t in run] + ([row.toks[hit.end - 1].ref] if rest else [])
                text = _text(run, rest)
                val = cut_value(hit.field, text)
                if run and (hit.field in MULTILINE or val is None or not plausible(hit.field, val, doc_type)):
                    more_text, more = _continue(rows, rj, run, lbox, h, hit.field not in MULTILINE)
                    val2 = cut_value(hit.field, text + " " + more_text) if more_text else None
                    if val2 is not None and (hit.field in MULTILINE or plausible(hit.field, val2, doc_type)):
                        refs += more
                        text, val = text + " " + more_text, val2
                if val is None:
                    continue
                keep = _refs_of(val, run, refs)
                out.append(Candidate(hit.field, val, keep, hit.grade + 0.5 * geo, "label"))
                if hit.field == "total":  # the other amounts on the amount paid's row, ranked below the last
                    # ('결제금액 32,900 400': the discount's 400 moved onto the row in a photo)
                    for m in list(_AMOUNT.finditer(won_amount(text)))[:-1]:
                        a = m.group(0).strip().replace(" ", "")
                        if any(ch.isdigit() for ch in a) and a != val:
                            out.append(Candidate("total", a, _refs_of(a, run, refs), hit.grade + 0.5 * geo - 0.3,
                                                 "label"))
                if hit.field == "date":  # a sale's date label carries its time too
                    tv = cut_value("time", text)
                    if tv:
                        out.append(Candidate("time", tv, _refs_of(tv, run, refs), hit.grade + 0.5 * geo, "label"))
    return out


def _refs_of(val: str, run: list[Tok], refs: list[Ref]) -> list[Ref]:
    """The refs of the run's tokens that hold part of the value cut out of it (all when unsure)."""
    cv = compact(val)
    keep = [t.ref for t in run if compact(t.text) and compact(t.text) in cv]
    extra = [r for r in refs if r not in {t.ref for t in run}]
    return (keep or [r for r in refs]) + [r for r in extra if r not in keep]


def _continue(rows: list[Row], rj: int, run: list[Tok], lbox: Box, h: float,
              any_text: bool = False) -> tuple[str, list[Ref]]:
    """The lines that carry on a value (an address wrapped under itself): next rows that start where
    the value or its label starts, or end where it ends, hold no label and no date, phone or amount
    (``any_text``: whatever they hold, for a value cut short: a date's ``일`` on the next line). A line
    with a time (its date misread past the date's pattern: ``202209702 (급) 16:57``) carries on no address."""
    from hanji.domain.values import _DATE, _PHONE, _TIME

    vx0, vx1 = run[0].box[0], run[-1].box[2]
    bottom = max(t.box[3] for t in run)
    parts, refs = [], []
    for rk in range(rj + 1, min(len(rows), rj + (2 if any_text else 4))):
        row = rows[rk]
        if row.box[1] - bottom > 0.9 * h:
            break
        ks = [k for k, t in enumerate(row.toks) if abs(t.box[0] - vx0) < 1.5 * h or abs(t.box[0] - lbox[0]) < 1.0 * h]
        so_far = _text(run) + " " + " ".join(parts)
        if not ks and so_far.count("(") > so_far.count(")"):  # a bracket left open closes on the next line,
            ks = [k for k, t in enumerate(row.toks)  # wherever under the value it starts
                  if lbox[0] - 1.5 * h <= t.box[0] <= vx1 and _hit_at(row, k) is None][:1]
            if ks and ")" not in _text(_run(row, ks[0], h)):
                ks = []
        if ks and (_hit_at(row, ks[0]) is not None or
                   any(ks[0] in {row.toks.index(t) for t in _run(row, hh.end, h)} for hh in row.hits)):
            break  # the next label, or the value beside it
        if not ks and row.hits and row.hits[0].start == 0:
            break
        if not ks:
            ends = [k for k, t in enumerate(row.toks) if abs(t.box[2] - vx1) < 1.5 * h]
            if not ends:
                break
            ks = [next(k for k in range(ends[0], -1, -1) if k == 0 or
                       row.toks[k].box[0] - row.toks[k - 1].box[2] > GAP_STOP * h)]
        more = _run(row, ks[0], h)
        text = _text(more)
        if not more or not any_text and (_DATE.search(text) or _PHONE.search(text) or _TIME.search(text) or
                                          not re.search(r"[가-힣A-Za-z]", text)):  # a sale's time line too
            break
        parts.append(text)
        refs += [t.ref for t in more]
        bottom = max(t.box[3] for t in more)
    return " ".join(parts), refs
