"""Many seats on one project in the window (issue 21): the document opened is claimed for this seat
(the others given back, one transaction); a document another seat holds opens read-only, with a
banner on the canvas naming who has it and a button for a reviewer to take it over; the documents
pane shows who holds what; other seats' edits arrive through the store's listener (LISTEN/NOTIFY on
PostgreSQL) as ordinary ``Change`` objects, which ``hanji.ui.bridge`` hands to the panes on the GUI
thread, so the canvas and panes update in place. Thin: the claims are the store's
(:mod:`hanji.store.claims`), the notifications :mod:`hanji.store.notify`'s.

On a SQLite file (one writer) nothing is claimed here and nothing is heard: the window is as before."""

from __future__ import annotations

import sys
import time
import weakref

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton

from hanji.errors import HanjiError
from hanji.ui import bridge
from hanji.ui.i18n import KO, tr

# the Korean of this module's texts (and of the documents list's mark), kept here as ui/conflicts.py does
KO.update({
    "Take over": "가져오기",
    "For a reviewer: take the document over from the seat editing it": "검수자용: 편집 중인 자리에서 이 문서를 가져옵니다",
    "{holder} is editing this document. Take it over? Their next edit of it will be refused.":
        "{holder} 님이 이 문서를 편집하고 있습니다. 가져올까요? 그분의 다음 편집은 거부됩니다.",
    "Read-only: {holder} is editing this document (since {since}). It opens for you when they move on or after "
    "{minutes} min without their edits.":
        "읽기 전용: {holder} 님이 이 문서를 편집하고 있습니다({since}부터). 다른 문서로 옮기거나 편집 없이 {minutes}분이 "
        "지나면 열립니다.",
    "Read-only: {why}": "읽기 전용: {why}",
    "Read-only: you have this document open on another seat (another window, or a Hanji that stopped) since "
    "{since}. Take it over here, or it opens after {minutes} min without edits there.":
        "읽기 전용: 이 문서가 {since}부터 다른 자리(다른 창, 또는 멈춘 Hanji)에서 열려 있습니다. 여기로 가져오거나, 그곳에서 "
        "편집 없이 {minutes}분이 지나면 열립니다.",
    "{holder} editing": "{holder} 편집 중",
})

POLL_MS = 3000  # claims expire without a notification: looked at again this often
# what cannot be done to a document another seat holds (the store would refuse it anyway)
EDIT_ACTIONS = ("edit.paste", "edit.paste_next", "edit.duplicate", "edit.delete", "edit.delete_vertex",
                "tool.rect", "tool.quad", "tool.polygon", "tool.link", "label.edit_text", "label.confirm",
                "label.confirm_doc", "label.difficult", "label.sort", "label.move_up", "label.move_down",
                "label.link_next", "canvas.nudge_left", "canvas.nudge_right", "canvas.nudge_up", "canvas.nudge_down",
                "jobs.preannotate_doc", "jobs.rerecognize", "jobs.detect_in_box", "jobs.propose", "review.submit",
                "doc.remove")
PANES = ("regions", "transcription", "tags", "keyvalues")
_MOUSE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
          QEvent.Type.MouseMove)


