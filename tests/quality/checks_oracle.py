"""The checks as they were before issue 20 made them work over columns (frozen at a42dfbc, the
logic verbatim: a Region object a region, one document at a time). The oracle of
tests/quality/test_checks_columns.py: the column checks must give exactly these findings, in this order.
Do not edit it to follow the product; it is the old behaviour by definition."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hanji.domain import bio, geometry
from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.domain.text import nfc, tokens
from hanji.quality.findings import Finding


# ---------------------------------------------------------------- was quality/checks/base.py
@dataclass
class CheckOptions:
    """Project settings the checks read. Empty ``charset`` / ``forbidden_words`` switch those checks off."""

    charset: frozenset[str] | None = None  # characters the recognizer can read
    forbidden_words: list[str] = field(default_factory=list)
    entity_names: frozenset[str] = frozenset()  # the project's entity types; empty: not checked
    overlap_iou: float = 0.8  # two regions overlapping this much are one region labelled twice
    min_area: float = 1.0  # polygons smaller than this (px²) are degenerate
    inconsistent_min_count: int = 3  # a text must be labelled this often before labels are compared


class Check:
    """Base class of a check. Subclasses set ``name`` and ``title`` and override ``update``."""

    name = ""
    title = ""
    level = "warning"

    def __init__(self, options: CheckOptions | None = None):
        self.options = options or CheckOptions()
        self.findings: list[Finding] = []
        self.documents = 0

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        raise NotImplementedError

    def summary(self) -> list[Finding]:
        return list(self.findings)

    def flag(self, document: Document, message: str, region: Region | int | None = None,
             level: str | None = None) -> None:
        rid = region.id if isinstance(region, Region) else region
        self.findings.append(Finding(self.name, document.id if document.id is not None else -1, document.name,
                                     message, rid, level or self.level))


def region_name(region: Region) -> str:
    """How a message names a region: its text, or its place when it has none."""
    t = region.text.strip()
    if t:
        return repr(t if len(t) <= 30 else t[:29] + "…")
    x0, y0, _, _ = region.bbox
    return f"the region at ({x0:.0f}, {y0:.0f})"


# ---------------------------------------------------------------- was quality/checks/text.py
# regions a person has not touched are not held to the same standard
UNCHECKED_STATUSES = ("machine", "difficult")


class EmptyText(Check):
    """A region a person labelled whose transcription is empty or only whitespace."""

    name = "empty_text"
    title = "Empty or whitespace text"
    level = "error"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        for r in regions:
            if r.status in UNCHECKED_STATUSES:
                continue
            if not r.text.strip():
                what = "empty" if not r.text else "only whitespace"
                self.flag(document, f"{region_name(r)} is {r.status} but its text is {what}; type it, "
                                    "or mark it difficult", r)


class OutsideCharset(Check):
    """Characters the recognizer cannot read (it would never learn them from this label)."""

    name = "charset"
    title = "Characters outside the charset"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        charset = self.options.charset
        if not charset:
            return
        for r in regions:
            if r.status == "difficult":
                continue
            bad = sorted({c for c in r.text if c not in charset and not c.isspace()})
            if bad:
                chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad[:8]) + (" …" if len(bad) > 8 else "")
                self.flag(document, f"{region_name(r)} has characters outside the recognizer's charset: {chars}", r)


class ForbiddenWords(Check):
    """Documents containing a word of the project's forbidden list (ads, abuse, names to drop)."""

    name = "forbidden_word"
    title = "Forbidden words"
    level = "error"

    def __init__(self, options=None):
        super().__init__(options)
        self.words = [w for w in (nfc(w).strip().casefold() for w in self.options.forbidden_words) if w]

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        if not self.words:
            return
        for word in self.words:
            hit = next((r for r in regions if word in r.text.casefold()), None)
            if hit is not None:
                self.flag(document, f"contains the forbidden word {word!r} (in {region_name(hit)})", hit)
                continue
            kv = next((kv for kv in keyvalues if word in kv.value.casefold()), None)
            if kv is not None:
                rid = kv.region_ids[0] if kv.region_ids else None
                self.flag(document, f"contains the forbidden word {word!r} (in the value of {kv.key})", rid)


# ---------------------------------------------------------------- was quality/checks/shapes.py
class BadPolygon(Check):
    """Degenerate shapes (no area, repeated points) and self-intersecting polygons (a bow-tie quad)."""

    name = "polygon"
    title = "Degenerate or self-intersecting shapes"
    level = "error"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        for r in regions:
            if len(set(r.points)) >= 4 and not geometry.is_simple(r.points):  # first: a bow-tie has no net area
                self.flag(document, f"{region_name(r)} is self-intersecting (its edges cross; the corners are "
                                    "out of order)", r)
            elif geometry.is_degenerate(r.points, self.options.min_area):
                self.flag(document, f"{region_name(r)} is degenerate (area {geometry.area(r.points):.1f} px², "
                                    f"{len(set(r.points))} distinct points)", r)


