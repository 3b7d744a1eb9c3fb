"""The Qt binding must not leak or steal references: hours of coding make millions of calls."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPlainTextEdit


def test_void_qt_calls_keep_none_and_bools_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = QPlainTextEdit()
    qtbot.addWidget(w)
    w.setPlainText("hello world " * 100)
    before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    for i in range(5000):
        c = w.textCursor()
        c.setPosition(i % 100)
        w.setTextCursor(c)
        w.setEnabled(True)
        w.isEnabled()
        w.isReadOnly()
    after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    # a binding that drops a reference per call loses thousands here
    assert all(a - b > -100 for a, b in zip(after, before, strict=True)), (before, after)