class Seats(QObject):
    """The window's seat: claims, the read-only state of the open document, remote changes."""

    def __init__(self, w):
        super().__init__(w)
        self.w = w
        self.store = None
        self.claim = None  # the open document's claim (ours, or the holder's when read-only)
        self.read_only = False
        self._unsub = None
        self.banner = _Banner(w.canvas)
        self.banner.take_over.clicked.connect(self.take_over)
        w.canvas.viewport().installEventFilter(self)
        w.canvas.installEventFilter(self)  # its resizes: the banner follows its width
        w.session.document_changed.connect(self._on_document)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self._bind()

    # ------------------------------------------------------------------ the store
    def active(self) -> bool:
        """Claims and remote changes matter on a shared (PostgreSQL) project opened for writing."""
        s = self.store
        return s is not None and getattr(s, "backend", "sqlite") != "sqlite" and not s.readonly

    def _bind(self) -> None:
        """Follow the window's store (checked at each document change and poll)."""
        if self.w.store is self.store:
            return
        if self._unsub:
            self._unsub()
            self._unsub = None
        self.store = self.w.store
        self.claim = None
        self._set_read_only(False)
        if self.store is None:
            return
        self._unsub = bridge.subscribe(self.store, self._on_change)
        if self.active():
            self.store.listen()
            _install_hook(self)
        self.refresh_pane()

    # ------------------------------------------------------------------ opening a document
    def _on_document(self, doc_id) -> None:
        self._bind()
        self.take(doc_id)

    def take(self, doc_id, take_over: bool = False) -> None:
        """Claim the open document (giving back the others); read-only when another seat has it."""
        if not self.active():
            self.claim = None
            self._set_read_only(False)
            return
        try:
            if take_over:
                self.store.claim(doc_id, take_over=True)
                self.claim = self.store.switch_claim(doc_id)
            else:
                self.claim = self.store.switch_claim(doc_id)
        except HanjiError as e:  # a lost connection: said, and the document stays read-only
            self.claim = None
            self.w.statusBar().showMessage(str(e), 8000)
            self._set_read_only(doc_id is not None, str(e))
            return
        self._set_read_only(self.claim is not None and not self.claim.mine)
        self.refresh_pane()

    def refused(self, e) -> None:
        """An edit of the open document was refused (its claim expired and another seat took it, or a
        reviewer took it over): say so, and show the document read-only from now on."""
        self.w.statusBar().showMessage(str(getattr(e, "reason", e)), 10000)
        held = getattr(e, "claim", None)
        if held is not None and held.doc_id == self.w.session.doc_id:
            self.claim = held
            self._set_read_only(True)
        self.refresh_pane()

    def take_over(self) -> None:
        """A reviewer takes the open document over from the seat holding it."""
        doc_id = self.w.session.doc_id
        if doc_id is None or self.claim is None or self.claim.mine:
            return
        holder = self.claim.holder or tr("(unnamed)")
        ask = QMessageBox.question(self.w, tr("Take over"), tr(
            "{holder} is editing this document. Take it over? Their next edit of it will be refused.").format(
            holder=holder))
        if ask != QMessageBox.StandardButton.Yes:
            return
        self.take(doc_id, take_over=True)

    # ------------------------------------------------------------------ keeping up
    def poll(self) -> None:
        """A claim expired (no notification says so): a read-only document may be ours now, and
        the documents pane drops expired claims."""
        self._bind()
        if not self.active():
            return
        doc_id = self.w.session.doc_id
        try:
            if self.read_only and doc_id is not None:
                held = self.store.claim_of(doc_id)
                if held is None or held.mine:
                    self.take(doc_id)
            elif self.claim is not None and doc_id is not None:
                held = self.store.claim_of(doc_id)
                if held is not None and not held.mine:  # taken over by a reviewer
                    self.claim = held
                    self._set_read_only(True)
            self.refresh_pane()
        except HanjiError as e:
            self.w.statusBar().showMessage(str(e), 8000)

    def _on_change(self, ch) -> None:
        if not ch.seat:  # our own edits
            if ch.table == "claims":
                self.refresh_pane(ch.doc_ids)
            return
        doc_id = self.w.session.doc_id
        if ch.table == "claims":
            self.refresh_pane(ch.doc_ids)
            if doc_id in ch.doc_ids:
                self.poll()
        elif not ch.doc_ids and ch.table in ("project", "documents", "regions", "links", "keyvalues"):
            # anything may have changed (a reconnection, a notification too long to name its documents)
            self.refresh_pane()
            if doc_id is not None:
                self.w.canvas.scene_.reload_regions()
            self.w.documents.set_store(self.store)
        elif ch.table == "documents" and doc_id in ch.doc_ids:  # a review decision: its comments
            from hanji.ui import review

            review.refresh(self.w)
            _place_review_banner(self.w, self.banner)

    # ------------------------------------------------------------------ showing it
    def refresh_pane(self, doc_ids=None) -> None:
        """The documents pane's claim marks (who holds each document, other than this seat)."""
        model = self.w.documents.model
        if not hasattr(model, "claims"):
            return
        old = dict(model.claims)
        if self.store is None or not self.active():
            new = {}
        else:
            try:
                new = {d: c.holder or tr("(unnamed)") for d, c in self.store.claims().items() if not c.mine}
            except HanjiError:
                return
        model.claims = new
        for d in set(old) | set(new):
            if old.get(d) != new.get(d):
                row = model.row_of(d)
                if row >= 0:
                    ix = model.index(row, 0)
                    model.dataChanged.emit(ix, ix)

    def _set_read_only(self, on: bool, why: str = "") -> None:
        changed, self.read_only = on != self.read_only, on
        w = self.w
        if changed:  # (only then: a SQLite window's actions and panes are never touched)
            for aid in EDIT_ACTIONS:
                act = w.actions_.get(aid)
                if act is not None:
                    act.setEnabled(not on)
            if on and w.canvas.tool is not w.canvas.tools["select"]:
                w.canvas.set_tool("select")
            for name in PANES:
                pane = getattr(w, name, None)
                if pane is not None:
                    pane.setEnabled(not on)
        if on:
            self.banner.show_claim(self.claim, why, mine=self.claim is not None and self.store is not None
                                   and self.claim.holder == self.store.user)
        else:
            self.banner.hide()
        _place_review_banner(w, self.banner)

    def eventFilter(self, obj, ev) -> bool:
        """A read-only document: the canvas pans and zooms (middle button, space, wheel) but takes no
        left-button edits. The banner follows the canvas's size."""
        if ev.type() == QEvent.Type.Resize and obj is self.w.canvas and not self.banner.isHidden():
            self.banner.place()
            _place_review_banner(self.w, self.banner)
            return False
        if self.read_only and ev.type() in _MOUSE:
            buttons = ev.buttons() | ev.button()
            if buttons & Qt.MouseButton.LeftButton and not getattr(self.w.canvas, "_space", False):
                return True
        return False