class OutsideImage(Check):
    """Regions with points outside the image."""

    name = "outside_image"
    title = "Regions outside the image"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        w, h = document.width, document.height
        for r in regions:
            if not geometry.inside_image(r.points, w, h):
                x0, y0, x1, y1 = r.bbox
                self.flag(document, f"{region_name(r)} reaches outside the {w}×{h} image "
                                    f"(box {x0:.0f},{y0:.0f}–{x1:.0f},{y1:.0f})", r)


class OverlappingDuplicates(Check):
    """Two regions covering (almost) the same place: one text labelled twice."""

    name = "overlap"
    title = "Heavily overlapping regions"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        boxes = sorted(((r.bbox, r) for r in regions), key=lambda t: t[0][0])
        for i, (a, ra) in enumerate(boxes):
            for b, rb in boxes[i + 1:]:
                if b[0] >= a[2]:  # sorted by x0: nothing further right can overlap
                    break
                if b[1] >= a[3] or a[1] >= b[3]:
                    continue
                iou = geometry.iou(ra.points, rb.points)
                if iou >= self.options.overlap_iou:
                    self.flag(document, f"{region_name(rb)} overlaps {region_name(ra)} (IoU {iou:.2f}): "
                                        "the same text labelled twice?", rb)


# ---------------------------------------------------------------- was quality/checks/labels.py
class InvalidBio(Check):
    """``I-X`` without ``B-X`` before it, malformed tags, tags not matching the tokens, unknown types.

    Tags are read over the whole document in reading order, so an entity that runs on to the next
    line (``B-address`` … ``I-address`` in the region below) is valid.
    """

    name = "bio"
    title = "Invalid BIO tags"
    level = "error"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        seq: list[str] = []
        owner: list[tuple[Region, int]] = []
        known = self.options.entity_names
        for r in regions:
            if not r.tags:
                seq.extend("O" for _ in tokens(r.text))
                owner.extend((r, i) for i in range(len(tokens(r.text))))
                continue
            toks = tokens(r.text)
            if not toks:
                continue  # no text: the empty-text check reports it
            if len(r.tags) != len(toks):
                self.flag(document, f"{region_name(r)} has {len(r.tags)} tags for {len(toks)} tokens "
                                    "(the text changed after tagging)", r)
                seq.extend("O" for _ in toks)
                owner.extend((r, i) for i in range(len(toks)))
                continue
            seq.extend(r.tags)
            owner.extend((r, i) for i in range(len(toks)))
            if known:
                unknown = sorted({t.partition("-")[2] for t in r.tags if t != "O"} - known - {""})
                if unknown:
                    self.flag(document, f"{region_name(r)} is tagged with {', '.join(unknown)}, not in the "
                                        "project's label schema", r)
        flagged: set[int] = set()
        for pos in bio.invalid_positions(seq):
            r, i = owner[pos]
            if id(r) in flagged:
                continue
            flagged.add(id(r))
            tag = seq[pos]
            tok = tokens(r.text)[i]
            if tag.startswith("I-"):
                msg = f"{region_name(r)}: token {tok!r} is {tag} but does not continue a {tag[2:]} entity (no B-)"
            else:
                msg = f"{region_name(r)}: token {tok!r} has the malformed tag {tag!r}"
            self.flag(document, msg, r)


def _validators():
    """``hanji.domain.validators`` when it is there (written beside this module), else None."""
    try:
        from hanji.domain import validators
    except ImportError:  # pragma: no cover - only before the validators exist
        return None
    return validators


class KeyValueValidation(Check):
    """Key-values whose validator fails: check digits, dates, times, amounts, items that do not sum."""

    name = "validator"
    title = "Key-values failing validation"
    level = "error"

    def __init__(self, options=None):
        super().__init__(options)
        self.validators = _validators()

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        v = self.validators
        if v is None or not keyvalues:
            return
        for kv in keyvalues:
            if not kv.value.strip():
                continue
            res = v.check_field(kv.key, kv.value, document.doc_type)
            if not res.ok:
                rid = kv.region_ids[0] if kv.region_ids else None
                self.flag(document, f"{kv.key} = {kv.value!r}: {res.reason}", rid,
                          "error" if res.level == "error" else "warning")
        by_key = defaultdict(list)
        for kv in keyvalues:
            by_key[kv.key].append(kv)
        if by_key.get("total") and by_key.get("item_amount") and hasattr(v, "check_items_total"):
            total = by_key["total"][-1]
            sub = by_key["subtotal"][-1].value if by_key.get("subtotal") else None
            tax = by_key["tax"][-1].value if by_key.get("tax") else None
            res = v.check_items_total([kv.value for kv in by_key["item_amount"]], total.value, sub, tax)
            if not res.ok:
                rid = total.region_ids[0] if total.region_ids else None
                self.flag(document, f"totals do not add up: {res.reason}", rid,
                          "error" if res.level == "error" else "warning")


