"""A short first-run keyboard tour: the handful of keys that matter, shown once (remembered in
QSettings), re-opened from Help → Keyboard tour. Keys are read from the action table, so a
rebinding shows here too."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from hanji.ui import settings
from hanji.ui.i18n import tr

SEEN_KEY = "tour/seen"
# (action id, what it is for)
TOUR = [
    ("tool.rect", "Draw a box (Q quad, P polygon, V back to select)"),
    ("go.next_region", "Next region; Shift+Tab goes back"),
    ("label.edit_text", "Type the region's text (Hangul input works); Enter again to finish"),
    ("label.confirm", "Confirm the region"),
    ("label.confirm_doc", "Confirm the whole document"),
    ("go.next_doc", "Next document (PgUp: previous)"),
    ("go.next_useful", "Jump to the most useful document to label next"),
    ("jobs.preannotate_doc", "Let the models pre-annotate this document"),
    ("jobs.rerecognize", "Read a region again after moving its box"),
    ("edit.undo", "Undo (Ctrl+Shift+Z redo)"),
    ("help.cheatsheet", "Every shortcut, and rebinding them"),
]


def seen() -> bool:
    return str(settings.settings().value(SEEN_KEY, "") or "").lower() in ("1", "true")


def set_seen(value: bool = True) -> None:
    s = settings.settings()
    s.setValue(SEEN_KEY, "true" if value else "")
    s.sync()


class TourDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(tr("Keyboard tour"))
        lay = QVBoxLayout(self)
        intro = QLabel(tr("Hanji is made for the keyboard. These keys do most of the work:"))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        actions = getattr(window, "actions_", {})
        rows = [(aid, text) for aid, text in TOUR if aid in actions]
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels([tr("Key"), tr("What it does")])
        self.table.verticalHeader().hide()
        for i, (aid, text) in enumerate(rows):
            keys = actions[aid].shortcuts()
            key = keys[0].toString(QKeySequence.SequenceFormat.NativeText) if keys else "—"
            self.table.setItem(i, 0, QTableWidgetItem(key))
            self.table.setItem(i, 1, QTableWidgetItem(tr(text)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay.addWidget(self.table)
        self.again = QCheckBox(tr("Show this at the next start"))
        lay.addWidget(self.again)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        bb.accepted.connect(self.accept)
        lay.addWidget(bb)
        self.resize(560, 420)
        self.finished.connect(lambda _r: set_seen(not self.again.isChecked()))


def show_tour(window) -> TourDialog:
    dlg = TourDialog(window)
    window._tour = dlg
    dlg.show()
    return dlg


def maybe_show_tour(window) -> TourDialog | None:
    """The tour, the first time only."""
    if seen():
        return None
    set_seen(True)  # shown once, even if the app is killed with it open
    return show_tour(window)
