"""Conversions between domain objects and the rows of the project file."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from hanji.domain.model import REGION_STATUSES, Document, EntityType, KeyValue, Link, Region
from hanji.store.search_index import text_grams

_new = object.__new__
_FOUR = ("quad", "rect")

REGION_COLUMNS = ("id", "doc_id", "kind", "points", "text", "status", "source", "confidence", "ord",
                  "label", "tags", "machine_text", "attrs", "updated")
DOCUMENT_COLUMNS = ("id", "name", "sha256", "width", "height", "status", "doc_type", "path", "attrs",
                    "added", "updated")
LINK_COLUMNS = ("id", "doc_id", "src", "dst", "key")
KEYVALUE_COLUMNS = ("id", "doc_id", "key", "value", "region_ids", "source", "confidence")
ENTITY_COLUMNS = ("name", "color", "key", "title", "personal", "doc_type", "position")
COLUMNS = {
    "regions": REGION_COLUMNS,
    "documents": DOCUMENT_COLUMNS,
    "links": LINK_COLUMNS,
    "keyvalues": KEYVALUE_COLUMNS,
    "entity_types": ENTITY_COLUMNS,
}
KEYS = {"regions": "id", "documents": "id", "links": "id", "keyvalues": "id", "entity_types": "name"}


def _dump(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


_scan = json.JSONDecoder().scan_once  # the C scanner json.loads ends in, without its three Python frames


def load_points(v: str) -> Any:
    """A points column's JSON (``json.loads``' answer): the scanner at once when the value fills the
    text, as every row Hanji writes does (an export of millions of regions reads one a region)."""
    try:
        value, end = _scan(v, 0)
    except (StopIteration, ValueError):
        return json.loads(v)  # its own error, or a value after whitespace
    return value if end == len(v) else json.loads(v)


def load_column(v: str) -> Any:
    """JSON of a column; the empty list and object most regions hold without the parser."""
    if v == "[]":
        return []
    if v == "{}":
        return {}
    return json.loads(v)


def points_json(points: list[tuple[float, float]]) -> str:
    """A region's points as stored: ``[[x,y],...]`` rounded to 3 decimals, as ``json.dumps`` of the
    rounded floats writes them (their repr), without its per-call cost (an import writes millions).
    A coordinate whose repr has at most 3 decimals is its own rounding (it is the float nearest that
    decimal), so only the others pay for ``round`` (half the cost of the points of an import)."""
    out = []
    for x, y in points:
        a = repr(x)
        if len(a) - a.find(".") > 4:  # more than 3 decimals, or an exponent (no '.' at all: 1e-05)
            a = repr(round(x, 3))
        b = repr(y)
        if len(b) - b.find(".") > 4:
            b = repr(round(y, 3))
        out.append(f"[{a},{b}]")
    return "[" + ",".join(out) + "]"


def region_values(r: Region, rid: int, doc_id: int, now: float) -> tuple:
    """:func:`region_row`'s values as a tuple in ``REGION_COLUMNS`` order (bulk inserts)."""
    return (rid, doc_id, r.kind, points_json(r.points), r.text, r.status, r.source, r.confidence, r.order, r.label,
            _dump(list(r.tags)) if r.tags else "[]", r.machine_text, _dump(r.attrs) if r.attrs else "{}", now)


