"""Review in the window (issue 21): your name (the person edits are recorded under), submitting a
document, accepting or rejecting it with a comment pinned to the selected region, the review queue,
and a banner on the canvas with the comments a rejected document came back with. Thin: the moves
are the store's (:mod:`hanji.store.review`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hanji.errors import HanjiError
from hanji.ui import settings
from hanji.ui.i18n import tr

STATE_TITLES = {"to_label": "to label", "labelled": "labelled", "in_review": "in review", "accepted": "accepted",
                "rejected": "rejected"}


def install(w) -> None:
    """The canvas banner, kept up to date as documents change."""
    banner = QLabel(w.canvas)
    banner.setObjectName("review.banner")
    banner.setWordWrap(True)
    banner.setTextFormat(Qt.TextFormat.PlainText)
    banner.setStyleSheet("QLabel { background: rgba(255, 236, 179, 235); color: #4e342e; padding: 6px 10px; "
                         "border: 1px solid #ffb300; border-radius: 4px; }")
    banner.hide()
    banner.mousePressEvent = lambda _e: _select_pinned(w)
    w.review_banner = banner
    w.session.document_changed.connect(lambda _d: refresh(w))


def apply_user(w) -> None:
    """The name set in the window (Review → Your name…), if any, for the open project's edits."""
    name = settings.user_name()
    if name and w.store is not None and not w.store.readonly and w.store.user != name:
        w.store.user = name


def refresh(w) -> None:
    """Show the open document's review comments (this round) on the canvas, or hide the banner."""
    apply_user(w)
    banner = w.review_banner
    store, doc_id = w.store, w.session.doc_id
    banner.pinned = None
    if store is None or doc_id is None:
        banner.hide()
        return
    try:
        state = store.review_state(doc_id)
        comments = store.review_comments(doc_id)
    except HanjiError:
        banner.hide()
        return
    if not comments or state not in ("rejected", "in_review"):
        banner.hide()
        return
    head = tr("Rejected — back to you:") if state == "rejected" else tr("In review:")
    lines = [head]
    for c in comments:
        where = f" [{tr('region')} {c['region_id']}]" if c["region_id"] else ""
        lines.append(f"{c['author'] or '?'}{where}: {c['comment']}")
        banner.pinned = banner.pinned or c["region_id"]
    banner.setText("\n".join(lines))
    banner.setMaximumWidth(max(240, w.canvas.width() - 24))
    banner.adjustSize()
    banner.move(12, 12)
    banner.show()
    banner.raise_()


def _select_pinned(w) -> None:
    rid = getattr(w.review_banner, "pinned", None)
    if rid is not None and w.session.doc_id is not None:
        w.session.select({rid}, rid)
        w.canvas.ensure_visible(rid)


def _doc(w) -> int | None:
    if w.store is None or w.session.doc_id is None:
        w.statusBar().showMessage(tr("Open a document first."), 4000)
        return None
    return w.session.doc_id


def _do(w, fn, done: str) -> None:
    apply_user(w)
    try:
        fn()
    except HanjiError as e:
        QMessageBox.warning(w, tr("Review"), str(e))
        return
    w.statusBar().showMessage(done, 4000)
    refresh(w)
    w._update_counts()


def set_user_dialog(w) -> None:
    current = settings.user_name() or (w.store.user if w.store is not None else "")
    name, ok = QInputDialog.getText(w, tr("Your name"), tr("Your edits and reviews are recorded under:"),
                                    text=current)
    if not ok:
        return
    from hanji.store.people import clean_user

    try:
        name = clean_user(name)
    except HanjiError as e:
        QMessageBox.warning(w, tr("Your name"), str(e))
        return
    settings.set_user_name(name)
    apply_user(w)
    w.statusBar().showMessage(f"{tr('Edits are recorded under')} {name}", 4000)


def submit(w) -> None:
    d = _doc(w)
    if d is not None:
        _do(w, lambda: w.store.submit(d), tr("Submitted for review."))


def accept(w) -> None:
    d = _doc(w)
    if d is not None:
        _do(w, lambda: w.store.accept(d), tr("Accepted."))


def reject_dialog(w) -> None:
    d = _doc(w)
    if d is None:
        return
    rid = w.session.current if w.session.current in w.session.selection else None
    prompt = tr("Why? (pinned to the selected region)") if rid is not None else tr("Why?")
    text, ok = QInputDialog.getMultiLineText(w, tr("Reject document"), prompt)
    if ok:
        _do(w, lambda: w.store.reject(d, text, region_id=rid), tr("Rejected: back to its labeler."))


