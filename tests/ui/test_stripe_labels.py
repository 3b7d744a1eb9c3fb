"""Every stripe of overlapping codings keeps its name, and a memo's mark on a stripe shows."""

from __future__ import annotations

from typing import Any

import pytest
from uihelpers import code_id, codings, doc_id, select_text

THREE = [
    ("Trading income from the farm shop pays for the minibus.", "Hybridity/Trading income"),
    ("Trading income from the farm shop", "Co-production/Co-delivery"),
    ("the farm shop pays for the minibus", "Relational orientation/Trust"),
]


def coded(window: Any, view: Any, text: str, code: str) -> int:
    select_text(view, text)
    assert window.coding.apply_code(code_id(window, code))
    return max(r[0] for r in codings(window))


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 0, 2)])
def test_three_overlapping_codings_are_all_named(window: Any, order: tuple[int, ...]) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    ids = [coded(window, view, *THREE[i]) for i in order]
    margin = view.margin
    margin.grab()
    names = {cid: text for cid, text, _along in margin.shown_labels}
    assert set(ids) <= set(names), margin.shown_labels
    # whole names, not stubs: each one says which code its stripe is
    assert sorted(names[i] for i in ids) == ["Co-delivery", "Trading income", "Trust"]


def test_a_memo_on_a_coding_shows_as_a_clear_mark_on_its_stripe(window: Any) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor

    from crosscase.commands.memo import SetMemo

    view = window.open_document(doc_id(window, "A-manager"))
    cid = coded(window, view, "Word of mouth brought people in.", "Relational orientation/Trust")
    assert window.context.push(SetMemo("coding", cid, "compare with Tandem"))
    image = view.margin.grab().toImage()
    marks = dict(view.margin.memo_marks)
    assert cid in marks
    mark = marks[cid]
    # big enough to see beside a line of text, and drawn as a ring: light inside, dark edge
    assert mark.width() >= 10 and mark.width() >= view.margin.text_h * 0.7
    centre = mark.center()
    ring_inside = QPoint(round(centre.x() + mark.width() * 0.3), round(centre.y()))
    base = view.margin.palette().color(view.margin.palette().ColorRole.Base)
    inside = QColor(image.pixel(ring_inside))
    assert abs(inside.lightness() - base.lightness()) < 60
    dark = QColor(image.pixel(QPoint(round(centre.x()), round(centre.y()))))
    assert abs(dark.lightness() - base.lightness()) > 100
