"""The PostgreSQL backend: a project in a database on a server, shared by many seats.

The store's modules are written against the small part of ``sqlite3`` they use (``execute`` with
``?`` parameters, ``fetchone``/``fetchall``, ``lastrowid``, ``in_transaction``, savepoints).
:class:`PgConnection` gives them that surface over a psycopg 3 connection, translating each
statement once (cached):

- ``?`` -> ``%s`` (``:name`` -> ``%(name)s`` with a dict), a literal ``%`` doubled;
- ``INSERT OR REPLACE`` / ``OR IGNORE`` -> ``ON CONFLICT (key) DO UPDATE`` / ``DO NOTHING``;
- ``x IS ?`` -> ``x IS NOT DISTINCT FROM %s``; ``instr`` -> ``strpos``;
- an ``INSERT`` into a table with an integer ``id`` returns it (``lastrowid``);
- ``BEGIN IMMEDIATE`` -> ``BEGIN`` and the project's advisory lock: writes of all seats take turns,
  as SQLite's one writer does, so ``MAX(id) + 1`` and history steps are never taken twice (an edit
  holds it a few milliseconds); ``lock_timeout`` turns a seat that holds it too long into a clear
  error instead of a hang.

The connection runs in autocommit mode; the store opens its own transactions (``BEGIN``/``COMMIT``,
savepoints for nested blocks), exactly as on SQLite, with ``synchronous_commit=on``: an edit is on
the server's disk before the call returns. A lost connection is a :class:`ConnectionLost` error:
the transaction it was in did not happen (the server rolls it back) and nothing runs outside it;
the next call reconnects.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from hanji.errors import DiskFull, HanjiError
from hanji.store.names import ProjectURL, display_url

LOCK_KEY = 0x48414E4A  # the project's advisory lock ("HANJ", the SQLite application id)
LOCK_TIMEOUT_S = 15.0  # a write waits this long for another seat's transaction
CONNECT_TIMEOUT_S = 10
_PK = {"meta": "key", "jobs": "name", "images": "sha256", "counts": "name", "entity_types": "name",
       "reviews": "doc_id", "claims": "doc_id", "package_base": "doc_id", "package_checkouts": "doc_id",
       "packages": "id"}


class ConnectionLost(HanjiError):
    """The connection to the database server broke: what was being written was not saved."""


def _psycopg():
    try:
        import psycopg
    except ImportError as e:  # pragma: no cover - psycopg is a dependency
        raise HanjiError("PostgreSQL projects need psycopg 3 (pip install 'psycopg[binary]')") from e
    return psycopg


# ---------------------------------------------------------------------------------------- SQL
@functools.lru_cache(maxsize=2048)
def translate(sql: str, named: bool = False) -> tuple[str, bool]:
    """The PostgreSQL form of one of the store's SQLite statements, and whether it returns the new
    row's id (an INSERT given ``RETURNING id``)."""
    s = sql.strip().rstrip(";")
    conflict = ""
    m = re.match(r"INSERT\s+OR\s+(REPLACE|IGNORE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", s, re.I)
    if m:
        what, table, cols = m.group(1).upper(), m.group(2), [c.strip() for c in m.group(3).split(",")]
        s = "INSERT INTO" + s[m.start(2) - 1:]
        if what == "IGNORE":
            conflict = " ON CONFLICT DO NOTHING"
        else:
            key = _PK.get(table, "id")
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c != key)
            conflict = f" ON CONFLICT ({key}) DO " + (f"UPDATE SET {sets}" if sets else "NOTHING")
    s = re.sub(r"^BEGIN\s+IMMEDIATE\b", "BEGIN", s, flags=re.I)
    s = re.sub(r"\binstr\s*\(", "strpos(", s, flags=re.I)
    s = re.sub(r"\bIS\s+\?", "IS NOT DISTINCT FROM ?", s, flags=re.I)
    s = _placeholders(s, named) + conflict
    returns = False
    m = re.match(r"INSERT\s+INTO\s+(\w+)", s, re.I)
    many = re.search(r"\)\s*,\s*\(", s[m.end():]) if m else None  # a statement of many rows: no ids back
    if m and m.group(1) in _ID_TABLES and not many and not re.search(r"\bRETURNING\b", s, re.I):
        s += " RETURNING id"
        returns = True
    return s, returns


