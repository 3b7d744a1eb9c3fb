"""The code margin beside a document: solid bars in the code's colour, each with its name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from uihelpers import code_id, codings, doc_id, select_text


def coded(window: Any, view: Any, text: str, code: str) -> int:
    select_text(view, text)
    assert window.coding.apply_code(code_id(window, code))
    return max(r[0] for r in codings(window))


def painted(view: Any) -> Any:
    margin = view.margin
    margin.grab()  # paints it, as the screen would
    return margin


def test_stripes_are_named_bars_in_lanes(window: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    whole = coded(window, view, view.editor.toPlainText().strip(), "Relational orientation/Trust")
    cafe = coded(window, view, "The members wanted a café", "Hybridity/Trading income/Café")
    again = coded(window, view, "Word of mouth again.", "Co-production/Co-delivery")
    margin = painted(view)

    # a margin wide enough for names, not so wide that it crowds the text
    assert 140 <= margin.width() <= 190
    names = {cid: (text, along) for cid, text, along in margin.shown_labels}
    # the whole interview: the name runs along its long bar; short codings are named beside them
    assert names[whole] == ("Trust", True)
    assert names[cafe] == ("Café", False)
    assert names[again] == ("Co-delivery", False)
    # overlapping codings sit side by side
    lanes = {sp.id: sp.lane for sp in view.spans}
    assert lanes[whole] != lanes[cafe]
    x_whole = min(r.left() for r in margin.hit_rects(whole))
    x_cafe = min(r.left() for r in margin.hit_rects(cafe))
    assert x_cafe - x_whole >= margin.BAR + margin.text_h


def test_long_names_are_elided_or_wrapped_never_cut_to_a_stub(window: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    cid = coded(window, view, "Word of mouth brought people in.",
                "Relational orientation/Advocacy and word of mouth")
    margin = painted(view)
    (text,) = [t for c, t, _along in margin.shown_labels if c == cid]
    shown = text.replace("\n", " ").rstrip("…")
    assert len(shown) >= 12 and "Advocacy and word of mouth".startswith(shown)


def test_clicking_a_bar_or_its_name_selects_the_coding(window: Any, qtbot: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    cid = coded(window, view, "the farm shop pays", "Hybridity/Trading income/Farm shop")
    view.select_coding(None)
    margin = painted(view)
    bar, label = margin.hit_rects(cid)[:2]
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=bar.center())
    assert view.selected_coding == cid
    assert view.editor.textCursor().selectedText() == "the farm shop pays"
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=QPoint(margin.width() - 2, 2))
    assert view.selected_coding is None
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=label.center())
    assert view.selected_coding == cid


def test_hovering_a_bar_names_its_code_and_memo(window: Any) -> None:
    view = window.open_document(doc_id(window, "A-manager"))
    cid = coded(window, view, "the farm shop pays", "Hybridity/Trading income/Farm shop")
    from crosscase.commands.memo import SetMemo

    assert window.context.push(SetMemo("coding", cid, "Pays for the minibus: trading for the mission."))
    assert codings(window)[-1][6] == "Pays for the minibus: trading for the mission."
    margin = painted(view)
    pos = margin.hit_rects(cid)[0].center()
    QApplication.sendEvent(margin, QHelpEvent(QEvent.Type.ToolTip, pos, margin.mapToGlobal(pos)))
    tip = QToolTip.text()
    assert "Farm shop" in tip and "minibus" in tip
    QToolTip.hideText()


def test_code_names_are_readable_in_both_palettes() -> None:
    from crosscase.ui import theme

    for background in ("#f3f3f1", "#1f2125"):
        bg = QColor(background)
        for colour in ("#F8CF98", "#9AD5B0", "#BCA3DE", "#1F4E8C", "#4E2C7D", "#8c8c8c"):
            text = theme.readable_on(QColor(colour), bg, 6.0)
            assert theme.contrast(text, bg) >= 6.0, (colour, background)


def test_a_definition_shows_whole_without_scrolling(window: Any) -> None:
    from crosscase.commands.codebook import EditCode

    cid = code_id(window, "Innovation/Barriers")
    long = " ".join(["What stops new ideas: money, rules, habits and time."] * 6)
    assert window.context.push(EditCode(cid, definition=long, example="Short."))
    window.codebook_panel.select_code(cid)
    QApplication.processEvents()
    fields = window.details.fields
    assert fields["definition"].toPlainText() == long
    assert fields["definition"].height() > fields["example"].height()
    assert fields["definition"].verticalScrollBar().maximum() == 0
