"""Claims: many writers on one project without two of them editing one document at once (issue 21).

A *seat* is one open store (one window or one command of one person; ``store.seat``, a random id).
A seat claims a document when it opens it for editing; every edit of a document checks the claim in
the edit's own transaction and renews it, so that:

- a document claimed by another seat whose claim is alive is refused with a clear
  :class:`DocumentClaimed` error (nothing written);
- a document nobody holds, or whose claim has expired (no edit for the project's
  ``claim_expiry_s``, meta, 600 s by default), is claimed by the edit itself;
- a reviewer may take over a live claim (``claim(doc, take_over=True)``).

The check is one statement, atomic on both backends: ``INSERT ... ON CONFLICT (doc_id) DO UPDATE
... WHERE`` the row is this seat's or has expired, ``RETURNING`` the row when it was taken. On
PostgreSQL the conflicting row is locked until the transaction ends and the condition is evaluated
on its newest version, so two seats racing for one document cannot both get it; on SQLite one
writer holds the file at a time anyway. Times are the database server's clock on PostgreSQL (the
seats' own clocks may disagree), the process's on SQLite.

Closing a store gives back its seat's claims; a seat that dies leaves them to expire."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from hanji.errors import HanjiError
from hanji.store.history import Change

CLAIM_EXPIRY_KEY = "claim_expiry_s"
DEFAULT_EXPIRY_S = 600.0

_COLS = "doc_id, holder, seat, taken, renewed"


class DocumentClaimed(HanjiError):
    """An edit of a document another seat holds: nothing was written. ``claim`` names who holds it."""

    def __init__(self, message: str, path=None, claim: Claim | None = None):
        super().__init__(message, path)
        self.claim = claim


@dataclass(frozen=True)
class Claim:
    """A live claim: the document, the person holding it, their seat, when it was taken and renewed,
    and the seconds left before it expires without another edit. ``mine``: this store's seat."""

    doc_id: int
    holder: str
    seat: str
    taken: float
    renewed: float
    expires_in: float
    mine: bool

    def as_json(self) -> dict:
        return {"doc_id": self.doc_id, "holder": self.holder, "taken": self.taken, "renewed": self.renewed,
                "expires_in": round(self.expires_in, 1), "mine": self.mine}


def is_postgres(conn) -> bool:
    """Whether ``conn`` talks to PostgreSQL (a psycopg connection, or a wrapper around one)."""
    return bool(getattr(conn, "is_postgres", False)) or type(conn).__module__.startswith("psycopg")


def _sql(conn, sql: str) -> str:
    """``?`` placeholders for a raw psycopg connection (a wrapper that translates takes them as they are)."""
    return sql.replace("?", "%s") if type(conn).__module__.startswith("psycopg") else sql


def _exec(conn, sql: str, args=()):
    return conn.execute(_sql(conn, sql), args)


def now_on(conn) -> float:
    """Seconds since the epoch by the database's clock: the server's on PostgreSQL (one clock for
    every seat), the process's on SQLite."""
    if is_postgres(conn):
        return float(conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()[0])
    return time.time()


def _person(name: str) -> str:
    return name or "(unnamed)"


