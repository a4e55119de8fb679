"""A whole project copied into a new one, between the backends and back (``hanji copy SRC DST``):
every table of the schema row for row, ids kept (images, documents, regions, links, key-values, the
label schema, the undo history with its authors, trained models, reviews, assignments and versions,
claims, packages, job state and the ``meta`` rows), so that the copy is the same project: undo
goes on where it was, review and agreement see the same rows.

What each backend keeps for itself is not copied but rebuilt by the destination's triggers as the
rows go in: the ``counts`` table, SQLite's full-text indexes, PostgreSQL's search index and data
version; the meta rows that name the backend's schema version are the destination's own.

The destination is made new (a file that does not exist yet, or an empty PostgreSQL database) and
filled in one transaction: a copy that fails leaves no half-filled project (a new file is removed;
a database keeps the empty project its creation made)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.store import rows as rows_mod

PAGE = 200  # rows read and written at a time
BLOB_PAGE = 8  # of the tables of images and model weights (megabytes a row)
BLOB_TABLES = {"images", "models"}
# kept by the destination's own triggers (counts), or a seat's passing state (claims: the seats that
# held them never open the copy)
DERIVED = {"counts", "claims"}
# PostgreSQL's stand-ins for SQLite's PRAGMAs, and the count of its own schema steps
META_OWN = {"application_id", "schema_version", "pg_steps"}
# parents before children (foreign keys); the rest follow in name order
FIRST = ("meta", "images", "documents", "regions", "links", "keyvalues", "entity_types", "history")


def tables(store) -> dict[str, tuple[list[str], list[str]]]:
    """The project's own tables: ``{name: (columns, primary key columns)}`` (not SQLite's virtual
    tables and their shadow tables, not PostgreSQL's extension objects)."""
    conn = store.conn
    out: dict[str, tuple[list[str], list[str]]] = {}
    with store._mutex:
        if store.backend == "sqlite":
            got = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                               "'sqlite_%'").fetchall()
            virtual = [n for n, sql in got if (sql or "").upper().startswith("CREATE VIRTUAL")]
            for name, _ in got:
                if name in virtual or any(name.startswith(v + "_") for v in virtual):
                    continue
                info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
                cols = [r[1] for r in info]
                pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
                out[name] = (cols, pk)
        else:
            names = [r[0] for r in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                "WHERE d.objid = c.oid AND d.deptype = 'e') ORDER BY 1").fetchall()]
            for name in names:
                cols = [r[0] for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT "
                    "attisdropped ORDER BY attnum", (name,)).fetchall()]
                pk = [r[0] for r in conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                    "AND a.attnum = ANY(i.indkey::int2[]) WHERE i.indrelid = ?::regclass AND i.indisprimary "
                    "ORDER BY array_position(i.indkey::int2[], a.attnum)", (name,)).fetchall()]
                out[name] = (cols, pk)
    return out


def _order(names: set[str]) -> list[str]:
    return [t for t in FIRST if t in names] + sorted(names - set(FIRST))


def _pages(src, table: str, cols: list[str], pk: list[str]):
    """The rows of ``table`` a page at a time, by primary key (all at once without one)."""
    sel = f"SELECT {', '.join(cols)} FROM {table}"
    if not pk:
        with src._mutex:
            yield src.conn.execute(sel).fetchall()
        return
    page = BLOB_PAGE if table in BLOB_TABLES else PAGE
    key_at = [cols.index(k) for k in pk]
    order = ", ".join(pk)
    last = None
    while True:
        if last is None:
            sql, args = f"{sel} ORDER BY {order} LIMIT ?", (page,)
        elif len(pk) == 1:
            sql, args = f"{sel} WHERE {pk[0]} > ? ORDER BY {order} LIMIT ?", (*last, page)
        else:
            sql, args = (f"{sel} WHERE ({order}) > ({', '.join('?' * len(pk))}) ORDER BY {order} LIMIT ?",
                         (*last, page))
        with src._mutex:
            rows = src.conn.execute(sql, args).fetchall()
        if not rows:
            return
        yield rows
        if len(rows) < page:
            return
        last = tuple(rows[-1][i] for i in key_at)


