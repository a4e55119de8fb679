"""quality/stats.py as it was before issue 20 made it light (frozen at a42dfbc, verbatim): Python
lists of a value a region, a Counter fed every character, a datetime a confirmed region. The oracle
of tests/quality/test_stats_columns.py; do not edit it to follow the product."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

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
            self.add_region(r.points, r.text, r.tags)

    def add_counts(self, documents_by_status: dict, documents_by_type: dict, regions_by_status: dict,
                   regions_by_kind: dict, region_labels: dict, keyvalue_keys: dict, links: int) -> None:
        """What :meth:`update` counts, counted elsewhere (by the database, for a whole project);
        each region's size, text and tags then come through :meth:`add_region`."""
        s = self.stats
        s.documents_by_status.update(documents_by_status)
        s.documents_by_type.update(documents_by_type)
        s.regions_by_status.update(regions_by_status)
        s.regions_by_kind.update(regions_by_kind)
        s.region_labels.update({k: v for k, v in region_labels.items() if k})
        s.keyvalue_keys.update(keyvalue_keys)
        s.links += links

    def add_regions(self, points_json: Sequence[str], texts: Sequence[str], tags_json: Sequence[str]) -> None:
        """:meth:`add_region` for many regions as stored (points and tags as JSON text): parsed in one
        go, quads measured together, characters counted in one pass."""
        s = self.stats
        if not points_json:
            return
        # every coordinate of the page in one parse: "[[x,y],...]" holds one number more than commas
        counts = np.fromiter((p.count(",") + 1 for p in points_json), dtype=np.int64, count=len(points_json))
        flat = np.fromstring(",".join(points_json).replace("[", "").replace("]", ""), sep=",")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        quads = np.flatnonzero(counts == 8)
        w = [0.0] * len(points_json)
        h = [0.0] * len(points_json)
        if len(quads):
            q = flat[starts[quads][:, None] + np.arange(8)].reshape(-1, 4, 2)  # clockwise from top-left
            d = lambda a, b: np.hypot(*(q[:, a] - q[:, b]).T)  # noqa: E731
            qw = np.maximum(1, np.round(np.maximum(d(0, 1), d(3, 2)))).astype(int).tolist()
            qh = np.maximum(1, np.round(np.maximum(d(0, 3), d(1, 2)))).astype(int).tolist()
            for k, a, b in zip(quads.tolist(), qw, qh):
                w[k], h[k] = a, b
        for k in np.flatnonzero(counts != 8).tolist():
            xy = flat[starts[k]:starts[k] + counts[k]]
            xs, ys = xy[0::2].tolist(), xy[1::2].tolist()
            w[k], h[k] = max(1.0, max(xs) - min(xs)), max(1.0, max(ys) - min(ys))
        s.widths.extend(float(v) for v in w)
        s.heights.extend(float(v) for v in h)
        s.aspects.extend(a / b if b else 0.0 for a, b in zip(w, h))
        s.text_lengths.extend(len(t) for t in texts)
        s.chars.update("".join(texts))
        for text, tags in zip(texts, tags_json):
            if tags != "[]":
                tags = json.loads(tags)
                if tags and len(tags) == len(tokens(text)):
                    for span in bio.spans_from_tags(tags):
                        s.entities[span.label] += 1

    def add_region(self, points: Sequence, text: str, tags: Sequence[str]) -> None:
        """A region's size, text and entities (its points as stored: four for a quad or a box)."""
        s = self.stats
        if len(points) == 4:
            w, h = geometry.quad_size(points)
        else:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            w, h = max(1.0, max(xs) - min(xs)), max(1.0, max(ys) - min(ys))
        s.widths.append(float(w))
        s.heights.append(float(h))
        s.aspects.append(w / h if h else 0.0)
        s.text_lengths.append(len(text))
        s.chars.update(text)  # counted in C; classes and coverage follow from it in summary()
        if tags and len(tags) == len(tokens(text)):
            for span in bio.spans_from_tags(tags):
                s.entities[span.label] += 1

    def add_confirmed_times(self, times: Iterable[float]) -> None:
        """When regions were confirmed (UNIX seconds): labeler progress over time."""
        for t in times:
            day = dt.datetime.fromtimestamp(t, tz=dt.timezone.utc).date().isoformat()
            self.stats.confirmed_per_day[day] += 1

    def summary(self) -> DatasetStats:
        """The statistics; character classes and the characters the charset lacks are worked out
        here from the character counts (once per distinct character, not per character read)."""
        s = self.stats
        s.char_classes, s.missing_chars = Counter(), Counter()
        for ch, n in s.chars.items():
            s.char_classes[char_class(ch)] += n
            if self.charset is not None and ch not in self.charset and not ch.isspace():
                s.missing_chars[ch] += n
        return s