class Claims:
    """The claims half of :class:`~hanji.store.project.ProjectStore` (it supplies the connection,
    ``_mutex``, ``_tx``, ``meta``/``set_meta``, ``user``, ``path`` and ``readonly``)."""

    # ------------------------------------------------------------------ the seat and the expiry
    @property
    def seat(self) -> str:
        """This open store's seat id (random, made on first use)."""
        s = getattr(self, "_seat", None)
        if s is None:
            s = self._seat = uuid.uuid4().hex[:16]
        return s

    @property
    def claim_expiry_s(self) -> float:
        """Seconds without an edit after which a claim expires (the project's setting, read once)."""
        v = getattr(self, "_claim_expiry", None)
        if v is None:
            try:
                v = float(self.meta(CLAIM_EXPIRY_KEY) or DEFAULT_EXPIRY_S)
            except (TypeError, ValueError):
                v = DEFAULT_EXPIRY_S
            self._claim_expiry = v
        return v

    def set_claim_expiry(self, seconds: float) -> None:
        """The project's claim expiry, for every seat that opens it from now on (and this one)."""
        seconds = float(seconds)
        if not seconds > 0:
            raise HanjiError(f"a claim expiry must be a positive number of seconds, not {seconds!r}", self.path)
        self.set_meta(CLAIM_EXPIRY_KEY, repr(seconds))
        self._claim_expiry = seconds

    # ------------------------------------------------------------------ reading
    def claims(self, doc_ids: Iterable[int] | None = None) -> dict[int, Claim]:
        """The live claims (expired ones are not listed), of these documents or all: ``{doc_id: Claim}``."""
        sql = f"SELECT {_COLS} FROM claims"
        args: list = []
        if doc_ids is not None:
            ids = [int(d) for d in doc_ids]
            if not ids:
                return {}
            sql += f" WHERE doc_id IN ({','.join('?' * len(ids))})"
            args = ids
        with self._mutex:
            conn = self.conn
            got = _exec(conn, sql, args).fetchall()
            now = now_on(conn) if got else 0.0
        return {c.doc_id: c for c in (self._claim(r, now) for r in got) if c.expires_in > 0}

    def claim_of(self, doc_id: int) -> Claim | None:
        """The live claim of a document, or None when nobody holds it."""
        return self.claims([doc_id]).get(int(doc_id))

    def _claim(self, row, now: float) -> Claim:
        doc_id, holder, seat, taken, renewed = row
        return Claim(int(doc_id), holder, seat, float(taken), float(renewed),
                     float(renewed) + self.claim_expiry_s - now, seat == self.seat)

    # ------------------------------------------------------------------ taking and giving back
    def claim(self, doc_id: int, take_over: bool = False) -> Claim:
        """Claim a document for this seat (renewing it when already ours). A live claim of another
        seat is refused with :class:`DocumentClaimed` unless ``take_over`` (a reviewer taking a
        document over). Returns the claim."""
        doc_id = int(doc_id)
        if getattr(self, "readonly", False):
            raise HanjiError("the project is open read-only: it cannot claim a document", self.path)
        self.document(doc_id)  # a clear error for a document that is not there
        with self._mutex:
            with self._tx() as conn:
                self._take(conn, [doc_id], take_over)
                row = _exec(conn, f"SELECT {_COLS} FROM claims WHERE doc_id = ?", (doc_id,)).fetchone()
                now = now_on(conn)
                ch = Change("claims", {doc_id}, {doc_id}, "claim")
                self._publish(conn, [ch])  # other seats hear of it at commit (store/notify.py)
        self._emit(ch)
        return self._claim(row, now)

    def switch_claim(self, doc_id: int | None) -> Claim | None:
        """What a window does on opening a document, in one transaction: give back this seat's other
        claims and claim ``doc_id``. Returns this seat's claim, or the live claim of the seat that
        holds it (``mine`` False: open it read-only); None for no document."""
        if getattr(self, "readonly", False):
            return None if doc_id is None else self.claim_of(doc_id)
        with self._mutex:
            with self._tx() as conn:
                sql, args = "DELETE FROM claims WHERE seat = ?", [self.seat]
                if doc_id is not None:
                    sql += " AND doc_id <> ?"
                    args.append(int(doc_id))
                gone = [r[0] for r in _exec(conn, sql + " RETURNING doc_id", args).fetchall()]
                held = None
                if doc_id is not None:
                    try:
                        with self._tx():  # a savepoint: a refusal keeps the release
                            self._take(conn, [doc_id])
                    except DocumentClaimed as e:
                        held = e.claim
                    row = _exec(conn, f"SELECT {_COLS} FROM claims WHERE doc_id = ?", (doc_id,)).fetchone()
                    now = now_on(conn)
                changed = set(gone) | ({int(doc_id)} if doc_id is not None else set())
                ch = Change("claims", changed, changed, "claim") if changed else None
                if ch is not None:
                    self._publish(conn, [ch])
        if ch is not None:
            self._emit(ch)
        if doc_id is None:
            return None
        return held if held is not None else self._claim(row, now)

    def release(self, doc_ids: Iterable[int] | None = None, keep: Iterable[int] = ()) -> int:
        """Give back this seat's claims (of these documents, or all but ``keep``). Returns how many."""
        if getattr(self, "readonly", False) or self.conn is None:
            return 0
        sql, args = "DELETE FROM claims WHERE seat = ?", [self.seat]
        if doc_ids is not None:
            ids = [int(d) for d in doc_ids]
            if not ids:
                return 0
            sql += f" AND doc_id IN ({','.join('?' * len(ids))})"
            args += ids
        kept = [int(d) for d in keep]
        if kept:
            sql += f" AND doc_id NOT IN ({','.join('?' * len(kept))})"
            args += kept
        with self._mutex:
            with self._tx() as conn:
                gone = [r[0] for r in _exec(conn, sql + " RETURNING doc_id", args).fetchall()]
                ch = Change("claims", set(gone), set(gone), "release") if gone else None
                if ch is not None:
                    self._publish(conn, [ch])
        if ch is not None:
            self._emit(ch)
        return len(gone)

    def _release_seat(self) -> None:
        """On close: this seat's claims go back (a failure here must not stop the close)."""
        try:
            if getattr(self, "_seat", None) is not None:
                self.release()
        except Exception:  # noqa: BLE001 - a lost connection: the claims expire on their own
            pass

    # ------------------------------------------------------------------ inside an edit
    def _take(self, conn, doc_ids: Iterable[int], take_over: bool = False) -> None:
        """Claim (or renew) ``doc_ids`` for this seat in the open transaction ``conn``; raise
        :class:`DocumentClaimed` for one another seat holds alive (the transaction is then taken back)."""
        ids = sorted({int(d) for d in doc_ids if d is not None})  # one order: two seats never wait on each other
        if not ids:
            return
        pg = is_postgres(conn)
        if not pg:
            take_over = True  # one writer holds a project file (store/lock.py): any other claim is a dead seat's
        who = self.user
        if pg:  # the server's clock, read by the statement itself (no round trip of its own)
            now = None
            at = "extract(epoch FROM statement_timestamp())::float8"
            stale_sql = f"{at} - ?"
        else:
            now = now_on(conn)
            at, stale_sql = "?", "?"
        cond = "" if take_over else f" WHERE claims.seat = excluded.seat OR claims.renewed < {stale_sql}"
        sql = (f"INSERT INTO claims({_COLS}) VALUES (?,?,?,{at},{at}) ON CONFLICT(doc_id) DO UPDATE SET "
               "holder = excluded.holder, seat = excluded.seat, renewed = excluded.renewed, "
               "taken = CASE WHEN claims.seat = excluded.seat THEN claims.taken ELSE excluded.taken END"
               f"{cond} RETURNING doc_id")
        for d in ids:
            args = (d, who, self.seat) + (() if pg else (now, now))
            if not take_over:
                args += (self.claim_expiry_s,) if pg else (now - self.claim_expiry_s,)
            if _exec(conn, sql, args).fetchone() is None:
                row = _exec(conn, f"SELECT {_COLS} FROM claims WHERE doc_id = ?", (d,)).fetchone()
                held = self._claim(row, now if now is not None else now_on(conn))
                name = self._doc_name(conn, d)
                raise DocumentClaimed(
                    f"document {name!r} is being edited by {_person(held.holder)} (claimed "
                    f"{time.strftime('%H:%M', time.localtime(held.taken))}, free in {max(1, int(held.expires_in))} s "
                    "without their edits); nothing was changed: open it read-only, or a reviewer can take it over",
                    self.path, held)

    def _claim_docs(self, conn, deltas) -> None:
        """The documents an edit's row deltas touch, claimed for this seat (see :meth:`_take`)."""
        docs = set()
        for table, _key, before, after in deltas:
            if table == "entity_types":
                continue
            for r in (before, after):
                if r:
                    docs.add(r["id"] if table == "documents" else r.get("doc_id"))
        self._take(conn, docs)

    @staticmethod
    def _doc_name(conn, doc_id: int) -> str:
        r = _exec(conn, "SELECT name FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return r[0] if r else str(doc_id)