def _id_tables() -> frozenset[str]:
    from hanji.store.pg_schema import ID_TABLES

    return frozenset(ID_TABLES)


_ID_TABLES = _id_tables()


def _placeholders(s: str, named: bool) -> str:
    out = []
    i, n = 0, len(s)
    quote = False
    while i < n:
        c = s[i]
        if c == "'":
            quote = not quote
            out.append(c)
        elif c == "%":
            out.append("%%")
        elif quote:
            out.append(c)
        elif c == "?":
            out.append("%s")
        elif named and c == ":" and i + 1 < n and (s[i + 1].isalpha() or s[i + 1] == "_") and (
                i == 0 or s[i - 1] != ":"):
            j = i + 1
            while j < n and (s[j].isalnum() or s[j] == "_"):
                j += 1
            out.append(f"%({s[i + 1:j]})s")
            i = j
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------- cursor
class Result:
    """What ``PgConnection.execute`` returns: the rows (read at once), ``lastrowid``, ``rowcount`` and
    ``description``, as an ``sqlite3.Cursor`` has them."""

    __slots__ = ("_rows", "_pos", "lastrowid", "rowcount", "description")

    def __init__(self, rows: list[tuple], lastrowid: Any, rowcount: int, description):
        self._rows = rows
        self._pos = 0
        self.lastrowid = lastrowid
        self.rowcount = rowcount
        self.description = description

    def fetchone(self):
        if self._pos >= len(self._rows):
            return None
        r = self._rows[self._pos]
        self._pos += 1
        return r

    def fetchall(self) -> list[tuple]:
        rows = self._rows[self._pos:]
        self._pos = len(self._rows)
        return rows

    def fetchmany(self, size: int = 1) -> list[tuple]:
        rows = self._rows[self._pos:self._pos + size]
        self._pos += len(rows)
        return rows

    def __iter__(self):
        """The rows not fetched yet, all taken at once (a loop over an export's pages of 200,000
        regions spent 0.5 s of its 3.6 s in a generator's ``fetchone`` a row)."""
        rows = self._rows[self._pos:] if self._pos else self._rows
        self._pos = len(self._rows)
        return iter(rows)


