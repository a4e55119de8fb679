"""Who did what: the person a store's edits are recorded under, and the logs per-person figures are
made from (history entries by author, review decisions by labeler). The figures themselves are
worked out in :mod:`hanji.quality.people`; this module only reads rows."""

from __future__ import annotations

import getpass
import os
import unicodedata
from collections.abc import Iterator
from typing import Any

from hanji.errors import HanjiError

_default: str | None = None


def clean_user(name: str) -> str:
    """A person's name as stored: NFC, trimmed, one line, at most 64 characters."""
    name = unicodedata.normalize("NFC", str(name)).strip()
    if not name:
        raise HanjiError("a user name cannot be empty")
    if any(c in name for c in "\r\n\t") or len(name) > 64:
        raise HanjiError(f"{name[:70]!r} is not a user name (one line of at most 64 characters)")
    return name


def set_default_user(name: str | None) -> None:
    """The name edits are recorded under in this process (``--user NAME``; None: the default again)."""
    global _default
    _default = clean_user(name) if name is not None else None


def default_user() -> str:
    """``--user`` if given, else ``$HANJI_USER``, else the login name (empty when there is none)."""
    if _default:
        return _default
    env = os.environ.get("HANJI_USER", "").strip()
    if env:
        return clean_user(env)
    try:
        return clean_user(getpass.getuser())
    except (HanjiError, KeyError, OSError, ImportError):
        return ""


class People:
    """The attribution part of :class:`~hanji.store.project.ProjectStore`: ``store.user`` is the
    person its edits are recorded under (each history entry keeps it, with the document it touched)."""

    @property
    def user(self) -> str:
        u = getattr(self, "_user", None)
        if u is None:
            u = self._user = default_user()
        return u

    @user.setter
    def user(self, name: str) -> None:
        self._user = clean_user(name)

    def edit_log(self) -> Iterator[tuple[str, int | None, float, str]]:
        """Every edit still in the history (undone ones are not): ``(author, doc_id, at, label)``,
        by author, then time."""
        with self._mutex:
            rows = self.conn.execute(
                "SELECT author, doc_id, at, label FROM history WHERE undone = 0 ORDER BY author, at, id").fetchall()
        yield from rows

    def authors(self) -> list[str]:
        """Everyone with an edit in the history or a review event, by name."""
        with self._mutex:
            return [r[0] for r in self.conn.execute(
                "SELECT author FROM history UNION SELECT author FROM review_events "
                "UNION SELECT labeler FROM review_events ORDER BY 1")]

    def last_author(self, doc_id: int) -> str:
        """Who last edited a document's labels (not a review decision): its labeler."""
        with self._mutex:
            r = self.conn.execute("SELECT author FROM history WHERE doc_id = ? AND undone = 0 AND label NOT LIKE "
                                  "'review%' ORDER BY id DESC LIMIT 1", (doc_id,)).fetchone()
        return r[0] if r else ""

    def history_entries(self, doc_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The latest history entries (of one document, or all), newest first, with their author."""
        sql = "SELECT id, step, label, author, doc_id, at, undone FROM history"
        args: tuple = ()
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            args = (doc_id,)
        with self._mutex:
            cur = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", args + (int(limit),))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur]
