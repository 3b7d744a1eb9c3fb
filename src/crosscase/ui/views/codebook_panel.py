"""The codebook: a filterable tree of codes with counts, drag to move, drop text to code."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.codebook import CreateCode, DeleteCode, EditCode, MergeCodes
from crosscase.services import codebook
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.models.codebook_model import CodebookModel, FilterRole


class CodeFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(FilterRole)
        self.setFilterKeyColumn(0)


class CodeTree(QTreeView):
    """Enter opens the segments, Delete deletes (with confirmation), F2 renames."""

    activated_code = Signal(int)
    delete_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: a context menu was opened since the last left press: a rename that a click on
        #: the selected code set to start (Qt waits out the double-click interval) is off
        self._menu_opened = False

    def menu_opened(self) -> None:
        self._menu_opened = True

    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._menu_opened = False
        super().mousePressEvent(e)

    def edit(self, index, trigger=None, event=None):  # type: ignore[override]
        if trigger is None:  # the slot: F2, the Rename action
            self._menu_opened = False
            return super().edit(index)
        if trigger == QAbstractItemView.EditTrigger.SelectedClicked and isinstance(
                event, QMouseEvent) and event.button() != Qt.MouseButton.LeftButton:
            return False  # only a left click on the selected code renames it
        if self._menu_opened and event is None:
            # the delayed rename of a click that was followed by a right click
            self._menu_opened = False
            return False
        return super().edit(index, trigger, event)

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            idx = self.currentIndex()
            if idx.isValid():
                self.activated_code.emit(int(idx.data(Qt.ItemDataRole.UserRole + 1)))
                return
        if e.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(e)


class CodebookPanel(QWidget):
    code_selected = Signal(int)  # -1 when none
    segments_requested = Signal(int)
    memo_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context: ProjectContext | None = None
        self.model = CodebookModel()
        self.proxy = CodeFilter()
        self.proxy.setSourceModel(self.model)
        self._expanded: set[int] = set()
        self._first_load = True

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter codes (name or definition)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)

        self.tree = CodeTree()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.doubleClicked.connect(lambda idx: self.segments_requested.emit(self._id(idx)))
        self.tree.activated_code.connect(self.segments_requested)
        self.tree.delete_pressed.connect(self.delete_code)
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.expanded.connect(lambda i: self._expanded.add(self._id(i)))
        self.tree.collapsed.connect(lambda i: self._expanded.discard(self._id(i)))
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._restore)

        self.actions_: dict[str, QAction] = {}
        bar = QHBoxLayout()
        bar.setSpacing(2)
        for key, text, tip, shortcut, slot in (
            ("new", "+ Code", "New top-level code", "Ctrl+Shift+N", self.new_code),
            ("sub", "+ Sub-code", "New code under the selected code", "", self.new_subcode),
            ("colour", "Colour…", "Recolour the selected code", "", self.recolour),
            ("merge", "Merge…", "Merge the selected code into another", "", self.merge_code),
            ("delete", "Delete", "Delete the selected code and its codings", "", self.delete_code),
        ):
            act = QAction(text, self)
            act.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.actions_[key] = act
            btn = QToolButton()
            btn.setDefaultAction(act)
            btn.setAutoRaise(True)
            bar.addWidget(btn)
            self.addAction(act)
        bar.addStretch(1)
        rename = QAction("Rename", self)
        rename.triggered.connect(lambda: self.tree.edit(self.tree.currentIndex()))
        self.actions_["rename"] = rename
        memo = QAction("Code memo…", self)
        memo.triggered.connect(self._memo)
        self.actions_["memo"] = memo
        segs = QAction("Show coded segments", self)
        segs.setToolTip("All passages coded with this code (Enter)")
        segs.triggered.connect(lambda: self._emit_current(self.segments_requested))
        self.actions_["segments"] = segs

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addWidget(self.filter)
        lay.addLayout(bar)
        lay.addWidget(self.tree, 1)
        self._update_actions()

    # -- context -------------------------------------------------------------------
    def set_context(self, context: ProjectContext | None) -> None:
        self.context = context
        self._first_load = True
        self._expanded.clear()
        self.model.set_context(context)
        self._update_actions()

    def _id(self, proxy_index: QModelIndex) -> int:
        src = self.proxy.mapToSource(proxy_index)
        cid = self.model.code_id(src)
        return -1 if cid is None else cid

    def current_code(self) -> int | None:
        cid = self._id(self.tree.currentIndex())
        return None if cid < 0 else cid

    def select_code(self, code_id: int) -> None:
        src = self.model.index_of(code_id)
        idx = self.proxy.mapFromSource(src)
        if not idx.isValid():
            self.filter.clear()
            idx = self.proxy.mapFromSource(self.model.index_of(code_id))
        if idx.isValid():
            self.tree.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.tree.scrollTo(idx)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        cid = self._id(current)
        self.model.set_emphasised(cid if cid >= 0 else None)
        self._update_actions()
        self.code_selected.emit(cid)

    def _emit_current(self, signal: SignalInstance) -> None:
        cid = self.current_code()
        if cid is not None:
            signal.emit(cid)

    def _update_actions(self) -> None:
        has_project = self.context is not None
        has_code = self.current_code() is not None
        self.actions_["new"].setEnabled(has_project)
        for key in ("sub", "colour", "merge", "delete"):
            self.actions_[key].setEnabled(has_code)

    # -- expansion survives model resets ------------------------------------------------
    def _remember(self) -> None:
        self._selected_before = self.current_code()

    def _restore(self) -> None:
        if self._first_load:
            self.tree.expandAll()
            self._expanded = set(self.model.nodes)
            self._first_load = False
        else:
            for cid in list(self._expanded):
                idx = self.proxy.mapFromSource(self.model.index_of(cid))
                if idx.isValid():
                    self.tree.setExpanded(idx, True)
        previous = getattr(self, "_selected_before", None)
        if previous is not None and previous in self.model.nodes:
            self.select_code(previous)
        self._update_actions()

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()

    # -- operations ------------------------------------------------------------------------
    def new_code(self, parent_id: int | None = None) -> int | None:
        if self.context is None:
            return None
        where = f" under '{self.model.nodes[parent_id].path}'" if parent_id else ""
        name = messages.ask_text(self, "New code", f"Name of the new code{where}:")
        if not name:
            return None
        return self.create_code(name, parent_id)

    def create_code(self, name: str, parent_id: int | None = None) -> int | None:
        assert self.context is not None
        cmd = CreateCode(name, parent_id)
        if not self.context.push(cmd):
            return None
        if parent_id is not None:
            self._expanded.add(parent_id)
            idx = self.proxy.mapFromSource(self.model.index_of(parent_id))
            self.tree.setExpanded(idx, True)
        if cmd.id is not None:
            self._expanded.add(cmd.id)
            self.select_code(cmd.id)
        return cmd.id

    def new_subcode(self) -> None:
        cid = self.current_code()
        if cid is not None:
            self.new_code(cid)

    def recolour(self) -> None:
        cid = self.current_code()
        if cid is None or self.context is None:
            return
        colour = messages.ask_color(self, self.model.nodes[cid].color,
                                    f"Colour of '{self.model.nodes[cid].name}'")
        if colour and colour != self.model.nodes[cid].color:
            self.context.push(EditCode(cid, seen={"color": self.model.nodes[cid].color},
                                       color=colour))

    def delete_code(self) -> None:
        cid = self.current_code()
        if cid is None or self.context is None:
            return
        node = self.model.nodes[cid]
        subs = len(codebook.descendants(self.model.nodes, cid)) - 1
        refs = self.model.total.get(cid, 0)
        detail = f"{refs} coding{'s' * (refs != 1)}"
        if subs:
            detail += f" and {subs} sub-code{'s' * (subs != 1)}"
        if messages.confirm(
            self, "Delete code",
            f"Delete the code '{node.path}' with its {detail}?\n\nUndo (Ctrl+Z) brings it back.",
            "Delete",
        ):
            self.context.push(DeleteCode(cid))

    def merge_code(self) -> None:
        source = self.current_code()
        if source is None or self.context is None:
            return
        from crosscase.ui.dialogs.quick_code import choose_code

        node = self.model.nodes[source]
        self._merge_dialog = choose_code(
            self, self.model.nodes, lambda target: self.merge_into(source, target),
            title="Merge code",
            prompt=f"Merge '{node.path}' into which code? Its codings and sub-codes move there.",
            exclude=set(codebook.descendants(self.model.nodes, source)),
        )

    def merge_into(self, source: int, target: int) -> bool:
        if self.context is None:
            return False
        s, t = self.model.nodes[source], self.model.nodes[target]
        n = self.model.own.get(source, 0)
        if not messages.confirm(
            self, "Merge codes",
            f"Merge '{s.path}' into '{t.path}'?\n\nIts {n} coding{'s' * (n != 1)} and its "
            f"sub-codes move to '{t.name}', and '{s.name}' is removed. Undo (Ctrl+Z) reverses it.",
            "Merge",
        ):
            return False
        ok = self.context.push(MergeCodes(source, target))
        if ok:
            self.select_code(target)
        return ok

    def _memo(self) -> None:
        cid = self.current_code()
        if cid is not None:
            self.memo_requested.emit("code", cid)

    def _context_menu(self, pos) -> None:
        idx = self.tree.indexAt(pos)
        self.tree.menu_opened()
        menu = QMenu(self)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)
            for key in ("segments", "sub", "rename", "colour", "memo", "merge", "delete"):
                if key in ("rename", "merge"):
                    menu.addSeparator()
                menu.addAction(self.actions_[key])
            menu.addSeparator()
        menu.addAction(self.actions_["new"])
        menu.exec(self.tree.viewport().mapToGlobal(pos))