def _whole_entity(tags: list[str]) -> str | None:
    """The entity type when ``tags`` are one entity over all tokens, ``'O'`` when all are O, else None."""
    if all(t == "O" for t in tags):
        return "O"
    name = tags[0][2:]
    if tags[0].startswith("B-") and bio.tags_from_spans([bio.Span(name, 0, len(tags))], len(tags)) == tags:
        return name
    return None


class InconsistentLabels(Check):
    """The same text labelled differently across the project (``합계`` is ``total`` in nine
    documents and ``subtotal`` in one): the minority labels are flagged, or all of them on a tie.

    Region labels are compared with region labels, whole-region entity tags with entity tags.
    Only texts with letters are compared: the same number is legitimately a unit price on one
    line and an amount on the next.
    """

    name = "inconsistent_label"
    title = "Same text, different labels"

    def __init__(self, options=None):
        super().__init__(options)
        # (kind, text) -> label -> [(document, region)]
        self.seen: dict[tuple[str, str], dict[str, list[tuple[Document, Region]]]] = \
            defaultdict(lambda: defaultdict(list))

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        for r in regions:
            if not r.human or r.status == "difficult":
                continue
            text = " ".join(nfc(r.text).split())
            if len(text) < 2 or not any(c.isalpha() for c in text):
                continue
            if r.label:
                self.seen[("label", text)][r.label].append((document, r))
            if r.tags and len(r.tags) == len(tokens(text)):
                entity = _whole_entity(r.tags)
                if entity is not None:  # a region tagged as one entity (or all O): compare its type
                    self.seen[("entity", text)][entity].append((document, r))

    def summary(self) -> list[Finding]:
        out = list(self.findings)
        for (kind, text), by_label in self.seen.items():
            if len(by_label) < 2:
                continue
            counts = Counter({k: len(v) for k, v in by_label.items()})
            if sum(counts.values()) < self.options.inconsistent_min_count:
                continue
            (top, n_top), (_, n_second) = counts.most_common(2)
            summary = ", ".join(f"{k} ×{n}" for k, n in counts.most_common())
            what = "labelled" if kind == "label" else "tagged"
            for label, places in by_label.items():
                if n_top > n_second and label == top:
                    continue  # the clear majority is taken to be right
                hint = f"elsewhere it is {top}" if n_top > n_second else "no label is in the majority"
                for doc, r in places:
                    out.append(Finding(self.name, doc.id if doc.id is not None else -1, doc.name,
                                       f"{text!r} is {what} {label} here; {hint} ({summary})", r.id, self.level))
        return out


class DanglingReferences(Check):
    """Links and key-values that point at regions no longer in the document."""

    name = "dangling"
    title = "Links and key-values to missing regions"
    level = "error"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        ids = {r.id for r in regions}
        for lk in links:
            missing = [x for x in (lk.src, lk.dst) if x not in ids]
            if missing:
                self.flag(document, f"a link{(' ' + lk.key) if lk.key else ''} points at missing region(s) "
                                    f"{missing}", lk.src if lk.src in ids else None)
        for kv in keyvalues:
            missing = [x for x in kv.region_ids if x not in ids]
            if missing:
                self.flag(document, f"key-value {kv.key} points at missing region(s) {missing}")


class DoneTooEarly(Check):
    """A document marked done that still has machine output nobody reviewed."""

    name = "unreviewed"
    title = "Done documents with unreviewed regions"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        if document.status != "done":
            return
        left = [r for r in regions if r.status in ("machine", "review")]
        if left:
            self.flag(document, f"marked done but {len(left)} region(s) are still unreviewed machine output",
                      left[0])


# ---------------------------------------------------------------- was quality/checks/__init__.py
REGISTRY: dict[str, type[Check]] = {c.name: c for c in (
    EmptyText, OutsideCharset, BadPolygon, OutsideImage, OverlappingDuplicates, InvalidBio, KeyValueValidation,
    InconsistentLabels, ForbiddenWords, DanglingReferences, DoneTooEarly,
)}


def run_checks(items: Iterable, options: CheckOptions | None = None, names: Iterable[str] | None = None
               ) -> list[Finding]:
    wanted = list(REGISTRY) if names is None else list(names)
    checks = [REGISTRY[n](options) for n in REGISTRY if n in wanted]
    for doc, regions, links, kvs in items:
        for c in checks:
            c.update(doc, regions, links, kvs)
    return [f for c in checks for f in c.summary()]
