"""Message boxes and small questions, in one place.

Everything that would block on a modal dialog goes through these functions,
so a non-interactive run (``--screenshot``) prints instead, and tests can
replace them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from crosscase.domain.errors import CrosscaseError

#: set by a non-interactive run: messages go to stderr, questions get their default
interactive = True


def describe(exc: BaseException) -> str:
    """One readable line for an error; a traceback or an exception's name is never
    shown to a researcher."""
    if isinstance(exc, CrosscaseError):
        return exc.message
    from crosscase.services.crash import unexpected

    # an error nobody foresaw: a crash report in the user's data folder, named here
    return unexpected(exc)


def error(parent: QWidget | None, title: str, text: str) -> None:
    if not interactive:
        print(f"{title}: {text}", file=sys.stderr)
        return
    QMessageBox.warning(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    if not interactive:
        print(f"{title}: {text}", file=sys.stderr)
        return
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, ok_label: str = "OK") -> bool:
    if not interactive:
        return False
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def ask_text(parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
    if not interactive:
        return None
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return text.strip() if ok and text.strip() else None


def ask_item(parent: QWidget | None, title: str, label: str, items: list[str]) -> str | None:
    if not interactive or not items:
        return None
    item, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return item if ok else None


def ask_password(parent: QWidget | None, title: str, label: str) -> str | None:
    """A password typed behind dots, or None if cancelled (or left empty)."""
    if not interactive:
        return None
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text if ok and text else None


def ask_open_file(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """An existing file chosen by the user, or None."""
    if not interactive:
        return None
    name, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return Path(name) if name else None


def ask_save_file(parent: QWidget | None, title: str, filters: str, suggested: Path | None = None,
                  *, suffix: str = "", confirm_overwrite: bool = True) -> Path | None:
    """Where to write a new file, or None; ``suffix`` is added to a name typed without one."""
    if not interactive:
        return None
    dlg = QFileDialog(parent, title, str(suggested or ""), filters)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setFileMode(QFileDialog.FileMode.AnyFile)
    if suffix:
        dlg.setDefaultSuffix(suffix.lstrip("."))
    dlg.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    if not dlg.exec():
        return None
    chosen = dlg.selectedFiles()
    return Path(chosen[0]) if chosen else None


def ask_color(parent: QWidget | None, current: str, title: str) -> str | None:
    """A colour as ``#rrggbb``, or None if cancelled."""
    if not interactive:
        return None
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog

    colour = QColorDialog.getColor(QColor(current), parent, title)
    return colour.name() if colour.isValid() else None


def status(widget: QWidget | None, text: str, ms: int = 6000) -> None:
    """Show ``text`` in the status bar of the window holding ``widget``."""
    from PySide6.QtWidgets import QMainWindow

    window = widget.window() if widget is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, ms)
