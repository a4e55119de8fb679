"""A page of documents with their regions as columns: what the checks work on, so that a project of
millions of regions is read without a :class:`~hanji.domain.model.Region` object each.

A :class:`RegionPage` holds a run of documents and, for their regions (grouped by document, each
document's in reading order), the id, text, status, label and tags of each as lists and the points
as one flat array of coordinates. It comes from the store's columns (:meth:`RegionPage.from_columns`,
points as the JSON text the store keeps, parsed a page at a time by :func:`parse_points`) or from
domain objects (:meth:`RegionPage.from_items`, what ``Check.update`` and ``run_checks`` are given).
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from hanji.domain import geometry
from hanji.domain.model import Document, KeyValue, Link, Region

SHAPE_CELLS = 1 << 22  # point pairs of a page's shapes compared at once (m regions of n points: m * n * n)
_SKELETON = str.maketrans("", "", "0123456789.-+eE ")  # what is left of the text without its numbers
_NEGATIVE_INTEGER_ZERO = re.compile(r"-0(?![0-9.eE])")  # JSON's -0 is the integer 0; strtod reads -0.0


@lru_cache(maxsize=256)
def _shape(points: int) -> str:
    return "[[,]" + ",[,]" * (points - 1) + "]"


def parse_points(points_json: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Regions' points as stored (JSON ``[[x, y], ...]``), parsed in one go: the flat coordinates
    ``x0, y0, x1, y1, ...`` of every region one after the other, and the number of points of each.

    The text's shape (its brackets and commas once the numbers are taken out) is checked against
    lists of pairs, and the numbers are read by numpy's ``fromstring`` (correctly rounded, as
    ``json`` reads them: the same doubles). A page of another shape is read region by region, as
    the store's ``rows.region_from_row`` reads a region, and a region that is not a list of pairs
    raises ``ValueError`` naming its place in ``points_json``."""
    n = len(points_json)
    if not n:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    text = "\n".join(points_json)
    skeleton = text.translate(_SKELETON)
    pieces = skeleton.split("\n")
    if len(pieces) == n and not _NEGATIVE_INTEGER_ZERO.search(text):
        counts = (np.fromiter(map(len, pieces), dtype=np.int64, count=n) - 1) // 4
        if (counts >= 1).all() and "\n".join(map(_shape, counts.tolist())) == skeleton:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # text it cannot read: counted short
                flat = np.fromstring(text.replace("[", "").replace("]", "").replace("\n", ","), sep=",")
            if len(flat) == 2 * int(counts.sum()):
                return flat, counts
    parts, counts = [], np.zeros(n, dtype=np.int64)
    for k, one in enumerate(points_json):
        try:  # as the store's rows.region_from_row reads them
            pts = [(float(x), float(y)) for x, y in json.loads(one)]
        except (ValueError, TypeError) as e:
            raise ValueError(f"region {k} of the page: its points are not a list of [x, y] ({e})") from e
        counts[k] = len(pts)
        parts.extend(c for p in pts for c in p)
    return np.asarray(parts, dtype=np.float64), counts


