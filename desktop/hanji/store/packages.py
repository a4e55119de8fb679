"""Offline seats (issue 22): the store's side of splitting a project into work packages and merging
them back. The merge itself (three-way, per document and region) is :mod:`hanji.jobs.packages`;
this part of :class:`~hanji.store.project.ProjectStore` keeps its records:

- in the base project: the packages handed out (``packages``), the documents each holds
  (``package_checkouts``: one package a document, so nothing is handed out twice) and the merge
  conflicts, with both versions and the base one (``conflicts``);
- in a package: where it came from (meta ``package``) and each document's version at split time
  (``package_base``), the base of the three-way merge;
- in both: a stable project id (meta ``project_id``), so a package from another project is refused.

Everything here is one transaction a call, or a savepoint inside an open :meth:`atomic` block (the
merge writes the whole of a package in one).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from hanji.errors import HanjiError
from hanji.store import rows
from hanji.store.history import Change

PROJECT_ID = "project_id"
ORIGIN = "package"  # meta of a package: {"id", "base_id", "base_name", "seat", "user", "created"}
CONFLICT_COLUMNS = ("id", "doc_id", "package", "kind", "target", "base", "ours", "theirs", "state", "resolution",
                    "at")


def _dump(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


class Packages:
    """Work packages and merge conflicts (the mixin's methods need the store's ``conn``, ``_tx``,
    ``_mutex`` and history)."""

    # ------------------------------------------------------------------ identity
    def project_id(self) -> str:
        """The project's stable id (made and kept on first use; a read-only project without one
        answers ``''``)."""
        pid = self.meta(PROJECT_ID)
        if pid:
            return pid
        if self.readonly:
            return ""
        with self._tx() as conn:
            r = conn.execute("SELECT value FROM meta WHERE key=?", (PROJECT_ID,)).fetchone()
            if r:
                return r[0]
            pid = uuid.uuid4().hex
            conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (PROJECT_ID, pid))
        return pid

    def meta_items(self) -> dict[str, str]:
        """Every meta key and value (a package copies the project's settings)."""
        with self._mutex:
            return dict(self.conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall())

    def package_origin(self) -> dict[str, Any] | None:
        """Where a package came from (None for a project that is not a package)."""
        raw = self.meta(ORIGIN)
        return json.loads(raw) if raw else None

    # ------------------------------------------------------------------ the base: packages handed out
    def add_package(self, package_id: str, seat: str, path: str, doc_ids: Iterable[int],
                    info: dict[str, Any] | None = None) -> None:
        """Record a package and check its documents out to it; refuses a document another package holds."""
        ids = [int(d) for d in doc_ids]
        now = time.time()
        with self._tx() as conn:
            held = []
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                held += conn.execute(f"SELECT doc_id, package FROM package_checkouts WHERE doc_id IN "
                                     f"({','.join('?' * len(chunk))})", chunk).fetchall()
            if held:
                raise HanjiError(f"document {held[0][0]} is already checked out to package {held[0][1]}", self.path)
            conn.execute("INSERT INTO packages(id, seat, path, docs, created, merged, info) VALUES (?,?,?,?,?,NULL,?)",
                         (package_id, seat, path, len(ids), now, _dump(info or {})))
            conn.executemany("INSERT INTO package_checkouts(doc_id, package, seat, at) VALUES (?,?,?,?)",
                             [(d, package_id, seat, now) for d in ids])
        self._emit(Change("documents", set(ids), set(ids), "checkout"))

    def packages(self) -> list[dict[str, Any]]:
        """The packages handed out, oldest first: id, seat, path, docs, created, merged (None until merged), info."""
        with self._mutex:
            cur = self.conn.execute("SELECT id, seat, path, docs, created, merged, info FROM packages "
                                    "ORDER BY created, id")
            out = []
            for r in cur.fetchall():
                d = dict(zip(("id", "seat", "path", "docs", "created", "merged", "info"), r))
                d["info"] = json.loads(d["info"])
                out.append(d)
            return out

    def package(self, package_id: str) -> dict[str, Any] | None:
        return next((p for p in self.packages() if p["id"] == package_id), None)

    def checkouts(self, doc_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
        """Documents checked out to a package: ``{doc_id: {"package", "seat", "at"}}``."""
        sql = "SELECT doc_id, package, seat, at FROM package_checkouts"
        with self._mutex:
            if doc_ids is None:
                rows = self.conn.execute(sql).fetchall()
            else:  # the documents asked about only (a page of the documents pane), by the primary key
                ids, rows = sorted(set(doc_ids)), []
                for i in range(0, len(ids), 500):
                    part = ids[i:i + 500]
                    rows += self.conn.execute(f"{sql} WHERE doc_id IN ({','.join('?' * len(part))})",
                                              part).fetchall()
        return {r[0]: {"package": r[1], "seat": r[2], "at": r[3]} for r in rows}

    def mark_merged(self, package_id: str) -> None:
        """The package is merged: its documents are checked in (in the merge's transaction)."""
        with self._tx() as conn:
            ids = [r[0] for r in conn.execute("SELECT doc_id FROM package_checkouts WHERE package=?", (package_id,))]
            conn.execute("UPDATE packages SET merged=? WHERE id=?", (time.time(), package_id))
            conn.execute("DELETE FROM package_checkouts WHERE package=?", (package_id,))
        self._emit(Change("documents", set(ids), set(ids), "checkout"))

    def release_package(self, package_id: str) -> int:
        """Take a package back without merging it (a lost stick): its documents can be handed out again,
        and the package is marked ``released`` in its info (a merge of it is refused)."""
        with self._tx() as conn:
            n = conn.execute("DELETE FROM package_checkouts WHERE package=?", (package_id,)).rowcount
            row = conn.execute("SELECT info FROM packages WHERE id=?", (package_id,)).fetchone()
            if row:
                info = dict(json.loads(row[0]), released=time.time())
                conn.execute("UPDATE packages SET info=? WHERE id=?", (_dump(info), package_id))
        return n

    # ------------------------------------------------------------------ a package: origin and base versions
    def write_package(self, origin: dict[str, Any], meta: dict[str, str]) -> None:
        """Mark this (new) project as a package of ``origin`` and copy the base's settings (meta)."""
        with self._tx() as conn:
            for k, v in meta.items():
                conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                             "value=excluded.value", (k, v))
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (ORIGIN, _dump(origin)))

    def load_documents(self, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Write documents into a new package exactly as the base has them (ids kept), with their
        base versions, in ONE transaction (a package is whole or not there). ``batches`` yields
        lists of items: ``document`` (a documents row), ``image`` ((data, mime) or None for a linked
        image), ``regions``, ``links``, ``keyvalues`` (rows as the base has them) and ``version``
        (the base version, JSON-able), ``digest`` (of the rows, see :meth:`base_versions`). Bulk
        inserts, not undo steps. On SQLite the search indexes
        take the rows at the end in one statement each (as an import batch does), when the package
        had none before. Returns how many documents."""
        from hanji.store.schema import defer_search_index, index_rows

        n = 0
        with self._tx() as conn:
            empty = self.backend == "sqlite" and not self._savepoints and not any(
                conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in ("regions", "keyvalues"))
            if empty:
                defer_search_index(conn, True)
            try:
                for docs in batches:
                    n += len(docs)
                    self._load_batch(conn, docs)
            finally:
                if empty:
                    defer_search_index(conn, False)
            if empty:
                index_rows(conn, {"regions": 0, "keyvalues": 0})
        return n

    @staticmethod
    def _load_batch(conn, docs: list[dict[str, Any]]) -> None:
        for d in docs:
            row = d["document"]
            if d.get("image") is not None:
                data, mime = d["image"]
                conn.execute("INSERT OR IGNORE INTO images(sha256, data, size, mime) VALUES (?,?,?,?)",
                             (row["sha256"], data, len(data), mime))
        for table in ("documents", "regions", "links", "keyvalues"):
            cols = rows.COLUMNS[table]
            sql = f"INSERT INTO {table}({','.join(cols)}) VALUES ({','.join('?' * len(cols))})"
            if table == "documents":
                conn.executemany(sql, [[d["document"][c] for c in cols] for d in docs])
            else:
                conn.executemany(sql, [[r[c] for c in cols] for d in docs for r in d[table]])
        # the version's JSON after the digest of the rows it was made from (one line: the JSON has no newline)
        conn.executemany("INSERT INTO package_base(doc_id, version) VALUES (?, ?)",
                         [(d["document"]["id"], f"{d.get('digest', '')}\n{_dump(d['version'])}") for d in docs])

    def rows_of(self, doc_id: int, image: bool = True) -> dict[str, Any] | None:
        """A document's rows as stored (``document``, ``regions``, ``links``, ``keyvalues``) and, with
        ``image``, its image (``(data, mime)``, None when linked): what a package copies."""
        with self._mutex:
            doc = self._get_row(self.conn, "documents", doc_id)
            if doc is None:
                return None
            out: dict[str, Any] = {"document": doc}
            for table in ("regions", "links", "keyvalues"):
                cols = rows.COLUMNS[table]
                out[table] = [dict(zip(cols, r)) for r in self.conn.execute(
                    f"SELECT {','.join(cols)} FROM {table} WHERE doc_id=? ORDER BY id", (doc_id,))]
            if image:
                img = self.conn.execute("SELECT data, mime FROM images WHERE sha256=?", (doc["sha256"],)).fetchone()
                out["image"] = (img[0], img[1]) if img else None
            return out

    def base_versions(self) -> Iterator[tuple[int, str, str]]:
        """A package's base version of each document it holds, by id: ``(doc_id, digest, version)``
        with the version as JSON text (parsed only for a document the seat changed) and the digest
        of the document's rows at the split ('' when none was kept): rows with the same digest now
        are unchanged, without reading the version."""
        with self._mutex:
            ids = [r[0] for r in self.conn.execute("SELECT doc_id FROM package_base ORDER BY doc_id")]
        for i in range(0, len(ids), 200):  # a page at a time: memory by page, not by package
            chunk = ids[i:i + 200]
            with self._mutex:
                got = self.conn.execute(f"SELECT doc_id, version FROM package_base WHERE doc_id IN "
                                        f"({','.join('?' * len(chunk))}) ORDER BY doc_id", chunk).fetchall()
            for doc_id, v in got:
                digest, sep, text = v.partition("\n")
                yield (doc_id, digest, text) if sep and not digest.startswith("{") else (doc_id, "", v)

    # ------------------------------------------------------------------ conflicts
    def add_conflicts(self, items: Iterable[dict[str, Any]]) -> list[int]:
        """Record conflicts (``doc_id``, ``package``, ``kind``, ``target``, ``base``, ``ours``,
        ``theirs``: the versions, JSON-able). Returns their ids."""
        ids = []
        now = time.time()
        with self._tx() as conn:
            for c in items:
                cur = conn.execute(
                    "INSERT INTO conflicts(doc_id, package, kind, target, base, ours, theirs, state, resolution, at) "
                    "VALUES (?,?,?,?,?,?,?,'open','',?)",
                    (int(c["doc_id"]), c["package"], c["kind"], str(c.get("target", "")), _dump(c.get("base")),
                     _dump(c.get("ours")), _dump(c.get("theirs")), now))
                ids.append(cur.lastrowid)
        if ids:
            self._emit(Change("conflicts", set(), set(ids)))
        return ids

    def conflicts(self, state: str | None = "open", doc_id: int | None = None,
                  package: str | None = None) -> list[dict[str, Any]]:
        """Merge conflicts (open ones by default), by document and id, with their versions decoded."""
        sql = f"SELECT {','.join(CONFLICT_COLUMNS)} FROM conflicts WHERE 1=1"
        args: list[Any] = []
        for col, val in (("state", state), ("doc_id", doc_id), ("package", package)):
            if val is not None:
                sql += f" AND {col}=?"
                args.append(val)
        with self._mutex:
            got = self.conn.execute(sql + " ORDER BY doc_id, id", args).fetchall()
        out = []
        for r in got:
            d = dict(zip(CONFLICT_COLUMNS, r))
            for k in ("base", "ours", "theirs"):
                d[k] = json.loads(d[k])
            out.append(d)
        return out

    def conflict(self, conflict_id: int) -> dict[str, Any]:
        found = [c for c in self.conflicts(state=None) if c["id"] == int(conflict_id)]
        if not found:
            raise HanjiError(f"no conflict {conflict_id} in the project", self.path)
        return found[0]

    def close_conflict(self, conflict_id: int, resolution: str) -> None:
        """Mark a conflict resolved (``ours``, ``theirs`` or ``edited``); in the resolving edit's transaction."""
        with self._tx() as conn:
            n = conn.execute("UPDATE conflicts SET state='resolved', resolution=? WHERE id=? AND state='open'",
                             (resolution, int(conflict_id))).rowcount
            if not n:
                raise HanjiError(f"conflict {conflict_id} is not open", self.path)
        self._emit(Change("conflicts", set(), {int(conflict_id)}))

    # ------------------------------------------------------------------ who did the package's work
    def append_log(self, entries: Iterable[tuple[str, int | None, float, str]]) -> int:
        """Add a package's edits to the history as entries of the current step (``group``) without
        row deltas, with their own author, document and time, so per-person figures count the work
        done on a seat. Returns how many. (Undo is by author: undoing the merge takes back the
        merger's edits; these entries, the seats' own, stay in the log.)"""
        items = list(entries)
        if not items:
            return 0
        with self._tx() as conn:
            if self._step is None:
                step = conn.execute("SELECT COALESCE(MAX(step), 0) FROM history").fetchone()[0] + 1
                if self._group_depth:
                    self._step = step
            else:
                step = self._step
            conn.executemany("INSERT INTO history(step, label, deltas, undone, at, author, doc_id) "
                             "VALUES (?,?,'[]',0,?,?,?)",
                             [(step, label, at, author, doc_id) for author, doc_id, at, label in items])
        return len(items)
