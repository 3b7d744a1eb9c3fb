"""Framework cells: summary, rating and pinned quotes, all undoable."""

from __future__ import annotations

from typing import Any

import pytest

from crosscase.analysis.matrix import cell_coding_ids
from crosscase.commands.base import History
from crosscase.commands.framework import PinQuote, SetFrameworkCell, SetRatingScale, UnpinQuote
from crosscase.domain.errors import NotFound, UsageError
from crosscase.services import framework


def _cell(project: Any, code: int, case: int) -> framework.CellView:
    with project.session() as s:
        return framework.cell(s, code, case)


def test_summary_and_rating_with_undo_redo(study: Any) -> None:
    project, st = study
    code, case = st.codes["Hybridity/Mission drift"], st.cases["Case A"]
    h = History(project)
    seen: list[str] = []
    project.subscribe(lambda change: seen.extend(kind.value for kind in change.kinds))
    h.push(SetFrameworkCell(code, case, summary="Trading pulls against the mission.",
                            rating="Strong"))
    c = _cell(project, code, case)
    assert (c.summary, c.rating) == ("Trading pulls against the mission.", "strong")
    assert "framework" in seen
    h.push(SetFrameworkCell(code, case, rating="moderate"))
    assert _cell(project, code, case).rating == "moderate"
    assert _cell(project, code, case).summary == "Trading pulls against the mission."
    h.undo()
    assert _cell(project, code, case).rating == "strong"
    h.undo()
    assert _cell(project, code, case).cell_id is None  # the cell did not exist before
    h.redo()
    c = _cell(project, code, case)
    assert (c.summary, c.rating) == ("Trading pulls against the mission.", "strong")
    h.redo()
    assert _cell(project, code, case).rating == "moderate"
    h.push(SetFrameworkCell(code, case, rating=None))
    assert _cell(project, code, case).rating is None


def test_rating_must_be_on_the_scale(study: Any) -> None:
    project, st = study
    with pytest.raises(UsageError, match="not on the scale"):
        SetFrameworkCell(st.codes["Relational"], st.cases["Case A"], rating="huge").do(project)
    with pytest.raises(NotFound):
        SetFrameworkCell(99999, st.cases["Case A"], summary="x").do(project)
    with pytest.raises(UsageError):
        SetFrameworkCell(st.codes["Relational"], st.cases["Case A"])


def test_pin_and_unpin_with_undo_redo(study: Any) -> None:
    project, st = study
    code, case = st.codes["Hybridity/Trading income"], st.cases["Case A"]
    ids = cell_coding_ids(project, code, case, rollup=True)
    assert len(ids) >= 3
    h = History(project)
    h.push(PinQuote(code, case, ids[0]))
    h.push(PinQuote(code, case, ids[1]))
    h.push(PinQuote(code, case, ids[2], position=0))
    assert _cell(project, code, case).pins == [ids[2], ids[0], ids[1]]
    with pytest.raises(UsageError, match="already pinned"):
        PinQuote(code, case, ids[0]).do(project)
    h.push(UnpinQuote(code, case, ids[0]))
    assert _cell(project, code, case).pins == [ids[2], ids[1]]
    h.undo()
    assert _cell(project, code, case).pins == [ids[2], ids[0], ids[1]]
    h.undo()
    h.undo()
    assert _cell(project, code, case).pins == [ids[0]]
    h.undo()
    assert _cell(project, code, case).cell_id is None  # pinning had created the cell
    h.redo()
    h.redo()
    assert _cell(project, code, case).pins == [ids[0], ids[1]]
    with project.session() as s:
        segs = framework.pinned_segments(s, code, case)
    assert [x.id for x in segs] == [ids[0], ids[1]]
    assert segs[0].citation().startswith("(Case A")


def test_pins_are_checked(study: Any) -> None:
    project, st = study
    code = st.codes["Hybridity/Trading income"]
    in_a = cell_coding_ids(project, code, st.cases["Case A"])[0]
    with pytest.raises(UsageError, match="own case"):
        PinQuote(code, st.cases["Case B"], in_a).do(project)
    with pytest.raises(UsageError, match="its code"):
        PinQuote(st.codes["Relational"], st.cases["Case A"], in_a).do(project)
    # a sub-code's quote may be pinned to the parent (the rolled-up cell)
    PinQuote(st.codes["Hybridity"], st.cases["Case A"], in_a).do(project)
    with pytest.raises(UsageError, match="not pinned"):
        UnpinQuote(code, st.cases["Case A"], in_a).do(project)
    with pytest.raises(NotFound):
        PinQuote(code, st.cases["Case A"], 999999).do(project)


def test_rating_scale(study: Any) -> None:
    project, st = study
    with project.session() as s:
        assert framework.rating_scale(s) == ["absent", "weak", "moderate", "strong"]
    code, case = st.codes["Relational"], st.cases["Case B"]
    h = History(project)
    h.push(SetFrameworkCell(code, case, rating="weak"))
    with pytest.raises(UsageError, match="weak"):
        SetRatingScale(["none", "some", "much"]).do(project)
    h.push(SetRatingScale(["none", "some", "much"], rename={"weak": "some"}))
    with project.session() as s:
        assert framework.rating_scale(s) == ["none", "some", "much"]
    assert _cell(project, code, case).rating == "some"
    h.push(SetFrameworkCell(code, case, rating="MUCH"))
    assert _cell(project, code, case).rating == "much"
    h.undo()
    h.undo()
    with project.session() as s:
        assert framework.rating_scale(s) == ["absent", "weak", "moderate", "strong"]
    assert _cell(project, code, case).rating == "weak"
    h.redo()
    assert _cell(project, code, case).rating == "some"
    with pytest.raises(UsageError):
        SetRatingScale(["a", "A"])
    with pytest.raises(UsageError):
        SetRatingScale([])


def test_cells_survive_in_the_file(study: Any, tmp_path: Any) -> None:
    project, st = study
    code, case = st.codes["Co-production"], st.cases["Case A"]
    SetFrameworkCell(code, case, summary="Members shape the work.", rating="strong").do(project)
    from pgfixtures import reopenable

    from crosscase.db.project import open_project

    path = reopenable(project)
    project.close()

    with open_project(path) as again, again.session() as s:
        views = framework.cells(s)
        assert views[(code, case)].summary == "Members shape the work."
