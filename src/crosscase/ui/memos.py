"""Opening the memo editor for anything that can carry a memo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crosscase.commands.memo import SetMemo
from crosscase.services import cases, documents, memos, projects, segments
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.dialogs.memo_dialog import MemoDialog


def subject_of(context: ProjectContext, kind: str, target_id: int) -> tuple[str, str]:
    """A heading for the memo and, for a coding, its quote."""
    with context.project.session() as s:
        if kind == "coding":
            found = segments.fetch(s, coding_ids=[target_id])
            if found:
                sg = found[0]
                return f"Coding “{sg.code}” in {sg.document} {sg.citation()}", sg.text
            return "Coding", ""
        if kind == "document":
            info = documents.document_info(s, target_id)
            return f"Document “{info.name}” ({info.case})", ""
        if kind == "case":
            names = dict(cases.case_names(s))
            return f"Case “{names.get(target_id, target_id)}”", ""
        if kind == "code":
            node = context.nodes.get(target_id)
            return f"Code “{node.path if node else target_id}”", ""
        if kind == "project":
            return f"Project “{projects.project_name(s)}”", ""
    return kind.capitalize(), ""


def open_memo(parent: QWidget, context: ProjectContext, kind: str, target_id: int) -> MemoDialog | None:
    """Open the memo editor (not blocking); saving pushes an undoable ``SetMemo``."""
    try:
        with context.project.session() as s:
            text = memos.memo_of(s, kind, target_id)
        subject, quote = subject_of(context, kind, target_id)
    except Exception as exc:  # noqa: BLE001
        messages.error(parent, "Memo", messages.describe(exc))
        return None
    dlg = MemoDialog(kind, target_id, subject, text, parent, quote=quote)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # the memo as read: a colleague's memo saved since is not overwritten silently
    dlg.saved.connect(lambda k, i, t: context.push(SetMemo(k, i, t, seen=text)))
    dlg.open()
    return dlg
