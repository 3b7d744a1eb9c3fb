"""``crosscase case``, ``crosscase doc`` and ``crosscase log``, run in process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from clirun import run


@pytest.fixture
def study(demo_file: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "study.crosscase"
    shutil.copy(demo_file, dest)
    return dest




def docs(capsys: pytest.CaptureFixture[str], study: Path) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "docs", str(study), "--json")
    assert code == 0
    return list(json.loads(out))


def test_case_add_rename_delete(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "case", "add", str(study), "Case C") == (0, "added case Case C\n", "")
    assert run(capsys, "case", "rename", str(study), "Case C", "Case C: Riverside") == (
        0, "renamed case Case C to Case C: Riverside\n", "")
    in_a = sum(d["case"] == "Case A: Millbrook Works" for d in docs(capsys, study))
    code, out, _ = run(capsys, "case", "delete", str(study), "Case A: Millbrook Works")
    assert code == 0
    assert out.startswith(f"deleted case Case A: Millbrook Works with {in_a} documents and ")
    assert {d["case"] for d in docs(capsys, study)} == {"Case B: Tandem Circles"}


def test_doc_rename_move_delete(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = str(study)
    assert run(capsys, "doc", "rename", s, "A-staff-interview", "Staff, March")[0] == 0
    code, out, _ = run(capsys, "doc", "move", s, "Staff, March", "--case", "Case B: Tandem Circles")
    assert code == 0
    assert out.startswith("moved Staff, March from Case A: Millbrook Works to Case B: Tandem Circles")
    moved = next(d for d in docs(capsys, study) if d["name"] == "Staff, March")
    assert moved["case"] == "Case B: Tandem Circles"
    code, out, _ = run(capsys, "doc", "delete", s, "Staff, March")
    assert code == 0 and out.startswith("deleted Case B: Tandem Circles/Staff, March with ")
    assert all(d["name"] != "Staff, March" for d in docs(capsys, study))


@pytest.mark.parametrize(("args", "message"), [
    (("case", "rename", "{p}", "Case C"), "give the new name"),
    (("case", "delete", "{p}", "Nowhere"), "no case 'Nowhere'"),
    (("case", "add", "{p}", "Case B: Tandem Circles"), "there is already a case"),
    (("doc", "move", "{p}", "A-staff-interview"), "give the case to move it to"),
    (("doc", "move", "{p}", "A-staff-interview", "--case", "Nowhere"), "no case 'Nowhere'"),
    (("doc", "move", "{p}", "A-staff-interview", "--case", "Case A: Millbrook Works"),
     "is already in case"),
    (("doc", "delete", "{p}", "A-staff-interview", "extra"), "only rename takes NEW"),
    (("doc", "rename", "{p}", "A-staff-interview", "A-manager-interview"), "already has a document"),
])
def test_a_user_error_is_one_line_exit_2_and_changes_nothing(
    study: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str,
) -> None:
    before = study.read_bytes()
    code, out, err = run(capsys, *(a.format(p=study) for a in args))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1
    _, log, _ = run(capsys, "log", str(study))
    assert "Renamed" not in log and "Deleted" not in log and "Moved" not in log
    assert before  # the file is still there


def test_log_lists_changes_with_the_coder_and_as_json(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = str(study)
    run(capsys, "doc", "rename", s, "A-staff-interview", "Staff, March", "--coder", "Ann")
    code, out, _ = run(capsys, "log", s)
    assert code == 0
    last = out.splitlines()[-1]
    assert "  Ann  Renamed document 'A-staff-interview' to 'Staff, March'  [Staff, March]" in last
    code, out, _ = run(capsys, "log", s, "--json", "--coder", "Ann")
    (entry,) = json.loads(out)
    assert entry["action"] == "RenameDocument" and entry["coder"] == "Ann"
    assert entry["documents"][0]["name"] == "Staff, March"
    code, out, _ = run(capsys, "log", s, "--document", "Staff, March", "--json")
    assert code == 0 and json.loads(out)[0]["action"] == "document.import"
