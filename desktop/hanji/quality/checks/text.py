"""Checks on the text of regions: empty text, characters outside the charset, forbidden words."""

from __future__ import annotations

from hanji.domain.text import nfc
from hanji.quality.checks.base import Check
from hanji.quality.columns import RegionPage
from hanji.quality.findings import Finding

# regions a person has not touched are not held to the same standard
UNCHECKED_STATUSES = ("machine", "difficult")


class EmptyText(Check):
    """A region a person labelled whose transcription is empty or only whitespace."""

    name = "empty_text"
    title = "Empty or whitespace text"
    level = "error"

    def update_page(self, page: RegionPage) -> None:
        statuses = page.statuses
        for k in [k for k, t in enumerate(page.texts) if not t.strip()]:
            if statuses[k] in UNCHECKED_STATUSES:
                continue
            what = "empty" if not page.texts[k] else "only whitespace"
            self.flag_region(page, k, f"{page.region_name(k)} is {statuses[k]} but its text is {what}; type it, "
                                      "or mark it difficult")


class OutsideCharset(Check):
    """Characters the recognizer cannot read (it would never learn them from this label)."""

    name = "charset"
    title = "Characters outside the charset"

    def update_page(self, page: RegionPage) -> None:
        charset = self.options.charset
        if not charset:
            return
        # the page's characters once each; only the texts holding one the charset lacks are read again
        outside = frozenset(c for c in set("".join(page.texts)) if c not in charset and not c.isspace())
        if not outside:
            return
        shown = {c: f"{c!r} (U+{ord(c):04X})" for c in outside}
        statuses, texts, ids = page.statuses, page.texts, page.ids
        docs, doc_of = page.documents, page.doc.tolist()
        # the findings made here as flag_region makes them (a page of 100,000 documents can hold millions)
        findings, name, level, region_name = self.findings, self.name, self.level, page.region_name
        for k in [k for k, text in enumerate(texts) if not outside.isdisjoint(text)]:
            if statuses[k] == "difficult":
                continue
            bad = sorted(outside.intersection(texts[k]))
            chars = ", ".join([shown[c] for c in bad[:8]]) + (" …" if len(bad) > 8 else "")
            doc = docs[doc_of[k]]
            findings.append(Finding(name, doc.id if doc.id is not None else -1, doc.name,
                                    f"{region_name(k)} has characters outside the recognizer's charset: {chars}",
                                    ids[k], level))


class ForbiddenWords(Check):
    """Documents containing a word of the project's forbidden list (ads, abuse, names to drop)."""

    name = "forbidden_word"
    title = "Forbidden words"
    level = "error"

    def __init__(self, options=None):
        super().__init__(options)
        self.words = [w for w in (nfc(w).strip().casefold() for w in self.options.forbidden_words) if w]

    def update_page(self, page: RegionPage) -> None:
        if not self.words:
            return
        folded = [t.casefold() for t in page.texts]
        whole = "\x00".join(folded)  # a word in no text of the page is in no region of it
        doc = page.doc.tolist()
        found: list[tuple[int, int, str, int | None]] = []  # (document, word, message, region id)
        for w, word in enumerate(self.words):
            first: dict[int, int] = {}  # document -> its first region holding the word
            for k in ([k for k, t in enumerate(folded) if word in t] if word in whole else ()):
                first.setdefault(doc[k], k)
            for d, k in first.items():
                found.append((d, w, f"contains the forbidden word {word!r} (in {page.region_name(k)})", page.ids[k]))
            for d, kvs in enumerate(page.keyvalues):
                if d in first:
                    continue
                kv = next((kv for kv in kvs if word in kv.value.casefold()), None)
                if kv is not None:
                    found.append((d, w, f"contains the forbidden word {word!r} (in the value of {kv.key})",
                                  kv.region_ids[0] if kv.region_ids else None))
        found.sort(key=lambda f: (f[0], f[1]))  # by document, then by word, as one document at a time gave them
        for d, _, message, rid in found:
            self.flag(page.documents[d], message, rid)
