"""What the labeler's everyday keys do beyond the canvas tools (issue 17): confirm a document and
go on to the next one not done, remove documents (undoable), re-sort the regions by position and
move one up or down in the order, the Tags pane from the keyboard, and the entity keys on the
regions selected on the canvas. Every change goes through the store."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox

from hanji.domain import order
from hanji.domain.bio import set_span
from hanji.ui.i18n import tr


def install(window) -> None:
    """Called once by the window: the entity keys on the canvas."""
    window._entity_keys = EntityKeys(window)
    window.canvas.installEventFilter(window._entity_keys)
    # letters typed in the Tags pane are entity keys there, not a preset's one-letter window keys (D, A)
    window._typing_keys = TypingKeys(window)
    window.tags.view.installEventFilter(window._typing_keys)
    view = window.documents.view  # right-click on documents: pre-annotate or remove them
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    for aid in ("jobs.preannotate_selected", "doc.remove"):
        view.addAction(window.actions_[aid])


# ------------------------------------------------------------------------------------ documents
def next_not_done(window, after: int | None) -> int | None:
    """The next document in the documents list after ``after`` that is not done (wrapping round)."""
    if window.store is None:
        return None
    docs = window.documents
    nxt = docs.next_id(after, 1, skip_done=True) if after is not None else None
    if nxt is None:  # wrap round to the first not done
        nxt = docs.next_id(None, 1, skip_done=True)
    return nxt if nxt != after else None


def confirm_and_next(window) -> None:
    """Ctrl+Enter: the document is confirmed (its regions, proposed tags and key-values), then the
    next document not done opens."""
    doc = window.session.doc_id
    if window.store is None or doc is None:
        return
    window.commands.confirm_document()
    nxt = next_not_done(window, doc)
    if nxt is None:
        window.statusBar().showMessage(tr("Document confirmed; every document is done."), 6000)
        return
    window.session.set_document(nxt)
    window.statusBar().showMessage(tr("Document confirmed; on to the next one not done."), 4000)


def remove_documents(window, doc_ids: list[int] | None = None, ask: bool = True) -> list[int]:
    """Remove the selected documents (or ``doc_ids``) from the project: one undoable step. The next
    document in the list opens."""
    if window.store is None:
        return []
    if doc_ids is None:
        from hanji.ui.jobs_menu import selected_documents

        doc_ids = selected_documents(window)
    if not doc_ids:
        return []
    names = [window.store.document(d).name for d in doc_ids]
    if ask:
        shown = ", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else "")
        answer = QMessageBox.question(
            window, tr("Remove document"),
            f"{tr('Remove from the project')}: {shown}?\n{tr('Edit → Undo brings them back.')}")
        if answer != QMessageBox.StandardButton.Yes:
            return []
    window.session.about_to_change.emit()
    ids = window.documents.visible_ids()
    cur = window.session.doc_id
    after = None
    if cur in doc_ids:  # the next document in the list that stays, else the one before
        k = ids.index(cur) if cur in ids else 0
        rest = [d for d in ids[k:] if d not in doc_ids] + [d for d in reversed(ids[:k]) if d not in doc_ids]
        after = rest[0] if rest else None
        window.session.set_document(None)
    window.store.remove_documents(doc_ids)
    if cur in doc_ids:
        window.session.set_document(after)
    window.statusBar().showMessage(f"{tr('Removed')}: {', '.join(names[:3])}"
                                   + (f" (+{len(names) - 3})" if len(names) > 3 else ""), 6000)
    return list(doc_ids)


# --------------------------------------------------------------------------------- reading order
def resort(window) -> None:
    """Ctrl+B: the regions in reading order by their position (one undo step)."""
    if window.store is None or window.session.doc_id is None:
        return
    window.session.about_to_change.emit()
    regions = window.store.regions(window.session.doc_id)
    idx = order.reading_order([r.points for r in regions])
    changes = {regions[i].id: {"order": k} for k, i in enumerate(idx) if regions[i].order != k}
    if changes:
        window.store.update_regions(changes, label="re-sort by position")
    window.statusBar().showMessage(tr("Regions re-sorted by position."), 4000)


def move_in_order(window, step: int) -> None:
    """Alt+Up / Alt+Down: the selected region trades places with its neighbour in the order."""
    rid = window.session.current
    if window.store is None or window.session.doc_id is None or rid is None:
        return
    regions = window.store.regions(window.session.doc_id)
    ids = [r.id for r in regions]
    if rid not in ids:
        return
    k = ids.index(rid)
    j = k + step
    if not 0 <= j < len(ids):
        return
    ids[k], ids[j] = ids[j], ids[k]
    stored = {r.id: r.order for r in regions}
    changes = {r: {"order": i} for i, r in enumerate(ids) if stored[r] != i}
    window.store.update_regions(changes, label="move in order")
    window.session.select({rid}, rid)


def link_next(window) -> None:
    """Ctrl+L: the selected region (a question, a key) is linked to the next region in the order (its
    answer, its value), and that one is selected: linking from the keyboard, one pair after another."""
    rid = window.session.current
    if window.store is None or window.session.doc_id is None or rid is None:
        return
    ids = [r.id for r in window.store.regions(window.session.doc_id)]
    if rid not in ids or ids.index(rid) + 1 >= len(ids):
        window.statusBar().showMessage(tr("No region after this one to link to."), 4000)
        return
    dst = ids[ids.index(rid) + 1]
    if any(lk.src == rid and lk.dst == dst for lk in window.store.links(window.session.doc_id)):
        return
    q = window.store.region(rid)
    window.store.add_link(rid, dst, key=q.text)
    window.session.select({dst}, dst)
    window.statusBar().showMessage(f"{tr('linked')}: {q.text or rid} → {window.store.region(dst).text or dst}", 4000)


# ----------------------------------------------------------------------------------------- tags
def focus_tags(window) -> None:
    """T: the Tags pane has the keys (select tokens with Shift+arrows, then an entity key)."""
    dock = window.docks.get("tags")
    if dock is not None:
        dock.show()
        dock.raise_()
    view = window.tags.view
    view.setFocus(Qt.FocusReason.ShortcutFocusReason)
    rid = window.session.current
    toks = [t for t in window.tags.toks if t.region_id == rid]
    if toks:  # the selected region's tokens are selected
        c = view.textCursor()
        c.setPosition(toks[0].start)
        c.setPosition(toks[-1].end, c.MoveMode.KeepAnchor)
        view.setTextCursor(c)


def tag_regions(window, region_ids: set[int], label: str | None) -> bool:
    """Tag every token of the regions ``region_ids`` as one entity each (B- then I-); None clears."""
    store = window.store
    if store is None or window.session.doc_id is None or not region_ids:
        return False
    changes = {}
    for r in store.regions(window.session.doc_id):
        if r.id not in region_ids:
            continue
        old = [tag for _, tag in r.token_tags()]
        if not old:
            continue
        new = set_span(old, 0, len(old), label)
        if new != old:
            attrs = {k: v for k, v in r.attrs.items() if k != "tag_scores"}
            attrs["tags_source"] = "human"  # a person's tags now (as the Tags pane marks them)
            changes[r.id] = {"tags": new, "attrs": attrs}
    if changes:
        store.update_regions(changes, label="tag")
    return True


class EntityKeys(QObject):
    """On the canvas, an entity key (the Tags pane's legend) tags the selected regions whole; 0 clears.
    Keys that an action already uses never get here (Qt gives them to the action first)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() != QEvent.Type.KeyPress or not isinstance(ev, QKeyEvent):
            return False
        w = self.window
        text = ev.text().lower()
        if (not text or not w.session.selection or ev.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                                      | Qt.KeyboardModifier.AltModifier)):
            return False
        if text == "0":
            return tag_regions(w, set(w.session.selection), None)
        for e in w.tags.shown:
            if e.key and e.key.lower() == text:
                ok = tag_regions(w, set(w.session.selection), e.name)
                if ok:
                    w.statusBar().showMessage(f"{tr('Tagged')}: {e.title or e.name}", 3000)
                return ok
        return False


class TypingKeys(QObject):
    """A widget where plain letters and digits are the labeler's own (the Tags pane's token view,
    read-only, so Qt would otherwise hand them to a one-letter window shortcut)."""

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.ShortcutOverride and isinstance(ev, QKeyEvent):
            if ev.text().strip() and not ev.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                          | Qt.KeyboardModifier.AltModifier):
                ev.accept()
                return True
        return False
