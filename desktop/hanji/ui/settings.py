"""Window state in QSettings: layout, zoom, last project and rebound shortcuts. Nothing else."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORG, APP = "Hanji", "Hanji"


def settings() -> QSettings:
    """The application's settings (``run`` names the application; tests point them at a temp folder)."""
    return QSettings()


def last_project() -> str | None:
    v = settings().value("project/last")
    return str(v) if v else None


def set_last_project(path: str) -> None:
    s = settings()
    s.setValue("project/last", path)
    s.sync()


def shortcut_overrides() -> dict[str, str]:
    s = settings()
    s.beginGroup("shortcuts")
    out = {k: str(s.value(k) or "") for k in s.childKeys()}
    s.endGroup()
    return out


def set_shortcut(action_id: str, sequence: str | None) -> None:
    s = settings()
    key = f"shortcuts/{action_id}"
    if sequence is None:
        s.remove(key)
    else:
        s.setValue(key, sequence)
    s.sync()


def save_window(geometry: QByteArray, state: QByteArray, zoom: float) -> None:
    s = settings()
    s.setValue("window/geometry", geometry)
    s.setValue("window/state", state)
    s.setValue("canvas/zoom", float(zoom))
    s.sync()


def window_geometry() -> QByteArray | None:
    v = settings().value("window/geometry")
    return v if isinstance(v, QByteArray) else None


def window_state() -> QByteArray | None:
    v = settings().value("window/state")
    return v if isinstance(v, QByteArray) else None


def zoom() -> float | None:
    """The saved zoom; 0 means "fit to window"."""
    v = settings().value("canvas/zoom")
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None
