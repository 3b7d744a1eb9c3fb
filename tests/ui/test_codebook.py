"""Managing the codebook from the tree: create, rename, recolour, define, move, merge, delete."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, Qt
from sqlalchemy import select
from uihelpers import code_id, codings, doc_id, select_text

from crosscase.db.models import Code
from crosscase.ui.models.codebook_model import CODE_MIME


def code_row(window: Any, cid: int) -> Any:
    with window.context.project.session() as s:
        return s.execute(select(Code.name, Code.parent_id, Code.color, Code.definition,
                                Code.position).where(Code.id == cid)).first()


def test_create_rename_recolour(window: Any, monkeypatch: Any, qtbot: Any) -> None:
    from crosscase.ui import messages

    panel = window.codebook_panel
    monkeypatch.setattr(messages, "ask_text", lambda *_a, **_k: "Volunteers")
    parent = code_id(window, "Co-production")
    panel.select_code(parent)
    panel.new_subcode()
    new = code_id(window, "Co-production/Volunteers")
    assert code_row(window, new)[1] == parent
    assert panel.current_code() == new

    model = panel.model
    assert model.setData(model.index_of(new), "Volunteer roles")
    qtbot.waitUntil(lambda: code_row(window, new)[0] == "Volunteer roles")
    monkeypatch.setattr(messages, "ask_color", lambda *_a: "#123456")
    panel.recolour()
    assert code_row(window, new)[2] == "#123456"
    window.undo_action.trigger()
    assert code_row(window, new)[2] != "#123456"
    window.undo_action.trigger()
    assert code_row(window, new)[0] == "Volunteers"


def test_definition_edited_in_the_side_panel(window: Any, qtbot: Any) -> None:
    cid = code_id(window, "Innovation/Barriers")
    window.codebook_panel.select_code(cid)
    details = window.details
    assert details.code_id == cid
    field = details.fields["definition"]
    field.selectAll()
    qtbot.keyClicks(field, "What stops new ideas.")
    # leaving the field commits it (another code chosen here)
    window.codebook_panel.select_code(code_id(window, "Innovation/Enablers"))
    qtbot.waitUntil(lambda: code_row(window, cid)[3] == "What stops new ideas.")
    window.undo_action.trigger()
    assert code_row(window, cid)[3] != "What stops new ideas."


def test_drag_to_reparent_and_reorder(window: Any, qtbot: Any) -> None:
    model = window.codebook_panel.model
    barriers = code_id(window, "Innovation/Barriers")
    hybridity = code_id(window, "Hybridity")
    mime = QMimeData()
    mime.setData(CODE_MIME, QByteArray(json.dumps([barriers]).encode()))
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, model.index_of(hybridity))
    qtbot.waitUntil(lambda: code_row(window, barriers)[1] == hybridity)
    assert model.nodes[hybridity].children[0] == barriers
    assert model.nodes[barriers].path == "Hybridity/Barriers"
    # a code cannot go under its own sub-code
    sub = model.nodes[hybridity].children[1]
    mime2 = QMimeData()
    mime2.setData(CODE_MIME, QByteArray(json.dumps([hybridity]).encode()))
    assert not model.canDropMimeData(mime2, Qt.DropAction.MoveAction, -1, -1, model.index_of(sub))
    window.undo_action.trigger()
    assert code_row(window, barriers)[1] == code_id(window, "Innovation")


def test_merge_and_delete_with_confirmation(window: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    source = code_id(window, "Innovation/Social innovation")
    target = code_id(window, "Innovation/Service innovation")
    select_text(view, "The members wanted a café")
    window.coding.apply_code(source)
    panel = window.codebook_panel
    assert panel.merge_into(source, target)
    assert code_row(window, source) is None
    assert [r[2] for r in codings(window)] == [target]
    assert [s.code_id for s in view.spans] == [target]
    window.undo_action.trigger()
    assert code_row(window, source) is not None
    assert [r[2] for r in codings(window)] == [source]

    panel.select_code(source)
    panel.delete_code()
    assert code_row(window, source) is None
    assert codings(window) == []
    window.undo_action.trigger()
    assert [r[2] for r in codings(window)] == [source]


def test_filter_and_live_counts(window: Any) -> None:
    panel = window.codebook_panel
    panel.filter.setText("mission drift")
    proxy = panel.proxy
    shown = []

    def walk(parent: Any) -> None:
        for r in range(proxy.rowCount(parent)):
            idx = proxy.index(r, 0, parent)
            shown.append(idx.data())
            walk(idx)

    walk(proxy.index(-1, -1))
    assert "Tensions and mission drift" in shown and "Co-production" not in shown
    panel.filter.clear()
    view = window.open_document(doc_id(window, "A-manager"))
    cid = code_id(window, "Outcomes/Wellbeing")
    select_text(view, "Word of mouth")
    window.coding.apply_code(cid)
    idx = panel.model.index_of(cid, 1)
    assert idx.data() == "1"
    parent = panel.model.index_of(code_id(window, "Outcomes"), 1)
    assert "(1)" in parent.data()