class _Banner(QFrame):
    """Over the canvas: who holds the document, since when, and the take-over button."""

    def __init__(self, canvas):
        super().__init__(canvas)
        self.setObjectName("claim.banner")
        self.setStyleSheet("QFrame#claim\\.banner { background: rgba(227, 242, 253, 240); border: 1px solid #1e88e5;"
                           " border-radius: 4px; } QLabel { color: #0d47a1; background: transparent; }")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.take_over = QPushButton(tr("Take over"), self)
        self.take_over.setToolTip(tr("For a reviewer: take the document over from the seat editing it"))
        lay.addWidget(self.label, 1)
        lay.addWidget(self.take_over)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def show_claim(self, claim, why: str = "", mine: bool = False) -> None:
        if claim is not None and mine:  # the same person on another seat: most often a window that died
            since = time.strftime("%H:%M", time.localtime(claim.taken))
            self.label.setText(tr(
                "Read-only: you have this document open on another seat (another window, or a Hanji that stopped) "
                "since {since}. Take it over here, or it opens after {minutes} min without edits there.").format(
                since=since, minutes=max(1, round(claim.expires_in / 60))))
            self.take_over.show()
        elif claim is not None:
            since = time.strftime("%H:%M", time.localtime(claim.taken))
            self.label.setText(tr(
                "Read-only: {holder} is editing this document (since {since}). It opens for you when they move on "
                "or after {minutes} min without their edits.").format(
                holder=claim.holder or tr("(unnamed)"), since=since, minutes=max(1, round(claim.expires_in / 60))))
            self.take_over.show()
        else:
            self.label.setText(tr("Read-only: {why}").format(why=why))
            self.take_over.hide()
        self.show()
        self.place()
        self.raise_()

    def place(self) -> None:
        """At the canvas's top left, as wide as its text wants up to the canvas's width, every
        line of the wrapped text shown."""
        canvas = self.parentWidget()
        width = max(300, min(760, canvas.width() - 24))
        lay = self.layout()
        self.setFixedSize(width, lay.totalHeightForWidth(width))
        self.move(12, 12)


def _place_review_banner(w, claim_banner) -> None:
    """The review comments' banner (ui/review.py) goes below the claim banner when both show."""
    rb = getattr(w, "review_banner", None)
    if rb is None:
        return
    y = claim_banner.geometry().bottom() + 8 if claim_banner.isVisible() else 12
    rb.move(12, y)


_seats: list = []  # weak references to the windows' seats, for the hook below
_hook = None


def _install_hook(seats: Seats) -> None:
    """An edit refused because another seat holds the document is raised inside a Qt handler (a
    canvas drag, a typed text, a menu action): instead of a traceback, the windows' seats say so
    and turn the document read-only. Every other exception goes on to the hook that was there."""
    global _hook
    _seats[:] = [r for r in _seats if r() is not None] + [weakref.ref(seats)]
    if sys.excepthook is _hook:
        return
    previous = sys.excepthook

    def hook(kind, value, tb):
        from hanji.store.claims import DocumentClaimed

        if isinstance(value, DocumentClaimed):
            alive = [r() for r in _seats if r() is not None]
            for s in alive:
                try:
                    s.refused(value)
                except RuntimeError:  # a window already deleted
                    pass
            if alive:
                return
        previous(kind, value, tb)

    _hook = sys.excepthook = hook


def install(w) -> Seats:
    w.seats = Seats(w)
    return w.seats
