"""The window under a real X server with an input method (run by test_ime.py, not by pytest itself):
a region's text field gets the keyboard, the test types through ibus-hangul with xdotool, and this
prints what the field, the project and the region list then hold."""

from __future__ import annotations

import json
import sys
import threading


def main() -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    app = QApplication([sys.argv[0]])
    store = ProjectStore.open(sys.argv[1])
    w = MainWindow(store)
    w.setGeometry(0, 0, 1280, 760)
    w.show()
    w.activateWindow()
    w.raise_()
    rid = store.regions(w.session.doc_id)[0].id
    w.session.select({rid}, rid)
    w.session.focus_text.emit()  # as Return on the canvas does
    field = w.transcription.field

    typed = threading.Event()

    def wait_for_test():  # the event loop keeps running (ibus talks to it over D-Bus) while the test types
        sys.stdin.readline()
        typed.set()

    def report():
        tree = w.regions.tree
        items = [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())]
        print(json.dumps({"field": field.text(), "stored": store.region(rid).text, "list": items,
                          "platform": app.platformName()}, ensure_ascii=False), flush=True)
        w.close()
        app.quit()

    def poll():
        if typed.is_set():
            QTimer.singleShot(500, report)
        else:
            QTimer.singleShot(50, poll)

    def ready():
        field.activateWindow()
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        print(json.dumps({"ready": True, "focus": field.hasFocus()}), flush=True)
        threading.Thread(target=wait_for_test, daemon=True).start()
        poll()

    QTimer.singleShot(1500, ready)
    app.exec()


if __name__ == "__main__":
    main()
