"""Regions, links, key-values and the label schema: the annotation half of
:class:`~hanji.store.project.ProjectStore` (it supplies the connection, ``_mutex`` and the
history's ``_edit`` and row helpers). Every write is one undoable edit unless ``record=False``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hanji.domain.model import EntityType, KeyValue, Link, Region
from hanji.errors import HanjiError
from hanji.store import rows


class Annotations:
    """A document's regions (in reading order), links between them, its key-values, and the
    project's entity types."""

    def regions(self, doc_id: int) -> list[Region]:
        """A document's regions in reading order (unordered ones last, by id)."""
        with self._mutex:
            cur = self.conn.execute(
                f"SELECT {','.join(rows.REGION_COLUMNS)} FROM regions WHERE doc_id=? "
                "ORDER BY ord IS NULL, ord, id",
                (doc_id,),
            )
            return [rows.region_from_row(r) for r in cur]

    def region_times(self, status: str) -> list[float]:
        """When each region of ``status`` was last changed (seconds since the epoch), for progress charts."""
        with self._mutex:
            return [r[0] for r in self.conn.execute("SELECT updated FROM regions WHERE status=?", (status,))]

    def region(self, region_id: int) -> Region:
        with self._mutex:
            row = self._get_row(self.conn, "regions", region_id)
        if row is None:
            raise HanjiError(f"no region {region_id} in the project", self.path)
        return rows.region_from_row(row)

    def add_region(self, doc_id: int, region: Region, record: bool = True) -> Region:
        return self.add_regions(doc_id, [region], record=record)[0]

    def add_regions(self, doc_id: int, regions: list[Region], label: str = "add region",
                    record: bool = True) -> list[Region]:
        """Add regions to a document in one transaction (one undo step)."""
        out: list[Region] = []

        def fn(conn):
            if not conn.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone():
                raise HanjiError(f"no document {doc_id} in the project", self.path)
            deltas = []
            out.clear()
            for r in regions:
                r.doc_id = doc_id
                r.id = None
                row = rows.region_row(r)
                r.id = self._put_row(conn, "regions", row)
                row["id"] = r.id
                deltas.append(["regions", r.id, None, row])
                out.append(r)
            return deltas

        self._edit(label, fn, record)
        return out

    def update_region(self, region_id: int, label: str = "edit region", record: bool = True,
                      **changes: Any) -> Region:
        """Change fields of a region (points, text, status, tags, label, order, ...): one undoable edit."""
        return self.update_regions({region_id: changes}, label=label, record=record)[0]

    def update_regions(self, changes: dict[int, dict[str, Any]], label: str = "edit regions",
                       record: bool = True) -> list[Region]:
        out: list[Region] = []

        def fn(conn):
            deltas = []
            out.clear()
            for rid, ch in changes.items():
                before = self._get_row(conn, "regions", rid)
                if before is None:
                    raise HanjiError(f"no region {rid} in the project", self.path)
                r = rows.region_from_row(before)
                for k, v in ch.items():
                    if k in ("id", "doc_id") or not hasattr(r, k):
                        raise ValueError(f"cannot change {k!r} of a region")
                    setattr(r, k, v)
                r.__post_init__()
                after = rows.region_row(r)
                cmp_keys = [c for c in rows.REGION_COLUMNS if c != "updated"]
                if all(after[c] == before[c] for c in cmp_keys):
                    out.append(r)
                    continue
                self._put_row(conn, "regions", after)
                deltas.append(["regions", rid, before, after])
                out.append(r)
            return deltas

        self._edit(label, fn, record)
        return out

    def delete_regions(self, region_ids: Iterable[int], label: str = "delete region",
                       record: bool = True) -> None:
        ids = list(region_ids)

        def fn(conn):
            deltas = []
            for rid in ids:
                for lrow in conn.execute(
                    f"SELECT {','.join(rows.LINK_COLUMNS)} FROM links WHERE src=? OR dst=?", (rid, rid)
                ).fetchall():
                    lk = dict(zip(rows.LINK_COLUMNS, lrow))
                    self._del_row(conn, "links", lk["id"])
                    deltas.append(["links", lk["id"], lk, None])
                before = self._get_row(conn, "regions", rid)
                if before is None:
                    continue
                self._del_row(conn, "regions", rid)
                deltas.append(["regions", rid, before, None])
            return deltas

        self._edit(label, fn, record)

    def delete_region(self, region_id: int) -> None:
        self.delete_regions([region_id])

    def set_order(self, doc_id: int, region_ids: list[int], record: bool = True) -> None:
        """Store a reading order: ``region_ids`` get indices 0..n-1."""
        self.update_regions({rid: {"order": i} for i, rid in enumerate(region_ids)}, label="reading order",
                            record=record)

    # ------------------------------------------------------------------ links and key-values
    def links(self, doc_id: int) -> list[Link]:
        with self._mutex:
            cur = self.conn.execute(f"SELECT {','.join(rows.LINK_COLUMNS)} FROM links WHERE doc_id=? ORDER BY id",
                                    (doc_id,))
            return [rows.link_from_row(r) for r in cur]

    def add_link(self, src: int, dst: int, key: str = "", record: bool = True) -> Link:
        a, b = self.region(src), self.region(dst)
        if a.doc_id != b.doc_id:
            raise HanjiError("a link joins two regions of the same document", self.path)
        link = Link(src=src, dst=dst, key=key, doc_id=a.doc_id)

        def fn(conn):
            row = rows.link_row(link)
            link.id = self._put_row(conn, "links", row)
            row["id"] = link.id
            return [["links", link.id, None, row]]

        self._edit("link", fn, record)
        return link

    def delete_link(self, link_id: int) -> None:
        def fn(conn):
            before = self._get_row(conn, "links", link_id)
            if before is None:
                return []
            self._del_row(conn, "links", link_id)
            return [["links", link_id, before, None]]

        self._edit("unlink", fn)

    def keyvalues(self, doc_id: int) -> list[KeyValue]:
        with self._mutex:
            cur = self.conn.execute(
                f"SELECT {','.join(rows.KEYVALUE_COLUMNS)} FROM keyvalues WHERE doc_id=? ORDER BY id", (doc_id,)
            )
            return [rows.keyvalue_from_row(r) for r in cur]

    def set_keyvalues(self, doc_id: int, kvs: list[KeyValue], record: bool = True,
                      label: str = "key-values") -> list[KeyValue]:
        """Replace a document's key-values with ``kvs`` (one undoable step)."""

        def fn(conn):
            deltas = []
            for r in conn.execute(f"SELECT {','.join(rows.KEYVALUE_COLUMNS)} FROM keyvalues WHERE doc_id=?",
                                  (doc_id,)).fetchall():
                before = dict(zip(rows.KEYVALUE_COLUMNS, r))
                self._del_row(conn, "keyvalues", before["id"])
                deltas.append(["keyvalues", before["id"], before, None])
            for kv in kvs:
                kv.doc_id, kv.id = doc_id, None
                row = rows.keyvalue_row(kv)
                kv.id = self._put_row(conn, "keyvalues", row)
                row["id"] = kv.id
                deltas.append(["keyvalues", kv.id, None, row])
            return deltas

        self._edit(label, fn, record)
        return kvs

    # ------------------------------------------------------------------ label schema
    def entity_types(self) -> list[EntityType]:
        with self._mutex:
            cur = self.conn.execute(f"SELECT {','.join(rows.ENTITY_COLUMNS)} FROM entity_types ORDER BY position, name")
            return [rows.entity_from_row(r) for r in cur]

    def set_entity_type(self, e: EntityType, position: int | None = None, record: bool = True) -> None:
        def fn(conn):
            before = self._get_row(conn, "entity_types", e.name)
            pos = position if position is not None else (
                before["position"] if before else conn.execute(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM entity_types").fetchone()[0])
            after = rows.entity_row(e, pos)
            if after == before:
                return []
            self._put_row(conn, "entity_types", after)
            return [["entity_types", e.name, before, after]]

        self._edit("label schema", fn, record)

    def delete_entity_type(self, name: str) -> None:
        def fn(conn):
            before = self._get_row(conn, "entity_types", name)
            if before is None:
                return []
            self._del_row(conn, "entity_types", name)
            return [["entity_types", name, before, None]]

        self._edit("label schema", fn)
