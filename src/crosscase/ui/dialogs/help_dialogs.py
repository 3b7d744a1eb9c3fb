"""Help: the keyboard shortcuts (read from the window's own actions) and About Crosscase."""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

_NUMBERED = re.compile(r"^(?P<stem>.+?)\s+(?P<n>\d+)$")
_TRAILING_KEYS = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class Shortcut:
    keys: str  # as the platform writes them, alternatives joined by " / "
    action: str
    where: str  # the menu (or panel) that holds the action
    tip: str = ""


def _clean(text: str) -> str:
    """A menu label without its mnemonic ampersand or trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _keys(action: QAction) -> str:
    fmt = QKeySequence.SequenceFormat.NativeText
    return " / ".join(k.toString(fmt) for k in action.shortcuts() if not k.isEmpty())


def _owner(action: QAction) -> str:
    """The panel an action outside the menus belongs to."""
    obj = action.parent()
    while obj is not None:
        if isinstance(obj, QDockWidget):
            return obj.windowTitle()
        if isinstance(obj, QMainWindow):
            break
        obj = obj.parent()
    return "Workbench"


def shortcut_list(window: QMainWindow) -> list[Shortcut]:
    """Every action of ``window`` that has a shortcut, in menu order, then the rest.

    Read from the live actions, so a shortcut changed in code (or by the
    user) is listed as it now is. Numbered runs such as "Recent code 1" …
    "Recent code 9" become one row.
    """
    found: list[tuple[QAction, str]] = []
    seen: set[QAction] = set()

    def add(action: QAction, where: str) -> None:
        if action in seen or action.isSeparator():
            return
        seen.add(action)
        if _keys(action):
            found.append((action, where))

    def walk(menu: QMenu, where: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{where} ▸ {_clean(sub.title())}")
            else:
                add(action, where)

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, _clean(menu.title()))
    for action in window.findChildren(QAction):
        add(action, _owner(action))

    rows: list[Shortcut] = []
    runs: dict[tuple[str, str], list[tuple[int, QAction]]] = {}
    for action, where in found:
        label = _clean(action.text())
        tip = action.statusTip() or action.toolTip()
        if _clean(tip) == label:
            tip = ""
        name = label
        if label[:1] and not label[0].isalnum() and tip:
            # a button label drawn as a symbol ("+ Code") reads better as its tip
            name = _TRAILING_KEYS.sub("", tip)
        elif action.isCheckable() and where.endswith("Panels"):
            name = f"Show or hide {label}"
        m = _NUMBERED.match(name)
        if m is not None:
            key = (m["stem"], where)
            if key not in runs:
                runs[key] = []
                rows.append(Shortcut("", m["stem"], where))  # a placeholder for the run
            runs[key].append((int(m["n"]), action))
            continue
        rows.append(Shortcut(_keys(action), name, where, tip))

    out: list[Shortcut] = []
    for row in rows:
        run = runs.get((row.action, row.where)) if not row.keys else None
        if run is None:
            out.append(row)
            continue
        run.sort(key=lambda pair: pair[0])
        first, last = run[0], run[-1]
        tip = first[1].statusTip() or first[1].toolTip()
        if len(run) == 1:
            out.append(Shortcut(_keys(first[1]), f"{row.action} {first[0]}", row.where, tip))
        else:
            out.append(Shortcut(f"{_keys(first[1])} … {_keys(last[1])}",
                                f"{row.action} {first[0]}–{last[0]}", row.where, tip))
    return out


class ShortcutsDialog(QDialog):
    """A filterable table of the workbench's shortcuts."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 560)
        self.shortcuts = shortcut_list(window)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by key or action")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)

        self.table = QTableWidget(len(self.shortcuts), 3)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Menu"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        for r, s in enumerate(self.shortcuts):
            for c, text in enumerate((s.keys, s.action, s.where)):
                item = QTableWidgetItem(text)
                if s.tip:
                    item.setToolTip(s.tip)
                if c == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.filter.setFocus()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for r, s in enumerate(self.shortcuts):
            hay = f"{s.keys} {s.action} {s.where} {s.tip}".lower()
            self.table.setRowHidden(r, bool(needle) and needle not in hay)

    def rows(self, visible_only: bool = False) -> list[tuple[str, str, str]]:
        """(keys, action, menu) as the table shows them."""
        return [(s.keys, s.action, s.where) for r, s in enumerate(self.shortcuts)
                if not (visible_only and self.table.isRowHidden(r))]


class AboutDialog(QDialog):
    """What Crosscase is, which version, and what it runs on."""

    def __init__(self, project: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6 import __version__ as pyside_version

        from crosscase import __version__

        self.setWindowTitle("About Crosscase")
        self.title = QLabel(f"Crosscase {__version__}")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        lines = [
            "A workbench for comparative qualitative case studies: import the interviews and "
            "documents of each case, code them with your codebook, compare the cases side by "
            "side, and export the comparison to Word, Excel or REFI-QDA.",
            "Your project stays on this computer: Crosscase never opens a network connection, "
            "and every change is saved to the project file as you make it.",
        ]
        if project is not None:
            lines.append(f"Open project: {project}")
        lines.append(f"Python {platform.python_version()} · PySide6 {pyside_version} · "
                     f"Qt {qVersion()} · MIT licence")
        self.body = QLabel("\n\n".join(lines))
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.body)
        lay.addWidget(buttons)
        self.setMinimumWidth(460)

    def text(self) -> str:
        return self.body.text()
