"""Attribute tables: one owner's attributes (case or document), and a case's participants."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor

from crosscase.commands.cases import SetAttribute
from crosscase.services import attributes, cases
from crosscase.services.cases import ParticipantEntry
from crosscase.ui.context import ProjectContext

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _push_later(context: ProjectContext, command: SetAttribute) -> bool:
    """Run the command once the view has closed its editor (the table is rebuilt by it)."""
    QTimer.singleShot(0, lambda: context.push(command))
    return True


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class AttributeModel(QAbstractTableModel):
    """Rows: the attributes defined for a scope; columns: name, value (editable)."""

    COLUMNS = ("Attribute", "Value")

    def __init__(self, context: ProjectContext | None = None) -> None:
        super().__init__()
        self.context = context
        self.scope: str | None = None
        self.owner: int | None = None
        self.rows: list[tuple[str, str, Any]] = []  # (name, type, value)

    def set_owner(self, context: ProjectContext | None, scope: str | None, owner: int | None) -> None:
        self.context, self.scope, self.owner = context, scope, owner
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = []
        if self.context is not None and self.scope and self.owner is not None:
            with self.context.project.session() as s:
                values = attributes.values(s, self.scope).get(self.owner, {})
                self.rows = [(n, t, values.get(n)) for _, n, t in attributes.names(s, self.scope)]
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        name, type_, value = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return name if index.column() == 0 else _show(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = {"number": "a number", "date": "a date, YYYY-MM-DD", "boolean": "yes or no"}
            return f"{name} ({hint.get(type_, 'text')})"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return QColor(120, 120, 120)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 1:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 1 or self.context is None:
            return False
        assert self.scope is not None and self.owner is not None
        name, type_, old = self.rows[index.row()]
        text = str(value).strip()
        if text == _show(old):
            return False
        return _push_later(
            self.context, SetAttribute(self.scope, self.owner, name, text if text else None, type_,
                                       seen=_show(old))
        )


class ParticipantsModel(QAbstractTableModel):
    """A case's participants (speakers) with their attributes, e.g. role."""

    def __init__(self) -> None:
        super().__init__()
        self.context: ProjectContext | None = None
        self.case_id: int | None = None
        self.people: list[ParticipantEntry] = []
        self.names: list[tuple[str, str]] = []  # participant attributes: (name, type)
        self.values: dict[int, dict[str, Any]] = {}

    def set_case(self, context: ProjectContext | None, case_id: int | None) -> None:
        self.context, self.case_id = context, case_id
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.people, self.names, self.values = [], [], {}
        if self.context is not None and self.case_id is not None:
            with self.context.project.session() as s:
                self.people = cases.participants(s, self.case_id)
                self.names = [(n, t) for _, n, t in attributes.names(s, "participant")]
                self.values = attributes.values(s, "participant")
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 2 + len(self.names)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Participant"
        if section == 1:
            return "Turns"
        return self.names[section - 2][0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.people[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return p.name
            if col == 1:
                return str(p.turns)
            return _show(self.values.get(p.id, {}).get(self.names[col - 2][0]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= 2:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() < 2 or self.context is None:
            return False
        p = self.people[index.row()]
        name, type_ = self.names[index.column() - 2]
        text = str(value).strip()
        seen = _show(self.values.get(p.id, {}).get(name))
        if text == seen:
            return False
        return _push_later(
            self.context, SetAttribute("participant", p.id, name, text or None, type_, seen=seen)
        )
