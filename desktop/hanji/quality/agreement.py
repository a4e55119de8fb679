"""Agreement between two labelers' versions of the same document (labeling consistency).

Regions are paired greedily by IoU (highest first, at least ``match_iou``). Then, per document:

- **box IoU**: the mean IoU of the paired regions; **box F1**: ``2 * paired / (regions of A + of B)``
  (a region only one labeler drew counts against it);
- **transcription CER**: the total edit distance between paired regions' texts over the total
  length of the first labeler's (A, the first by name) texts;
- **tag F1**: over entity items, a region's label (``label``) and each of its BIO spans
  (``tags``), an item of A and one of B agreeing when they sit on paired regions and name the same
  entity and tokens; per entity, the same restricted to one entity name;
- **key-value F1**: over ``(key, value)`` pairs (NFC, white space collapsed), per key as well.

A document *disagrees* when a region is only in one version, a pair's IoU is under ``min_iou``, the
CER is over ``max_cer``, or a tag or key-value item is only in one version. Pure functions over
domain objects; :mod:`hanji.jobs.agreement` reads the versions and sends disagreements to review.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hanji.domain import geometry
from hanji.domain.bio import spans_from_tags
from hanji.domain.model import KeyValue, Region
from hanji.domain.text import edit_distance, nfc

MATCH_IOU = 0.5
MIN_IOU = 0.9
MAX_CER = 0.0


@dataclass
class F1:
    """Agreement counts: items both have, items of A, items of B."""

    both: int = 0
    a: int = 0
    b: int = 0

    def add(self, other: F1) -> None:
        self.both += other.both
        self.a += other.a
        self.b += other.b

    @property
    def f1(self) -> float | None:
        return 2 * self.both / (self.a + self.b) if self.a + self.b else None


@dataclass
class Comparison:
    """Two versions of one document compared."""

    doc_id: int | None
    a: str
    b: str
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # (index in A, index in B, IoU)
    boxes: F1 = field(default_factory=F1)
    edits: int = 0
    ref_chars: int = 0
    tags: F1 = field(default_factory=F1)
    keyvalues: F1 = field(default_factory=F1)
    tags_by_entity: dict[str, F1] = field(default_factory=dict)
    keyvalues_by_key: dict[str, F1] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def iou(self) -> float | None:
        return sum(p[2] for p in self.pairs) / len(self.pairs) if self.pairs else None

    @property
    def cer(self) -> float | None:
        return _cer(self.edits, self.ref_chars)

    @property
    def disagrees(self) -> bool:
        return bool(self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "labelers": [self.a, self.b], "box_iou": _r(self.iou),
                "box_f1": _r(self.boxes.f1), "cer": _r(self.cer), "tag_f1": _r(self.tags.f1),
                "keyvalue_f1": _r(self.keyvalues.f1), "disagrees": self.disagrees, "reasons": self.reasons}


def _cer(edits: int, ref: int) -> float | None:
    if ref:
        return edits / ref
    return 1.0 if edits else None


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def pair_regions(a: list[Region], b: list[Region], match_iou: float = MATCH_IOU) -> list[tuple[int, int, float]]:
    """Pairs of regions, greedily by IoU (highest first), each region in at most one pair."""
    cands = []
    for i, ra in enumerate(a):
        x0, y0, x1, y1 = geometry.bbox(ra.points)
        for j, rb in enumerate(b):
            u0, v0, u1, v1 = geometry.bbox(rb.points)
            if u0 >= x1 or x0 >= u1 or v0 >= y1 or y0 >= v1:
                continue
            v = geometry.iou(ra.points, rb.points)
            if v >= match_iou:
                cands.append((-v, i, j))
    cands.sort()
    used_a, used_b, pairs = set(), set(), []
    for neg, i, j in cands:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, -neg))
    return sorted(pairs)


def _entity_items(regions: list[Region], place: dict[int, Any]) -> Counter:
    items: Counter = Counter()
    for i, r in enumerate(regions):
        where = place[i]
        if r.label:
            items[(where, r.label, "label")] += 1
        tags = r.tags if len(r.tags) == len(r.text.split()) else []
        for s in spans_from_tags(list(tags)):
            items[(where, s.label, (s.start, s.end))] += 1
    return items


def _kv_items(kvs: list[KeyValue]) -> Counter:
    return Counter((nfc(kv.key).strip(), " ".join(nfc(kv.value).split())) for kv in kvs)


def _f1_by(a: Counter, b: Counter, name) -> tuple[F1, dict[str, F1]]:
    total = F1()
    by: dict[str, F1] = {}
    for item in set(a) | set(b):
        na, nb = a.get(item, 0), b.get(item, 0)
        f = F1(min(na, nb), na, nb)
        total.add(f)
        by.setdefault(name(item), F1()).add(f)
    return total, by


def compare(a_regions: list[Region], a_kvs: list[KeyValue], b_regions: list[Region], b_kvs: list[KeyValue],
            doc_id: int | None = None, a: str = "A", b: str = "B", match_iou: float = MATCH_IOU,
            min_iou: float = MIN_IOU, max_cer: float = MAX_CER) -> Comparison:
    """Compare labeler ``a``'s version of a document with ``b``'s (see the module's notes)."""
    c = Comparison(doc_id, a, b, pair_regions(a_regions, b_regions, match_iou))
    c.boxes = F1(len(c.pairs), len(a_regions), len(b_regions))
    for i, j, _ in c.pairs:
        ta, tb = a_regions[i].text, b_regions[j].text
        c.edits += edit_distance(ta, tb)
        c.ref_chars += len(ta)
    place_a = {i: ("a", i) for i in range(len(a_regions))}
    place_b = {j: ("b", j) for j in range(len(b_regions))}
    for k, (i, j, _) in enumerate(c.pairs):
        place_a[i] = place_b[j] = ("pair", k)
    c.tags, c.tags_by_entity = _f1_by(_entity_items(a_regions, place_a), _entity_items(b_regions, place_b),
                                      lambda item: item[1])
    c.keyvalues, c.keyvalues_by_key = _f1_by(_kv_items(a_kvs), _kv_items(b_kvs), lambda item: item[0])
    only_a, only_b = c.boxes.a - c.boxes.both, c.boxes.b - c.boxes.both
    if only_a or only_b:
        c.reasons.append(f"regions only {a} drew: {only_a}, only {b} drew: {only_b}")
    low = [p for p in c.pairs if p[2] < min_iou]
    if low:
        c.reasons.append(f"{len(low)} box(es) drawn apart (IoU {min(p[2] for p in low):.2f} < {min_iou:g})")
    if c.cer is not None and c.cer > max_cer:
        c.reasons.append(f"transcriptions differ (CER {c.cer:.3f})")
    if c.tags.both < max(c.tags.a, c.tags.b):
        c.reasons.append(f"entity tags differ (F1 {c.tags.f1:.3f})")
    if c.keyvalues.both < max(c.keyvalues.a, c.keyvalues.b):
        c.reasons.append(f"key-values differ (F1 {c.keyvalues.f1:.3f})")
    return c


@dataclass
class Summary:
    """Comparisons added up (one pair of labelers, or all)."""

    documents: int = 0
    disagreeing: int = 0
    iou_sum: float = 0.0
    pairs: int = 0
    boxes: F1 = field(default_factory=F1)
    edits: int = 0
    ref_chars: int = 0
    tags: F1 = field(default_factory=F1)
    keyvalues: F1 = field(default_factory=F1)
    tags_by_entity: dict[str, F1] = field(default_factory=dict)
    keyvalues_by_key: dict[str, F1] = field(default_factory=dict)

    def add(self, c: Comparison) -> None:
        self.documents += 1
        self.disagreeing += c.disagrees
        self.iou_sum += sum(p[2] for p in c.pairs)
        self.pairs += len(c.pairs)
        self.boxes.add(c.boxes)
        self.edits += c.edits
        self.ref_chars += c.ref_chars
        self.tags.add(c.tags)
        self.keyvalues.add(c.keyvalues)
        for mine, theirs in ((self.tags_by_entity, c.tags_by_entity), (self.keyvalues_by_key, c.keyvalues_by_key)):
            for k, f in theirs.items():
                mine.setdefault(k, F1()).add(f)

    def as_dict(self) -> dict[str, Any]:
        entities = sorted(set(self.tags_by_entity) | set(self.keyvalues_by_key))
        return {
            "documents": self.documents, "disagreeing": self.disagreeing,
            "box_iou": _r(self.iou_sum / self.pairs if self.pairs else None), "box_f1": _r(self.boxes.f1),
            "cer": _r(_cer(self.edits, self.ref_chars)), "tag_f1": _r(self.tags.f1),
            "keyvalue_f1": _r(self.keyvalues.f1),
            "per_entity": {e: {"tag_f1": _r(self.tags_by_entity[e].f1) if e in self.tags_by_entity else None,
                               "keyvalue_f1": _r(self.keyvalues_by_key[e].f1) if e in self.keyvalues_by_key
                               else None} for e in entities},
        }


def summarize(comparisons: list[Comparison]) -> dict[str, Any]:
    """Figures per pair of labelers (``"A|B"``) and over all, each with its per-entity F1."""
    overall = Summary()
    by_pair: dict[tuple[str, str], Summary] = {}
    for c in comparisons:
        overall.add(c)
        by_pair.setdefault((c.a, c.b), Summary()).add(c)
    return {"overall": overall.as_dict(),
            "pairs": [dict(labelers=list(k), **s.as_dict()) for k, s in sorted(by_pair.items())]}