class RegionPage:
    """Documents and their regions as columns. Region ``k`` belongs to document ``doc[k]`` (a position
    in ``documents``); each document's regions are consecutive, in reading order, documents in order."""

    def __init__(self, documents: Sequence[Document], doc: np.ndarray, ids: Sequence, texts: Sequence[str],
                 statuses: Sequence[str], labels: Sequence[str], tags: Sequence, coords: np.ndarray,
                 counts: np.ndarray, links: list[list[Link]], keyvalues: list[list[KeyValue]]):
        self.documents = list(documents)
        self.doc = np.asarray(doc, dtype=np.int64)
        self.ids = ids  # region ids (None for a region never stored)
        self.texts = texts
        self.statuses = statuses
        self.labels = labels
        self.raw_tags = tags  # as stored (JSON text) or as given (lists)
        self.coords = np.asarray(coords, dtype=np.float64)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.links = links  # per document position
        self.keyvalues = keyvalues  # per document position
        if len(self.counts) and int(self.counts.min()) < 1:
            raise ValueError("a region without points")

    def __len__(self) -> int:
        return len(self.texts)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_items(cls, items: Iterable[tuple[Document, Sequence[Region], Sequence[Link], Sequence[KeyValue]]]
                   ) -> RegionPage:
        docs: list[Document] = []
        doc, ids, texts, statuses, labels, tags, coords, counts = [], [], [], [], [], [], [], []
        links, kvs = [], []
        for d, (document, regions, lks, kv) in enumerate(items):
            docs.append(document)
            for r in regions:
                doc.append(d)
                ids.append(r.id)
                texts.append(r.text)
                statuses.append(r.status)
                labels.append(r.label)
                tags.append(r.tags)
                counts.append(len(r.points))
                coords.extend(c for p in r.points for c in p)
            links.append(list(lks))
            kvs.append(list(kv))
        return cls(docs, np.asarray(doc, dtype=np.int64), ids, texts, statuses, labels, tags,
                   np.asarray(coords, dtype=np.float64), np.asarray(counts, dtype=np.int64), links, kvs)

    @classmethod
    def from_columns(cls, documents: Sequence[Document], columns: dict[str, Sequence], links: Sequence[Link] = (),
                     keyvalues: Sequence[KeyValue] = ()) -> RegionPage:
        """A page from the store's columns: ``id``, ``doc_id``, ``points`` (JSON), ``text``, ``status``,
        ``label``, ``tags`` (JSON) of the documents' regions, by document id and reading order; the
        links and key-values of these documents (each with its ``doc_id``). Documents by id."""
        pos = {d.id: i for i, d in enumerate(documents)}
        if not documents:
            columns = {c: () for c in columns}
        doc_ids = columns["doc_id"]
        ids_sorted = np.fromiter((d.id for d in documents), dtype=np.int64, count=len(documents))
        got = np.asarray(doc_ids, dtype=np.int64)
        doc = np.minimum(np.searchsorted(ids_sorted, got), max(len(documents) - 1, 0))
        if len(doc) and (ids_sorted[doc] != got).any():  # a region of no document of the page: left out
            keep = np.flatnonzero(ids_sorted[doc] == got).tolist()
            columns = {c: [v[k] for k in keep] for c, v in columns.items()}
            doc = doc[keep]
        if len(doc) and (np.diff(doc) < 0).any():
            raise ValueError("the regions are not grouped by document")
        coords, counts = parse_points(columns["points"])
        lks: list[list[Link]] = [[] for _ in documents]
        for lk in links:
            lks[pos[lk.doc_id]].append(lk)
        kvs: list[list[KeyValue]] = [[] for _ in documents]
        for kv in keyvalues:
            kvs[pos[kv.doc_id]].append(kv)
        return cls(documents, doc, columns["id"], columns["text"], columns["status"], columns["label"],
                   columns["tags"], coords, counts, lks, kvs)

    # ------------------------------------------------------------------ derived columns
    @cached_property
    def starts(self) -> np.ndarray:
        """Where each region's coordinates start in ``coords``."""
        out = np.zeros(len(self.counts), dtype=np.int64)
        if len(out) > 1:
            np.cumsum(2 * self.counts[:-1], out=out[1:])
        return out

    @cached_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``x0, y0, x1, y1`` of each region's bounding box (arrays)."""
        if not len(self):
            z = np.zeros(0)
            return z, z, z, z
        xs, ys = self.coords[0::2], self.coords[1::2]
        at = self.starts // 2
        return (np.minimum.reduceat(xs, at), np.minimum.reduceat(ys, at), np.maximum.reduceat(xs, at),
                np.maximum.reduceat(ys, at))

    @cached_property
    def doc_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """The first and one-past-last region of each document."""
        n = np.arange(len(self.documents))
        return np.searchsorted(self.doc, n, "left"), np.searchsorted(self.doc, n, "right")

    @cached_property
    def status_array(self) -> np.ndarray:
        return np.asarray(self.statuses, dtype=str) if self.statuses else np.zeros(0, dtype="<U1")

    @cached_property
    def has_tags(self) -> list[bool]:
        """Whether each region may have tags (its tags are not the empty list)."""
        return [t != "[]" and bool(t) for t in self.raw_tags]

    def tags(self, k: int) -> Any:
        """Region ``k``'s tags as a list (as the store reads them)."""
        t = self.raw_tags[k]
        if isinstance(t, str):
            return [] if t == "[]" else json.loads(t)
        return t

    def points(self, k: int) -> list[tuple[float, float]]:
        s = int(self.starts[k])
        flat = self.coords[s:s + 2 * int(self.counts[k])].tolist()
        return list(zip(flat[0::2], flat[1::2]))

    def bbox(self, k: int) -> tuple[float, float, float, float]:
        """Region ``k``'s bounding box as ``geometry.bbox`` gives it (to the sign of a zero)."""
        box = tuple(float(b[k]) for b in self.bounds)
        if 0.0 in box:  # min() keeps the first of 0.0 and -0.0, which a message prints as '0' or '-0'
            return geometry.bbox(self.points(k))
        return box  # type: ignore[return-value]

    def region_name(self, k: int) -> str:
        """How a message names region ``k``: its text, or its place when it has none."""
        t = self.texts[k].strip()
        if t:
            return repr(t if len(t) <= 30 else t[:29] + "…")
        x0, y0, _, _ = self.bbox(k)
        return f"the region at ({x0:.0f}, {y0:.0f})"

    # ------------------------------------------------------------------ shapes, measured together
    def shapes_by_size(self, max_cells: int | None = None) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``(regions, xs, ys)`` for the regions of each number of points ``n``: their positions and
        their coordinates as ``(m, n)`` arrays, in chunks of at most ``max_cells`` (``SHAPE_CELLS``)
        point pairs."""
        max_cells = SHAPE_CELLS if max_cells is None else max_cells
        if not len(self):
            return
        for n in np.unique(self.counts).tolist():
            which = np.flatnonzero(self.counts == n)
            step = max(1, max_cells // (n * n))
            for i in range(0, len(which), step):
                part = which[i:i + step]
                xy = self.coords[self.starts[part][:, None] + np.arange(2 * n)]
                yield part, xy[:, 0::2], xy[:, 1::2]

    @cached_property
    def areas(self) -> np.ndarray:
        """Each region's ``geometry.signed_area`` (the shoelace sum in the same order, to the bit)."""
        out = np.zeros(len(self))
        for part, xs, ys in self.shapes_by_size():
            n = xs.shape[1]
            if n < 3:
                continue
            s = np.zeros(len(part))
            for i in range(n):
                j = (i + 1) % n
                s = s + (xs[:, i] * ys[:, j] - xs[:, j] * ys[:, i])
            out[part] = s / 2.0
        return out

    @cached_property
    def distinct_points(self) -> np.ndarray:
        """How many distinct points each region has (``len(set(points))``)."""
        out = np.zeros(len(self), dtype=np.int64)
        for part, xs, ys in self.shapes_by_size():
            n = xs.shape[1]
            same = (xs[:, :, None] == xs[:, None, :]) & (ys[:, :, None] == ys[:, None, :])
            earlier = np.tril(np.ones((n, n), dtype=bool), -1)
            out[part] = n - (same & earlier).any(axis=2).sum(axis=1)
        return out

    @cached_property
    def hull_area_floor(self) -> np.ndarray:
        """A lower bound of each region's convex hull area (what ``geometry.iou`` divides by): the
        shoelace area of a triangle or quad (at most its hull's: four edges wind at most once round
        any point), and for more points the area of the octagon through the points farthest out in
        eight directions (in the hull's own order, so inside it)."""
        out = np.abs(self.areas)
        dirs = np.array([(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)], dtype=np.float64)
        for part, xs, ys in self.shapes_by_size():
            if xs.shape[1] <= 4:
                continue
            proj = xs[:, None, :] * dirs[None, :, 0, None] + ys[:, None, :] * dirs[None, :, 1, None]
            pick = proj.argmax(axis=2)  # (m, 8): the extreme point in each direction, in angular order
            px, py = np.take_along_axis(xs, pick, 1), np.take_along_axis(ys, pick, 1)
            s = (px * np.roll(py, -1, axis=1) - np.roll(px, -1, axis=1) * py).sum(axis=1)
            out[part] = np.abs(s) / 2.0
        return out
