"""Review and labeling consistency: the review half of :class:`~hanji.store.project.ProjectStore`
(it supplies the connection, ``_mutex``, ``_tx``, ``_edit``, the history's row helpers and ``user``).

A decision is one transaction: the ``reviews`` row, its ``review_events`` entry and, for a
submission or a rejection, the document's status (an undoable edit recorded under the person).
The states and moves are :mod:`hanji.domain.review`'s; the figures of agreement are
:mod:`hanji.quality.agreement`'s."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from hanji.domain import review as rv
from hanji.domain.model import KeyValue, Region
from hanji.errors import HanjiError
from hanji.store import rows

_DOC_STATE_SQL = ("SELECT d.id, d.name, d.status, d.updated, r.state, r.at, r.labeler, r.reviewer "
                  "FROM documents d LEFT JOIN reviews r ON r.doc_id = d.id")


class Review:
    """Review states, decisions and comments; documents given to two labelers and their versions."""

    # ------------------------------------------------------------------ states
    def review_states(self, doc_ids: Iterable[int] | None = None) -> dict[int, str]:
        """Each document's review state (:data:`hanji.domain.review.REVIEW_STATES`)."""
        return {row["id"]: row["state"] for row in self._review_rows(doc_ids)}

    def _review_rows(self, doc_ids: Iterable[int] | None = None, done_only: bool = False) -> list[dict[str, Any]]:
        sql, args = _DOC_STATE_SQL, []
        where = []
        if doc_ids is not None:
            ids = [int(d) for d in doc_ids]
            where.append(f"d.id IN ({','.join('?' * len(ids))})" if ids else "FALSE")
            args += ids
        if done_only:  # the queue: labelled needs status done (index documents_status), or in review
            where.append("(d.status = 'done' OR d.id IN (SELECT doc_id FROM reviews WHERE state = 'in_review'))")
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._mutex:
            got = self.conn.execute(sql + " ORDER BY d.id", args).fetchall()
        out = []
        for doc_id, name, status, updated, decision, at, labeler, reviewer in got:
            out.append({"id": doc_id, "name": name, "status": status,
                        "state": rv.review_state(status, decision, at, updated),
                        "labeler": labeler or "", "reviewer": reviewer or "", "decided": at})
        return out

    def review_state(self, doc_id: int) -> str:
        got = self._review_rows([doc_id])
        if not got:
            raise HanjiError(f"no document {doc_id} in the project", self.path)
        return got[0]["state"]

    def review_queue(self, reviewer: str | None = None) -> list[dict[str, Any]]:
        """What waits for a reviewer: labelled documents and those in review (``reviewer``: only the
        ones that person took, with the labelled ones nobody took yet), oldest submission first, each
        with its labeler and how many comments it has."""
        items = [r for r in self._review_rows(done_only=True) if r["state"] in rv.QUEUE_STATES]
        if reviewer is not None:
            items = [r for r in items if r["state"] == rv.LABELLED or r["reviewer"] == reviewer]
        comments = self._comment_counts([r["id"] for r in items])
        for r in items:
            r["labeler"] = r["labeler"] or self.last_author(r["id"])
            r["comments"] = comments.get(r["id"], 0)
            if r["state"] == rv.LABELLED:
                r["reviewer"] = ""
        return items

    def returned(self, labeler: str | None = None) -> list[dict[str, Any]]:
        """Rejected documents back with their labeler (``labeler``: only that person's), with the comments."""
        with self._mutex:
            ids = [r[0] for r in self.conn.execute("SELECT doc_id FROM reviews WHERE state = ?", (rv.REJECTED,))]
        items = [r for r in self._review_rows(ids) if r["state"] == rv.REJECTED]
        if labeler is not None:
            items = [r for r in items if r["labeler"] == labeler]
        for r in items:
            r["comments"] = self.review_comments(r["id"])
        return items

    def _comment_counts(self, doc_ids: list[int]) -> dict[int, int]:
        if not doc_ids:
            return {}
        with self._mutex:
            return dict(self.conn.execute(
                f"SELECT doc_id, COUNT(*) FROM review_events WHERE comment <> '' AND doc_id IN "
                f"({','.join('?' * len(doc_ids))}) AND id > COALESCE((SELECT MAX(id) FROM review_events s "
                "WHERE s.doc_id = review_events.doc_id AND s.action = 'submit'), 0) GROUP BY doc_id", doc_ids))

    # ------------------------------------------------------------------ comments
    def review_comments(self, doc_id: int, all_rounds: bool = False) -> list[dict[str, Any]]:
        """A document's review comments since its last submission (``all_rounds``: every one), oldest
        first: ``{id, action, author, region_id, comment, at}``."""
        sql = ("SELECT id, action, author, region_id, comment, at FROM review_events WHERE doc_id = ? "
               "AND comment <> ''")
        if not all_rounds:
            sql += (" AND id > COALESCE((SELECT MAX(id) FROM review_events WHERE doc_id = ? AND action = 'submit'),"
                    " 0)")
        with self._mutex:
            cur = self.conn.execute(sql + " ORDER BY id", (doc_id, doc_id) if not all_rounds else (doc_id,))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur]

    def add_review_comment(self, doc_id: int, text: str, region_id: int | None = None) -> None:
        """A comment on a document, pinned to one of its regions when ``region_id`` is given."""
        text = _comment(text)
        if not text:
            raise HanjiError("a review comment cannot be empty", self.path)
        doc = self.document(doc_id)
        with self._tx() as conn:
            self._check_region(conn, doc, region_id)
            self._event(conn, doc_id, "comment", self._labeler(conn, doc_id), region_id, text)

    def review_log(self) -> list[tuple[int, str, str, str, float]]:
        """Every submission and decision: ``(doc_id, action, author, labeler, at)``, oldest first."""
        with self._mutex:
            return self.conn.execute("SELECT doc_id, action, author, labeler, at FROM review_events "
                                     "WHERE action <> 'comment' ORDER BY id").fetchall()

    # ------------------------------------------------------------------ moves
    def submit(self, doc_id: int) -> str:
        """The labeler hands a document in: its status becomes ``done`` and it joins the review
        queue. A document given to two labelers keeps each one's version; until the last of them
        has submitted it goes back (as it was when it was given out) to the next, ``in_progress``.
        Returns the new review state."""
        doc = self.document(doc_id)
        self._move(doc, "submit")
        user = self.user
        assigned = self.assignees(doc_id)
        pending: list[str] = []
        if user in assigned:
            pending = [a for a in assigned if a != user and a not in self._version_authors(doc_id)]
        # one transaction (the version kept, the document reset for the next labeler, its status) and one undo step
        with self._mutex, self.group("review: submit"), self._tx():
            if user in assigned:
                self.save_version(doc_id, user)
            if pending:
                self.restore_version(doc_id, "", label="review: submit")
            self._set_status(doc_id, "in_progress" if pending else "done", "review: submit", rv.LABELLED,
                             "submit", user, "")
        return self.review_state(doc_id)

    def start_review(self, doc_id: int) -> None:
        """The reviewer (``store.user``) takes a labelled document into review."""
        doc = self.document(doc_id)
        self._move(doc, "start")
        with self._tx() as conn:
            self._decide(conn, doc_id, rv.IN_REVIEW, "start", self._labeler(conn, doc_id), None, "")

    def accept(self, doc_id: int, comment: str = "") -> None:
        doc = self.document(doc_id)
        self._move(doc, "accept")
        with self._tx() as conn:
            self._decide(conn, doc_id, rv.ACCEPTED, "accept", self._labeler(conn, doc_id), None, _comment(comment))

    def reject(self, doc_id: int, comment: str, region_id: int | None = None) -> None:
        """Send a document back to its labeler with a comment (pinned to a region if given): its
        status becomes ``in_progress`` (an undoable edit) and the comment waits on it."""
        comment = _comment(comment)
        if not comment:
            raise HanjiError("say why the document is rejected (a comment for its labeler)", self.path)
        doc = self.document(doc_id)
        self._move(doc, "reject")
        with self._mutex:
            self._check_region(self.conn, doc, region_id)
            labeler = self._labeler(self.conn, doc_id)
            self._set_status(doc_id, "in_progress", "review: reject", rv.REJECTED, "reject", labeler, comment,
                             region_id)

    def send_to_review(self, doc_id: int, comment: str) -> bool:
        """Put a document in the review queue with a note (the agreement check's disagreements).
        False when it is already there with the same note (a second run sends nothing twice)."""
        doc = self.document(doc_id)
        comment = _comment(comment)
        with self._tx() as conn:
            last = conn.execute("SELECT comment FROM review_events WHERE doc_id = ? AND action = 'send' "
                                "ORDER BY id DESC LIMIT 1", (doc_id,)).fetchone()
            state = self._review_rows([doc_id])[0]["state"]
            if state == rv.IN_REVIEW and last and last[0] == comment:
                return False
            rv.check_move("send", state, doc.name)
            self._decide(conn, doc_id, rv.IN_REVIEW, "send", self._labeler(conn, doc_id), None, comment,
                         reviewer="")
        return True

    def _move(self, doc, action: str) -> str:
        try:
            return rv.check_move(action, self.review_state(doc.id), doc.name)
        except ValueError as e:
            raise HanjiError(str(e), self.path) from None

    def _set_status(self, doc_id: int, status: str, label: str, state: str, action: str, labeler: str,
                    comment: str, region_id: int | None = None) -> None:
        """The document's status (a recorded edit) and the decision, in one transaction."""

        def fn(conn):
            before = self._get_row(conn, "documents", doc_id)
            after = dict(before, status=status, updated=time.time())
            self._put_row(conn, "documents", after)
            self._decide(conn, doc_id, state, action, labeler, region_id, comment)
            return [["documents", doc_id, before, after]]

        self._edit(label, fn)

    def _decide(self, conn, doc_id: int, state: str, action: str, labeler: str, region_id: int | None,
                comment: str, reviewer: str | None = None) -> None:
        now = time.time()
        who = self.user if reviewer is None else reviewer
        if action == "submit":
            who_reviews, labeler = "", self.user
        else:
            who_reviews = who
        conn.execute("INSERT INTO reviews(doc_id, state, labeler, reviewer, at) VALUES (?,?,?,?,?) "
                     "ON CONFLICT(doc_id) DO UPDATE SET state = excluded.state, labeler = excluded.labeler, "
                     "reviewer = excluded.reviewer, at = excluded.at", (doc_id, state, labeler, who_reviews, now))
        self._event(conn, doc_id, action, labeler, region_id, comment, now)

    def _event(self, conn, doc_id: int, action: str, labeler: str, region_id: int | None, comment: str,
               at: float | None = None) -> None:
        conn.execute("INSERT INTO review_events(doc_id, action, author, labeler, region_id, comment, at) "
                     "VALUES (?,?,?,?,?,?,?)", (doc_id, action, self.user, labeler, region_id, comment,
                                                at or time.time()))

    def _labeler(self, conn, doc_id: int) -> str:
        r = conn.execute("SELECT labeler FROM reviews WHERE doc_id = ?", (doc_id,)).fetchone()
        return (r[0] if r and r[0] else "") or self.last_author(doc_id)

    def _check_region(self, conn, doc, region_id: int | None) -> None:
        if region_id is None:
            return
        r = conn.execute("SELECT doc_id FROM regions WHERE id = ?", (int(region_id),)).fetchone()
        if not r or r[0] != doc.id:
            raise HanjiError(f"document {doc.name!r} has no region {region_id}", self.path)

    # ------------------------------------------------------------------ two labelers
    def assign(self, doc_ids: Iterable[int], labelers: list[str]) -> int:
        """Give documents to these labelers on purpose (two, for the agreement share). The document
        as it is now is kept as the starting version (author ``''``) each of them labels from.
        Returns how many documents were newly given."""
        from hanji.store.people import clean_user

        names = [clean_user(n) for n in labelers]
        if len(set(names)) < 2:
            raise HanjiError("give a document to at least two different labelers", self.path)
        n = 0
        now = time.time()
        for d in doc_ids:
            self.document(d)
            with self._tx() as conn:
                had = conn.execute("SELECT COUNT(*) FROM assignments WHERE doc_id = ?", (d,)).fetchone()[0]
                for name in names:
                    conn.execute("INSERT INTO assignments(doc_id, author, at) VALUES (?,?,?) ON CONFLICT DO NOTHING", (d, name, now))
                if not had:
                    n += 1
                    self._save_version(conn, d, "")
        return n

    def assignments(self) -> dict[int, list[str]]:
        """Documents given to several labelers on purpose: ``{doc_id: [labeler, ...]}``."""
        with self._mutex:
            got: dict[int, list[str]] = {}
            for d, a in self.conn.execute("SELECT a.doc_id, a.author FROM assignments a JOIN documents d ON "
                                          "d.id = a.doc_id ORDER BY a.doc_id, a.author"):
                got.setdefault(d, []).append(a)
            return got

    def assignees(self, doc_id: int) -> list[str]:
        with self._mutex:
            return [r[0] for r in self.conn.execute("SELECT author FROM assignments WHERE doc_id = ? ORDER BY author",
                                                    (doc_id,))]

    def _version_authors(self, doc_id: int) -> set[str]:
        with self._mutex:
            return {r[0] for r in self.conn.execute("SELECT author FROM label_versions WHERE doc_id = ?", (doc_id,))}

    def save_version(self, doc_id: int, author: str) -> None:
        """Keep the document's regions and key-values as they are now as ``author``'s version."""
        self.document(doc_id)
        with self._tx() as conn:
            self._save_version(conn, doc_id, author)

    def _save_version(self, conn, doc_id: int, author: str) -> None:
        regs = [dict(zip(rows.REGION_COLUMNS, r)) for r in conn.execute(
            f"SELECT {','.join(rows.REGION_COLUMNS)} FROM regions WHERE doc_id = ? ORDER BY ord IS NULL, ord, id",
            (doc_id,))]
        kvs = [dict(zip(rows.KEYVALUE_COLUMNS, r)) for r in conn.execute(
            f"SELECT {','.join(rows.KEYVALUE_COLUMNS)} FROM keyvalues WHERE doc_id = ? ORDER BY id", (doc_id,))]
        self._put_version(conn, doc_id, author, regs, kvs)

    def put_version(self, doc_id: int, author: str, regions: list[Region], keyvalues: list[KeyValue]) -> None:
        """Store a labeler's version made elsewhere (another copy of the project)."""
        from hanji.store.people import clean_user

        self.document(doc_id)
        regs = [rows.region_row(r) for r in regions]
        kvs = [rows.keyvalue_row(k) for k in keyvalues]
        with self._tx() as conn:
            self._put_version(conn, doc_id, clean_user(author), regs, kvs)

    @staticmethod
    def _put_version(conn, doc_id: int, author: str, regs: list[dict], kvs: list[dict]) -> None:
        conn.execute("INSERT INTO label_versions(doc_id, author, regions, keyvalues, at) VALUES (?,?,?,?,?) "
                     "ON CONFLICT(doc_id, author) DO UPDATE SET regions = excluded.regions, "
                     "keyvalues = excluded.keyvalues, at = excluded.at",
                     (doc_id, author, json.dumps(regs, ensure_ascii=False), json.dumps(kvs, ensure_ascii=False),
                      time.time()))

    def label_versions(self, doc_id: int | None = None) -> dict[int, dict[str, tuple[list[Region], list[KeyValue]]]]:
        """Labelers' versions (not the starting one): ``{doc_id: {author: (regions, key_values)}}``."""
        sql = ("SELECT v.doc_id, v.author, v.regions, v.keyvalues FROM label_versions v JOIN documents d "
               "ON d.id = v.doc_id WHERE v.author <> ''")
        args: tuple = ()
        if doc_id is not None:
            sql += " AND v.doc_id = ?"
            args = (doc_id,)
        with self._mutex:
            got = self.conn.execute(sql + " ORDER BY v.doc_id, v.author", args).fetchall()
        out: dict[int, dict[str, tuple[list[Region], list[KeyValue]]]] = {}
        for d, author, regs, kvs in got:
            out.setdefault(d, {})[author] = ([rows.region_from_row(r) for r in json.loads(regs)],
                                             [rows.keyvalue_from_row(k) for k in json.loads(kvs)])
        return out

    def restore_version(self, doc_id: int, author: str, label: str = "review: pick version") -> None:
        """Make ``author``'s version (``''``: the starting one) the document's regions and key-values,
        one undoable step: the reviewer picks a labeler's version."""
        with self._mutex:
            r = self.conn.execute("SELECT regions, keyvalues FROM label_versions WHERE doc_id = ? AND author = ?",
                                  (doc_id, author)).fetchone()
        if r is None:
            raise HanjiError(f"document {doc_id} has no version by {author or '(the start)'!r}", self.path)
        regs, kvs = json.loads(r[0]), json.loads(r[1])

        def fn(conn):
            deltas = []
            for table, cols in (("links", rows.LINK_COLUMNS), ("keyvalues", rows.KEYVALUE_COLUMNS),
                                ("regions", rows.REGION_COLUMNS)):
                for row in conn.execute(f"SELECT {','.join(cols)} FROM {table} WHERE doc_id = ? ORDER BY id",
                                        (doc_id,)).fetchall():
                    before = dict(zip(cols, row))
                    self._del_row(conn, table, before["id"])
                    deltas.append([table, before["id"], before, None])
            ids: dict[int, int] = {}
            for row in regs:
                new = dict(row, id=None, doc_id=doc_id)
                new["id"] = self._put_row(conn, "regions", new)
                ids[row["id"]] = new["id"]
                deltas.append(["regions", new["id"], None, new])
            for row in kvs:
                region_ids = [ids[i] for i in json.loads(row["region_ids"]) if i in ids]
                new = dict(row, id=None, doc_id=doc_id, region_ids=json.dumps(region_ids))
                new["id"] = self._put_row(conn, "keyvalues", new)
                deltas.append(["keyvalues", new["id"], None, new])
            return deltas

        self._edit(label, fn)


def _comment(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", str(text or "")).strip()
