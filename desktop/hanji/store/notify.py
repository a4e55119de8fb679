"""Change notification between seats (issue 21): on PostgreSQL every edit sends a ``NOTIFY`` in its
own transaction (PostgreSQL delivers it at commit, and never for a transaction taken back) naming
the seat, the table, the documents and rows it changed; a listener thread on a connection of its
own (``LISTEN``) turns the notifications of other seats back into the same
:class:`~hanji.store.history.Change` objects the store's own edits give its listeners, so the
window's canvas and panes update in place (``hanji.ui.bridge`` carries them to the GUI thread).

A remote edit arrives with ``reason="remote"`` (an undo, redo, addition or removal keeps its own
reason) and ``seat`` set to the seat it came from, so that nothing answers another seat's edit with
an edit of its own (the window marks *its* edited documents in progress, reads *its* drawn boxes).
On SQLite (one writer per file) there is nothing to hear: ``listen`` returns False."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from hanji.store.claims import is_postgres
from hanji.store.history import Change

CHANNEL = "hanji_changes"
MAX_PAYLOAD = 7000  # PostgreSQL takes up to 8000 bytes a notification
_SENT = "_hanji_sent"  # set on a Change already announced inside its edit's transaction


def payload(seat: str, ch: Change) -> str:
    """The notification of one change: JSON, short keys; row ids dropped when too long, then the
    documents too (an empty ``d`` means "anything may have changed": listeners reload)."""
    msg = {"s": seat, "t": ch.table, "r": ch.reason, "d": sorted(ch.doc_ids, key=str), "i": sorted(ch.ids, key=str)}
    text = json.dumps(msg, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_PAYLOAD:
        msg["i"] = []
        text = json.dumps(msg, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_PAYLOAD:
        msg["d"] = []
        text = json.dumps(msg, ensure_ascii=False, separators=(",", ":"))
    return text


def change_of(text: str) -> Change | None:
    """The :class:`Change` a notification names (None for one that is not Hanji's)."""
    try:
        msg = json.loads(text)
        reason = msg.get("r") or "edit"
        return Change(str(msg["t"]), set(msg.get("d") or ()), set(msg.get("i") or ()),
                      "remote" if reason == "edit" else reason, str(msg.get("s") or "?"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class Listener(threading.Thread):
    """A daemon thread holding its own connection that ``LISTEN``\\ s and hands other seats' changes
    to ``deliver``; it reconnects after a lost connection (and then delivers an empty ``project``
    change: anything may have changed meanwhile)."""

    def __init__(self, connect: Callable[[], object], seat: str, deliver: Callable[[Change], None]):
        super().__init__(name="hanji-listen", daemon=True)
        self._connect, self.seat, self.deliver = connect, seat, deliver
        self.stopping = threading.Event()
        self.ready = threading.Event()  # listening (set again after each reconnection)
        self.conn = None
        self.errors = 0

    def run(self) -> None:
        lost = False
        while not self.stopping.is_set():
            try:
                self.conn = self._connect()
                self.conn.execute(f"LISTEN {CHANNEL}")
                self.ready.set()
                if lost:
                    self.deliver(Change("project", reason="remote", seat="?"))
                while not self.stopping.is_set():
                    for n in self.conn.notifies(timeout=0.2):
                        ch = change_of(n.payload)
                        if ch is not None and ch.seat != self.seat:
                            self.deliver(ch)
                        if self.stopping.is_set():
                            break
            except Exception:  # noqa: BLE001 - a lost connection (server restart, network): try again
                self.errors += 1
                self.ready.clear()
                lost = True
                if not self.stopping.wait(1.0):
                    continue
            finally:
                self._close_conn()

    def _close_conn(self) -> None:
        c, self.conn = self.conn, None
        if c is not None:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass

    def stop(self, wait: float = 2.0) -> None:
        self.stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(wait)


class Notify:
    """The notification half of :class:`~hanji.store.project.ProjectStore` (it supplies the
    connection, ``_tx``, ``_listeners``, ``seat`` and ``readonly``)."""

    _listener: Listener | None = None

    # ------------------------------------------------------------------ sending
    def _publish(self, conn, changes: list[Change]) -> None:
        """Announce ``changes`` inside the edit's open transaction ``conn`` (PostgreSQL only: sent at
        commit, dropped with a rollback)."""
        if not changes or not is_postgres(conn):
            return
        sql = "SELECT pg_notify(%s, %s)" if type(conn).__module__.startswith("psycopg") else "SELECT pg_notify(?, ?)"
        run = getattr(conn, "defer", conn.execute)  # the store's connection sends it with the COMMIT (store/pg.py)
        for ch in changes:
            if not ch.seat:
                run(sql, (CHANNEL, payload(self.seat, ch)))
                setattr(ch, _SENT, True)

    def _announce(self, change: Change) -> None:
        """A change emitted without being announced in its transaction (additions, removals,
        imports, claims): announced now, in a transaction of its own."""
        if change.seat or getattr(change, _SENT, False) or self.readonly or self.conn is None:
            return
        if not is_postgres(self.conn):
            return
        try:
            with self._tx() as conn:
                self._publish(conn, [change])
        except Exception:  # noqa: BLE001 - the edit itself is committed; a lost notification is not an error
            pass

    # ------------------------------------------------------------------ hearing
    def listen(self) -> bool:
        """Hear other seats' changes (PostgreSQL): they reach this store's listeners as ``Change``
        objects (``reason="remote"``, ``seat`` set), on the listener thread (``hanji.ui.bridge``
        moves them to the GUI thread). False where there is nothing to hear (SQLite)."""
        if self._listener is not None and self._listener.is_alive():
            return True
        if self.conn is None or not is_postgres(self.conn):
            return False
        self._listener = Listener(self._listen_connection, self.seat, self.deliver_remote)
        self._listener.start()
        self._listener.ready.wait(5.0)
        return True

    def listening(self) -> bool:
        return self._listener is not None and self._listener.ready.is_set()

    def stop_listening(self) -> None:
        lst, self._listener = self._listener, None
        if lst is not None:
            lst.stop()

    def deliver_remote(self, change: Change) -> None:
        """Give another seat's change to this store's listeners (whatever group is open here)."""
        for fn in list(self._listeners):
            try:
                fn(change)
            except Exception:  # noqa: BLE001 - one listener's failure must not stop the others
                import logging

                logging.getLogger("hanji.store").exception("a listener failed on a remote change")

    def _listen_connection(self):
        """A new autocommit connection to the same database for the listener (the backend may
        override it; by default it reuses the store connection's parameters)."""
        import psycopg

        url = getattr(self.conn, "url", None)  # hanji.store.pg.PgConnection
        if url:
            return psycopg.connect(url, autocommit=True, application_name="hanji-listen")
        info = self.conn.info  # a bare psycopg connection
        return psycopg.connect(info.dsn, password=info.password, autocommit=True, application_name="hanji-listen")

    def _seat_closing(self) -> None:
        """On close: stop hearing, give back this seat's claims."""
        self.stop_listening()
        self._release_seat()


def wait_for(pred: Callable[[], bool], timeout: float) -> bool:
    """Poll ``pred`` until true or ``timeout`` seconds (tests, benchmarks)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return pred()
