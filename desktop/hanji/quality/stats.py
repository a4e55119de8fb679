"""Dataset statistics: counts, distributions and character coverage, as one accumulator.

``update(document, regions, links, keyvalues)`` per document, then ``summary()`` gives a
:class:`DatasetStats` whose ``tables()`` are what the CSV export writes and the plots draw.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from hanji.domain import bio, geometry
from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.domain.text import char_class, tokens
from hanji.quality.columns import parse_points

CHAR_CLASSES = ("hangul", "latin", "digit", "symbol", "cjk", "space")


def _floats() -> np.ndarray:
    return np.zeros(0)


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


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
    chars: Counter = field(default_factory=Counter)  # by first appearance in document and reading order
    # one value a region, in document and reading order (numpy arrays: 8 bytes a value, not a float object)
    widths: np.ndarray = field(default_factory=_floats)  # of the upright crop, px
    heights: np.ndarray = field(default_factory=_floats)
    aspects: np.ndarray = field(default_factory=_floats)  # width / height
    text_lengths: np.ndarray = field(default_factory=_ints)
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

    def region_rows(self, chunk: int = 65536) -> Iterator[list]:
        """The ``regions`` table's rows (width, height, aspect ratio, text length a region), made as
        they are read: a table of millions of rows is written without being held."""
        for i in range(0, len(self.widths), chunk):
            part = slice(i, i + chunk)
            yield from ([round(w, 1), round(h, 1), round(a, 3), n] for w, h, a, n in zip(
                self.widths[part].tolist(), self.heights[part].tolist(), self.aspects[part].tolist(),
                self.text_lengths[part].tolist()))

    def tables(self, regions: bool = True) -> dict[str, tuple[list[str], list[list]]]:
        """Every statistic as a table: name -> (header, rows). The CSV export writes one file each.
        ``regions=False`` leaves out the one-row-a-region table (what the JSON output leaves out)."""

        def counts(c: Counter, what: str) -> tuple[list[str], list[list]]:
            return [what, "count"], [[k, v] for k, v in c.most_common()]

        def hist(values: Sequence[float], what: str, bins: int = 20) -> tuple[list[str], list[list]]:
            return ["bin_start", "bin_end", "count"], histogram(values, bins)

        out = {
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
        }
        if regions:
            out["regions"] = (["width", "height", "aspect_ratio", "text_length"], list(self.region_rows()))
        return out


def histogram(values: Sequence[float], bins: int = 20) -> list[list]:
    """``[[start, end, count], ...]`` over equal-width bins (each value's bin worked out as
    ``int((v - lo) / width)`` in doubles, for all values at once)."""
    v = np.asarray(values)
    if not len(v):
        return []
    lo, hi = v.min().item(), v.max().item()  # Python numbers: an int stays an int
    if hi == lo:
        return [[lo, hi, len(v)]]
    width = (hi - lo) / bins
    at = np.minimum(bins - 1, ((v.astype(np.float64) - lo) / width).astype(np.int64))
    counts = np.bincount(at, minlength=bins).tolist()
    return [[round(lo + i * width, 4), round(lo + (i + 1) * width, 4), n] for i, n in enumerate(counts)]


class Statistics:
    """The statistics accumulator. ``charset`` (the recognizer's) enables the coverage table."""

    def __init__(self, charset: Iterable[str] | None = None):
        self.charset = frozenset(charset) if charset else None
        self.stats = DatasetStats(charset_size=len(self.charset or ()))
        self._sizes: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # chunks, in order
        self._pending: list[tuple[float, float, float, int]] = []  # regions added one at a time
        self._char_counts = np.zeros(0, dtype=np.int64)  # by code point
        self._char_order: list[int] = []  # code points as they first appeared

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
        each region's size, text and tags then come through :meth:`add_regions`."""
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
        go, measured together, characters counted in one pass."""
        if not len(points_json):
            return
        flat, counts = parse_points(points_json)
        starts = np.zeros(len(counts), dtype=np.int64)
        np.cumsum(2 * counts[:-1], out=starts[1:])
        w, h = np.zeros(len(counts)), np.zeros(len(counts))
        quads = np.flatnonzero(counts == 4)
        if len(quads):
            q = flat[starts[quads][:, None] + np.arange(8)].reshape(-1, 4, 2)  # clockwise from top-left
            d = lambda a, b: np.hypot(*(q[:, a] - q[:, b]).T)  # noqa: E731
            w[quads] = np.maximum(1, np.round(np.maximum(d(0, 1), d(3, 2))))
            h[quads] = np.maximum(1, np.round(np.maximum(d(0, 3), d(1, 2))))
        other = np.flatnonzero(counts != 4)
        if len(other):  # the box of any other shape
            xs, ys, at = flat[0::2], flat[1::2], starts // 2
            box = lambda f, v: f.reduceat(v, at)[other]  # noqa: E731
            w[other] = np.maximum(1.0, box(np.maximum, xs) - box(np.minimum, xs))
            h[other] = np.maximum(1.0, box(np.maximum, ys) - box(np.minimum, ys))
        self._flush()
        self._sizes.append((w, h, w / h, np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))))
        self._add_chars("".join(texts))
        s = self.stats
        for text, tags in zip(texts, tags_json):
            if tags != "[]":
                tags = json.loads(tags)
                if tags and len(tags) == len(tokens(text)):
                    for span in bio.spans_from_tags(tags):
                        s.entities[span.label] += 1

    def add_region(self, points: Sequence, text: str, tags: Sequence[str]) -> None:
        """A region's size, text and entities (its points as stored: four for a quad or a box)."""
        if len(points) == 4:
            w, h = geometry.quad_size(points)
        else:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            w, h = max(1.0, max(xs) - min(xs)), max(1.0, max(ys) - min(ys))
        self._pending.append((float(w), float(h), w / h if h else 0.0, len(text)))
        self._add_chars(text)
        if tags and len(tags) == len(tokens(text)):
            for span in bio.spans_from_tags(tags):
                self.stats.entities[span.label] += 1

    def _flush(self) -> None:
        if self._pending:
            w, h, a, n = zip(*self._pending)
            self._sizes.append((np.array(w), np.array(h), np.array(a), np.array(n, dtype=np.int64)))
            self._pending = []

    def _add_chars(self, text: str) -> None:
        """Count ``text``'s characters by code point, noting the ones not seen before in the order they
        first appear (what ``Counter.update(text)`` would keep)."""
        if not text:
            return
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        got = np.bincount(cps)
        if len(got) > len(self._char_counts):
            self._char_counts = np.concatenate([self._char_counts, np.zeros(len(got) - len(self._char_counts),
                                                                              dtype=np.int64)])
        seen = self._char_counts[:len(got)] > 0
        self._char_counts[:len(got)] += got
        new = (got > 0) & ~seen
        if new.any():
            at = np.flatnonzero(new[cps])  # where the new characters are in the text
            firsts = np.unique(cps[at], return_index=True)
            self._char_order.extend(firsts[0][np.argsort(firsts[1])].tolist())

    def add_confirmed_times(self, times: Iterable[float]) -> None:
        """When regions were confirmed (UNIX seconds): labeler progress over time. Each time's UTC day
        is the one ``datetime.fromtimestamp`` gives (rounded to the microsecond, half to even)."""
        t = np.fromiter(times, dtype=np.float64)
        if not len(t):
            return
        whole = np.trunc(t)
        us = np.rint((t - whole) * 1e6)
        whole = whole + (us >= 1e6) - (us < 0)
        days, n = np.unique(np.floor_divide(whole, 86400).astype(np.int64), return_counts=True)
        epoch = dt.date(1970, 1, 1)
        for day, count in zip(days.tolist(), n.tolist()):
            self.stats.confirmed_per_day[(epoch + dt.timedelta(days=day)).isoformat()] += count

    def summary(self) -> DatasetStats:
        """The statistics; character classes and the characters the charset lacks are worked out
        here from the character counts (once per distinct character, not per character read)."""
        s = self.stats
        self._flush()
        if self._sizes:
            s.widths, s.heights, s.aspects, s.text_lengths = (np.concatenate(c) for c in zip(*self._sizes))
            self._sizes = [(s.widths, s.heights, s.aspects, s.text_lengths)]
        s.chars = Counter({chr(c): int(self._char_counts[c]) for c in self._char_order})
        s.char_classes, s.missing_chars = Counter(), Counter()
        for ch, n in s.chars.items():
            s.char_classes[char_class(ch)] += n
            if self.charset is not None and ch not in self.charset and not ch.isspace():
                s.missing_chars[ch] += n
        return s
