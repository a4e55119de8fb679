"""Checks on the text of regions: empty text, characters outside the charset, forbidden words."""

from __future__ import annotations

from collections.abc import Sequence

from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.domain.text import nfc
from hanji.quality.checks.base import Check, region_name

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
