"""Team coding on the command line, in process: ``--coder``, ``coders``, ``sample``,
coder filters and blind coding while a round is open."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from clirun import run
from sqlalchemy import select

from crosscase.db.models import Coder, Coding, Event, FrameworkCell, ReliabilityRound
from crosscase.db.project import open_project
from crosscase.services import coders as coder_service
from crosscase.services import rounds

DOC = "A-service-users-interview"
CODE = "Relational orientation/Trust"


@pytest.fixture
def study(demo_file: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "study.crosscase"
    shutil.copy(demo_file, dest)
    return dest




def db(path: Path):  # type: ignore[no-untyped-def]
    return open_project(path, readonly=True)


def test_coders_lists_and_adds(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "coders", str(study), "--json")
    assert code == 0
    before = json.loads(out)
    by_name = {c["name"]: c for c in before}
    assert by_name["tester"]["codings"] > 0 and "Anna" not in by_name
    code, out, _ = run(capsys, "coders", str(study), "--add", "Anna")
    assert (code, out) == (0, "added coder Anna\n")
    assert run(capsys, "coders", str(study), "--add", "Anna")[0] == 2  # already there
    with db(study) as p, p.session() as s:
        assert set(s.scalars(select(Coder.name))) == set(by_name) | {"Anna"}
        assert s.scalar(select(Event.action).order_by(Event.id.desc())) == "coder.add"
    code, out, _ = run(capsys, "coders", str(study))
    assert "Anna: 0 coding(s) in 0 document(s)" in out and out.endswith("you are tester\n")


def test_coder_option_records_and_is_remembered(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, _ = run(capsys, "code", str(study), DOC, CODE, "--start", "0", "--end", "50",
                     "--coder", "Anna")
    assert code == 0
    with db(study) as p, p.session() as s:
        row = s.execute(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
                        .order_by(Coding.id.desc()).limit(1)).scalar_one()
        assert row == "Anna"
        assert s.scalar(select(Event.coder).order_by(Event.id.desc())) == "Anna"
    assert coder_service.remembered() == "Anna"
    # without --coder and without CROSSCASE_CODER, the machine's last coder codes
    monkeypatch.delenv("CROSSCASE_CODER")
    assert run(capsys, "code", str(study), DOC, CODE, "--start", "60", "--end", "90")[0] == 0
    with db(study) as p, p.session() as s:
        last = s.execute(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
                         .order_by(Coding.id.desc()).limit(1)).scalar_one()
        assert last == "Anna"
    # the same span coded by another coder is theirs, not a repeat
    code, out, _ = run(capsys, "code", str(study), DOC, CODE, "--start", "0", "--end", "50",
                       "--coder", "Ben", "--json")
    assert code == 0 and json.loads(out)[0]["coder"] == "Ben"


def test_every_changing_command_takes_coder() -> None:
    from crosscase.cli.common import CHANGING_COMMANDS
    from crosscase.cli.main import build_parser

    for name in sorted(CHANGING_COMMANDS):
        parser = build_parser(name)
        sub = next(a for a in parser._actions if a.dest == "command")
        p = sub.choices[name]  # type: ignore[attr-defined]
        assert any("--coder" in a.option_strings for a in p._actions), name


def test_segments_and_matrix_filter_by_coder(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "code", str(study), DOC, CODE, "--start", "0", "--end", "50", "--coder", "Ben")
    code, out, _ = run(capsys, "segments", str(study), "--coder", "Ben", "--json")
    segs = json.loads(out)
    assert code == 0 and len(segs) == 1 and segs[0]["coder"] == "Ben"
    code, out, _ = run(capsys, "segments", str(study), "--coder", "tester", "--json")
    assert code == 0 and segs[0]["id"] not in {s["id"] for s in json.loads(out)}
    assert {s["coder"] for s in json.loads(out)} == {"tester"}
    code, out, _ = run(capsys, "matrix", str(study), "--coder", "Ben", "--format", "json")
    m = json.loads(out)
    assert code == 0 and sum(map(sum, m["values"])) == 1
    # the Word and Excel tables count the same codings
    out_x = study.with_name("ben.xlsx")
    code, _, _ = run(capsys, "matrix", str(study), "--coder", "Ben", "--format", "xlsx",
                     "--out", str(out_x))
    import openpyxl

    sheet = openpyxl.load_workbook(out_x).worksheets[0]
    counts = [c for row in sheet.iter_rows(min_row=2, min_col=3, values_only=True) for c in row
              if isinstance(c, (int, float))]  # the case columns (after code and level)
    assert code == 0 and sum(counts) == 1
    code, _, _ = run(capsys, "matrix", str(study), "--coder", "Ben", "--format", "docx",
                     "--out", str(study.with_name("ben.docx")))
    assert code == 0 and study.with_name("ben.docx").stat().st_size > 0
    code, _, err = run(capsys, "segments", str(study), "--coder", "Nobody")
    assert code == 2 and "no coder 'Nobody'" in err


def test_sample_is_stratified_and_reproducible(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sample", str(study), "--share", "0.2", "--by", "case",
                       "--seed", "7", "--name", "round1", "--coders", "Anna", "Ben", "--json")
    assert code == 0
    first = json.loads(out)
    assert first["open"] and first["coders"] == ["Anna", "Ben"]
    cases_ = {name.split("/")[0] for name in first["document_names"]}
    assert cases_ == {"Case A: Millbrook Works", "Case B: Tandem Circles"}  # each case its share
    with db(study) as p, p.session() as s:
        again = rounds.sample_documents(s, share=0.2, seed=7)
        other = [rounds.sample_documents(s, share=0.2, seed=n) for n in range(8)]
        r = s.scalar(select(ReliabilityRound).where(ReliabilityRound.name == "round1"))
        assert r is not None and r.seed == 7 and r.closed is None
    assert again == first["documents"]
    assert len({tuple(o) for o in other}) > 1  # the seed decides
    code, _, err = run(capsys, "sample", str(study), "--name", "round1", "--seed", "1")
    assert code == 2 and "already a reliability round 'round1'" in err
    code, _, err = run(capsys, "sample", str(study), "--name", "r2", "--share", "0")
    assert code == 2 and "share" in err


def test_share_rounds_up_to_one_per_case() -> None:
    items = [(1, 1), (2, 1), (3, 1), (4, 2), (5, 3), (6, 3), (7, 3), (8, 3), (9, 3), (10, 3)]
    picked = rounds.draw(items, 0.2, 3, stratified=True)
    by_case = {c: sum(1 for i, cc in items if cc == c and i in picked) for c in (1, 2, 3)}
    assert by_case == {1: 1, 2: 1, 3: 1}
    assert rounds.draw(items, 0.2, 3, stratified=True) == picked
    assert len(rounds.draw(items, 0.5, 3, stratified=False)) == 5


def test_blind_while_open_then_agreement_on_close(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CROSSCASE_CODER")  # who views: this machine's last coder
    s_ = str(study)
    run(capsys, "sample", s_, "--share", "0.2", "--seed", "7", "--name", "round1",
        "--coders", "Anna", "Ben")
    with db(study) as p, p.session() as s:
        docs = rounds.find(s, "round1").documents
    code, out, _ = run(capsys, "docs", s_, "--json")
    name = {d["id"]: d["name"] for d in json.loads(out)}[docs[0]]
    for who, start in (("Anna", "0"), ("Ben", "5")):
        assert run(capsys, "code", s_, name, CODE, "--start", start, "--end", "80",
                   "--coder", who)[0] == 0
    # Anna sees only her own codings in the round's documents, everyone's elsewhere
    run(capsys, "coders", s_, "--coder", "Anna")
    code, out, _ = run(capsys, "segments", s_, "--json", "--every-coding")
    seen = json.loads(out)
    assert {x["coder"] for x in seen if x["document"] == name} == {"Anna"}
    assert "tester" in {x["coder"] for x in seen}  # outside the round
    # the lead, not in the round, sees both
    code, out, _ = run(capsys, "segments", s_, "--json", "--every-coding", "--coder", "Anna", "Ben")
    assert {x["coder"] for x in json.loads(out)} == {"Anna"}  # still Anna on this machine
    code, out, _ = run(capsys, "coders", s_, "--coder", "tester")
    code, out, _ = run(capsys, "segments", s_, "--json", "--every-coding", "--coder", "Anna", "Ben")
    assert {x["coder"] for x in json.loads(out)} == {"Anna", "Ben"}
    # closing prints the agreement of the round's coders over its documents
    code, out, _ = run(capsys, "sample", s_, "--close", "round1", "--bootstrap", "20")
    assert code == 0
    assert out.startswith("closed round round1")
    assert "Agreement of Anna, Ben: 1 code(s), 2 document(s)" in out
    assert CODE in out
    with db(study) as p, p.session() as s:
        assert s.scalar(select(ReliabilityRound.closed)) is not None
        assert rounds.blind_for(s, "Anna").documents == frozenset()
    code, _, err = run(capsys, "sample", s_, "--close", "round1")
    assert code == 2 and "closed already" in err


def test_framework_cell_records_its_coder(study: Path) -> None:
    from crosscase.commands.framework import SetFrameworkCell

    with open_project(study) as p:
        p.coder_name = "Anna"
        with p.session() as s:
            cell = s.scalars(select(FrameworkCell)).first()
            assert cell is not None
            code_id, case_id, before = cell.code_id, cell.case_id, cell.coder_id
        cmd = SetFrameworkCell(code_id, case_id, summary="Anna's reading")
        cmd.do(p)
        with p.session() as s:
            anna = s.scalar(select(Coder.id).where(Coder.name == "Anna"))
            assert s.scalar(select(FrameworkCell.coder_id).where(
                FrameworkCell.code_id == code_id, FrameworkCell.case_id == case_id)) == anna
        cmd.undo(p)
        with p.session() as s:
            assert s.scalar(select(FrameworkCell.coder_id).where(
                FrameworkCell.code_id == code_id, FrameworkCell.case_id == case_id)) == before
