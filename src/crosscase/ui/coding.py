"""Coding the open document: apply, in-vivo, remove, resize, memo, recent codes.

Every operation reads the selection from the current :class:`DocumentView`
(already in code points) and pushes one undoable command.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from crosscase.commands.base import Command
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings, RemoveCodings, ResizeCoding
from crosscase.services import codebook
from crosscase.services.coding import CodingSpec
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.dialogs.quick_code import QuickCodePalette
from crosscase.ui.models.codebook_model import color_icon
from crosscase.ui.views.document_view import DocumentView


class CodingController(QObject):
    def __init__(
        self,
        window: QWidget,
        context: Callable[[], ProjectContext | None],
        view: Callable[[], DocumentView | None],
        memo: Callable[[str, int], object],
    ) -> None:
        super().__init__(window)
        self.window = window
        self._context = context
        self._view = view
        self._memo = memo
        self.palette: QuickCodePalette | None = None

        def act(text: str, shortcut: str | list[str], slot: Callable[[], object], tip: str) -> QAction:
            a = QAction(text, window)
            keys = [shortcut] if isinstance(shortcut, str) else shortcut
            a.setShortcuts([QKeySequence(k) for k in keys if k])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.setToolTip(tip)
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            window.addAction(a)
            return a

        self.quick_action = act("Code selection…", "Ctrl+K", self.quick_code,
                                "Choose a code for the selected text by typing part of its name")
        self.in_vivo_action = act("In-vivo code", "Ctrl+I", self.in_vivo,
                                  "Make a code from the selected words and apply it")
        self.remove_action = act("Remove coding", "", self.remove_selected,
                                 "Remove the selected coding (Delete in the text)")
        self.resize_action = act("Resize coding to selection", "Ctrl+Shift+R",
                                 self.resize_selected,
                                 "Give the selected coding the span of the selected text")
        self.memo_action = act("Memo on coding…", "Ctrl+M", self.memo_selected,
                               "Write a memo on the selected coding")
        self.next_action = act("Next coding", "Alt+Down", lambda: self._step(True),
                               "Select the next coding in the document")
        self.prev_action = act("Previous coding", "Alt+Up", lambda: self._step(False),
                               "Select the previous coding in the document")
        self.recent_actions: list[QAction] = []
        for n in range(1, 10):
            # partial, not a lambda with a default: Qt would pass `checked` into that default
            a = act(f"Recent code {n}", f"Ctrl+{n}", partial(self.apply_recent, n - 1),
                    "Apply a recently used code")
            self.recent_actions.append(a)
        self.update_recent()

    # -- where ------------------------------------------------------------------------------
    @property
    def context(self) -> ProjectContext | None:
        return self._context()

    def view(self) -> DocumentView | None:
        return self._view()

    def _need_selection(self) -> tuple[ProjectContext, DocumentView, tuple[int, int]] | None:
        context, view = self.context, self.view()
        if context is None or view is None or view.document_id is None:
            return None
        span = view.selection_span()
        if span is None:
            messages.status(self.window, "Select some text first.")
            return None
        return context, view, span

    # -- applying -----------------------------------------------------------------------------
    def apply_code(self, code_id: int) -> bool:
        got = self._need_selection()
        if got is None:
            return False
        context, view, (start, end) = got
        assert view.document_id is not None
        node = context.nodes.get(code_id)
        ok = context.push(ApplyCodings(
            [CodingSpec(view.document_id, code_id, start, end)],
            label=f"Code to '{node.name if node else code_id}'",
        ))
        if ok:
            context.code_used(code_id)
            messages.status(self.window, f"Coded to {node.path if node else code_id}")
        return ok

    def apply_recent(self, n: int) -> bool:
        context = self.context
        if context is None or n >= len(context.recent_codes):
            return False
        return self.apply_code(context.recent_codes[n])

    def quick_code(self) -> QuickCodePalette | None:
        context = self.context
        if context is None:
            return None
        if self._need_selection() is None:
            return None
        view = self.view()
        self.palette = QuickCodePalette(context.nodes, self.window, recent=context.recent_codes,
                                        avoid=view.selection_rect() if view else None)
        self.palette.chosen.connect(self.apply_code)
        self.palette.create_requested.connect(self.create_and_apply)
        self.palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.palette.finished.connect(self._palette_closed)
        self.palette.open()
        return self.palette

    def _palette_closed(self) -> None:
        self.palette = None

    def create_and_apply(self, path: str) -> int | None:
        """Create the code at ``path`` (``Parent/Child``) and code the selection with it."""
        got = self._need_selection()
        if got is None:
            return None
        context, view, (start, end) = got
        parent_path, _, name = path.strip().strip("/").rpartition("/")
        parent_id = None
        if parent_path:
            try:
                with context.project.session() as s:
                    parent_id = codebook.resolve(s, parent_path, context.nodes)
            except Exception as exc:  # noqa: BLE001
                messages.error(self.window, "New code", messages.describe(exc))
                return None
        return self._create_apply(context, view, name, parent_id, start, end, f"New code '{name}'")

    def _create_apply(
        self, context: ProjectContext, view: DocumentView, name: str, parent_id: int | None,
        start: int, end: int, label: str,
    ) -> int | None:
        doc = view.document_id
        assert doc is not None

        def apply(done: list[Command]) -> Command:
            created = done[0]
            assert isinstance(created, CreateCode) and created.id is not None
            return ApplyCodings([CodingSpec(doc, created.id, start, end)])

        commands = context.push_sequence(label, [lambda _done: CreateCode(name, parent_id), apply])
        if not commands:
            return None
        created = commands[0]
        assert isinstance(created, CreateCode)
        if created.id is not None:
            context.code_used(created.id)
        return created.id

    def in_vivo(self) -> int | None:
        got = self._need_selection()
        if got is None:
            return None
        context, view, (start, end) = got
        name = codebook.in_vivo_name(view.selected_text())
        if not name:
            return None
        existing = next((n.id for n in context.nodes.values()
                         if n.parent is None and n.name.casefold() == name.casefold()), None)
        if existing is not None:
            return existing if self.apply_code(existing) else None
        return self._create_apply(context, view, name, None, start, end,
                                  f"In-vivo code '{name}'")

    # -- the selected coding ------------------------------------------------------------------
    def _selected(self) -> tuple[ProjectContext, DocumentView, int] | None:
        context, view = self.context, self.view()
        if context is None or view is None or view.selected_coding is None:
            messages.status(self.window, "Select a coding first: click its stripe, or Alt+Down.")
            return None
        return context, view, view.selected_coding

    def remove_selected(self) -> bool:
        got = self._selected()
        if got is None:
            return False
        return self.remove(got[2])

    def remove(self, coding_id: int) -> bool:
        context = self.context
        if context is None:
            return False
        return context.push(RemoveCodings([coding_id]))

    def resize_selected(self) -> bool:
        got = self._selected()
        if got is None:
            return False
        context, view, cid = got
        span = view.selection_span()
        current = view.span(cid)
        if span is None or current is None or span == (current.start, current.end):
            messages.status(self.window, "Select the new extent of the coding first.")
            return False
        ok = context.push(ResizeCoding(cid, *span))
        if ok:
            view.select_coding(cid, select_text=False)
        return ok

    def memo_selected(self) -> object:
        got = self._selected()
        if got is None:
            return None
        return self._memo("coding", got[2])

    def _context_menu_closed(self) -> None:
        """The context menu greyed out the shared actions; give them back their usual state."""
        self.quick_action.setEnabled(True)
        self.in_vivo_action.setEnabled(True)
        self.update_recent()

    def _resize_to_selection(self, view: DocumentView, coding_id: int) -> bool:
        view.select_coding(coding_id, select_text=False)
        return self.resize_selected()

    def _step(self, forward: bool) -> None:
        view = self.view()
        if view is not None:
            view.step_coding(forward)

    # -- menus ------------------------------------------------------------------------------------
    def update_recent(self) -> None:
        context = self.context
        recent = context.recent_codes if context else []
        nodes = context.nodes if context else {}
        for n, a in enumerate(self.recent_actions):
            cid = recent[n] if n < len(recent) else None
            node = nodes.get(cid) if cid is not None else None
            a.setVisible(node is not None)
            a.setEnabled(node is not None)
            if node is not None:
                a.setText(node.path.replace("/", " › "))
                a.setIcon(color_icon(node.color))

    def fill_code_menu(self, menu: QMenu) -> None:
        menu.addAction(self.quick_action)
        menu.addAction(self.in_vivo_action)
        recent = menu.addMenu("Code with recent code")
        self.update_recent()
        visible = [a for a in self.recent_actions if a.isVisible()]
        for a in visible:
            recent.addAction(a)
        recent.setEnabled(bool(visible))
        menu.addSeparator()
        for a in (self.remove_action, self.resize_action, self.memo_action,
                  self.next_action, self.prev_action):
            menu.addAction(a)

    def context_menu(self, view: DocumentView, global_pos: QPoint, u16: int) -> QMenu:
        menu = QMenu(self.window)
        has_sel = view.selection_span() is not None
        self.update_recent()
        shared = [self.quick_action, self.in_vivo_action,
                  *(a for a in self.recent_actions if a.isVisible())]
        for a in shared:
            menu.addAction(a)  # QWidget.addAction(QAction) returns None, not the action
            a.setEnabled(has_sel)
        menu.aboutToHide.connect(self._context_menu_closed)
        here = view.spans_at(u16)
        chosen = view.span(view.selected_coding)
        if chosen is not None and chosen not in here:
            here.insert(0, chosen)
        nodes = self.context.nodes if self.context else {}
        if here:
            menu.addSeparator()
        for sp in here:
            node = nodes.get(sp.code_id)
            name = node.path.replace("/", " › ") if node else "?"
            sub = menu.addMenu(color_icon(node.color if node else "#888"), f"Coding: {name}")
            # partial, not `lambda i=sp.id: ...`: Qt would pass `checked` into that default
            sub.addAction("Select it", partial(view.select_coding, sp.id))
            sub.addAction("Memo…", partial(self._memo, "coding", sp.id))
            if has_sel:
                sub.addAction("Resize to selection",
                              partial(self._resize_to_selection, view, sp.id))
            sub.addSeparator()
            sub.addAction("Remove coding", partial(self.remove, sp.id))
        menu.addSeparator()
        if has_sel:
            menu.addAction("Copy", view.editor.copy)
        if view.document_id is not None:
            menu.addAction("Document memo…", partial(self._memo, "document", view.document_id))
        menu.popup(global_pos)
        return menu
