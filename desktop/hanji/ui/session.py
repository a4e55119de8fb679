"""The window's shared state that is not in the project: the current document and selection.

Panes read and set it and listen to its signals; they never call each other. Everything that
must survive a restart lives in the store, not here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hanji.store.project import ProjectStore


class Session(QObject):
    """Current document, selected regions and the one region being edited."""

    # emitted before the current region or document changes: panes save what they hold
    about_to_change = Signal()
    document_changed = Signal(object)  # doc id or None
    selection_changed = Signal(object)  # frozenset of region ids
    current_changed = Signal(object)  # region id or None
    focus_text = Signal()  # a request to put the keyboard in the transcription field
    message = Signal(str)

    def __init__(self, store: ProjectStore | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.doc_id: int | None = None
        self.selection: frozenset[int] = frozenset()
        self.current: int | None = None

    def set_document(self, doc_id: int | None) -> None:
        if doc_id == self.doc_id:
            return
        self.about_to_change.emit()
        self.doc_id = doc_id
        self.selection = frozenset()
        self.current = None
        self.document_changed.emit(doc_id)
        self.selection_changed.emit(self.selection)
        self.current_changed.emit(None)

    def select(self, ids, current: int | None = -1) -> None:
        """Select ``ids``; ``current`` defaults to the first of them (or keeps it if still selected)."""
        ids = frozenset(i for i in ids if i is not None)
        if current == -1:
            current = self.current if self.current in ids else (min(ids) if len(ids) == 1 else
                                                                 (next(iter(sorted(ids))) if ids else None))
            if len(ids) == 1:
                current = next(iter(ids))
        if ids == self.selection and current == self.current:
            return
        if current != self.current:
            self.about_to_change.emit()
        self.selection = ids
        changed = current != self.current
        self.current = current
        self.selection_changed.emit(ids)
        if changed:
            self.current_changed.emit(current)

    def prune(self, existing: set[int]) -> None:
        """Drop selected ids that no longer exist (after a delete or an undo)."""
        keep = frozenset(i for i in self.selection if i in existing)
        cur = self.current if self.current in existing else None
        if keep != self.selection or cur != self.current:
            self.selection = keep
            changed = cur != self.current
            self.current = cur
            self.selection_changed.emit(keep)
            if changed:
                self.current_changed.emit(cur)
