"""Documents and their images: the documents half of :class:`~hanji.store.project.ProjectStore`
(it supplies the connection, ``atomic``, ``_mutex``, ``_emit`` and the history's row helpers)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hanji.domain.model import Document
from hanji.errors import HanjiError
from hanji.store import rows
from hanji.store.history import Change
from hanji.store.images import ImageInfo, inspect_bytes, read_image_file

REMOVED_MAX = "removed_document_max"  # meta: the highest id of a removed document


class Documents:
    """Adding, reading, changing and removing documents (images with their attributes)."""

    # the history steps that touched document :d (SQLite's JSON functions; the PostgreSQL store has its own)
    _STEPS_OF_DOCUMENT = (
        "DELETE FROM history WHERE step IN (SELECT h.step FROM history h, json_each(h.deltas) d "
        "WHERE json_extract(d.value, '$[2].doc_id') = :d OR json_extract(d.value, '$[3].doc_id') = :d "
        "OR (json_extract(d.value, '$[0]') = 'documents' AND json_extract(d.value, '$[1]') = :d))")

    def add_image(self, path: str | Path, link: bool = False, name: str | None = None) -> tuple[Document, bool]:
        """Add an image file. Returns ``(document, added)``; ``added`` is False for a duplicate.

        With ``link=True`` the image stays where it is (path and hash recorded), for collections
        too large to copy into the project.
        """
        path = Path(path)
        info = read_image_file(path)
        # a photo turned upright by its EXIF orientation is kept as that upright copy, not linked
        return self._add_info(info, name or path.name, str(path.resolve()) if link and not info.rotated else None)

    def add_image_bytes(self, name: str, data: bytes) -> tuple[Document, bool]:
        return self._add_info(inspect_bytes(data, name), name, None)

    def add_image_info(self, info: ImageInfo, name: str) -> tuple[Document, bool]:
        """Add an image already read and checked with ``images.inspect_bytes`` (imports: no second decode)."""
        return self._add_info(info, name, None)

    def _add_info(self, info: ImageInfo, name: str, linked: str | None) -> tuple[Document, bool]:
        with self._mutex:
            existing = self.conn.execute("SELECT id FROM documents WHERE sha256=?", (info.sha256,)).fetchone()
            if existing:
                return self.document(existing[0]), False
            now = time.time()
            with self._tx() as conn:
                if linked is None:
                    conn.execute("INSERT OR IGNORE INTO images(sha256, data, size, mime) VALUES (?,?,?,?)",
                                 (info.sha256, info.data, len(info.data), info.mime))
                # ids only grow: one a removed document had may come back with an undo
                floor = int(self._meta_in(conn, REMOVED_MAX) or 0)
                top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0]
                cur = conn.execute(
                    "INSERT INTO documents(id, name, sha256, width, height, status, doc_type, path, attrs, added, "
                    "updated) VALUES (?,?,?,?,?, 'new', '', ?, '{}', ?, ?)",
                    (max(top, floor) + 1, name, info.sha256, info.width, info.height, linked, now, now),
                )
                doc_id = cur.lastrowid
            self._emit(Change("documents", {doc_id}, {doc_id}, "add"))
            return self.document(doc_id), True

    def documents(self, status: str | None = None) -> list[Document]:
        sql = f"SELECT {','.join(rows.DOCUMENT_COLUMNS)} FROM documents"
        args: tuple = ()
        if status:
            sql += " WHERE status=?"
            args = (status,)
        with self._mutex:
            return [rows.document_from_row(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def document(self, doc_id: int) -> Document:
        with self._mutex:
            r = self.conn.execute(
                f"SELECT {','.join(rows.DOCUMENT_COLUMNS)} FROM documents WHERE id=?", (doc_id,)
            ).fetchone()
        if not r:
            raise HanjiError(f"no document {doc_id} in the project", self.path)
        return rows.document_from_row(r)

    def document_by_sha(self, sha256: str) -> Document | None:
        with self._mutex:
            r = self.conn.execute("SELECT id FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return self.document(r[0]) if r else None

    def image_bytes(self, doc_id: int) -> bytes:
        """The encoded image of a document; a clear error when a linked file went missing or changed."""
        doc = self.document(doc_id)
        with self._mutex:
            r = self.conn.execute("SELECT data FROM images WHERE sha256=?", (doc.sha256,)).fetchone()
        if r:
            return r[0]
        return self._linked_bytes(doc.name, doc.path, doc.sha256)

    def images_bytes(self, doc_ids: Sequence[int]) -> list[bytes | HanjiError]:
        """The encoded images of the documents ``doc_ids``, in their order, read in one statement for up
        to 500 (a linked image from its file); in the place of one that cannot be read, the error
        :meth:`image_bytes` raises. (``hanji duplicates`` reads the images of every document: a
        document read back and a statement for its image, an image at a time, took its reading
        process more time than the images' hashing left it.)"""
        got: dict[int, tuple] = {}
        with self._mutex:
            for lo in range(0, len(doc_ids), 500):
                part = list(doc_ids[lo:lo + 500])
                for r in self.conn.execute(
                        f"SELECT d.id, d.name, d.path, d.sha256, i.data FROM documents d LEFT JOIN images i "
                        f"ON i.sha256 = d.sha256 WHERE d.id IN ({','.join('?' * len(part))})", part):
                    got[r[0]] = r[1:]
        out: list[bytes | HanjiError] = []
        for doc_id in doc_ids:
            row = got.get(doc_id)
            if row is None:
                out.append(HanjiError(f"no document {doc_id} in the project", self.path))
            elif row[3] is not None:
                out.append(row[3])
            else:
                try:
                    out.append(self._linked_bytes(*row[:3]))
                except HanjiError as e:
                    out.append(e)
                except OSError as e:
                    out.append(HanjiError(f"cannot read the linked image of document {row[0]!r}: {e.strerror}",
                                          row[1]))
        return out

    def _linked_bytes(self, name: str, path: str | None, sha256: str) -> bytes:
        """The image of a document the project does not keep, from the file it links to."""
        if not path:
            raise HanjiError(f"the image of document {name!r} is missing from the project", self.path)
        p = Path(path)
        if not p.exists():
            raise HanjiError(f"the linked image of document {name!r} is missing; move it back or "
                             "relink it", p)
        data = p.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise HanjiError(f"the linked image of document {name!r} has changed since it was added", p)
        return data

    def relink(self, doc_id: int, new_path: str | Path) -> None:
        info = read_image_file(new_path)
        doc = self.document(doc_id)
        if info.sha256 != doc.sha256:
            raise HanjiError(f"this is not the image of document {doc.name!r} (its content differs)", new_path)
        with self._tx() as conn:
            conn.execute("UPDATE documents SET path=? WHERE id=?", (str(Path(new_path).resolve()), doc_id))
        self._emit(Change("documents", {doc_id}, {doc_id}))

    def update_document(self, doc_id: int, record: bool = True, **changes: Any) -> Document:
        """Change a document's ``status``, ``doc_type``, ``name`` or ``attrs`` (an undoable edit)."""
        allowed = {"status", "doc_type", "name", "attrs"}
        bad = set(changes) - allowed
        if bad:
            raise ValueError(f"cannot change {sorted(bad)} of a document")

        written: list[dict[str, Any]] = []

        def fn(conn):
            before = self._get_row(conn, "documents", doc_id)
            if before is None:
                raise HanjiError(f"no document {doc_id} in the project", self.path)
            doc = rows.document_from_row(before)
            for k, v in changes.items():
                setattr(doc, k, v)
            doc.__post_init__()
            after = dict(before, status=doc.status, doc_type=doc.doc_type, name=doc.name,
                         attrs=json.dumps(doc.attrs, ensure_ascii=False), updated=time.time())
            written[:] = [after]
            if after == before:
                return []
            self._put_row(conn, "documents", after)
            return [["documents", doc_id, before, after]]

        self._edit("document", fn, record)
        # the row as this edit's transaction wrote it (not read back: a round trip on a server)
        return rows.document_from_row(written[0])

    def remove_documents(self, doc_ids: Iterable[int], label: str = "remove document") -> list[int]:
        """Remove documents with their regions, links and key-values as one undoable step (undo
        brings them back as they were). Their images stay in the file for that; ``delete_document``
        removes one for good. Returns the ids removed."""
        ids = [int(d) for d in dict.fromkeys(doc_ids)]
        for d in ids:
            self.document(d)  # a clear error for an id that is not in the project, before anything changes

        def fn(conn):
            deltas = []
            for d in ids:  # links (they name regions), key-values, regions, then the document
                for table in ("links", "keyvalues", "regions"):
                    cols = rows.COLUMNS[table]
                    for r in conn.execute(f"SELECT {','.join(cols)} FROM {table} WHERE doc_id=? ORDER BY id", (d,)):
                        deltas.append([table, r[0], dict(zip(cols, r)), None])
                deltas.append(["documents", d, self._get_row(conn, "documents", d), None])
            for table, key, _, _ in deltas:
                self._del_row(conn, table, key)
            # a document added later must not take a removed one's id (undo would then overwrite it)
            top = max(ids + [int(self._meta_in(conn, REMOVED_MAX) or 0)])
            conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value=excluded.value", (REMOVED_MAX, str(top)))
            return deltas

        with self._mutex:
            self._edit(label, fn)
        self._emit(Change("documents", set(ids), set(ids), "delete"))
        return ids

    @staticmethod
    def _meta_in(conn, key: str) -> str | None:
        r = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return r[0] if r else None

    def delete_document(self, doc_id: int) -> None:
        """Remove a document with its regions, links and key-values (not undoable)."""
        doc = self.document(doc_id)
        with self._tx() as conn:
            self._take(conn, [doc_id])  # not while another seat edits it (store/claims.py)
            for t in ("links", "keyvalues", "regions"):
                conn.execute(f"DELETE FROM {t} WHERE doc_id=?", (doc_id,))
            conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))
            if not conn.execute("SELECT 1 FROM documents WHERE sha256=?", (doc.sha256,)).fetchone():
                conn.execute("DELETE FROM images WHERE sha256=?", (doc.sha256,))
            # steps that touched this document would bring back rows of a document that is gone;
            # steps on other documents stay undoable
            conn.execute(self._STEPS_OF_DOCUMENT, {"d": doc_id})
        self._emit(Change("documents", {doc_id}, {doc_id}, "delete"))
