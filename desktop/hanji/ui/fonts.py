"""The shipped Korean font, registered with Qt so Hangul never shows as boxes, and a first window
size that fits the screen it opens on."""

from __future__ import annotations

from hanji.resources import resource_path

FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
_FAMILIES: list[str] = []


def register_fonts() -> list[str]:
    """Add the shipped NanumGothic files to Qt's font database (once) and make NanumGothic a
    fallback of the application font: Latin text keeps the system font, Hangul that the system
    font lacks comes from NanumGothic. Returns the registered family names."""
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    if not _FAMILIES:
        for name in FONT_FILES:
            path = resource_path("fonts", name)
            if not path.exists():
                continue
            fid = QFontDatabase.addApplicationFont(str(path))
            if fid >= 0:
                for fam in QFontDatabase.applicationFontFamilies(fid):
                    if fam not in _FAMILIES:
                        _FAMILIES.append(fam)
    app = QApplication.instance()
    if _FAMILIES and app is not None:
        font = QFont(app.font())
        fams = list(font.families()) or [font.family()]
        for fam in _FAMILIES:
            if fam not in fams:
                fams.append(fam)
        font.setFamilies(fams)
        app.setFont(font)
    return list(_FAMILIES)


def fit_to_screen(window, want: tuple[int, int] = (1500, 920), margin: float = 0.94) -> None:
    """Size ``window`` to ``want`` or, on a smaller screen, to most of the available area, and shrink
    the side docks in proportion so the canvas keeps room (a 1440×900 screen shows every pane)."""
    screen = window.screen()
    if screen is None:
        window.resize(*want)
        return
    avail = screen.availableGeometry()
    w = min(want[0], int(avail.width() * margin))
    h = min(want[1], int(avail.height() * margin))
    window.resize(w, h)
    frame = window.frameGeometry()
    window.move(avail.x() + max(0, (avail.width() - frame.width()) // 2),
                avail.y() + max(0, (avail.height() - frame.height()) // 2))
