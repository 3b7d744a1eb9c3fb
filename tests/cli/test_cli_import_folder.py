"""A mixed folder of good and bad files: the good ones in, each bad one named, exit 1."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from fpdf import FPDF

from crosscase.cli.main import main
from crosscase.db.project import integrity_ok, open_project
from crosscase.services import documents

Run = Callable[..., SimpleNamespace]


@pytest.fixture
def cc(capsys: pytest.CaptureFixture[str]) -> Run:
    """``crosscase ARGS...`` in process, with its exit code and captured output."""

    def run(*args: str) -> SimpleNamespace:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "unexpected error" not in err
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run


def _folder(tmp_path: Path) -> Path:
    d = tmp_path / "case-a"
    d.mkdir()
    (d / "manager.txt").write_text("Interviewer: Why the café? 😀\nManager: Income.\n", encoding="utf-8")
    w = docx.Document()
    w.add_paragraph("Interviewer: And the farm shop?")
    w.add_paragraph("P2: We run the till 𝒳.")
    w.save(str(d / "staff.docx"))
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Annual report: trading income rose.")
    pdf.output(str(d / "report.pdf"))
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (d / "empty.txt").write_bytes(b"")
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("word/document.xml", "<w:document/>" * 100)
    (d / "truncated.docx").write_bytes(good.getvalue()[:60])
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    return d


def test_mixed_folder(tmp_path: Path, cc: Run) -> None:
    project = tmp_path / "p.crosscase"
    assert cc("new", str(project)).returncode == 0
    r = cc("import", str(project), str(_folder(tmp_path)), "--case", "Case A")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    bad = {line.split(":", 1)[0] for line in r.stderr.strip().splitlines()}
    assert bad == {"old.doc", "empty.txt", "truncated.docx", "photo.jpg"}
    assert "save it as .docx" in r.stderr
    docs = json.loads(cc("docs", str(project), "--json").stdout)
    assert sorted((d["name"], d["format"]) for d in docs) == [
        ("manager", "txt"), ("report", "pdf"), ("staff", "docx")]
    assert integrity_ok(project)
    with open_project(project) as p, p.session() as s:
        text = documents.text_of(s, documents.resolve(s, "staff"))
    assert text == "Interviewer: And the farm shop?\nP2: We run the till 𝒳."


def test_contrast_lists_codes_in_one_case_only(tmp_path: Path, cc: Run) -> None:
    project = tmp_path / "c.crosscase"
    assert cc("new", str(project)).returncode == 0
    a = tmp_path / "a.txt"
    a.write_text("Manager: The café pays for the day service.\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Member: I run my own review with the social worker.\n", encoding="utf-8")
    for args in (
        ("import", str(project), str(a), "--case", "A"),
        ("import", str(project), str(b), "--case", "B"),
        ("code", str(project), "a", "Café", "--quote", "The café pays"),
        ("code", str(project), "b", "Self-managed relationships", "--quote", "I run my own review"),
        ("code", str(project), "a", "Trust", "--quote", "day service"),
        ("code", str(project), "b", "Trust", "--quote", "social worker"),
    ):
        assert cc(*args).returncode == 0
    r = cc("contrast", str(project), "A", "B", "--json")
    assert r.returncode == 0, r.stderr
    rows = {row["code"]: row for row in json.loads(r.stdout)["rows"]}
    assert rows["Hybridity/Trading income/Café"]["occurs"] == "only_a"
    assert rows["Co-production/Self-managed relationships"]["occurs"] == "only_b"
    trust = next(v for k, v in rows.items() if k.endswith("/Trust"))
    assert trust["occurs"] == "both" and trust["segments_a"] == trust["segments_b"] == 1
