"""What the actions do to regions and documents. Every change goes through the store."""

from __future__ import annotations

import copy

from hanji.domain.model import Region
from hanji.store.project import ProjectStore
from hanji.ui.i18n import tr
from hanji.ui.session import Session

PASTE_OFFSET = 12.0


class Commands:
    def __init__(self, session: Session, canvas):
        self.session = session
        self.canvas = canvas
        self.clipboard: list[Region] = []

    @property
    def store(self) -> ProjectStore | None:
        return self.session.store

    def _ready(self) -> bool:
        return self.store is not None and self.session.doc_id is not None

    def _regions(self) -> list[Region]:
        layer = self.canvas.scene_.layer
        return list(layer.regions)

    def undo(self) -> None:
        if self.store is not None:
            self.session.about_to_change.emit()  # a pending text edit is saved (and undone) first
            label = self.store.undo()
            self.session.message.emit(f"{tr('Undo')}: {tr(label)}" if label else tr("nothing to undo"))

    def redo(self) -> None:
        if self.store is not None:
            label = self.store.redo()
            self.session.message.emit(f"{tr('Redo')}: {tr(label)}" if label else tr("nothing to redo"))

    def delete(self) -> None:
        """Delete the selected regions; the next region in the order is selected (else the one before)."""
        if self._ready() and self.session.selection:
            ids = list(self.session.selection)
            order = [r.id for r in self._regions()]
            gone = set(ids)
            last = max((order.index(i) for i in ids if i in order), default=-1)
            after = [i for i in order[last + 1:] if i not in gone] + [i for i in reversed(order[:last]) if i not in gone]
            self.store.delete_regions(ids, label="delete")
            if after:
                self.session.select({after[0]}, after[0])
                self.canvas.ensure_visible(after[0])

    def backspace(self) -> None:
        if not self.canvas.tool.backspace():
            self.canvas.delete_vertex()

    def select_all(self) -> None:
        self.session.select({r.id for r in self._regions()})

    def copy(self) -> None:
        sel = self.session.selection
        self.clipboard = [copy.deepcopy(r) for r in self._regions() if r.id in sel]
        self.session.message.emit(f"{tr('copied')} {len(self.clipboard)}")

    def _paste(self, doc_id: int, regions: list[Region], dx: float) -> list[Region]:
        existing = self.store.regions(doc_id)
        base = max([r.order for r in existing if r.order is not None], default=len(existing) - 1) + 1
        new = []
        for i, r in enumerate(regions):
            n = copy.deepcopy(r)
            n.id, n.doc_id = None, doc_id
            n.points = [(x + dx, y + dx) for x, y in r.points]
            n.order = base + i
            n.source = "human"
            if n.status in ("machine", "review"):
                n.status = "edited"
            new.append(n)
        return self.store.add_regions(doc_id, new, label="paste")

    def paste(self) -> None:
        if self._ready() and self.clipboard:
            same = any(r.doc_id == self.session.doc_id for r in self.clipboard)
            new = self._paste(self.session.doc_id, self.clipboard, PASTE_OFFSET if same else 0.0)
            self.session.select({r.id for r in new})

    def paste_to_next(self, next_doc: int | None) -> None:
        """Copy the selection (or the clipboard) into the next document, at the same place, and go there."""
        if not self._ready() or next_doc is None:
            return
        if self.session.selection:
            self.copy()
        if not self.clipboard:
            return
        new = self._paste(next_doc, self.clipboard, 0.0)
        self.session.set_document(next_doc)
        self.session.select({r.id for r in new})

    def duplicate(self) -> None:
        if self._ready() and self.session.selection:
            sel = self.session.selection
            new = self._paste(self.session.doc_id, [r for r in self._regions() if r.id in sel], PASTE_OFFSET)
            self.session.select({r.id for r in new})

    def set_status(self, status: str) -> None:
        if not self._ready() or not self.session.selection:
            return
        self.session.about_to_change.emit()
        regions = {r.id: r for r in self._regions()}
        ids = [i for i in self.session.selection if i in regions]
        # pressing it again on regions that all have the status takes it back to "edited"
        target = "edited" if all(regions[i].status == status for i in ids) else status
        self.store.update_regions({i: {"status": target} for i in ids}, label=target)
        if status == "confirmed" and len(ids) == 1:
            self.step_region(1)

    def confirm_document(self) -> None:
        if not self._ready():
            return
        self.session.about_to_change.emit()
        doc_id = self.session.doc_id
        from hanji.jobs.propose import confirm as confirm_proposals

        with self.store.group("confirm document"):
            ids = {r.id: {"status": "confirmed"} for r in self._regions() if r.status != "difficult"}
            if ids:
                self.store.update_regions(ids, label="confirm document")
            confirm_proposals(self.store, doc_id)  # proposed tags and key-values become labels
            if self.store.user in self.store.assignees(doc_id) and self.store.review_state(doc_id) in (
                    "to_label", "rejected", "labelled"):  # given to two labelers: keep this one's version (issue 21)
                self.store.submit(doc_id)
            else:
                self.store.update_document(doc_id, status="done")

    def step_region(self, step: int) -> None:
        regions = self._regions()
        if not regions:
            return
        ids = [r.id for r in regions]
        cur = self.session.current
        i = (ids.index(cur) + step) % len(ids) if cur in ids else (0 if step > 0 else len(ids) - 1)
        self.session.select({ids[i]}, ids[i])
        self.canvas.ensure_visible(ids[i])

    def edit_text(self) -> None:
        if not self.canvas.tool.finish():
            if self.session.current is None:
                self.step_region(1)
            self.session.focus_text.emit()

    def toggle_order(self) -> None:
        layer = self.canvas.scene_.layer
        layer.show_order = not layer.show_order
        layer.repaint_regions()
