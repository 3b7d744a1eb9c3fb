"""Selections after emoji and other astral characters code exactly the selected characters."""

from __future__ import annotations

from typing import Any

from uihelpers import code_id, codings, doc_id, select_utf16


def test_selection_after_astral_characters(window: Any) -> None:
    view = window.open_document(doc_id(window, "B-service-user"))
    text = view.info.text
    assert "😀" in text and "𝒳" in text
    target = code_id(window, "Co-production/Self-managed relationships")
    cases = ["I run my own review meeting", "marks the plan", "😀😀 now", "𝒳", "treat 😀"]
    for wanted in cases:
        cp = text.index(wanted)
        # positions as Qt counts them: UTF-16 units of everything before
        u16 = len(text[:cp].encode("utf-16-le")) // 2
        select_utf16(view, u16, u16 + len(wanted.encode("utf-16-le")) // 2)
        assert view.editor.textCursor().selectedText() == wanted
        assert view.selection_span() == (cp, cp + len(wanted))
        assert window.coding.apply_code(target)
        row = codings(window)[-1]
        assert row[5] == wanted
        assert (row[3], row[4]) == (cp, cp + len(wanted))


def test_half_a_surrogate_pair_never_splits_a_character(window: Any) -> None:
    view = window.open_document(doc_id(window, "B-service-user"))
    text = view.info.text
    cp = text.index("😀")
    u16 = len(text[:cp].encode("utf-16-le")) // 2
    select_utf16(view, u16 + 1, u16 + 8)  # starts between the two halves of the emoji
    start, end = view.selection_span()
    assert start == cp  # widened to the whole character
    assert text[start:end].startswith("😀")


def test_jump_selects_the_stored_span(window: Any) -> None:
    view = window.open_document(doc_id(window, "B-service-user"))
    text = view.info.text
    cp = text.index("𝒳 marks")
    window.jump_to(view.document_id, cp, cp + 7)
    assert view.editor.textCursor().selectedText() == "𝒳 marks"
    assert view.selection_span() == (cp, cp + 7)
