"""Export a realistic project, validate it, import it into a new project, export again."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select

from crosscase.db.models import Coding, Document, Event
from crosscase.db.project import Project, open_project
from crosscase.exchange.refi import export_qdc, export_qdpx, import_qdpx

NS = {"q": "urn:QDA-XML:project:1.0"}


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def test_export_validates_and_holds_every_part(rich: Any, tmp_path: Path,
                                               assert_valid: Callable[[bytes, str], None]) -> None:
    out = tmp_path / "study.qdpx"
    report = export_qdpx(rich.project, out)
    xml = _qde(out)
    assert_valid(xml, "Project")
    root = etree.fromstring(xml)
    assert root.get("origin", "").startswith("Crosscase")
    assert root.find("q:Users/q:User", NS) is not None
    # nested codebook with labelled descriptions
    co = root.find("q:CodeBook/q:Codes/q:Code[@name='Co-production']", NS)
    assert co is not None and co.find("q:Code[@name='Co-design']", NS) is not None
    desc = co.findtext("q:Description", namespaces=NS)
    assert desc.startswith("Definition: ") and "\n\nInclusion: " in desc
    assert "\n\nExclusion: " in desc and "\n\nExample: " in desc
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", co.get("color"))
    # variables of every type
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind(".//q:Variable", NS)}
    assert types == {"Sector": "Text", "Staff": "Integer", "Turnover (m)": "Float",
                     "Founded": "Date", "Charity": "Boolean", "Interview date": "Date",
                     "Interviewer": "Text"}
    case_a = root.find("q:Cases/q:Case[@name='Case A: Millbrook']", NS)
    assert case_a.findtext("q:Description", namespaces=NS) == "Case A memo"
    assert case_a.find("q:SourceRef", NS) is not None
    # sources: text files, the docx original beside its text
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        sources = root.findall("q:Sources/q:TextSource", NS)
        assert len(sources) == 2
        for src in sources:
            path = src.get("plainTextPath")
            assert path.startswith("internal://") and path.endswith(".txt")
            member = "sources/" + path[len("internal://"):]
            assert member in names
            text = zf.read(member).decode("utf-8")
            assert text in (rich.text_a, rich.text_b)
            for sel in src.iterfind("q:PlainTextSelection", NS):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                name = sel.get("name")
                assert text[start:end].startswith(name.rstrip("…"))
        docx = [s for s in sources if s.get("richTextPath")]
        assert len(docx) == 1
        rich_path = docx[0].get("richTextPath")[len("internal://"):]
        assert zf.read("sources/" + rich_path) == rich.fake_docx
    # memos as notes, referred to from what they annotate
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS)
             for n in root.iterfind("q:Notes/q:Note", NS)}
    refs = {r.get("targetGUID") for r in root.iter("{urn:QDA-XML:project:1.0}NoteRef")}
    assert refs == set(notes)
    assert "Code memo on Innovation" in notes.values()
    assert "Project memo: two cases, 2024.\nSecond line." in notes.values()
    assert root[-1].tag.endswith("NoteRef")  # the project's own memo
    assert root.find("q:Sets/q:Set[@name='Interviews']", NS) is not None
    # what REFI-QDA cannot carry is reported, not dropped in silence
    left = "\n".join(report.left_out)
    for word in ("framework cell", "participant", "speaker turn", "paragraph", "case hierarchy"):
        assert word in left
    assert report.counts["coding"] == 7 and report.counts["source"] == 2
    assert report.lines()[0].startswith("Exported study.qdpx")


def test_round_trip_keeps_everything(rich: Any, tmp_path: Path,
                                     snapshot: Callable[[Project], dict[str, Any]],
                                     assert_valid: Callable[[bytes, str], None]) -> None:
    first = tmp_path / "first.qdpx"
    export_qdpx(rich.project, first)
    before = snapshot(rich.project)

    report = import_qdpx(first, tmp_path / "copy.crosscase")
    assert report.ok, report.lines()
    copy = open_project(tmp_path / "copy.crosscase")
    try:
        after = snapshot(copy)
        for key in before:
            assert after[key] == before[key], key
        with copy.session() as s:
            originals = {d.name: d.original for d in s.scalars(select(Document))}
            assert originals["Review meeting"] == rich.fake_docx
            fmt = s.scalar(select(Document.format).where(Document.name == "Review meeting"))
            assert fmt == "docx"
        second = tmp_path / "second.qdpx"
        export_qdpx(copy, second)
    finally:
        copy.close()
    xml1, xml2 = _qde(first), _qde(second)
    assert_valid(xml2, "Project")

    def guids(xml: bytes, tag: str) -> set[str]:
        return {e.get("guid") for e in etree.fromstring(xml).iter(f"{{{NS['q']}}}{tag}")}

    for tag in ("Code", "Case", "TextSource", "Coding", "User", "Set", "PlainTextSelection"):
        assert guids(xml1, tag) == guids(xml2, tag), tag


def test_every_coding_keeps_its_exact_text(rich: Any, tmp_path: Path) -> None:
    export_qdpx(rich.project, tmp_path / "a.qdpx")
    import_qdpx(tmp_path / "a.qdpx", tmp_path / "b.crosscase")
    with rich.project.session() as s:
        want = sorted(s.scalars(select(Coding.snippet)))
    b = open_project(tmp_path / "b.crosscase")
    try:
        with b.session() as s:
            got = sorted(s.scalars(select(Coding.snippet)))
            text = s.scalar(select(Document.text).where(Document.name == "Interview manager"))
    finally:
        b.close()
    assert got == want
    assert "😀" in "".join(got) and "𝒳" in "".join(got) and "👍🏽" in "".join(got)
    assert text == rich.text_a and "\r" not in text and not text.startswith("\ufeff")
    assert rich.raw_a.startswith("\ufeff")


def test_re_export_gives_the_same_guids(rich: Any, tmp_path: Path) -> None:
    export_qdpx(rich.project, tmp_path / "1.qdpx")
    export_qdpx(rich.project, tmp_path / "2.qdpx")
    one = etree.fromstring(_qde(tmp_path / "1.qdpx"))
    two = etree.fromstring(_qde(tmp_path / "2.qdpx"))
    g1 = sorted(e.get("guid") for e in one.iter() if e.get("guid"))
    g2 = sorted(e.get("guid") for e in two.iter() if e.get("guid"))
    assert g1 == g2 and len(set(g1)) == len(g1)
    with rich.project.session() as s:  # exports read the project, never write to it
        assert not s.scalars(select(Event).where(Event.action == "refi.guids")).all()


def test_codebook_export_validates(rich: Any, tmp_path: Path,
                                   assert_valid: Callable[[bytes, str], None]) -> None:
    report = export_qdc(rich.project, tmp_path / "codes.qdc")
    xml = (tmp_path / "codes.qdc").read_bytes()
    assert_valid(xml, "Codebook")
    assert report.counts["code"] > 20
    assert any("memo" in x for x in report.left_out)  # code memos have no place in a QDC


def test_export_writes_nothing_on_failure(rich: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from crosscase.exchange.refi import export as export_mod

    def broken(*_a: Any, **_k: Any) -> list[str]:
        return ["line 1: broken on purpose"]

    monkeypatch.setattr(export_mod, "schema_errors", broken)
    out = tmp_path / "bad.qdpx"
    try:
        export_qdpx(rich.project, out)
    except Exception as exc:  # noqa: BLE001
        assert "validate" in str(exc)
    else:
        raise AssertionError("the export should have failed")
    assert list(tmp_path.glob("*.qdpx")) == [] and list(tmp_path.glob(".*part")) == []


def test_characters_xml_cannot_hold_are_replaced_and_reported(
    rich: Any, tmp_path: Path, assert_valid: Callable[[bytes, str], None]
) -> None:
    from crosscase.commands.memo import SetMemo

    SetMemo("case", rich.case_b, "bell\x07 and form feed\x0c").do(rich.project)
    report = export_qdpx(rich.project, tmp_path / "ctl.qdpx")
    assert_valid(_qde(tmp_path / "ctl.qdpx"), "Project")
    assert any("\ufffd" in n for n in report.notes)


def test_pdf_and_other_originals(empty_project: Project, tmp_path: Path,
                                 assert_valid: Callable[[bytes, str], None],
                                 snapshot: Callable[[Project], dict[str, Any]]) -> None:
    from crosscase.commands.coding import ApplyCodings
    from crosscase.domain.extract import Extracted
    from crosscase.services import cases, codebook, documents
    from crosscase.services.coding import CodingSpec

    p = empty_project
    with p.transaction() as s:
        codebook.add_tree(s, [{"name": "Theme", "children": [{"name": "Sub"}]}])
        cid = cases.ensure(s, "Only case")
        pdf = documents.store(s, p, cid, "Annual report", Extracted("Page one text.\n", "pdf"),
                              original=b"%PDF-1.7 fake", original_name="report.pdf")
        odt = documents.store(s, p, cid, "Minutes", Extracted("Minutes of the meeting.", "odt"),
                              original=b"PK odt bytes", original_name="minutes.odt")
        sub = codebook.resolve(s, "Theme/Sub")
    ApplyCodings([CodingSpec(pdf, sub, 0, 8), CodingSpec(odt, sub, 12, 23)]).do(p)
    report = export_qdpx(p, tmp_path / "kinds.qdpx")
    xml = _qde(tmp_path / "kinds.qdpx")
    assert_valid(xml, "Project")
    root = etree.fromstring(xml)
    src = root.find("q:Sources/q:PDFSource", NS)
    assert src is not None and src.get("path", "").endswith(".pdf")
    rep = src.find("q:Representation", NS)
    assert rep.find("q:PlainTextSelection", NS).get("name") == "Page one"
    assert any(".odt" in x for x in report.left_out)

    import_qdpx(tmp_path / "kinds.qdpx", tmp_path / "kinds.crosscase")
    copy = open_project(tmp_path / "kinds.crosscase")
    try:
        assert snapshot(copy)["codings"] == snapshot(p)["codings"]
        with copy.session() as s:
            doc = s.scalar(select(Document).where(Document.name == "Annual report"))
            assert (doc.format, doc.original) == ("pdf", b"%PDF-1.7 fake")
    finally:
        copy.close()
