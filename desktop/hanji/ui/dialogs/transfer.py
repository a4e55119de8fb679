"""File → Import… and File → Export…: choose a format (named with its description), a file or folder,
and options; the transfer runs on a worker with progress and cancel and ends with a report of
what was skipped (file and line or entry)."""

from __future__ import annotations

import inspect
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hanji.errors import HanjiError
from hanji.ui.i18n import tr

AUTO = ""  # the combo's data for "detect the format"


def formats(direction: str) -> list[tuple[str, str]]:
    """``(name, description)`` of every format that can be read (``"read"``) or written (``"write"``)."""
    from hanji.formats import registry

    out = []
    for name in registry.names():
        try:
            mod = registry.get(name)
        except ImportError:  # a format whose module is broken is left out, not fatal
            continue
        if getattr(mod, "CAN_READ" if direction == "read" else "CAN_WRITE", True):
            out.append((name, tr(getattr(mod, "DESCRIPTION", ""))))
    return out


def write_options(name: str) -> list[str]:
    """The options a format's writer takes (``key=value`` in the options field)."""
    from hanji.formats import registry

    mod = registry.get(name)
    return [p.name for p in list(inspect.signature(mod.write).parameters.values())[2:]
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("entity_types", "final_path")]


def export_can_mask() -> bool:
    """Whether this build's export can mask personal numbers (an ``export_project(mask=...)``)."""
    from hanji.jobs.transfer import export_project

    return "mask" in inspect.signature(export_project).parameters


def personal_fields_text(store=None) -> str:
    """The fields an export masks: the project's entity types marked personal, by display name (and id
    in English)."""
    from hanji.jobs.transfer import personal_types

    if store is None:
        return ""
    from hanji.ui.i18n import entity_name, language

    personal = personal_types(store)
    titles = {e.name: e.title for e in store.entity_types()}
    shown = {n: entity_name(n, titles.get(n, "")) for n in personal}
    if language() == "ko":  # the display names only: the ids are English
        return ", ".join(shown[n] for n in sorted(personal))
    return ", ".join(f"{shown[n]} ({n})" if shown[n] != n else n for n in sorted(personal))


class ReportDialog(QDialog):
    """A summary line and a list of what went wrong (one line per skipped file/entry)."""

    def __init__(self, title: str, summary: str, lines: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 360 if lines else 140)
        lay = QVBoxLayout(self)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.details = QPlainTextEdit("\n".join(lines))
        self.details.setReadOnly(True)
        self.details.setVisible(bool(lines))
        lay.addWidget(self.details)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        bb.accepted.connect(self.accept)
        lay.addWidget(bb)


def _path_row(edit: QLineEdit, buttons: list[QPushButton]) -> QWidget:
    row = QWidget()
    h = QHBoxLayout(row)
    h.setContentsMargins(0, 0, 0, 0)
    h.addWidget(edit, 1)
    for b in buttons:
        h.addWidget(b)
    return row