def pick_version_dialog(w) -> None:
    """A document two labelers labelled: keep one's version as the document's (one undoable step)."""
    d = _doc(w)
    if d is None:
        return
    versions = w.store.label_versions(d).get(d, {})
    if not versions:
        w.statusBar().showMessage(tr("No labeler's version of this document is kept."), 4000)
        return
    name, ok = QInputDialog.getItem(w, tr("Keep a labeler's version"), tr("Whose version?"), sorted(versions), 0,
                                    False)
    if ok and name:
        _do(w, lambda: w.store.restore_version(d, name), f"{tr('Kept the version of')} {name}")


class QueueDialog(QDialog):
    """The review queue (labelled documents and those in review) and the documents sent back."""

    def __init__(self, w):
        super().__init__(w)
        self.setWindowTitle(tr("Review queue"))
        self.w = w
        lay = QVBoxLayout(self)
        self.list = QListWidget(self)
        lay.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.list.itemActivated.connect(self._open)
        self.resize(560, 420)
        self.fill()

    def fill(self) -> None:
        self.list.clear()
        store = self.w.store
        if store is None:
            return
        for title, items in ((tr("Waiting for review"), store.review_queue()),
                             (tr("Returned to their labelers"), store.returned())):
            head = QListWidgetItem(f"{title} ({len(items)})")
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable, not greyed
            f = head.font()
            f.setBold(True)
            head.setFont(f)
            self.list.addItem(head)
            for q in items:
                who = q["labeler"] or "?"
                extra = f" · {tr('reviewer')} {q['reviewer']}" if q.get("reviewer") and q["state"] == "in_review" else ""
                n = q["comments"] if isinstance(q["comments"], int) else len(q["comments"])
                note = f" · {n} {tr('comment') if n == 1 else tr('comments')}" if n else ""
                it = QListWidgetItem(f"  {q['name']} — {tr(STATE_TITLES[q['state']])} · {tr('labeler')} {who}"
                                     f"{extra}{note}")
                it.setData(Qt.ItemDataRole.UserRole, q["id"])
                self.list.addItem(it)

    def _open(self, item: QListWidgetItem) -> None:
        doc_id = item.data(Qt.ItemDataRole.UserRole)
        if doc_id is not None:
            self.w.session.set_document(int(doc_id))


def show_queue(w) -> QueueDialog | None:
    if w.store is None:
        return None
    dlg = QueueDialog(w)
    dlg.show()
    w.review_queue_dialog = dlg
    return dlg


class PeopleTab(QWidget):
    """The dashboard's People tab: per-person figures, and the labelers' agreement per pair and entity."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.people = QTreeWidget()
        self.people.setRootIsDecorated(False)
        self.people.setHeaderLabels([tr("Person"), tr("Edits"), tr("Documents"), tr("Docs/hour"), tr("s/document"),
                                     tr("Submitted"), tr("Rejected")])
        self.agreement = QTreeWidget()
        self.agreement.setHeaderLabels([tr("Labelers / entity"), tr("Documents"), tr("Disagree"), "IoU", "CER",
                                        tr("Tag F1"), tr("Key-value F1")])
        lay.addWidget(self.people, 3)
        lay.addWidget(self.agreement, 2)

    def fill(self, people: list[dict], agreement: dict) -> None:
        self.people.clear()
        for p in people:
            rate = "–" if p["rejection_rate"] is None else f"{p['rejected']}/{p['reviewed']} ({100 * p['rejection_rate']:.0f}%)"
            self.people.addTopLevelItem(QTreeWidgetItem([
                p["user"] or tr("(unnamed)"), str(p["edits"]), str(p["documents"]), _num(p["documents_per_hour"]),
                _num(p["seconds_per_document"]), str(p["submitted"]), rate]))
        self.agreement.clear()
        for pair in (agreement or {}).get("pairs", []):
            top = QTreeWidgetItem([" / ".join(pair["labelers"]), str(pair["documents"]), str(pair["disagreeing"]),
                                   _num(pair["box_iou"]), _num(pair["cer"]), _num(pair["tag_f1"]),
                                   _num(pair["keyvalue_f1"])])
            for name, f in pair["per_entity"].items():
                top.addChild(QTreeWidgetItem([name, "", "", "", "", _num(f["tag_f1"]), _num(f["keyvalue_f1"])]))
            self.agreement.addTopLevelItem(top)
            top.setExpanded(True)
        for t in (self.people, self.agreement):
            for c in range(t.columnCount()):
                t.resizeColumnToContents(c)


def _num(v) -> str:
    return "–" if v is None else f"{v:.3g}" if isinstance(v, float) and v < 10 else f"{v:g}"


def people_tab() -> PeopleTab:
    return PeopleTab()
