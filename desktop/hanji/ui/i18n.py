"""Korean and English UI text, following the system locale (``HANJI_LANG=ko|en`` overrides).

A plain translation table (:data:`KO`, kept in :mod:`hanji.ui.i18n_ko`): the English text is the
key, so an untranslated string still reads.
"""

from __future__ import annotations

import os

from hanji.ui.i18n_ko import KO

__all__ = ["KO", "doc_type_name", "entity_name", "install_qt_translations", "language", "plural",
           "remove_qt_translations", "set_language", "status_name", "tr"]


_LANG: str | None = None


def language() -> str:
    """``ko`` or ``en``: ``HANJI_LANG`` if set, else the system locale."""
    global _LANG
    if _LANG is None:
        env = os.environ.get("HANJI_LANG", "")
        if env in ("ko", "en"):
            _LANG = env
        else:
            from PySide6.QtCore import QLocale

            _LANG = "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"
    return _LANG


def set_language(lang: str | None) -> None:
    """Set the UI language; leaving Korean takes Qt's Korean texts back out (a Cancel button would
    otherwise still read 취소 in an English window)."""
    global _LANG
    _LANG = lang
    if lang != "ko":
        remove_qt_translations()


def tr(text: str) -> str:
    """The UI text in the current language."""
    if language() == "ko":
        return KO.get(text, text)
    return text


_QT_TRANSLATORS: list = []


def install_qt_translations() -> None:
    """Qt's own texts (OK, Cancel, Close, Restore Defaults, file dialogs) in Korean too, from the
    translations shipped with Qt. Once per application; nothing to do in English."""
    if language() != "ko" or _QT_TRANSLATORS:
        return
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    app = QCoreApplication.instance()
    if app is None:
        return
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        t = QTranslator(app)
        if t.load(QLocale(QLocale.Language.Korean), name, "_", path):
            app.installTranslator(t)
            _QT_TRANSLATORS.append(t)
            break


def remove_qt_translations() -> None:
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    while _QT_TRANSLATORS:
        t = _QT_TRANSLATORS.pop()
        if app is not None:
            app.removeTranslator(t)


def entity_name(name: str, title: str = "") -> str:
    """An entity type's or key-value key's name as the UI shows it: the schema's display name in the
    UI's language (상호 / Store name), never the internal id when a display name is known."""
    from hanji.domain.schemas import display_name

    return display_name(name, title, language())


def doc_type_name(doc_type: str) -> str:
    """A document type as the UI shows it (사업자등록증 / Business registration)."""
    from hanji.domain.schemas import doc_type_name as name

    return name(doc_type, language()) if doc_type else tr("(any type)")


def status_name(status: str) -> str:
    """A document or region status as the UI shows it ("in progress", 진행 중), not the stored id."""
    return tr(status) if language() == "ko" else status.replace("_", " ")


def plural(n: int, one: str, many: str) -> str:
    """``n`` and the noun: "1 document", "2 documents" (Korean has one form: "1 문서", "2 문서")."""
    return f"{n} {tr(one if n == 1 else many)}"
