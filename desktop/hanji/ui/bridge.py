"""Store change notifications delivered on the GUI thread.

The store calls its listeners on whatever thread made the edit; a job on a worker thread must not
touch widgets, so listeners subscribed here are called directly on the GUI thread and through a
queued signal from any other thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal

from hanji.store.project import Change, ProjectStore


class _Relay(QObject):
    deliver = Signal(object, object)

    def __init__(self):
        super().__init__()
        self.deliver.connect(lambda fn, ch: fn(ch), Qt.ConnectionType.QueuedConnection)


_relay: _Relay | None = None


def subscribe(store: ProjectStore, fn: Callable[[Change], None]) -> Callable[[], None]:
    global _relay
    if _relay is None:
        _relay = _Relay()

    def listener(ch: Change) -> None:
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is app.thread():
            fn(ch)
        else:
            _relay.deliver.emit(fn, ch)

    return store.subscribe(listener)


class StoreBound:
    """For panes that follow one store: ``bind_store`` drops the old subscription, keeps the new
    store in ``self.store`` and subscribes ``self._on_change`` to it (on the GUI thread);
    ``set_store`` binds and reloads (a pane that keeps more per store overrides it)."""

    store: ProjectStore | None = None
    _unsub: Callable[[], None] | None = None

    def bind_store(self, store: ProjectStore | None) -> None:
        if self._unsub:
            self._unsub()
            self._unsub = None
        self.store = store
        if store is not None:
            self._unsub = subscribe(store, self._on_change)

    def set_store(self, store: ProjectStore | None) -> None:
        self.bind_store(store)
        self.reload()

    def reload(self) -> None:  # pragma: no cover - each pane overrides it
        raise NotImplementedError

    def _on_change(self, ch: Change) -> None:  # pragma: no cover - each pane overrides it
        raise NotImplementedError
