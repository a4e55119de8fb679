"""Dataset statistics: counts, distributions and character coverage, as one accumulator.

``update(document, regions, links, keyvalues)`` per document, then ``summary()`` gives a
:class:`DatasetStats` whose ``tables()`` are what the CSV export writes and the plots draw.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hanji.domain import bio, geometry
from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.domain.text import char_class, tokens

CHAR_CLASSES = ("hangul", "latin", "digit", "symbol", "cjk", "space")


@dataclass
class DatasetStats:
    documents_by_status: Counter = field(default_factory=Counter)
    documents_by_type: Counter = field(default_factory=Counter)
    regions_by_status: Counter = field(default_factory=Counter)
    regions_by_kind: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)  # BIO spans by entity type
    region_labels: Counter = field(default_factory=Counter)  # region classes (FUNSD question/answer, keys)
    keyvalue_keys: Counter = field(default_factory=Counter)
    char_classes: Counter = field(default_factory=Counter)
    chars: Counter = field(default_factory=Counter)
    widths: list[float] = field(default_factory=list)  # of the upright crop, px
    heights: list[float] = field(default_factory=list)
    aspects: list[float] = field(default_factory=list)  # width / height
    text_lengths: list[int] = field(default_factory=list)
    confirmed_per_day: Counter = field(default_factory=Counter)  # ISO date -> regions confirmed
    missing_chars: Counter = field(default_factory=Counter)  # chars in labels the charset lacks
    charset_size: int = 0
    links: int = 0

    @property
    def documents(self) -> int:
        return sum(self.documents_by_status.values())

    @property
    def regions(self) -> int:
        return sum(self.regions_by_status.values())

    def progress(self) -> list[tuple[str, int, int]]:
        """``(day, confirmed that day, confirmed so far)`` in date order."""
        out, total = [], 0
        for day in sorted(self.confirmed_per_day):
            total += self.confirmed_per_day[day]
            out.append((day, self.confirmed_per_day[day], total))
        return out

    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        """Every statistic as a table: name -> (header, rows). The CSV export writes one file each."""

        def counts(c: Counter, what: str) -> tuple[list[str], list[list]]:
            return [what, "count"], [[k, v] for k, v in c.most_common()]

        def hist(values: Sequence[float], what: str, bins: int = 20) -> tuple[list[str], list[list]]:
            return ["bin_start", "bin_end", "count"], histogram(values, bins)

        return {
            "documents_by_status": counts(self.documents_by_status, "status"),
            "documents_by_type": counts(Counter({(k or "(none)"): v for k, v in self.documents_by_type.items()}),
                                        "doc_type"),
            "regions_by_status": counts(self.regions_by_status, "status"),
            "regions_by_kind": counts(self.regions_by_kind, "kind"),
            "entities": counts(self.entities, "entity_type"),
            "region_labels": counts(self.region_labels, "label"),
            "keyvalue_keys": counts(self.keyvalue_keys, "key"),
            "char_classes": counts(self.char_classes, "class"),
            "characters": (["char", "codepoint", "class", "count"],
                           [[c, f"U+{ord(c):04X}", char_class(c), n] for c, n in self.chars.most_common()]),
            "missing_characters": (["char", "codepoint", "count"],
                                   [[c, f"U+{ord(c):04X}", n] for c, n in self.missing_chars.most_common()]),
            "region_width": hist(self.widths, "width"),
            "region_height": hist(self.heights, "height"),
            "aspect_ratio": hist(self.aspects, "aspect"),
            "text_length": hist(self.text_lengths, "length"),
            "progress": (["day", "confirmed", "confirmed_total"], [list(r) for r in self.progress()]),
            "regions": (["width", "height", "aspect_ratio", "text_length"],
                        [[round(w, 1), round(h, 1), round(a, 3), n]
                         for w, h, a, n in zip(self.widths, self.heights, self.aspects, self.text_lengths)]),
        }


def histogram(values: Sequence[float], bins: int = 20) -> list[list]:
    """``[[start, end, count], ...]`` over equal-width bins (pure Python, no numpy in quality's core)."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi == lo:
        return [[lo, hi, len(values)]]
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    return [[round(lo + i * width, 4), round(lo + (i + 1) * width, 4), n] for i, n in enumerate(counts)]


class Statistics:
    """The statistics accumulator. ``charset`` (the recognizer's) enables the coverage table."""

    def __init__(self, charset: Iterable[str] | None = None):
        self.charset = frozenset(charset) if charset else None
        self.stats = DatasetStats(charset_size=len(self.charset or ()))

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        s = self.stats
        s.documents_by_status[document.status] += 1
        s.documents_by_type[document.doc_type] += 1
        s.links += len(links)
        for kv in keyvalues:
            s.keyvalue_keys[kv.key] += 1
        for r in regions:
            s.regions_by_status[r.status] += 1
            s.regions_by_kind[r.kind] += 1
            if r.label:
                s.region_labels[r.label] += 1
            if len(r.points) == 4:
                w, h = geometry.quad_size(r.points)
            else:
                x0, y0, x1, y1 = r.bbox
                w, h = max(1.0, x1 - x0), max(1.0, y1 - y0)
            s.widths.append(float(w))
            s.heights.append(float(h))
            s.aspects.append(w / h if h else 0.0)
            s.text_lengths.append(len(r.text))
            for ch in r.text:
                s.chars[ch] += 1
                s.char_classes[char_class(ch)] += 1
                if self.charset is not None and ch not in self.charset and not ch.isspace():
                    s.missing_chars[ch] += 1
            if r.tags and len(r.tags) == len(tokens(r.text)):
                for span in bio.spans_from_tags(r.tags):
                    s.entities[span.label] += 1

    def add_confirmed_times(self, times: Iterable[float]) -> None:
        """When regions were confirmed (UNIX seconds): labeler progress over time."""
        for t in times:
            day = dt.datetime.fromtimestamp(t, tz=dt.timezone.utc).date().isoformat()
            self.stats.confirmed_per_day[day] += 1

    def summary(self) -> DatasetStats:
        return self.stats
