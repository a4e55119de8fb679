"""Joining the pieces of one text line that the detector found apart.

A letter-spaced label (``카 드 번 호``, ``발 급 기 관 명``) leaves gaps between its syllables as wide
as a word space or wider, and DB's shrunk text kernels can break there: the label comes out as
one-syllable boxes, or as pieces of a few spaced syllables (``발 급`` + ``기 관 명``). Two boxes are
joined when they sit on one visual row (same angle, similar height, centres on one line), the
gap between them is small against the text height, and both are pieces of a letter-spaced line:
each is a fragment (a box hardly wider than tall, as a lone syllable is) or, when the image is
given, its own ink is letter-spaced (:func:`letter_spacing`: blank runs between most syllables)
with a spacing about as wide as the gap between the two. A word beside a number, two words with a column gap
(``QTY PRICE``), a label and its value stay apart: their letters sit close together.

Geometry alone cannot tell a spaced Hangul label from two short tokens a text height apart: a
receipt's hand-written tax code and the quantity beside it (``GA 3``) are boxes a syllable wide,
as far apart as the syllables of ``성 명``. Spreading a short label's letters over its column is a
Hangul typesetting habit (균등 배분); Latin codes, digits and symbols a gap apart are separate
fields. So when the caller can read the pieces (``read``: the pipeline's recognizer), two pieces
join only when at least one of them reads as Hangul (:func:`hangul_join`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hanji.domain import geometry
from hanji.domain.unionfind import UnionFind


@dataclass
class _Box:
    cx: float
    cy: float
    w: float  # along the text
    h: float  # across it
    angle: float  # radians, of the text direction
    quad: list


def _box(points) -> _Box:
    quad = points if len(points) == 4 else geometry.min_area_quad(points)
    quad = geometry.order_quad(quad)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    w = math.dist((x0, y0), (x1, y1))
    h = (math.dist((x0, y0), (x3, y3)) + math.dist((x1, y1), (x2, y2))) / 2
    cx, cy = geometry.centroid(quad)
    return _Box(cx, cy, w, h, math.atan2(y1 - y0, x1 - x0), quad)


@dataclass
class MergeRule:
    max_gap: float = 1.6  # the widest gap joined, in text heights
    fragment: float = 1.35  # a box at most this many text heights wide is a fragment (a syllable or two
    # narrow characters); on SROIE's receipts 1.5 and over starts joining column headers (QTY PRICE)
    spacing_ratio: float = 1.25  # the gap between two spaced pieces at most this many times the letter
    # spacing inside each (a column gap is wider than the spacing of the words on either side)
    max_height_ratio: float = 1.45
    max_offset: float = 0.3  # centres' distance across the line, in text heights
    max_angle_deg: float = 6.0
    weak_score: float = 0.4  # a piece whose box score is under the post-process's ``box_thresh`` but at
    # least this is kept when it joins a kept piece and reads as Hangul (a lone syllable of a widely
    # spaced label whose kernel came out faint: ``직`` of ``직 위`` at 0.47); only when the pieces are read
    max_slope_deg: float = 20.0  # two fragments: the line through their centres at most this steep (a
    # fragment's own angle means nothing: a syllable's box is about square, and on a page photographed
    # at a slant it comes out upright or a quarter-turn off while its line runs at 10-15 degrees)

    def row_angle(self, a: _Box, b: _Box) -> float | None:
        """The direction of the row two boxes would share (radians); None when they cannot share one.
        Boxes wider than a fragment give it (they must agree); two fragments, the line through their
        centres."""
        long = [x for x in (a, b) if not self.is_fragment(x)]
        if len(long) == 2:
            if abs(math.degrees(a.angle - b.angle)) > self.max_angle_deg:
                return None
            return (a.angle + b.angle) / 2
        if long:
            return long[0].angle
        first, second = (a, b) if a.cx <= b.cx else (b, a)
        ang = math.atan2(second.cy - first.cy, second.cx - first.cx)
        return ang if abs(math.degrees(ang)) <= self.max_slope_deg else None

    def gap(self, a: _Box, b: _Box) -> float | None:
        """The gap between two boxes on one row, in text heights; None when they are not on one row."""
        h = min(a.h, b.h)
        if h <= 0 or max(a.h, b.h) > self.max_height_ratio * h:
            return None
        ang = self.row_angle(a, b)
        if ang is None:
            return None
        ux, uy = math.cos(ang), math.sin(ang)
        dx, dy = b.cx - a.cx, b.cy - a.cy
        along, across = dx * ux + dy * uy, -dx * uy + dy * ux
        if abs(across) > self.max_offset * max(a.h, b.h):
            return None
        g = (abs(along) - (a.w + b.w) / 2) / max(a.h, b.h)
        return g if g <= self.max_gap else None

    def is_fragment(self, b: _Box) -> bool:
        return b.w <= self.fragment * b.h


def letter_spacing(gray: np.ndarray, b: _Box, min_run: float = 0.25) -> float | None:
    """The letter spacing of a box's ink (its text straightened), in text heights: the median blank
    run of at least ``min_run`` text heights between inked columns, when such runs part most
    syllables (about ``extent / (1 + spacing) - 1`` of them, syllables being about one text height
    wide); None when the ink is set normally (a word space now and then is not letter spacing)."""
    from hanji import imaging

    h = max(4, int(round(b.h)))
    w = max(4, int(round(b.w * h / max(b.h, 1e-6))))
    crop = imaging.warp_quad(gray, b.quad, (w, h)).astype(np.float32)
    lo, hi = np.percentile(crop, 5), np.percentile(crop, 95)
    if hi - lo < 20:
        return None
    dark = (crop < (lo + hi) / 2).sum(axis=0)
    light = (crop > (lo + hi) / 2).sum(axis=0)
    ink = dark if dark.sum() <= light.sum() else light  # the ink is the rarer of the two (white on black too)
    cols = np.flatnonzero(ink > 0.04 * h)
    if len(cols) < 2:
        return None
    runs = (np.diff(cols) - 1) / h
    big = np.sort(runs[runs >= min_run])
    if not len(big):
        return None
    spacing = float(np.median(big))
    extent = (cols[-1] - cols[0] + 1) / h
    boundaries = extent / (1 + spacing) - 1
    if len(big) < 0.7 * boundaries or float(big[0]) < 0.5 * spacing:
        return None
    return spacing


def is_hangul(text: str) -> bool:
    """Whether a reading holds a Hangul syllable or jamo."""
    return any("\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e" or "\u1100" <= c <= "\u11ff" for c in text)


def hangul_join(a: str, b: str) -> bool:
    """Two pieces read as ``a`` and ``b`` may be one letter-spaced line: one of them is Hangul
    (``성`` + ``명``, ``제`` + ``1``); two Latin/digit/symbol pieces (``GA`` + ``3``) are two fields."""
    return is_hangul(a) or is_hangul(b)


def merge_groups(shapes: list, rule: MergeRule | None = None, gray: np.ndarray | None = None,
                 allow: Callable[[int, int], bool] | None = None) -> list[list[int]]:
    """Indices of ``shapes`` (point lists) grouped into lines; singletons for boxes left alone.
    ``gray`` (the image, one channel) lets pieces wider than a fragment join when their own ink is
    letter-spaced; ``allow(i, j)``, when given, has the last word on each pair the rule would join.
    Groups keep the order of their first member."""
    rule = rule or MergeRule()
    boxes = [_box(s) for s in shapes]
    n = len(boxes)
    sets = UnionFind(n)
    spacing: dict[int, float | None] = {}

    def spaced(i: int) -> float | None:
        if i not in spacing:
            spacing[i] = letter_spacing(gray, boxes[i]) if gray is not None else None
        return spacing[i]

    order = sorted(range(n), key=lambda i: boxes[i].cy)
    max_h = max((b.h for b in boxes), default=0.0)
    for k, i in enumerate(order):
        for j in order[k + 1:]:
            if boxes[j].cy - boxes[i].cy > max_h:
                break
            g = rule.gap(boxes[i], boxes[j])
            if g is None:
                continue
            a, b = boxes[i], boxes[j]
            if rule.is_fragment(a) and rule.is_fragment(b):
                join = True
            elif gray is None:
                join = False
            else:  # pieces of a spaced line: each fragment-narrow or spaced itself, the gap like their spacing
                inner = [spaced(x) for x, bx in ((i, a), (j, b)) if not rule.is_fragment(bx)]
                join = all(sp is not None and g <= rule.spacing_ratio * sp + 0.1 for sp in inner)
            if join and (allow is None or allow(i, j)):
                sets.join(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(sets.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def join_fragments(dets: list, rule: MergeRule | None = None, rgb: np.ndarray | None = None,
                   read: Callable[[list], list[str]] | None = None, min_score: float = 0.0) -> list:
    """:class:`~hanji.models.detect.postprocess.Detection` list with the pieces of each
    letter-spaced line joined into one quad (its score the members' mean, weighted by width).
    ``read(shapes) -> texts`` (the recognizer on those shapes of the image, in one batch) reads the
    pieces the rule would join, and a pair joins only when :func:`hangul_join` allows it.
    Detections scored under ``min_score`` are weak: one is kept only when it joins a piece that is
    not, and then only when it reads as Hangul (never without ``read``)."""
    from hanji.models.detect.postprocess import Detection

    weak = {i for i, d in enumerate(dets) if d.score < min_score}
    if len(dets) < 2:
        return [d for i, d in enumerate(dets) if i not in weak]
    gray = None if rgb is None else np.ascontiguousarray(rgb.min(axis=2) if rgb.ndim == 3 else rgb)
    shapes = [d.points for d in dets]
    groups = merge_groups(shapes, rule, gray, allow=(lambda i, j: i not in weak and j not in weak) if weak else None)
    if read is not None:
        groups = merge_groups(shapes, rule, gray) if weak else groups
        pieces = [i for g in groups if len(g) > 1 for i in g]
        if pieces:
            texts = dict(zip(pieces, read([shapes[i] for i in pieces])))

            def allow(i: int, j: int) -> bool:
                return hangul_join(texts[i], texts[j]) and all(k not in weak or is_hangul(texts[k]) for k in (i, j))

            groups = merge_groups(shapes, rule, gray, allow=allow)
    groups = [g for g in groups if any(i not in weak for i in g)]
    out = []
    for g in groups:
        if len(g) == 1:
            out.append(dets[g[0]])
            continue
        members = [dets[i] for i in g]
        widths = [max(1e-6, _box(d.points).w) for d in members]
        score = sum(d.score * w for d, w in zip(members, widths)) / sum(widths)
        out.append(Detection(geometry.order_quad(joined_quad([d.points for d in members], rule)), score, "quad"))
    return out


def joined_quad(shapes: list, rule: MergeRule | None = None) -> list[tuple[float, float]]:
    """The rectangle, at the shapes' text angle, around all of their points (clockwise from the
    text's top-left). The angle is the mean of the boxes wider than a fragment (weighed by width);
    a line of fragments only (whose own angles mean nothing), the line fitted through their centres."""
    rule = rule or MergeRule()
    boxes = [_box(s) for s in shapes]
    long = [b for b in boxes if not rule.is_fragment(b)]
    if long:
        ang = sum(b.angle * b.w for b in long) / (sum(b.w for b in long) or 1.0)
    else:
        mx = sum(b.cx for b in boxes) / len(boxes)
        my = sum(b.cy for b in boxes) / len(boxes)
        sxx = sum((b.cx - mx) ** 2 for b in boxes)
        ang = math.atan2(sum((b.cx - mx) * (b.cy - my) for b in boxes), sxx) if sxx > 0 else 0.0
    c, s = math.cos(ang), math.sin(ang)
    pts = [p for sh in shapes for p in sh]
    us = [x * c + y * s for x, y in pts]
    vs = [-x * s + y * c for x, y in pts]
    u0, u1, v0, v1 = min(us), max(us), min(vs), max(vs)
    return [(u * c - v * s, u * s + v * c) for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1))]
