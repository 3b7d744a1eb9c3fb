"""CommandAdapter: core commands on a QUndoStack; failures are reported and dropped."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack

from crosscase.commands.codebook import CreateCode
from crosscase.ui.undo import CommandAdapter, Outcome


def test_adapter_do_then_redo(qapp: Any, project: Any) -> None:
    stack = QUndoStack()
    cmd = CreateCode("Commissioning")
    stack.push(CommandAdapter(project, cmd))
    assert cmd.id is not None
    assert stack.undoText() == "New code 'Commissioning'"
    stack.undo()
    stack.redo()
    from crosscase.services import codebook

    with project.session() as s:
        assert codebook.tree(s)[cmd.id].name == "Commissioning"


def test_failing_command_is_reported_and_not_stacked(qapp: Any, project: Any) -> None:
    stack = QUndoStack()
    errors: list[tuple[str, str]] = []
    outcome = Outcome()
    stack.push(CommandAdapter(project, CreateCode("   "),
                              lambda title, exc: errors.append((title, str(exc))), outcome))
    assert not outcome.ok
    assert stack.count() == 0
    assert errors and "needs a name" in errors[0][1]
