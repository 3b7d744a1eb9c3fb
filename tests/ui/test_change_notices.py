"""Views follow each command's Change in place: one reload per command, rows not resets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from uihelpers import code_id, codings, doc_id, select_text

from crosscase.commands.codebook import CreateCode, DeleteCode, EditCode
from crosscase.commands.memo import SetMemo
from crosscase.db.models import Code


class Recorder:
    """What a model told its views: resets, and the rows (code ids or names) it changed."""

    def __init__(self, model: Any, key: Any) -> None:
        self.resets = 0
        self.changed: list[tuple[Any, int, int]] = []
        model.modelReset.connect(self._reset)
        model.dataChanged.connect(self._changed)
        self._key = key

    def _reset(self) -> None:
        self.resets += 1

    def _changed(self, top: QModelIndex, bottom: QModelIndex, _roles: Any = None) -> None:
        assert top.row() == bottom.row() and top.parent() == bottom.parent()
        self.changed.append((self._key(top), top.column(), bottom.column()))

    def rows(self) -> set[Any]:
        return {key for key, _a, _b in self.changed}


def reloads(view: Any) -> list[int]:
    counter: list[int] = []
    view.codings_reloaded.connect(lambda: counter.append(1))
    return counter


def code_name(window: Any, cid: int) -> str | None:
    with window.context.project.session() as s:
        return s.scalar(select(Code.name).where(Code.id == cid))


def test_coding_in_the_open_document_reloads_it_once_and_no_other(window: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    other = window.open_document(doc_id(window, "B-service-user"))
    window.tabs.setCurrentWidget(view)
    here, there = reloads(view), reloads(other)
    target = code_id(window, "Hybridity/Trading income/Farm shop")
    select_text(view, "the farm shop pays")
    assert window.coding.apply_code(target)
    assert len(here) == 1 and there == []
    (cid, doc, code, _s, _e, snippet, _m), = codings(window)
    assert (doc, code, snippet) == (view.document_id, target, "the farm shop pays")
    assert [sp.id for sp in view.spans] == [cid] and other.spans == []
    window.undo_action.trigger()
    assert codings(window) == [] and view.spans == []
    assert len(here) == 2 and there == []
    window.redo_action.trigger()
    assert len(codings(window)) == 1 and len(view.spans) == 1
    assert len(here) == 3 and there == []


def test_deleting_a_code_reloads_the_document_once(window: Any, qtbot: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    target = code_id(window, "Hybridity/Trading income/Café")
    keep = code_id(window, "Relational orientation/Trust")
    select_text(view, "The members wanted a café")
    assert window.coding.apply_code(target)
    select_text(view, "Word of mouth again.")
    assert window.coding.apply_code(keep)
    counter = reloads(view)
    panel = window.codebook_panel
    panel.select_code(target)
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)  # confirmed by the test's message stub
    assert code_name(window, target) is None
    assert [r[2] for r in codings(window)] == [keep]
    assert len(counter) == 1  # one command, one reload (not one per kind it touched)
    assert [sp.code_id for sp in view.spans] == [keep]


def test_a_renamed_code_updates_its_row_and_repaints_without_rereading(
        window: Any, qtbot: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    target = code_id(window, "Hybridity/Trading income/Farm shop")
    select_text(view, "the farm shop pays")
    assert window.coding.apply_code(target)
    model = window.codebook_panel.model
    seen = Recorder(model, model.code_id)
    counter = reloads(view)
    panel = window.codebook_panel
    panel.select_code(target)
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not panel.tree
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "Shop income")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: code_name(window, target) == "Shop income")
    qtbot.waitUntil(lambda: target in seen.rows())
    assert seen.resets == 0
    assert seen.rows() == {target}  # no sub-codes: one row, both columns
    assert (target, 0, 1) in seen.changed
    assert model.data(model.index_of(target)) == "Shop income"
    assert counter == []  # the codings did not move
    assert "Shop income" in view.coding_tooltip(view.spans)


def test_a_parent_renamed_updates_the_paths_below_it(window: Any) -> None:
    model = window.codebook_panel.model
    parent = code_id(window, "Hybridity/Trading income")
    below = {code_id(window, p) for p in ("Hybridity/Trading income/Café",
                                          "Hybridity/Trading income/Farm shop")}
    seen = Recorder(model, model.code_id)
    assert window.context.push(EditCode(parent, name="Earned income"))
    assert seen.resets == 0
    assert {parent} | below <= seen.rows()
    assert all(model.data(model.index_of(c), Qt.ItemDataRole.UserRole + 2)
               .startswith("Hybridity/Earned income/") for c in below)
    assert code_name(window, parent) == "Earned income"


def test_the_codebook_resets_only_when_its_shape_changes(window: Any) -> None:
    model = window.codebook_panel.model
    seen = Recorder(model, model.code_id)
    create = CreateCode("Volunteers", code_id(window, "Co-production"))
    assert window.context.push(create)
    assert create.id is not None and code_name(window, create.id) == "Volunteers"
    assert seen.resets == 1 and model.index_of(create.id).isValid()
    assert window.context.push(EditCode(create.id, color="#123456"))
    assert seen.resets == 1 and create.id in seen.rows()
    assert model.data(model.index_of(create.id), Qt.ItemDataRole.UserRole + 3) == "#123456"
    assert window.context.push(SetMemo("code", create.id, "Unpaid help"))
    assert seen.resets == 1
    assert window.context.push(DeleteCode(create.id))
    assert seen.resets == 2 and not model.index_of(create.id).isValid()
    assert code_name(window, create.id) is None
    window.undo_action.trigger()
    assert seen.resets == 3 and code_name(window, create.id) == "Volunteers"


def test_coding_counts_update_their_cells_and_ancestors_only(window: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    codes = window.codebook_panel.model
    code_seen = Recorder(codes, codes.code_id)
    cases = window.cases_panel.model

    def case_key(index: QModelIndex) -> Any:
        entry = cases.entry(index)
        return (cases.kind(index), entry.id if entry is not None else None)

    case_seen = Recorder(cases, case_key)
    cafe = code_id(window, "Hybridity/Trading income/Café")
    ancestors = {code_id(window, "Hybridity/Trading income"), code_id(window, "Hybridity")}
    select_text(view, "The members wanted a café")
    assert window.coding.apply_code(cafe)
    assert code_seen.resets == 0 and case_seen.resets == 0
    assert code_seen.rows() == {cafe} | ancestors
    assert all(first == last == 1 for _c, first, last in code_seen.changed)  # counts only
    assert codes.data(codes.index_of(cafe, 1)) == "1"
    assert codes.data(codes.index_of(code_id(window, "Hybridity"), 1)) == "0  (1)"
    doc = doc_id(window, "A-manager")
    case = cases.case_of(cases.index_of_document(doc))
    assert case is not None
    assert case_seen.rows() == {("document", doc), ("case", case.id)}
    assert cases.data(cases.index_of_document(doc).siblingAtColumn(1)) == "1"
    assert len(codings(window)) == 1


def test_a_document_memo_updates_its_row_and_the_header(window: Any) -> None:
    doc = doc_id(window, "A-manager")
    view = window.open_document(doc)
    counter = reloads(view)
    cases = window.cases_panel.model
    seen = Recorder(cases, lambda i: cases.entry(i).id if cases.entry(i) else None)
    assert window.context.push(SetMemo("document", doc, "Recorded at the café"))
    assert seen.resets == 0 and doc in seen.rows()
    assert "has a memo" in view.subtitle.text()
    assert counter == []
    with window.context.project.session() as s:
        from crosscase.services import documents

        assert documents.document_info(s, doc).memo == "Recorded at the café"
