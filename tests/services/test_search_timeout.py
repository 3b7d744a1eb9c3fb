"""A search stops with a clear line instead of running for minutes on a pattern
that backtracks without end."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscase.cli.main import main
from crosscase.services import search
from crosscase.services.projects import new_project


@pytest.fixture()
def project_with_as(tmp_path: Path) -> Path:
    from crosscase.services import documents

    path = tmp_path / "p.crosscase"
    src = tmp_path / "runaway.txt"
    src.write_text("a" * 40 + "\nThe café 𝒳 and the farm shop.\n", encoding="utf-8")
    with new_project(path) as project:
        documents.import_files(project, [src], case="Case A")
    return path


def test_a_runaway_pattern_is_stopped_with_a_clear_reason(project_with_as: Path) -> None:
    from crosscase.db.project import open_project

    with open_project(project_with_as) as project, project.session() as s:
        # (a|aa)+b backtracks exponentially on a line of a's
        pattern = search.compile_pattern("(a|aa)+b")
        with pytest.raises(search.SearchTooSlow) as err:
            search.search(s, pattern, seconds=0.5)
        message = str(err.value)
        assert "(a|aa)+b" in message and "runaway" in message and "simplify" in message


def test_nested_repeats_that_re_backtracks_on_finish_at_once(project_with_as: Path) -> None:
    from crosscase.db.project import open_project

    with open_project(project_with_as) as project, project.session() as s:
        hits = search.search(s, search.compile_pattern("(a+)+b"), seconds=5)
        assert hits == []
        hits = search.search(s, search.compile_pattern("caf(é|e) 𝒳"), seconds=5)
        assert [h.text for h in hits] == ["café 𝒳"]


def test_autocode_stops_a_runaway_pattern_with_one_line(
    project_with_as: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SEARCH_SECONDS", 0.5)
    code = main(["autocode", str(project_with_as), "Co-production", "--pattern", "(a|aa)+b"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "took more than" in err and "Error" not in err and "Traceback" not in err
