"""Merging coders' copies: projects built on the command line, merged, every table checked."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from crosscase.cli.main import main
from crosscase.commands.codebook import EditCode
from crosscase.commands.framework import SetFrameworkCell
from crosscase.db.models import Base, Case, Code, Coder, Coding, Document, Event, FrameworkCell
from crosscase.db.project import open_project
from crosscase.domain.errors import ProjectOpenError
from crosscase.exchange.merge import merge_projects
from crosscase.services import codebook

TEXT_ONE = "Trust grows slowly.\nThe cafe pays for the bus.\nService users run the shop.\n"
TEXT_TWO = "Practitioners visit weekly.\nPeople choose their own support.\n"


def cli(*args: str) -> None:
    assert main(list(args)) == 0, args


def build_base(folder: Path) -> Path:
    base = folder / "base.crosscase"
    one = folder / "one.txt"
    one.write_text(TEXT_ONE, encoding="utf-8")
    cli("new", str(base), "--empty")
    for path in ("Relational/Trust", "Hybridity/Trading income", "Co-production"):
        cli("codebook", str(base), "--add", path, "--coder", "Ann")
    cli("import", str(base), str(one), "--case", "Millbrook", "-q", "--coder", "Ann")
    cli("code", str(base), "one", "Relational/Trust", "--quote", "Trust grows slowly.",
        "--coder", "Ann")
    with open_project(base) as p, p.transaction() as s:  # GUIDs as a REFI-QDA load leaves them
        for cid in s.scalars(select(Code.id)):
            s.execute(update(Code).where(Code.id == cid).values(guid=f"0000-{cid:04d}"))
    return base


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with open_project(path, readonly=True) as p, p.session() as s:
        return {name: sorted(map(tuple, s.execute(t.select()).all()), key=repr)
                for name, t in Base.metadata.tables.items() if name != "event"}


def codings(path: Path) -> list[tuple[str, str, str | None, int, int]]:
    with open_project(path, readonly=True) as p, p.session() as s:
        paths = {i: n.path for i, n in codebook.tree(s).items()}
        rows = s.execute(select(Document.name, Coding.code_id, Coder.name, Coding.start, Coding.end)
                         .join(Document, Document.id == Coding.document_id)
                         .outerjoin(Coder, Coder.id == Coding.coder_id)).all()
        return sorted((d, paths[c], who, a, b) for d, c, who, a, b in rows)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    base = build_base(tmp_path)
    other = tmp_path / "other.crosscase"
    shutil.copy(base, other)
    return base, other


def test_merge_two_coders_copies(pair: tuple[Path, Path], tmp_path: Path) -> None:
    base, other = pair
    two = tmp_path / "two.txt"
    two.write_text(TEXT_TWO, encoding="utf-8")
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    (renamed / "one-copy.txt").write_text(TEXT_ONE, encoding="utf-8")
    # Ann goes on coding in BASE
    cli("code", str(base), "one", "Hybridity/Trading income", "--quote", "The cafe pays for the bus.",
        "--coder", "Ann")
    # Ben codes his copy: the same passage as Ann, a new code, a new document
    cli("code", str(other), "one", "Relational/Trust", "--quote", "Trust grows slowly.",
        "--coder", "Ben")
    cli("codebook", str(other), "--add", "Co-production/Co-delivery", "--coder", "Ben")
    cli("code", str(other), "one", "Co-production/Co-delivery", "--quote",
        "Service users run the shop.", "--coder", "Ben")
    cli("import", str(other), str(two), "--case", "Tandem", "-q", "--coder", "Ben")
    cli("code", str(other), "two", "Co-production", "--quote", "People choose their own support.",
        "--coder", "Ben")
    # conflicts: a code renamed in OTHER, a code memo and a framework cell written on both sides
    for path, memo, summary in ((base, "Ann's note", "Strong"), (other, "Ben's note", "Weak")):
        with open_project(path) as p:
            p.coder_name = "Ann" if path == base else "Ben"
            with p.session() as s:
                trust = codebook.resolve(s, "Relational/Trust", codebook.tree(s))
                case = s.scalar(select(Case.id).where(Case.name == "Millbrook"))
                assert case is not None
            EditCode(trust, memo=memo).do(p)
            SetFrameworkCell(trust, case, summary=summary).do(p)
            if path == other:
                with p.session() as s:
                    hyb = codebook.resolve(s, "Hybridity", codebook.tree(s))
                EditCode(hyb, name="Hybrid organising").do(p)
    before_base, before_other = base.read_bytes(), other.read_bytes()
    out = tmp_path / "merged.crosscase"
    report = merge_projects(base, [other], out, coder="Ann")
    # the inputs are untouched; the new file is the owner's only
    assert base.read_bytes() == before_base and other.read_bytes() == before_other
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    assert codings(out) == sorted(set(codings(base)) | set(codings(other)))
    assert ("one", "Relational/Trust", "Ann", 0, 19) in codings(out)
    assert ("one", "Relational/Trust", "Ben", 0, 19) in codings(out)
    assert len(codings(out)) == 5  # Ann's first coding, in both files, is there once
    with open_project(out, readonly=True) as p, p.session() as s:
        assert sorted(s.scalars(select(Coder.name))) == ["Ann", "Ben"]
        assert sorted(s.scalars(select(Case.name))) == ["Millbrook", "Tandem"]
        assert sorted(s.scalars(select(Document.name))) == ["one", "two"]
        paths = sorted(n.path for n in codebook.tree(s).values())
        # BASE's name is kept for the renamed code
        assert "Hybridity/Trading income" in paths and "Hybrid organising" not in str(paths)
        assert "Co-production/Co-delivery" in paths
        trust = codebook.resolve(s, "Relational/Trust", codebook.tree(s))
        assert s.scalar(select(Code.memo).where(Code.id == trust)) == "Ann's note"
        assert s.scalars(select(FrameworkCell.summary)).all() == ["Strong"]
        assert s.scalars(select(Event.action).order_by(Event.id.desc())).first() == "project.merge"
    text = report.text()
    assert "From other.crosscase:" in text
    assert "codings: 3 added, 1 already there" in text
    assert "documents: 1 added, 1 already there" in text
    assert "'Hybridity'" in text and "'Hybrid organising'" in text
    assert "Ann's note" in text and "Ben's note" in text
    assert "'Strong'" in text and "'Weak'" in text
    assert len(report.conflicts) == 3

    # a third file: the same text under another name is the same document
    third = tmp_path / "third.crosscase"
    cli("new", str(third), "--empty")
    cli("codebook", str(third), "--add", "Relational/Trust", "--coder", "Cleo")
    cli("import", str(third), str(renamed / "one-copy.txt"), "--case", "Millbrook", "-q",
        "--coder", "Cleo")
    cli("code", str(third), "one-copy", "Relational/Trust", "--quote", "Trust grows slowly.",
        "--coder", "Cleo")
    out3 = tmp_path / "merged3.crosscase"
    report3 = merge_projects(base, [other, third], out3)
    assert ("one", "Relational/Trust", "Cleo", 0, 19) in codings(out3)
    assert len(codings(out3)) == 6
    assert "'one-copy' has the same text as 'one'" in report3.text()


def test_merge_refuses_an_existing_target(pair: tuple[Path, Path], tmp_path: Path) -> None:
    base, other = pair
    with pytest.raises(ProjectOpenError):
        merge_projects(base, [other], other)
    assert main(["merge", str(base), str(other), "--out", str(base)]) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_merge_on_the_command_line(pair: tuple[Path, Path], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    base, other = pair
    cli("code", str(other), "one", "Co-production", "--quote", "Service users run the shop.",
        "--coder", "Ben")
    capsys.readouterr()
    out = tmp_path / "m.crosscase"
    assert main(["merge", str(base), str(other), "--out", str(out), "--coder", "Ann"]) == 0
    printed = capsys.readouterr().out
    assert "From other.crosscase:" in printed and "No conflicts." in printed
    assert ("one", "Co-production", "Ben", 47, 74) in codings(out)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spans=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20),
                                st.sampled_from(["Ann", "Ben"]),
                                st.sampled_from(["Relational/Trust", "Co-production"])),
                      max_size=6))
def test_merging_a_project_with_itself_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory, spans: list[tuple[int, int, str, str]]
) -> None:
    folder = tmp_path_factory.mktemp("self")
    base = build_base(folder)
    for start, length, who, code in spans:
        cli("code", str(base), "one", code, "--start", str(start), "--end",
            str(min(start + length, len(TEXT_ONE))), "--coder", who)
    copy = folder / "copy.crosscase"
    shutil.copy(base, copy)
    out = folder / "self.crosscase"
    report = merge_projects(base, [copy], out)
    assert tables(out) == tables(base)
    assert report.conflicts == []
    assert not any(report.sources[0].added.values())
