"""``crosscase push`` and ``crosscase pull`` against a real PostgreSQL server."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from clirun import run
from sqlalchemy import func, select, update

from crosscase.db.models import Code, Coder, Coding, Event
from crosscase.db.project import open_project


@pytest.fixture
def study(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "study.crosscase"
    shutil.copy(demo_file, path)
    with open_project(path) as p, p.transaction() as s:  # GUIDs as a REFI-QDA load leaves them
        for cid in s.scalars(select(Code.id)):
            s.execute(update(Code).where(Code.id == cid).values(guid=f"code-{cid:04d}"))
    return path


def test_push_then_pull_on_the_command_line(study: Path, pg_url: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    password = urlsplit(pg_url).password
    assert password
    code, out, err = run(capsys, "push", str(study), pg_url, "--coder", "Ann")
    assert code == 0, err
    assert out.startswith("Copied study.crosscase to postgresql://postgres@")
    assert "codings" in out and password not in out + err
    code, out, err = run(capsys, "pull", pg_url, str(tmp_path / "copy"))
    assert code == 0, err
    assert (tmp_path / "copy.crosscase").is_file() and password not in out + err
    assert out.startswith("Copied postgresql://postgres@") and "copy.crosscase" in out
    with open_project(tmp_path / "copy.crosscase", readonly=True) as p, p.session() as s:
        n = s.scalar(select(func.count()).select_from(Coding))
    with open_project(study, readonly=True) as p, p.session() as s:
        assert s.scalar(select(func.count()).select_from(Coding)) == n


def test_pushing_a_copy_back_prints_the_merge_report_with_its_conflict(
        study: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "push", str(study), pg_url)[0] == 0
    copy = tmp_path / "offline.crosscase"
    assert run(capsys, "pull", pg_url, str(copy))[0] == 0
    # offline the code is renamed; on the server it keeps its name
    assert run(capsys, "code", str(copy), "1", "Relational orientation/Trust", "--start", "0",
               "--end", "20", "--coder", "Ben")[0] == 0
    with open_project(copy) as p, p.transaction() as s:
        s.execute(update(Code).where(Code.name == "Trust").values(name="Trust offline"))
    code, out, err = run(capsys, "push", str(copy), pg_url, "--coder", "Ann")
    assert code == 0, err
    assert out.startswith("Merged into postgresql://postgres@")
    assert "From offline.crosscase:" in out and "codings: 1 added" in out
    assert "Conflicts (1):" in out
    assert "a code renamed or moved" in out
    assert "kept 'Relational orientation/Trust'; offline.crosscase has " \
           "'Relational orientation/Trust offline'" in out
    with open_project(pg_url) as p, p.session() as s:
        assert s.scalar(select(func.count()).select_from(Code)
                        .where(Code.name == "Trust offline")) == 0
        assert s.scalar(select(Coder.id).where(Coder.name == "Ben")) is not None
        assert s.scalars(select(Event.coder).where(Event.action == "project.merge")).all() == [
            "Ann"]


def test_pull_onto_an_existing_file_is_one_line_and_leaves_it(
        study: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "push", str(study), pg_url)[0] == 0
    before = study.read_bytes()
    code, out, err = run(capsys, "pull", pg_url, str(study))
    assert code == 3 and out == ""
    assert err == "crosscase: study.crosscase: already exists; a pull writes a new project " \
                  "file, choose another name\n"
    assert study.read_bytes() == before


def test_arguments_the_wrong_way_round_are_usage_errors(
        study: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "push", pg_url, str(study))
    assert code == 2 and err.count("\n") == 1 and "URL" in err
    code, _, err = run(capsys, "pull", str(study), pg_url)
    assert code == 2 and err.count("\n") == 1 and "postgresql:// URL" in err
    assert not list(tmp_path.glob("*.part"))


def test_pull_of_an_empty_database_and_a_wrong_password_are_one_line(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "pull", pg_url, str(tmp_path / "x.crosscase"))
    assert code == 3 and "holds no Crosscase project" in err and err.count("\n") == 1
    parts = urlsplit(pg_url)
    wrong = pg_url.replace(f":{parts.password}@", ":not-the-password@")
    code, _, err = run(capsys, "pull", wrong, str(tmp_path / "x.crosscase"))
    assert code == 3 and "refused the password" in err and "not-the-password" not in err
    assert list(tmp_path.iterdir()) == []