class _TransferDialog(QDialog):
    direction = "read"

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.worker = None
        self.report = None
        self.format = QComboBox()
        self.format.setMinimumWidth(520)
        self.path = QLineEdit()
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: palette(mid);")
        self.form = QFormLayout()
        self.form.addRow(tr("Format"), self.format)
        self.form.addRow("", self.description)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.format.currentIndexChanged.connect(self._on_format)

    def _finish_layout(self) -> None:
        self.layout().addWidget(self.error)
        self.layout().addWidget(self.buttons)

    def _on_format(self) -> None:
        name = self.format.currentData()
        descs = dict(formats(self.direction))
        self.description.setText(descs.get(name, tr("Hanji looks at the file or folder and picks the format.")))

    def set_format(self, name: str) -> None:
        i = self.format.findData(name)
        if i < 0:
            raise HanjiError(f"unknown format {name!r}")
        self.format.setCurrentIndex(i)

    def _launch(self, title: str, fn, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` as a job with progress; the dialog closes once it has started."""
        from hanji.ui.jobs_menu import start_job

        w = start_job(self.window_, title, fn, *args, on_done=self._done, **kwargs)
        if w is not None:
            self.worker = w
            self.accept()
        return w

    def _fail(self, message: str) -> None:
        self.error.setText(message)


class ImportDialog(_TransferDialog):
    direction = "read"

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(tr("Import…"))
        self.format.addItem(tr("Detect automatically"), AUTO)
        for name, desc in formats("read"):
            self.format.addItem(f"{name} — {desc}" if desc else name, name)
        folder, file = QPushButton(tr("Folder…")), QPushButton(tr("File…"))
        folder.clicked.connect(self._choose_folder)
        file.clicked.connect(self._choose_file)
        self.form.addRow(tr("From"), _path_row(self.path, [folder, file]))
        self.skip_bad = QCheckBox(tr("Skip bad entries and import the rest (a report lists them)"))
        self.skip_bad.setChecked(True)
        self.form.addRow("", self.skip_bad)
        # images a dataset names out of its folder are refused; the person may name a folder to allow
        self.outside = QLineEdit()
        self.outside.setPlaceholderText(tr("Images outside the dataset's folder are not read; allow a folder here"))
        other = QPushButton(tr("Folder…"))
        other.clicked.connect(self._choose_outside)
        self.form.addRow(tr("Images also from"), _path_row(self.outside, [other]))
        self._finish_layout()
        self._on_format()

    def _choose_folder(self) -> None:
        d = QFileDialog.getExistingDirectory(self, tr("Import from folder"))
        if d:
            self.path.setText(d)

    def _choose_file(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, tr("Import from file"))
        if f:
            self.path.setText(f)

    def _choose_outside(self) -> None:
        d = QFileDialog.getExistingDirectory(self, tr("Images also from"))
        if d:
            self.outside.setText(d)

    def start(self):
        """Check the fields and run the import on the worker; the dialog closes when it starts."""
        text = self.path.text().strip()
        if not text or not Path(text).exists():
            self._fail(tr("Choose a file or folder that exists."))
            return None
        fmt = self.format.currentData() or None
        also = self.outside.text().strip()
        if also and not Path(also).is_dir():
            self._fail(tr("Choose a folder that exists."))
            return None
        self._args = (text, fmt, self.skip_bad.isChecked(), [also] if also else [])
        return self._run(*self._args)

    def _run(self, text: str, fmt: str | None, skip_bad: bool, allow: list[str]):
        from hanji.jobs.transfer import import_path

        self._args = (text, fmt, skip_bad, allow)
        return self._launch(tr("Importing…"), import_path, self.window_.store, text, fmt, skip_bad=skip_bad,
                            allow_outside=allow)

    def _ask_outside(self, report) -> bool:
        """Images the dataset names in folders outside it were refused: ask whether to read them too,
        and import again if so (what came in already is found again, not added twice)."""
        folders = sorted(report.outside)
        n = sum(1 for s in report.skipped if "outside the dataset folder" in s.message)
        text = (f"{n} {tr('images the dataset names are outside its folder, in')}:\n" + "\n".join(folders[:5])
                + ("\n…" if len(folders) > 5 else "") + f"\n\n{tr('Read images from these folders too?')}")
        if QMessageBox.question(self.window_, tr("Images outside the dataset"), text) != \
                QMessageBox.StandardButton.Yes:
            return False
        text_, fmt, skip_bad, allow = self._args
        return self._run(text_, fmt, skip_bad, allow + folders) is not None

    def _done(self, report) -> None:
        from hanji.ui.jobs_menu import show_report

        self.report = report
        if getattr(report, "outside", None) and self._ask_outside(report):
            return  # imported again with those folders allowed; that run reports
        win = self.window_
        win.documents.model.reload()
        if win.session.doc_id is None:
            docs = win.store.documents()
            if docs:
                win.session.set_document(docs[0].id)
        win.statusBar().showMessage(report.summary(), 10000)
        lines = [str(s) for s in report.skipped] + list(report.notes)
        show_report(win, tr("Import report"), f"{report.format}: {report.summary()}", lines)


class ExportDialog(_TransferDialog):
    direction = "write"

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(tr("Export…"))
        for name, desc in formats("write"):
            self.format.addItem(f"{name} — {desc}" if desc else name, name)
        choose = QPushButton(tr("Choose…"))
        choose.clicked.connect(self._choose)
        self.form.addRow(tr("To"), _path_row(self.path, [choose]))
        self.scope = QComboBox()
        self.scope.addItem(tr("The whole project"), "all")
        self.scope.addItem(tr("Selected documents"), "selected")
        self.scope.addItem(tr("Documents marked done"), "done")
        self.form.addRow(tr("Documents"), self.scope)
        self.options = QLineEdit()
        self.form.addRow(tr("Options"), self.options)
        self.overwrite = QCheckBox(tr("Replace it if it exists"))
        self.form.addRow("", self.overwrite)
        # personal numbers: a choice with nothing ticked for the person (masking paints the fields out of
        # the exported images, which spoils training data for those fields)
        self.keep = QRadioButton(tr("Export personal numbers as they are (for training)"))
        self.mask = QRadioButton(tr("Mask personal numbers (for sharing)"))
        fields = personal_fields_text(window.store)
        can = export_can_mask() and bool(fields)
        self.mask.setEnabled(can)
        self.keep.setEnabled(can)
        self.keep.setChecked(True)
        self._fields = fields
        self.personal = QLabel()
        self.personal.setWordWrap(True)
        self.mask.toggled.connect(self._say_what_masking_does)
        self._say_what_masking_does()
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.keep)
        col.addWidget(self.mask)
        col.addWidget(self.personal)
        self.form.addRow(tr("Personal data"), box)
        self._finish_layout()
        self._on_format()

    def _say_what_masking_does(self, *_args) -> None:
        """What the chosen way changes, in words: which fields, in the texts and in the images."""
        if not self._fields:
            text = tr("No field of this project's schema is marked as personal data (Label → Entity schema…).")
        elif self.mask.isChecked():
            text = (f"{tr('Fields with personal data')}: {self._fields}\n"
                    + tr("Their values keep only the first digits (names the first and last syllable) in every "
                         "text written, and their regions are painted over in the images written: a model "
                         "trained on this export cannot learn these fields. The project is not changed."))
        else:
            text = (f"{tr('Fields with personal data')}: {self._fields}\n"
                    + tr("Written unchanged, in the texts and the images."))
        self.personal.setText(text)

    def _on_format(self) -> None:
        super()._on_format()
        name = self.format.currentData()
        if name and hasattr(self, "options"):
            opts = write_options(name)
            self.options.setPlaceholderText(f"{tr('key')}={tr('value')}; …  ({tr('options')}: "
                                            + (", ".join(opts) if opts else tr("none")) + ")")
            self.options.setEnabled(bool(opts))

    def _choose(self) -> None:
        f, _ = QFileDialog.getSaveFileName(self, tr("Export to"), "", "", "",
                                           QFileDialog.Option.DontConfirmOverwrite)
        if f:
            self.path.setText(f)

    def doc_ids(self) -> list[int] | None:
        scope = self.scope.currentData()
        if scope == "all":
            return None
        if scope == "selected":
            from hanji.ui.jobs_menu import selected_documents

            return selected_documents(self.window_)
        return [d.id for d in self.window_.store.documents() if d.status == "done"]

    def start(self):
        from hanji.jobs.transfer import export_project, parse_options

        text = self.path.text().strip()
        if not text:
            self._fail(tr("Choose where to write the export."))
            return None
        out = Path(text)
        if not out.parent.exists():
            self._fail(f"{tr('The folder does not exist')}: {out.parent}")
            return None
        if out.exists() and not self.overwrite.isChecked():
            self._fail(tr("It already exists: tick 'Replace it if it exists' or choose another name."))
            return None
        try:
            options = parse_options([p for p in self.options.text().replace(",", ";").split(";") if p.strip()])
        except HanjiError as e:
            self._fail(str(e))
            return None
        kwargs = {"options": options, "doc_ids": self.doc_ids(), "overwrite": self.overwrite.isChecked()}
        if self.mask.isEnabled():
            kwargs["mask"] = self.mask.isChecked()
        return self._launch(tr("Exporting…"), export_project, self.window_.store, self.format.currentData(), out,
                            **kwargs)

    def _done(self, report) -> None:
        from hanji.ui.jobs_menu import show_report

        self.report = report
        if getattr(report, "outside", None) and self._ask_outside(report):
            return  # imported again with those folders allowed; that run reports
        self.window_.statusBar().showMessage(report.summary(), 10000)
        if report.notes:
            show_report(self.window_, tr("Export report"), report.summary(), list(report.notes))
