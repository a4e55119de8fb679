"""A short first-run tour of a labeler's loop, step by step: get regions (pre-annotate or draw), fix the
text, tag entities, link questions to answers, confirm and move on; then every key on one page. Shown
once (remembered in QSettings), re-opened from Help → Keyboard tour. Keys are read from the action
table, so a rebinding or a keymap preset shows here too."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hanji.ui import settings
from hanji.ui.actions import display_keys
from hanji.ui.i18n import tr

SEEN_KEY = "tour/seen"
# (action id, what it is for): the last page's table
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
    ("tool.link", "Link a question to its answer: drag from one box to the other"),
    ("jobs.propose", "Let the tagger propose entities and key-values"),
    ("go.tags", "Go to the Tags pane to tag entities"),
    ("edit.undo", "Undo (Ctrl+Shift+Z redo)"),
    ("help.cheatsheet", "Every shortcut, and rebinding them"),
]
# the steps of the loop: (title, [(action id or "", what to do)])
STEPS = [
    ("1. Get the text regions", [
        ("jobs.preannotate_doc", "Let the models pre-annotate this document: boxes, text and reading order."),
        ("tool.rect", "Or draw a box yourself (Q quad, P polygon, V back to select)."),
        ("go.next_region", "Go from region to region; Shift+Tab goes back."),
    ]),
    ("2. Fix the text", [
        ("label.edit_text", "Type the region's text (Hangul input works); Enter saves, Esc cancels."),
        ("jobs.rerecognize", "Read a region again after moving its box."),
    ]),
    ("3. Tag the entities", [
        ("go.tags", "In the Tags pane, select tokens and press an entity's key from the legend (0 clears). "
                    "The legend follows the document type."),
        ("jobs.propose", "Or let the tagger propose entities and key-values, then confirm the proposed tags."),
    ]),
    ("4. Link questions to answers", [
        ("tool.link", "Drag from a question's box to its answer's box; the Key-values pane lists the links."),
    ]),
    ("5. Confirm and move on", [
        ("label.confirm", "Confirm the region: it turns green and the next one is selected."),
        ("label.confirm_doc", "Confirm the whole document when every region is right."),
        ("go.next_useful", "Jump to the most useful document to label next."),
        ("edit.undo", "Every step can be undone, even after a restart."),
    ]),
]


def seen() -> bool:
    return str(settings.settings().value(SEEN_KEY, "") or "").lower() in ("1", "true")


def set_seen(value: bool = True) -> None:
    s = settings.settings()
    s.setValue(SEEN_KEY, "true" if value else "")
    s.sync()


def _keys(actions, aid: str) -> str:
    act = actions.get(aid)
    return display_keys(act.shortcuts()) if act is not None and act.shortcuts() else ""


class TourDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(tr("Keyboard tour"))
        actions = getattr(window, "actions_", {})
        lay = QVBoxLayout(self)
        intro = QLabel(tr("Hanji is made for the keyboard. A document's labelling goes in five steps:"))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.pages = QStackedWidget(self)
        for title, rows in STEPS:
            parts = [f"<h3>{html.escape(tr(title))}</h3><table cellpadding=4>"]
            for aid, text in rows:
                key = _keys(actions, aid) if aid else ""
                parts.append(f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(tr(text))}</td></tr>")
            parts.append("</table>")
            page = QLabel("".join(parts))
            page.setTextFormat(Qt.TextFormat.RichText)
            page.setWordWrap(True)
            page.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self.pages.addWidget(page)
        rows = [(aid, text) for aid, text in TOUR if aid in actions]
        self.table = QTableWidget(len(rows), 2, self)  # the last page: every key of the loop at once
        self.table.setHorizontalHeaderLabels([tr("Key"), tr("What it does")])
        self.table.verticalHeader().hide()
        for i, (aid, text) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(_keys(actions, aid).split(", ")[0] or "—"))
            self.table.setItem(i, 1, QTableWidgetItem(tr(text)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.pages.addWidget(self.table)
        lay.addWidget(self.pages, 1)
        self.again = QCheckBox(tr("Show this at the next start"))
        self.back = QPushButton(tr("Back"))
        self.next = QPushButton(tr("Next"))
        close = QPushButton(tr("Close"))
        self.back.clicked.connect(lambda: self.go(-1))
        self.next.clicked.connect(lambda: self.go(1))
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.again)
        row.addStretch(1)
        for b in (self.back, self.next, close):
            row.addWidget(b)
        lay.addLayout(row)
        self.go(0)
        self.resize(600, 440)
        self.finished.connect(lambda _r: set_seen(not self.again.isChecked()))

    def go(self, step: int) -> None:
        i = max(0, min(self.pages.count() - 1, self.pages.currentIndex() + step))
        self.pages.setCurrentIndex(i)
        self.back.setEnabled(i > 0)
        self.next.setEnabled(i < self.pages.count() - 1)
        if i < self.pages.count() - 1:
            self.next.setFocus()

    def text(self) -> str:
        """Everything the tour says, page by page (for tests and for reading it at once)."""
        out = []
        for k in range(self.pages.count()):
            w = self.pages.widget(k)
            if isinstance(w, QLabel):
                doc = QTextDocument()
                doc.setHtml(w.text())
                out.append(doc.toPlainText())
        out += [f"{self.table.item(i, 0).text()} {self.table.item(i, 1).text()}" for i in range(self.table.rowCount())]
        return "\n".join(out)


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