class RegionRows:
    """A document's regions as the rows an import writes, made before the import writes them (by
    :func:`region_rows`, in an import's reader process). For a project file: ``values``, a tuple a
    region in ``REGION_FIELDS`` order (the row without its id, document and time, which the import
    run gives), and ``grams``, each text's tokens for the short-query search index
    (``hanji_grams``), which the import batch then indexes without calling Python a row (None: not
    made, the batch makes them where it needs them). For a PostgreSQL project: ``lines``, each
    region's ``REGION_FIELDS`` as a line of ``COPY ... FROM STDIN`` text without its end
    (:func:`copy_fields`), which the import run sends with the id and document before and the time
    after (no Python value a column to pickle, unpickle and format again); ``values`` and ``grams``
    None then. Plain lists of tuples and strings: cheap to pickle, no domain object a region."""

    __slots__ = ("values", "grams", "lines")

    def __init__(self, values: list[tuple] | None, grams: list[str] | None, lines: list[str] | None = None):
        if (values is None) == (lines is None):
            raise ValueError("regions as values or as COPY lines, one of the two")
        if grams is not None and (values is None or len(values) != len(grams)):
            raise ValueError(f"{len(values or ())} regions but {len(grams)} token lists")
        self.values = values
        self.grams = grams
        self.lines = lines

    def __len__(self) -> int:
        return len(self.values if self.values is not None else self.lines)

    def __reduce__(self):
        return RegionRows, (self.values, self.grams, self.lines)


REGION_FIELDS = REGION_COLUMNS[2:-1]  # what RegionRows.values hold of a row: all but id, doc_id and updated

_copy_special = re.compile(r"[\\\n\r\t]").search


def copy_field(v: Any) -> str:
    """One value in PostgreSQL's ``COPY`` text format, as psycopg writes it: None is ``\\N``; a
    backslash, newline, carriage return or tab in a text escaped with a backslash; a number as its
    ``str`` (a float's is its repr, which the server reads back to the same double; ``inf`` and
    ``nan`` it reads too)."""
    if v is None:
        return "\\N"
    if type(v) is str:
        if _copy_special(v):
            return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return v
    if type(v) is float or type(v) is int:
        return str(v)
    if isinstance(v, str):
        return copy_field(str(v))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(float(v) if isinstance(v, float) else int(v))
    raise TypeError(f"no COPY text for a {type(v).__name__} in a region's row")


def copy_fields(values: tuple) -> str:
    """A region's ``REGION_FIELDS`` values as the middle of a ``COPY`` text line (tab-separated)."""
    return "\t".join([copy_field(v) for v in values])


def region_rows(regions: list[Region], grams: bool = True, copy: bool = False) -> RegionRows:
    """:class:`RegionRows` of checked regions: the values :func:`region_values` writes (points
    rounded to 3 decimals, tags and attrs as JSON) and, with ``grams``, the tokens of their texts
    (a project file's short-query index takes them); with ``copy``, the same values as ``COPY``
    text lines instead (a PostgreSQL project, whose server makes its own index keys)."""
    values = [(r.kind, points_json(r.points), r.text, r.status, r.source, r.confidence, r.order, r.label,
               _dump(list(r.tags)) if r.tags else "[]", r.machine_text, _dump(r.attrs) if r.attrs else "{}")
              for r in regions]
    if copy:
        return RegionRows(None, None, [copy_fields(v) for v in values])
    return RegionRows(values, [text_grams(r.text) for r in regions] if grams else None)


def region_row(r: Region) -> dict[str, Any]:
    # empty tags and attrs without json.dumps' per-call cost
    return {
        "id": r.id, "doc_id": r.doc_id, "kind": r.kind, "points": points_json(r.points),
        "text": r.text, "status": r.status, "source": r.source, "confidence": r.confidence,
        "ord": r.order, "label": r.label, "tags": _dump(list(r.tags)) if r.tags else "[]",
        "machine_text": r.machine_text, "attrs": _dump(r.attrs) if r.attrs else "{}", "updated": time.time(),
    }