def copy_into(src, dst, progress: Callable[[int, int | None, str], None] | None = None,
              cancel: Any = None, notes: dict[str, Any] | None = None) -> dict[str, int]:
    """Copy every row of ``src`` into the new, empty project ``dst`` (same schema version), in one
    transaction of ``dst``. Returns the rows copied by table. Into PostgreSQL, linked images (a path
    on this machine) are taken inside, as every image of a server project is (``notes`` gets
    ``linked_images_embedded`` and the paths of ``linked_images_missing``)."""
    have, want = tables(src), tables(dst)
    missing = sorted(set(have) - set(want) - DERIVED)
    if missing:
        raise HanjiError(f"the destination has no table {', '.join(missing)}; copy with the Hanji that wrote the "
                         "project", dst.path)
    names = _order((set(have) & set(want)) - DERIVED)
    # one snapshot of the source for the whole copy: seats editing it meanwhile change nothing of what
    # is read (a region added after its document's page was read would otherwise come without it)
    with src._mutex:
        src.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if src.backend != "sqlite" else "BEGIN")
        try:
            return _copy_rows(src, dst, names, have, want, progress, cancel, notes if notes is not None else {})
        finally:
            src.conn.execute("COMMIT")


def _copy_rows(src, dst, names, have, want, progress, cancel, notes) -> dict[str, int]:
    with src._mutex:
        total = sum(src.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in names)
    done = 0
    copied: dict[str, int] = {}
    with dst._mutex, dst._tx() as conn:
        # what creating the destination wrote goes: the source's rows are the project
        conn.execute("DELETE FROM entity_types")
        for t in names:
            cols = [c for c in want[t][0] if c in have[t][0]]
            conflict = " ON CONFLICT(key) DO UPDATE SET value = excluded.value" if t == "meta" else ""
            n = 0
            for rows in _pages(src, t, cols, have[t][1]):
                if t == "meta":
                    rows = [r for r in rows if r[cols.index("key")] not in META_OWN]
                if rows:
                    rows_mod.insert_rows(dst.backend, conn, t, cols, [tuple(_plain(v) for v in r) for r in rows], conflict)
                n += len(rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total, t)
                if cancel is not None:
                    cancel.check()
            copied[t] = n
        if dst.backend != "sqlite":
            _embed_linked(conn, notes)
    return copied


def _embed_linked(conn, notes: dict[str, Any]) -> None:
    """Linked documents' images into the project (a path on one seat's disk is nothing to the others);
    a file that is gone or changed stays a link, named in ``notes``."""
    import hashlib

    from hanji.store.images import inspect_bytes

    embedded, missing = 0, []
    for doc_id, sha, path in conn.execute(
            "SELECT d.id, d.sha256, d.path FROM documents d WHERE d.path IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM images i WHERE i.sha256 = d.sha256) ORDER BY d.id").fetchall():
        try:
            data = Path(path).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError("changed")
            info = inspect_bytes(data, path)
        except (OSError, ValueError, HanjiError):
            missing.append(path)
            continue
        conn.execute("INSERT INTO images(sha256, data, size, mime) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                     (sha, data, len(data), info.mime))
        conn.execute("UPDATE documents SET path = NULL WHERE id = ?", (doc_id,))
        embedded += 1
    notes["linked_images_embedded"] = embedded
    notes["linked_images_missing"] = missing


def _plain(v: Any) -> Any:
    return bytes(v) if isinstance(v, memoryview | bytearray) else v


def copy_project(src_name: str | Path, dst_name: str | Path,
                 progress: Callable[[int, int | None, str], None] | None = None, cancel: Any = None
                 ) -> dict[str, Any]:
    """``hanji copy``: the project ``src_name`` (a path or a URL) into the new project ``dst_name``.
    Returns what was copied: rows by table, and documents, regions, images and their bytes, history
    steps and models as the copy counts them."""
    from hanji.store import create_project, is_url, open_project

    t0 = time.perf_counter()
    if not is_url(dst_name) and Path(dst_name).exists():
        raise HanjiError("the destination already exists; copy into a new file (or an empty database)", dst_name)
    if str(src_name) == str(dst_name):
        raise HanjiError("the source and the destination are the same project", dst_name)
    with open_project(src_name, readonly=True) as src:
        dst = create_project(dst_name)
        try:
            notes: dict[str, Any] = {}
            rows = copy_into(src, dst, progress, cancel, notes)
            counts = dst.counts()
            dst_path = str(dst.path)
        except BaseException:
            dst.close()
            if not is_url(dst_name):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(dst_name) + suffix).unlink(missing_ok=True)
            raise
        dst.close()
        src_path = str(src.path)
    return {"source": src_path, "destination": dst_path, "seconds": round(time.perf_counter() - t0, 3),
            "documents": counts["documents"], "regions": counts["regions"], "links": counts["links"],
            "keyvalues": counts["keyvalues"], "images": rows.get("images", 0), "image_bytes": counts["image_bytes"],
            "history_steps": counts["history_steps"], "history_entries": rows.get("history", 0),
            "models": rows.get("models", 0), "entity_types": counts["entity_types"],
            "schema_version": counts["schema_version"], "rows": rows,
            "linked_images_embedded": notes.get("linked_images_embedded", 0),
            "linked_images_missing": notes.get("linked_images_missing", [])}