# ---------------------------------------------------------------------------------------- connection
class PgConnection:
    """A psycopg 3 connection with the part of the ``sqlite3.Connection`` surface the store uses."""

    is_postgres = True

    def __init__(self, url: str, readonly: bool = False):
        self.url = url
        self.display = display_url(url)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._in_tx = False
        # statements not sent yet: a transaction's BEGIN and lock, and what :meth:`defer` holds back;
        # they go in one round trip with the next statement (pipeline mode) or the COMMIT
        self._pending: list[tuple[str, tuple]] = []
        self._begun = False  # the open transaction's BEGIN has reached the server
        self.round_trips = 0  # requests that waited on the server's answer (tests count them)
        self.total_changes = 0
        self.trace: Any = None  # a callable given each statement as run (tests count them)
        self.raw = _connect(url, self.display, readonly)

    # -------------------------------------------------------------- state
    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    @property
    def failed(self) -> bool:
        """An error inside the open transaction: PostgreSQL takes nothing more until a rollback."""
        pq = _psycopg().pq
        return self._in_tx and self.raw.info.transaction_status == pq.TransactionStatus.INERROR

    @property
    def broken(self) -> bool:
        return self.raw.closed or self.raw.broken

    def close(self) -> None:
        try:
            self.raw.close()
        except Exception:  # noqa: BLE001 - closing a broken connection
            pass

    def _ensure(self) -> None:
        if not self.broken:
            return
        if self._in_tx:  # never run the rest of a transaction outside it
            raise ConnectionLost("the connection to the database server was lost: this change was not saved",
                                 self.display)
        self.raw = _connect(self.url, self.display, self.readonly)

    # -------------------------------------------------------------- statements
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *, prepare: bool | None = None
                ) -> Result:
        """``prepare=False``: planned for these parameters every time, never a prepared statement's
        generic plan (psycopg prepares a statement run five times; a search's best plan depends on
        how common the query is). ``BEGIN IMMEDIATE`` is held back and sent with the transaction's
        first statement (one round trip for the BEGIN, the project's lock and that statement)."""
        word = sql.lstrip()[:9].upper()
        with self._lock:
            if word.startswith(("COMMIT", "END")) or (word.startswith("ROLLBACK") and " TO " not in sql.upper()):
                return self._end(sql)
            if word.startswith("PRAGMA"):
                return self._pragma(sql)
            self._ensure()
            q, returns = translate(sql, isinstance(params, dict))
            if self.trace is not None:
                self.trace(q)
            if word.startswith("BEGIN"):  # (with its isolation level, where it names one)
                self._pending = [(re.sub(r"\s+IMMEDIATE\b", "", q, flags=re.I), ())]
                if "IMMEDIATE" in sql.upper():
                    self._pending.append((f"SELECT pg_advisory_xact_lock({LOCK_KEY})", ()))
                self._in_tx, self._begun = True, False
                return Result([], None, -1, None)
            try:
                cur = self._send(q, params if params is not None else (), prepare)
                rows = cur.fetchall() if cur.description is not None else []
            except _psycopg().Error as e:
                raise self._error(e) from e
            lastrowid = rows[0][0] if returns and rows else None
            if not word.startswith("SELECT"):
                self.total_changes += max(cur.rowcount, 0)
            return Result(rows, lastrowid, cur.rowcount, cur.description)

    def defer(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run ``sql`` (a statement whose answer nobody reads, such as a ``pg_notify``) in the open
        transaction, sent with the next statement or the COMMIT instead of on its own round trip;
        dropped with a rollback. An error in it fails the transaction at that point."""
        with self._lock:
            q, _ = translate(sql, False)
            if self.trace is not None:
                self.trace(q)
            if not self._in_tx:
                self.execute(sql, params)
                return
            self._pending.append((q, tuple(params)))

    def _send(self, q: str, params, prepare: bool | None = None):
        """``q`` on the server after the statements held back, all in one round trip (the caller
        holds the lock and turns psycopg's errors into the store's)."""
        self.round_trips += 1
        if not self._pending:
            return self.raw.execute(q, params, prepare=prepare)
        pending, self._pending = self._pending, []
        begin = pending[0][0].upper().startswith("BEGIN")
        if begin:
            self._begun = True
        try:
            with self.raw.pipeline():
                for pq, pp in pending:
                    self.raw.execute(pq, pp)
                cur = self.raw.execute(q, params, prepare=prepare)
        except _psycopg().Error:
            if begin and not self.broken and (
                    self.raw.info.transaction_status == _psycopg().pq.TransactionStatus.IDLE):
                self._in_tx = False  # the BEGIN itself did not take: no transaction is open
            raise
        return cur

    def _flush(self) -> None:
        """Send the statements held back (before a statement that does not go through :meth:`_send`)."""
        if self._pending:
            self._send("SELECT 1", ())

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Result:
        with self._lock:
            self._ensure()
            q, returns = translate(sql, False)
            if returns:
                q = q[: -len(" RETURNING id")]
            if self.trace is not None:
                self.trace(q)
            try:
                self._flush()
                self.round_trips += 1
                with self.raw.cursor() as cur:
                    cur.executemany(q, list(seq))
                    n = cur.rowcount
            except _psycopg().Error as e:
                raise self._error(e) from e
            self.total_changes += max(n, 0)
            return Result([], None, n, None)

    def copy_rows(self, table: str, cols: Sequence[str], rows: Iterable[Sequence[Any] | str]) -> int:
        """Rows into ``table`` by ``COPY ... FROM STDIN`` (an import batch's new rows: a third of the
        server's time of statements of many rows; its triggers run as for an insert). A row is a
        tuple of values, or a whole line of ``COPY`` text, its end included (an import's reader
        makes those: :class:`hanji.store.rows.RegionRows`), sent as it is. Inside the store's
        transaction; errors as :meth:`execute` gives them."""
        with self._lock:
            self._ensure()
            q = f"COPY {table} ({', '.join(cols)}) FROM STDIN"
            if self.trace is not None:
                self.trace(q)
            n = 0
            try:
                self._flush()
                self.round_trips += 1
                with self.raw.cursor() as cur, cur.copy(q) as copy:
                    lines: list[str] = []
                    for r in rows:
                        if type(r) is str:
                            lines.append(r)
                        else:
                            if lines:
                                copy.write("".join(lines))
                                lines = []
                            copy.write_row(r)
                        n += 1
                    if lines:
                        copy.write("".join(lines))
            except _psycopg().Error as e:
                raise self._error(e) from e
            self.total_changes += n
            return n

    def _end(self, sql: str) -> Result:
        """COMMIT or ROLLBACK: the transaction is over either way (a failed COMMIT rolls back). A
        transaction none of whose statements reached the server sends nothing; statements held back
        go with the COMMIT (one round trip) and are dropped by a ROLLBACK."""
        pending, self._pending = self._pending, []
        commit = sql.lstrip().upper().startswith("COMMIT")
        try:
            if pending and pending[0][0].upper().startswith("BEGIN") and not self._begun:
                if not commit or not any(not q.startswith("SELECT pg_advisory_xact_lock") for q, _ in pending[1:]):
                    return Result([], None, -1, None)  # nothing reached the server: nothing to send
            elif not commit:
                pending = []
            if self.broken:
                if commit:
                    raise ConnectionLost("the connection to the database server was lost: this change was not "
                                         "saved", self.display)
                return Result([], None, -1, None)
            pq = _psycopg().pq
            self.round_trips += 1
            try:
                if commit and self.raw.info.transaction_status == pq.TransactionStatus.INERROR:
                    self.raw.execute("ROLLBACK")
                    raise HanjiError("the change was not written: an error ended the transaction", self.display)
                if pending:
                    try:
                        with self.raw.pipeline():
                            for q, p in pending:
                                self.raw.execute(q, p)
                            self.raw.execute(sql)
                    except _psycopg().Error:
                        if not self.broken and self.raw.info.transaction_status != pq.TransactionStatus.IDLE:
                            self.raw.execute("ROLLBACK")
                        raise
                else:
                    self.raw.execute(sql)
            except _psycopg().Error as e:
                raise self._error(e) from e
        finally:
            self._in_tx = False
            self._begun = False
        return Result([], None, -1, None)

    def _error(self, e: Exception) -> Exception:
        psycopg = _psycopg()
        if self.broken or isinstance(e, (psycopg.InterfaceError,)) or (
                isinstance(e, psycopg.OperationalError) and getattr(e, "sqlstate", None) in (None, "57P01", "57P02",
                                                                                            "57P03", "08006")):
            return ConnectionLost("the connection to the database server was lost: this change was not saved "
                                  f"({_first_line(e)})", self.display)
        state = getattr(e, "sqlstate", None) or ""
        if state == "53100":
            return DiskFull("the database server's disk is full: this change was not written (everything before "
                            "it is kept)", self.display)
        if state == "55P03":
            return HanjiError("another seat kept the project busy for too long: this change was not saved; try "
                              "again", self.display)
        if state == "25P02":
            return HanjiError("the change was not written: the database ended the transaction after an error",
                              self.display)
        if state == "42501":
            return HanjiError(f"the server does not let this user change the project ({_first_line(e)}); "
                              "open it read-only, or ask for write access", self.display)
        if state == "25006":
            return HanjiError("the project is open read-only", self.display)
        return e

    # -------------------------------------------------------------- sqlite3 odds and ends
    def _pragma(self, sql: str) -> Result:
        """The PRAGMAs the store asks of any backend: the schema version (a meta row) and the data
        version (a sequence); the rest (checkpoints, the planner's ``optimize``) are SQLite's own."""
        what = sql.split()[1].split("=")[0].strip().lower()
        if what == "user_version":
            r = self.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            return Result([(int(r[0]) if r else 0,)], None, -1, None)
        if what == "data_version":
            return Result([(self.data_version(),)], None, -1, None)
        return Result([], None, -1, None)

    def set_trace_callback(self, fn) -> None:
        self.trace = fn

    def data_version(self) -> int:
        """Moves with every change of documents, regions, links, key-values or the schema, by any seat."""
        return int(self.execute("SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM "
                                "hanji_data_version").fetchone()[0])


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [e.__class__.__name__])[0]


def _numeric_loader(psycopg):
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        """numeric (``SUM`` of integers) as int, or float: what SQLite gives."""

        def load(self, data):
            s = bytes(data).decode()
            try:
                return int(s)
            except ValueError:
                return float(s)

    return NumericLoader


def _connect(url: str, display: ProjectURL, readonly: bool):
    psycopg = _psycopg()
    kwargs: dict[str, Any] = {"autocommit": True, "application_name": "hanji"}
    if "connect_timeout" not in url:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        raw = psycopg.connect(url, **kwargs)
    except psycopg.Error as e:
        raise connect_error(display, e) from e
    except (ValueError, TypeError) as e:  # a URL libpq cannot read
        raise HanjiError(f"not a PostgreSQL URL libpq reads ({e}); write postgresql://user@host:port/dbname",
                         display) from e
    raw.adapters.register_loader("numeric", _numeric_loader(psycopg))
    # no parallel plans: the store's statements are indexed reads of a page or a document, and a
    # parallel plan's workers took 35-45 ms to start of a 48 ms search on a busy 2-core server
    raw.execute(f"SET synchronous_commit = on; SET lock_timeout = '{int(LOCK_TIMEOUT_S * 1000)}ms'; "
                "SET client_encoding = 'UTF8'; SET max_parallel_workers_per_gather = 0")
    if readonly:
        raw.execute("SET default_transaction_read_only = on")
    return raw


def connect_error(display: ProjectURL, e: Exception) -> HanjiError:
    """A clear message for a connection that failed: no server, wrong password, no such database or user."""
    text = str(e)
    low = text.lower()
    db = display.dbname or "(the user's name)"
    if "password authentication failed" in low or "no password supplied" in low or "password is required" in low:
        user = re.search(r'for user "([^"]+)"', text)
        who = f" for user {user.group(1)!r}" if user else ""
        return HanjiError(f"the server refused the password{who}: wrong or missing password (give it in the "
                          "URL, PGPASSWORD or ~/.pgpass)", display)
    m = re.search(r'database "([^"]+)" does not exist', text)
    if m:
        return HanjiError(f"the server has no database {m.group(1)!r}; a team makes it once with "
                          f"`createdb {m.group(1)}`, then `hanji new URL`", display)
    m = re.search(r'role "([^"]+)" does not exist', text)
    if m:
        return HanjiError(f"the server has no user {m.group(1)!r} (createuser makes one)", display)
    if ("connection refused" in low or "no such file or directory" in low or "could not translate host" in low
            or "timeout expired" in low or "could not connect" in low or "is the server running" in low
            or "name or service not known" in low or "no route to host" in low):
        return HanjiError(f"no PostgreSQL server answers there (is it running, and are the host and port right?): "
                          f"{_first_line(e)}", display)
    if "permission denied" in low or "pg_hba.conf" in low:
        return HanjiError(f"the server does not let this user connect to {db!r}: {_first_line(e)}", display)
    return HanjiError(f"cannot connect to the database server: {_first_line(e)}", display)