def region_from_row(row: dict[str, Any] | tuple) -> Region:
    """A region as stored. Rows are what :func:`region_row` wrote from a checked :class:`Region`
    (points of numbers, a kind and status of the lists, the text in NFC), so a row that reads as such
    is not checked again: the object is filled in directly (an export of millions of regions
    spends its time here). A row another program wrote wrong (not four points for a quad, an
    unknown status) goes through the checks and fails there."""
    if isinstance(row, dict):
        row = tuple(row[c] for c in REGION_COLUMNS)
    rid, doc_id, kind, points, text, status, source, confidence, order, label, tags, machine, attrs = row[:13]
    points = load_points(points)
    try:
        pts = [(float(x), float(y)) for x, y in points]
    except (TypeError, ValueError):
        pts = []
    n = len(pts)
    if status in REGION_STATUSES and (n == 4 if kind in _FOUR else kind == "polygon" and n >= 3):
        r = _new(Region)
        r.__dict__.update(points=pts, kind=kind, text=text, status=status, source=source, confidence=confidence,
                          order=order, label=label, tags=load_column(tags), machine_text=machine,
                          attrs=load_column(attrs), id=rid, doc_id=doc_id)
        return r
    return Region(points=points, kind=kind, text=text, status=status, source=source, confidence=confidence,
                  order=order, label=label, tags=load_column(tags), machine_text=machine,
                  attrs=load_column(attrs), id=rid, doc_id=doc_id)


def document_from_row(row: dict[str, Any] | tuple) -> Document:
    if not isinstance(row, dict):
        row = dict(zip(DOCUMENT_COLUMNS, row))
    return Document(
        name=row["name"], width=row["width"], height=row["height"], sha256=row["sha256"],
        status=row["status"], doc_type=row["doc_type"], path=row["path"], attrs=json.loads(row["attrs"]),
        id=row["id"],
    )


def link_row(lk: Link) -> dict[str, Any]:
    return {"id": lk.id, "doc_id": lk.doc_id, "src": lk.src, "dst": lk.dst, "key": lk.key}


def link_from_row(row: dict[str, Any] | tuple) -> Link:
    if not isinstance(row, dict):
        row = dict(zip(LINK_COLUMNS, row))
    return Link(src=row["src"], dst=row["dst"], key=row["key"], id=row["id"], doc_id=row["doc_id"])


def keyvalue_row(kv: KeyValue) -> dict[str, Any]:
    return {"id": kv.id, "doc_id": kv.doc_id, "key": kv.key, "value": kv.value,
            "region_ids": _dump(list(kv.region_ids)), "source": kv.source, "confidence": kv.confidence}


def keyvalue_from_row(row: dict[str, Any] | tuple) -> KeyValue:
    if not isinstance(row, dict):
        row = dict(zip(KEYVALUE_COLUMNS, row))
    return KeyValue(key=row["key"], value=row["value"], region_ids=json.loads(row["region_ids"]),
                    source=row["source"], confidence=row["confidence"], id=row["id"], doc_id=row["doc_id"])


def entity_row(e: EntityType, position: int = 0) -> dict[str, Any]:
    return {"name": e.name, "color": e.color, "key": e.key, "title": e.title,
            "personal": int(e.personal), "doc_type": e.doc_type, "position": position}


def entity_from_row(row: dict[str, Any] | tuple) -> EntityType:
    if not isinstance(row, dict):
        row = dict(zip(ENTITY_COLUMNS, row))
    return EntityType(name=row["name"], color=row["color"], key=row["key"], title=row["title"],
                      personal=bool(row["personal"]), doc_type=row["doc_type"])


def insert_rows(backend: str, conn, table: str, cols: list[str], rows: list[tuple], conflict: str = "") -> None:
    """Insert ``rows`` (tuples in ``cols`` order) into ``table`` on ``conn``: one statement of many rows
    on PostgreSQL (its statement triggers then move each count once, and one round trip), one
    statement a row (executemany) on SQLite."""
    one = f"({', '.join('?' * len(cols))})"
    head = f"INSERT INTO {table}({', '.join(cols)}) VALUES "
    if backend == "sqlite":
        conn.executemany(head + one + conflict, rows)
        return
    step = max(1, min(len(rows), 30000 // max(len(cols), 1)))  # under the server's 65,535 parameters
    for i in range(0, len(rows), step):
        part = rows[i:i + step]
        conn.execute(head + ", ".join([one] * len(part)) + conflict, [v for r in part for v in r])
