"""Core commands on a QUndoStack; failures are reported and dropped, committed work is kept."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from crosscase.commands.base import Command
from crosscase.commands.codebook import CreateCode, DeleteCode
from crosscase.commands.coding import ApplyCodings
from crosscase.db.models import Code, Coding
from crosscase.domain.changes import Change, Kind
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents
from crosscase.services.coding import CodingSpec
from crosscase.ui.undo import CommandAdapter, Outcome

TEXT = "Manager: The farm shop pays for the day service.\n"


def _doc(project: Any) -> int:
    with project.transaction() as s:
        case_id = cases.ensure(s, "Case A")
        return documents.store(s, project, case_id, "manager", structure(TEXT, "txt"))


def _code_names(project: Any) -> set[str]:
    with project.session() as s:
        return {n.name for n in codebook.tree(s).values()}


@pytest.fixture
def context(qapp: Any, project: Any) -> Any:
    from crosscase.ui.context import ProjectContext
    from crosscase.ui.settings import Settings

    ctx = ProjectContext(project, Settings())
    yield ctx
    ctx.close()  # stops listening, clears the stack, closes the project


def test_adapter_do_then_redo(qapp: Any, project: Any) -> None:
    stack = QUndoStack()
    cmd = CreateCode("Commissioning")
    stack.push(CommandAdapter(project, cmd))
    assert cmd.id is not None
    assert stack.undoText() == "New code 'Commissioning'"
    stack.undo()
    assert "Commissioning" not in _code_names(project)
    stack.redo()
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


def test_a_listener_that_raises_loses_no_committed_command(
    context: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    project = context.project

    def broken(change: Change) -> None:
        raise RuntimeError("a view that cannot cope")

    project.subscribe(broken)
    failed: list[tuple[str, str]] = []
    context.command_failed.connect(lambda title, text: failed.append((title, text)))
    cmd = CreateCode("Commissioning")
    with caplog.at_level(logging.ERROR, logger="crosscase"):
        assert context.push(cmd)
    assert any("a view that cannot cope" in (r.exc_text or "") for r in caplog.records)
    assert failed == []
    stack = context.undo_stack
    assert stack.count() == 1 and stack.canUndo()
    assert stack.undoText() == "New code 'Commissioning'"
    with project.session() as s:
        assert s.get(Code, cmd.id) is not None  # committed

    stack.undo()
    assert stack.count() == 1 and stack.canRedo() and failed == []
    with project.session() as s:
        assert s.get(Code, cmd.id) is None

    stack.redo()
    assert stack.count() == 1 and stack.canUndo()
    with project.session() as s:
        assert s.get(Code, cmd.id) is not None  # the same id back


def test_one_change_and_each_kind_signal_once_per_command(context: Any, qtbot: Any) -> None:
    project = context.project
    doc = _doc(project)
    with project.session() as s:
        farm = codebook.resolve(s, "Hybridity/Trading income/Farm shop")
        trading = codebook.resolve(s, "Hybridity/Trading income")
    assert context.push(ApplyCodings([CodingSpec(doc, farm, 13, 22)]))
    applied: list[Change] = []
    kinds: list[str] = []
    counts = {"codes": 0, "codings": 0, "framework": 0}
    context.change_applied.connect(applied.append)
    context.changed.connect(kinds.append)
    context.codes_changed.connect(lambda: counts.__setitem__("codes", counts["codes"] + 1))
    context.codings_changed.connect(lambda: counts.__setitem__("codings", counts["codings"] + 1))
    assert farm in context.nodes
    assert context.push(DeleteCode(trading))
    [change] = applied
    assert change.reshapes(Kind.CODES) and farm in (change.ids(Kind.CODES) or ())
    assert sorted(kinds) == ["codes", "codings"]
    assert counts == {"codes": 1, "codings": 1, "framework": 0}
    assert farm not in context.nodes  # the cached tree heard about it
    context.undo_stack.undo()
    assert len(applied) == 2 and applied[1].direction == "undo"
    assert counts == {"codes": 2, "codings": 2, "framework": 0}


def test_a_change_published_on_a_worker_thread_arrives_on_the_gui_thread(
    context: Any, qtbot: Any
) -> None:
    import threading

    from PySide6.QtCore import QThread

    got: list[tuple[Change, bool]] = []
    context.change_applied.connect(
        lambda ch: got.append((ch, QThread.currentThread() is context.thread())))
    change = Change("Import 1 document", {Kind.DOCUMENTS: frozenset({7})},
                    reshaped=frozenset({Kind.DOCUMENTS}))
    worker = threading.Thread(target=context.project.publish, args=(change,))
    worker.start()
    worker.join()
    assert got == []  # queued, not delivered on the worker
    qtbot.waitUntil(lambda: bool(got))
    assert got == [(change, True)]


def test_push_sequence_is_one_undo_step_and_returns_the_commands(context: Any) -> None:
    project = context.project
    doc = _doc(project)

    def apply(done: list[Command]) -> Command:
        created = done[0]
        assert isinstance(created, CreateCode) and created.id is not None
        return ApplyCodings([CodingSpec(doc, created.id, 13, 22)])

    commands = context.push_sequence("New code 'farm shop'",
                                     [lambda _done: CreateCode("farm shop"), apply])
    assert commands is not None and [type(c) for c in commands] == [CreateCode, ApplyCodings]
    stack = context.undo_stack
    assert stack.count() == 1 and stack.undoText() == "New code 'farm shop'"
    with project.session() as s:
        assert s.scalars(select(Coding.code_id)).all() == [commands[0].id]
    stack.undo()
    with project.session() as s:
        assert s.scalars(select(Coding.id)).all() == []
    assert "farm shop" not in _code_names(project)
    stack.redo()
    assert "farm shop" in _code_names(project)

    # a later step that fails leaves nothing, on the stack or in the project
    failed: list[str] = []
    context.command_failed.connect(lambda title, text: failed.append(text))
    bad = context.push_sequence("Two codes", [lambda _d: CreateCode("Commissioning"),
                                             lambda _d: CreateCode("  ")])
    assert bad is None and failed and "needs a name" in failed[0]
    assert stack.count() == 1
    assert "Commissioning" not in _code_names(project)
