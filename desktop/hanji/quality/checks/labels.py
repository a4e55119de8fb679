"""Checks on labels: BIO sequences, key-value validators, labels inconsistent across the project,
links and key-values pointing at regions that are gone, documents marked done too early.

A page's regions without tags or labels are passed over as columns; only the documents with tags,
key-values or links, and the regions with a label, are read one by one."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from hanji.domain import bio
from hanji.domain.text import nfc, tokens
from hanji.quality.checks.base import Check
from hanji.quality.columns import RegionPage
from hanji.quality.findings import Finding


class InvalidBio(Check):
    """``I-X`` without ``B-X`` before it, malformed tags, tags not matching the tokens, unknown types.

    Tags are read over the whole document in reading order, so an entity that runs on to the next
    line (``B-address`` … ``I-address`` in the region below) is valid.
    """

    name = "bio"
    title = "Invalid BIO tags"
    level = "error"

    def update_page(self, page: RegionPage) -> None:
        tagged = [k for k, t in enumerate(page.has_tags) if t]
        if not tagged:
            return
        starts, ends = page.doc_spans
        for d in np.unique(page.doc[tagged]).tolist():
            self._document(page, d, range(int(starts[d]), int(ends[d])))

    def _document(self, page: RegionPage, d: int, regions: range) -> None:
        """One document whose regions may carry tags (with none, every token is O: nothing to find)."""
        document = page.documents[d]
        seq: list[str] = []
        owner: list[tuple[int, int]] = []
        known = self.options.entity_names
        for k in regions:
            tags = page.tags(k)
            toks = tokens(page.texts[k])
            if not tags:
                seq.extend("O" for _ in toks)
                owner.extend((k, i) for i in range(len(toks)))
                continue
            if not toks:
                continue  # no text: the empty-text check reports it
            if len(tags) != len(toks):
                self.flag(document, f"{page.region_name(k)} has {len(tags)} tags for {len(toks)} tokens "
                                    "(the text changed after tagging)", page.ids[k])
                seq.extend("O" for _ in toks)
                owner.extend((k, i) for i in range(len(toks)))
                continue
            seq.extend(tags)
            owner.extend((k, i) for i in range(len(toks)))
            if known:
                unknown = sorted({t.partition("-")[2] for t in tags if t != "O"} - known - {""})
                if unknown:
                    self.flag(document, f"{page.region_name(k)} is tagged with {', '.join(unknown)}, not in the "
                                        "project's label schema", page.ids[k])
        flagged: set[int] = set()
        for pos in bio.invalid_positions(seq):
            k, i = owner[pos]
            if k in flagged:
                continue
            flagged.add(k)
            tag = seq[pos]
            tok = tokens(page.texts[k])[i]
            name = page.region_name(k)
            if tag.startswith("I-"):
                msg = f"{name}: token {tok!r} is {tag} but does not continue a {tag[2:]} entity (no B-)"
            else:
                msg = f"{name}: token {tok!r} has the malformed tag {tag!r}"
            self.flag(document, msg, page.ids[k])


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

    def update_page(self, page: RegionPage) -> None:
        v = self.validators
        if v is None:
            return
        for d, keyvalues in enumerate(page.keyvalues):
            if keyvalues:
                self._document(v, page.documents[d], keyvalues)

    def _document(self, v, document, keyvalues) -> None:
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
    COMPARED = ("edited", "confirmed")  # a person's regions (HUMAN_STATUSES) but the difficult ones

    def __init__(self, options=None):
        super().__init__(options)
        # (kind, text) -> label -> [(document id, document name, region id)]
        self.seen: dict[tuple[str, str], dict[str, list[tuple[int, str, int | None]]]] = \
            defaultdict(lambda: defaultdict(list))

    def update_page(self, page: RegionPage) -> None:
        tagged, labels, statuses = page.has_tags, page.labels, page.statuses
        for k in [k for k, lab in enumerate(labels) if lab or tagged[k]]:
            if statuses[k] not in self.COMPARED:
                continue
            text = " ".join(nfc(page.texts[k]).split())
            if len(text) < 2 or not any(c.isalpha() for c in text):
                continue
            document = page.documents[int(page.doc[k])]
            place = (document.id if document.id is not None else -1, document.name, page.ids[k])
            if labels[k]:
                self.seen[("label", text)][labels[k]].append(place)
            tags = page.tags(k)
            if tags and len(tags) == len(tokens(text)):
                entity = _whole_entity(tags)
                if entity is not None:  # a region tagged as one entity (or all O): compare its type
                    self.seen[("entity", text)][entity].append(place)

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
                for doc_id, doc_name, rid in places:
                    out.append(Finding(self.name, doc_id, doc_name,
                                       f"{text!r} is {what} {label} here; {hint} ({summary})", rid, self.level))
        return out


class DanglingReferences(Check):
    """Links and key-values that point at regions no longer in the document."""

    name = "dangling"
    title = "Links and key-values to missing regions"
    level = "error"

    def update_page(self, page: RegionPage) -> None:
        starts, ends = page.doc_spans
        for d, document in enumerate(page.documents):
            links, keyvalues = page.links[d], page.keyvalues[d]
            if not links and not keyvalues:
                continue
            ids = set(page.ids[int(starts[d]):int(ends[d])])
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

    def update_page(self, page: RegionPage) -> None:
        done = np.array([d.status == "done" for d in page.documents], dtype=bool)
        if not done.any() or not len(page):
            return
        left = np.flatnonzero(np.isin(page.status_array, ("machine", "review")) & done[page.doc])
        docs, first, n = np.unique(page.doc[left], return_index=True, return_counts=True)
        for d, k, count in zip(docs.tolist(), left[first].tolist(), n.tolist()):
            self.flag(page.documents[d], f"marked done but {count} region(s) are still unreviewed machine output",
                      page.ids[k])
