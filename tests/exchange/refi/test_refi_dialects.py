"""QDPX files as real programs write them, built by hand, one dialect at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crosscase.db.models import Annotation, Case, Code, Coder, Coding, Document, DocumentSet
from crosscase.db.project import Project, open_project
from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import Extracted
from crosscase.exchange.refi import import_qdpx
from crosscase.services import attributes, codebook

G_USER = "{7A1C2B3D-0000-4000-8000-00000000A001}"
G_TRUST = "{7A1C2B3D-0000-4000-8000-00000000C001}"
G_BROKEN = "{7A1C2B3D-0000-4000-8000-00000000C002}"
G_SRC = "7A1C2B3D-0000-4000-8000-00000000D001"
G_SRC2 = "7A1C2B3D-0000-4000-8000-00000000D002"
G_SRC3 = "7A1C2B3D-0000-4000-8000-00000000D003"

# A transcript as Windows programs store it: BOM, CRLF, emoji and astral letters.
RAW = (
    "\ufeffQ: Do you trust them? 😀\r\n"
    "A: I trust 𝒳 completely, but the council broke that trust 😀 twice.\r\n"
    "\r\n"
    "Q: Why?\r\n"
    "A: They changed the worker again 👍🏽 and again.\r\n"
)
STORED = RAW[1:].replace("\r\n", "\n")


def units(raw: str, cp: int, reading: str) -> int:
    """Where code point ``cp`` of ``raw`` (BOM not counted) is, as ``reading`` counts."""
    head = raw.removeprefix("\ufeff")[:cp]
    n = len(head.encode("utf-16-le")) // 2 if reading.startswith("utf16") else len(head)
    if reading.endswith("crlf1"):
        n -= head.count("\r\n")
    return n


def span(quote: str, reading: str, raw: str = RAW) -> tuple[int, int]:
    body = raw.removeprefix("\ufeff")
    start = body.index(quote)
    return units(raw, start, reading), units(raw, start + len(quote), reading)


def selection(guid: str, quote: str, reading: str, code: str, *, name: str | None = None,
              raw: str = RAW, extra: str = "") -> str:
    s, e = span(quote, reading, raw)
    label = quote if name is None else name
    return (
        f'<PlainTextSelection guid="{guid}" name="{label}" startPosition="{s}" endPosition="{e}">'
        f'{extra}<Coding guid="{guid[:-4]}FFFF" creatingUser="{G_USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


CODEBOOK = f"""
  <CodeBook><Codes>
    <Code guid="{G_TRUST}" name="Trust" isCodable="true" color="#FF0000">
      <Description>Trust between people</Description>
      <Code guid="{G_BROKEN}" name="Broken trust" isCodable="true" color="#0F0"/>
    </Code>
  </Codes></CodeBook>"""


def project_xml(body: str, *, origin: str = "", ns: str | None = "urn:QDA-XML:project:1.0",
                users: bool = True) -> str:
    xmlns = f' xmlns="{ns}"' if ns else ""
    origin_attr = f' origin="{origin}"' if origin else ""
    user = f'<Users><User guid="{G_USER}" name="Ann"/></Users>' if users else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project{xmlns} name="Exchanged"'
            f"{origin_attr}>{user}{CODEBOOK}{body}</Project>")


def codings(project_path: Path) -> list[tuple[str, str, str]]:
    """(code path, exact text, memo) of every coding in the project at ``project_path``."""
    p = open_project(project_path)
    try:
        with p.session() as s:
            nodes = codebook.tree(s)
            return sorted((nodes[c.code_id].path, c.snippet, c.memo)
                          for c in s.scalars(select(Coding)))
    finally:
        p.close()


@pytest.fixture
def opened() -> Any:
    projects: list[Project] = []

    def _open(path: Path) -> Project:
        p = open_project(path)
        projects.append(p)
        return p

    yield _open
    for p in projects:
        p.close()


# -- NVivo ---------------------------------------------------------------------------------


def test_nvivo_utf16_positions_with_crlf_bom_braces_and_casing(
    tmp_path: Path, make_qdpx: Callable[..., Path], opened: Any
) -> None:
    r = "utf16"
    sels = (
        selection("{7A1C2B3D-0000-4000-8000-00000000E001}", "I trust 𝒳 completely", r, G_TRUST)
        + selection("{7A1C2B3D-0000-4000-8000-00000000E002}",
                    "the council broke that trust 😀 twice.\r\n\r\nQ: Why?", r, G_BROKEN,
                    name="Reference 2")
        + selection("{7A1C2B3D-0000-4000-8000-00000000E003}", "changed the worker again 👍🏽",
                    r, G_BROKEN)
    )
    body = (f'<Sources><TextSource guid="{{{G_SRC}}}" name="Interview 1" '
            f'plainTextPath="internal://{G_SRC}.txt">{sels}</TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "nvivo.qdpx", project_xml(body, origin="NVivo 14.23.0 (Windows)"),
                     {f"Sources/{G_SRC}.TXT": RAW.encode("utf-8")}, qde_name="Project.qde")
    report = import_qdpx(qdpx, tmp_path / "n.crosscase")
    assert report.ok, report.lines()
    assert report.counts["coding"] == 3 and report.counts["code"] == 2
    got = codings(tmp_path / "n.crosscase")
    assert got == sorted([
        ("Trust", "I trust 𝒳 completely", ""),
        ("Trust/Broken trust", "the council broke that trust 😀 twice.\n\nQ: Why?", ""),
        ("Trust/Broken trust", "changed the worker again 👍🏽", ""),
    ])
    p = opened(tmp_path / "n.crosscase")
    with p.session() as s:
        doc = s.scalar(select(Document))
        assert doc.text == STORED and doc.guid == G_SRC.lower()
        trust_guid = s.scalar(select(Code.guid).where(Code.name == "Trust"))
        assert trust_guid == G_TRUST.strip("{}").lower()
        assert s.scalar(select(Code.color).where(Code.name == "Broken trust")) == "#00FF00"
        coder = s.scalar(select(Coder).where(Coder.name == "Ann"))
        assert coder is not None
        assert set(s.scalars(select(Coding.coder_id))) == {coder.id}
        assert "NVivo" in "\n".join(report.notes) and "UTF-16" in "\n".join(report.notes)


def test_forcing_the_wrong_reading_reports_instead_of_misplacing(
    tmp_path: Path, make_qdpx: Callable[..., Path]
) -> None:
    r = "utf16"
    sels = (selection("{7A1C2B3D-0000-4000-8000-00000000E001}", "Do you trust them?", r, G_TRUST)
            + selection("{7A1C2B3D-0000-4000-8000-00000000E002}", "changed the worker again",
                        r, G_BROKEN))
    body = (f'<Sources><TextSource guid="{G_SRC}" name="Interview 1" '
            f'plainTextPath="internal://{G_SRC}.txt">{sels}</TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "n.qdpx", project_xml(body, origin="NVivo 14 (Windows)"),
                     {f"sources/{G_SRC}.txt": RAW.encode("utf-8")})
    report = import_qdpx(qdpx, tmp_path / "forced.crosscase", offsets="codepoints")
    # The first selection lies before any emoji or CRLF, so it lands either way;
    # the second does not, and is reported rather than imported at a wrong place.
    assert codings(tmp_path / "forced.crosscase") == [("Trust", "Do you trust them?", "")]
    assert not report.ok
    assert any("changed the worker again" in x and "not at" in x for x in report.skipped)


def test_auto_follows_the_quotes_when_the_origin_is_silent(
    tmp_path: Path, make_qdpx: Callable[..., Path]
) -> None:
    r = "utf16"
    sels = selection("{7A1C2B3D-0000-4000-8000-00000000E003}", "changed the worker again 👍🏽",
                     r, G_BROKEN)
    body = (f'<Sources><TextSource guid="{G_SRC}" name="Interview 1" '
            f'plainTextPath="internal://{G_SRC}.txt">{sels}</TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "x.qdpx", project_xml(body),
                     {f"sources/{G_SRC}.txt": RAW.encode("utf-8")})
    report = import_qdpx(qdpx, tmp_path / "x.crosscase")
    assert report.ok, report.lines()
    assert codings(tmp_path / "x.crosscase") == [
        ("Trust/Broken trust", "changed the worker again 👍🏽", "")]
    assert any("fits its quoted text" in n for n in report.notes)


# -- ATLAS.ti -----------------------------------------------------------------------------


def test_atlas_crlf_as_one_flattened_names_docx_and_empty_sets(
    tmp_path: Path, make_qdpx: Callable[..., Path], opened: Any
) -> None:
    r = "codepoints-crlf1"
    codes = """
  <CodeBook><Codes>
    <Code color="#966450" isCodable="true" name="Coke::full-fat Coke"
          guid="0983E32E-6866-431A-BD94-DAC9BB963825">
      <Description>aka regular</Description></Code>
    <Code color="#966450" isCodable="true" name="Coke::diet Coke"
          guid="D299EFAE-5779-46DC-9827-A3D1A5D544BC"/>
    <Code color="#966450" isCodable="true" name="Coke" guid="7496BA52-9C8D-4396-8FAB-CC438614E453">
      <Description>the breakfast of champions</Description></Code>
    <Code isCodable="true" name="Feelings::Mood::sleepy"
          guid="BA1EB6DF-89AC-4D11-B69F-929012A16FD4"/>
  </Codes></CodeBook>"""
    long_quote = "the council broke that trust 😀 twice.\r\n\r\nQ: Why?\r\nA: They changed"
    s1, e1 = span(long_quote, r)
    s2, e2 = span("completely", r)
    sels = (
        f'<PlainTextSelection guid="4191294A-E287-4510-95B0-69BCE4638E56" '
        f'name="the council broke that trust 😀 twice. Q: Why?…" startPosition="{s1}" '
        f'endPosition="{e1}"><Description>Quotation comment</Description>'
        f'<Coding guid="445A6AEC-1400-4502-919D-0867832FF211">'
        f'<CodeRef targetGUID="D299EFAE-5779-46DC-9827-A3D1A5D544BC"/></Coding>'
        f'<Coding guid="445A6AEC-1400-4502-919D-0867832FF212">'
        f'<CodeRef targetGUID="7496BA52-9C8D-4396-8FAB-CC438614E453"/></Coding>'
        f'</PlainTextSelection>'
        f'<PlainTextSelection guid="4191294A-E287-4510-95B0-69BCE4638E57" name="completely" '
        f'startPosition="{s2}" endPosition="{e2}">'
        f'<Coding guid="445A6AEC-1400-4502-919D-0867832FF213">'
        f'<CodeRef targetGUID="BA1EB6DF-89AC-4D11-B69F-929012A16FD4"/></Coding>'
        f'</PlainTextSelection>'
    )
    body = (f'<Sources><TextSource plainTextPath="{G_SRC}.txt" '
            f'richTextPath="internal://{G_SRC2}.docx" guid="{G_SRC}" name="Simon.docx">'
            f'{sels}</TextSource></Sources><Sets/>')
    xml = (f'<?xml version="1.0" encoding="utf-8" standalone="yes"?>'
           f'<Project xmlns="urn:QDA-XML:project:1.0" name="ATLAS.ti standard project" '
           f'origin="ATLAS.ti 8.4.0 573 , macOS Version 10.14.3">{codes}{body}</Project>')
    qdpx = make_qdpx(tmp_path / "atlas.qdpx", xml,
                     {f"sources/{G_SRC}.txt": RAW[1:].encode("utf-8"),
                      f"sources/{G_SRC2}.docx": b"PK docx bytes"})
    report = import_qdpx(qdpx, tmp_path / "a.crosscase")
    assert report.ok, report.lines()
    want_long = long_quote.replace("\r\n", "\n")
    assert codings(tmp_path / "a.crosscase") == sorted([
        ("Coke/diet Coke", want_long, "Quotation comment"),
        ("Coke", want_long, "Quotation comment"),
        ("Feelings/Mood/sleepy", "completely", ""),
    ])
    p = opened(tmp_path / "a.crosscase")
    with p.session() as s:
        paths = {n.path: n for n in codebook.tree(s).values()}
        assert set(paths) == {"Coke", "Coke/full-fat Coke", "Coke/diet Coke", "Feelings",
                              "Feelings/Mood", "Feelings/Mood/sleepy"}
        assert paths["Coke"].definition == "the breakfast of champions"
        assert paths["Coke/full-fat Coke"].definition == "aka regular"
        doc = s.scalar(select(Document))
        assert (doc.name, doc.format, doc.original) == ("Simon.docx", "docx", b"PK docx bytes")
        assert s.scalar(select(DocumentSet)) is None
        assert s.scalar(select(Case.name)) == "Unassigned"


# -- namespaces ------------------------------------------------------------------------------


@pytest.mark.parametrize("ns", [
    "urn:QDA-XML:project:1.0", "urn:QDA-XML:project:0:10", "urn:QDA-XML:codebook:1.0", None,
])
def test_elements_are_matched_by_local_name(ns: str | None, tmp_path: Path,
                                            make_qdpx: Callable[..., Path]) -> None:
    sels = selection("7A1C2B3D-0000-4000-8000-00000000E001", "Do you trust them?",
                     "codepoints", G_TRUST)
    body = (f'<Sources><TextSource guid="{G_SRC}" name="One" '
            f'plainTextPath="internal://{G_SRC}.txt">{sels}</TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "ns.qdpx", project_xml(body, ns=ns),
                     {f"sources/{G_SRC}.txt": STORED})
    report = import_qdpx(qdpx, tmp_path / "ns.crosscase")
    assert report.ok, report.lines()
    assert codings(tmp_path / "ns.crosscase") == [("Trust", "Do you trust them?", "")]


def test_prefixed_namespace_and_lower_case_guids(tmp_path: Path,
                                                 make_qdpx: Callable[..., Path]) -> None:
    g = G_SRC.lower()
    xml = f"""<?xml version="1.0"?>
<qda:Project xmlns:qda="urn:QDA-XML:project:1.0" name="p">
  <qda:CodeBook><qda:Codes><qda:Code guid="{G_TRUST.lower()}" name="Trust" isCodable="true"/>
  </qda:Codes></qda:CodeBook>
  <qda:Sources><qda:TextSource guid="{g}" name="One" plainTextPath="internal://{g}.txt">
    <qda:PlainTextSelection guid="{{{G_SRC2}}}" startPosition="3" endPosition="7">
      <qda:Coding guid="{G_SRC3}"><qda:CodeRef targetGUID="{G_TRUST.upper()}"/></qda:Coding>
    </qda:PlainTextSelection></qda:TextSource></qda:Sources>
</qda:Project>"""
    qdpx = make_qdpx(tmp_path / "p.qdpx", xml, {f"Sources/{G_SRC}.txt": STORED})
    report = import_qdpx(qdpx, tmp_path / "p.crosscase")
    assert report.ok, report.lines()
    assert codings(tmp_path / "p.crosscase") == [("Trust", STORED[3:7], "")]


# -- missing, empty and docx-only sources ---------------------------------------------------


def test_missing_and_empty_source_files_are_reported_and_the_rest_imported(
    tmp_path: Path, make_qdpx: Callable[..., Path]
) -> None:
    sel = selection("7A1C2B3D-0000-4000-8000-00000000E001", "Do you trust them?", "codepoints",
                    G_TRUST)
    body = (
        "<Sources>"
        f'<TextSource guid="{G_SRC}" name="Present" plainTextPath="internal://{G_SRC}.txt">{sel}'
        "</TextSource>"
        f'<TextSource guid="{G_SRC2}" name="Missing" plainTextPath="internal://{G_SRC2}.txt">{sel}'
        "</TextSource>"
        f'<TextSource guid="{G_SRC3}" name="Empty" plainTextPath="internal://{G_SRC3}.txt"/>'
        "</Sources>"
    )
    qdpx = make_qdpx(tmp_path / "m.qdpx", project_xml(body),
                     {f"sources/{G_SRC}.txt": STORED, f"sources/{G_SRC3}.txt": b""})
    report = import_qdpx(qdpx, tmp_path / "m.crosscase")
    assert not report.ok
    text = "\n".join(report.skipped)
    assert "'Missing'" in text and "missing from the archive" in text and "1 coding(s)" in text
    assert "'Empty'" in text and "empty" in text
    assert report.counts["source"] == 1
    assert codings(tmp_path / "m.crosscase") == [("Trust", "Do you trust them?", "")]


def test_docx_without_text_is_read_from_the_docx_and_only_checked_selections_kept(
    tmp_path: Path, make_qdpx: Callable[..., Path], monkeypatch: Any
) -> None:
    from crosscase.io import importers

    def fake_extract(path: Path, *, password: str | None = None,
                     data: bytes | None = None) -> Extracted:
        assert path.suffix == ".docx" and data == b"PK fake"
        return Extracted(text=STORED, format="docx")

    monkeypatch.setattr(importers, "extract", fake_extract)
    r = "codepoints"
    sels = (selection("7A1C2B3D-0000-4000-8000-00000000E001", "I trust 𝒳 completely", r, G_TRUST,
                      raw=STORED)
            + selection("7A1C2B3D-0000-4000-8000-00000000E002", "completely", r, G_TRUST,
                        name="A label, not a quote", raw=STORED))
    body = (f'<Sources><TextSource guid="{G_SRC}" name="Word file" '
            f'richTextPath="internal://{G_SRC}.docx">{sels}</TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "d.qdpx", project_xml(body), {f"sources/{G_SRC}.docx": b"PK fake"})
    report = import_qdpx(qdpx, tmp_path / "d.crosscase")
    assert codings(tmp_path / "d.crosscase") == [("Trust", "I trust 𝒳 completely", "")]
    assert any("A label, not a quote" in x for x in report.skipped)
    assert any("taken from" in n for n in report.notes)


def test_docx_without_text_that_cannot_be_read_is_reported(
    tmp_path: Path, make_qdpx: Callable[..., Path], monkeypatch: Any
) -> None:
    from crosscase.io import importers

    def refuse(path: Path, **_k: Any) -> Extracted:
        raise ImportRefused(f"{path.name}: cannot be read")

    monkeypatch.setattr(importers, "extract", refuse)
    body = (f'<Sources><TextSource guid="{G_SRC}" name="Word file" '
            f'richTextPath="internal://{G_SRC}.docx"/>'
            f'<TextSource guid="{G_SRC2}" name="Fine"><PlainTextContent>Inline text here.'
            f'</PlainTextContent></TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "d.qdpx", project_xml(body), {f"sources/{G_SRC}.docx": b"PK x"})
    report = import_qdpx(qdpx, tmp_path / "d.crosscase")
    assert report.counts["source"] == 1
    assert any("'Word file'" in x for x in report.skipped)


# -- cases, variables, notes, sets and the rest -------------------------------------------------


def value(var: str, kind: str, text: str) -> str:
    return (f'<VariableValue><VariableRef targetGUID="{var}"/>'
            f"<{kind}Value>{text}</{kind}Value></VariableValue>")


def note(guid: str, name: str, text: str) -> str:
    return f'<Note guid="{guid}" name="{name}"><PlainTextContent>{text}</PlainTextContent></Note>'


def test_cases_variables_notes_sets_and_other_kinds(
    tmp_path: Path, make_qdpx: Callable[..., Path], opened: Any
) -> None:
    V = "7A1C2B3D-0000-4000-8000-0000000000{:02d}"
    sel = selection(V.format(90), "Do you trust them?", "codepoints", G_TRUST,
                    extra=f'<NoteRef targetGUID="{V.format(41)}"/>')
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Full" origin="MAXQDA 2022">
  <Users><User guid="{G_USER}" name="Ann"/><User guid="{V.format(1)}"/></Users>
  {CODEBOOK}
  <Variables>
    <Variable guid="{V.format(10)}" name="Age" typeOfVariable="Integer"/>
    <Variable guid="{V.format(11)}" name="Score" typeOfVariable="Float"/>
    <Variable guid="{V.format(12)}" name="Member" typeOfVariable="Boolean"/>
    <Variable guid="{V.format(13)}" name="Joined" typeOfVariable="Date"/>
    <Variable guid="{V.format(14)}" name="Seen" typeOfVariable="DateTime"/>
    <Variable guid="{V.format(15)}" name="Site" typeOfVariable="Text"/>
    <Variable guid="{V.format(16)}" name="Unused" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="{V.format(20)}" name="Ann's case">
      <Description>Case memo</Description>
      {value(V.format(10), "Integer", "42")}
      {value(V.format(11), "Float", "2.5")}
      {value(V.format(12), "Boolean", "true")}
      {value(V.format(13), "Date", "2020-02-29")}
      {value(V.format(14), "DateTime", "2020-02-29T10:00:00Z")}
      {value(V.format(10), "Integer", "not a number")}
      <SourceRef targetGUID="{G_SRC}"/>
      <SelectionRef targetGUID="{V.format(90)}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{G_SRC}" name="Interview" plainTextPath="internal://{G_SRC}.txt">
      <Description>Source description</Description>
      {sel}
      <PlainTextSelection guid="{V.format(91)}" startPosition="0" endPosition="2">
        <NoteRef targetGUID="{V.format(42)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{V.format(92)}" startPosition="0" endPosition="2"/>
      <PlainTextSelection guid="{V.format(93)}" startPosition="3" endPosition="5">
        <Coding guid="{V.format(94)}"><CodeRef targetGUID="{V.format(99)}"/></Coding>
      </PlainTextSelection>
      <Coding guid="{V.format(95)}"><CodeRef targetGUID="{G_BROKEN}"/></Coding>
      <NoteRef targetGUID="{V.format(40)}"/>
      {value(V.format(15), "Text", "Leeds")}
    </TextSource>
    <TextSource guid="{G_SRC2}" name="Inline">
      <PlainTextContent>Inline text, no file.</PlainTextContent></TextSource>
    <PDFSource guid="{G_SRC3}" name="Report.pdf" path="internal://{G_SRC3}.pdf">
      <PDFSelection guid="{V.format(96)}" page="1" firstX="0" firstY="0" secondX="5" secondY="5">
        <Coding guid="{V.format(97)}"><CodeRef targetGUID="{G_TRUST}"/></Coding></PDFSelection>
      <Representation guid="{V.format(30)}" plainTextPath="internal://{V.format(30)}.txt">
        <PlainTextSelection guid="{V.format(98)}" name="Annual" startPosition="0" endPosition="6">
          <Coding guid="{V.format(89)}"><CodeRef targetGUID="{G_TRUST}"/></Coding>
        </PlainTextSelection>
      </Representation>
    </PDFSource>
    <PictureSource guid="{V.format(31)}" name="photo.jpg" path="internal://{V.format(31)}.jpg"/>
  </Sources>
  <Notes>
    {note(V.format(40), "Source memo", "Memo on the source")}
    {note(V.format(41), "Selection memo", "Memo on the quote")}
    {note(V.format(42), "Comment by Bo", "A comment")}
    {note(V.format(43), "Journal", "Free-standing journal")}
    {note(V.format(44), "Project memo", "About the project")}
  </Notes>
  <Links><Link guid="{V.format(50)}" originGUID="{G_TRUST}" targetGUID="{G_BROKEN}"/></Links>
  <Sets>
    <Set guid="{V.format(60)}" name="Core"><Description>Set memo</Description>
      <MemberSource targetGUID="{G_SRC}"/><MemberSource targetGUID="{G_SRC2}"/></Set>
    <Set guid="{V.format(61)}" name="Code set"><MemberCode targetGUID="{G_TRUST}"/></Set>
  </Sets>
  <Description>Project description</Description>
  <NoteRef targetGUID="{V.format(44)}"/>
</Project>"""
    qdpx = make_qdpx(tmp_path / "full.qdpx", xml, {
        f"sources/{G_SRC}.txt": STORED,
        f"sources/{V.format(30)}.txt": "Annual report text",
        f"sources/{G_SRC3}.pdf": b"%PDF-1.4 fake",
    })
    report = import_qdpx(qdpx, tmp_path / "full.crosscase")
    got = codings(tmp_path / "full.crosscase")
    p = opened(tmp_path / "full.crosscase")
    with p.session() as s:
        case = s.scalar(select(Case).where(Case.name == "Ann's case"))
        assert case.memo == "Case memo"
        assert attributes.values(s, "case")[case.id] == {
            "Age": 42, "Score": 2.5, "Member": True, "Joined": "2020-02-29",
            "Seen": "2020-02-29T10:00:00Z"}
        names = {(sc, n, t) for sc, n, t in attributes.names(s)}
        assert ("case", "Unused", "text") in names and ("document", "Site", "text") in names
        docs = {d.name: d for d in s.scalars(select(Document))}
        assert set(docs) == {"Interview", "Inline", "Report.pdf"}
        assert docs["Interview"].case_id == case.id
        assert docs["Interview"].memo == "Source description\n\nMemo on the source"
        pdf = docs["Report.pdf"]
        assert pdf.format == "pdf" and pdf.original == b"%PDF-1.4 fake"
        assert attributes.values(s, "document")[docs["Interview"].id] == {"Site": "Leeds"}
        comment = s.scalar(select(Annotation))
        assert (comment.text, comment.author) == ("A comment", "Bo")
        assert (comment.start, comment.end) == (0, 2)
        ds = s.scalar(select(DocumentSet))
        assert (ds.name, ds.memo) == ("Core", "Set memo")
        memo = s.scalar(select(Case.memo).where(Case.id == case.id))
        assert memo == "Case memo"
        from crosscase.db.models import ProjectInfo

        pmemo = s.get(ProjectInfo, 1).memo
        assert "Project description" in pmemo and "About the project" in pmemo
        assert "Free-standing journal" in pmemo
        nameless = s.scalar(select(Coder.name).where(Coder.guid == V.format(1).lower()))
        assert nameless.startswith("User")
    assert ("Trust", "Do you trust them?", "Memo on the quote") in got
    assert ("Trust/Broken trust", STORED, "") in got  # a coding of the whole source
    assert ("Trust", "Annual", "") in got
    skipped = "\n".join(report.skipped)
    for expected in ("not a number", "selection(s) assigned to cases", "no code and no note",
                     "not in the codebook", "area selection", "picture source 'photo.jpg'",
                     "link(s)", "set 'Code set'"):
        assert expected in skipped, expected
    assert report.counts["set"] == 1 and report.counts["comment"] == 1


def test_a_bare_qde_file_imports_with_its_sources_reported_missing(tmp_path: Path) -> None:
    body = (f'<Sources><TextSource guid="{G_SRC}" name="Gone" plainTextPath="internal://{G_SRC}.txt"/>'
            '</Sources>')
    qde = tmp_path / "project.qde"
    qde.write_text(project_xml(body), encoding="utf-8")
    report = import_qdpx(qde, tmp_path / "bare.crosscase")
    assert report.counts["code"] == 2 and report.counts["source"] == 0
    assert any("'Gone'" in x for x in report.skipped)


def test_a_real_docx_without_text_goes_through_the_docx_importer(
    tmp_path: Path, make_qdpx: Callable[..., Path]
) -> None:
    import io

    import docx

    from crosscase.io.importers import extract

    word = docx.Document()
    word.add_paragraph("Q: Do you trust them?")
    word.add_paragraph("A: I trust 𝒳 completely.")
    buf = io.BytesIO()
    word.save(buf)
    data = buf.getvalue()
    text = extract(Path("x.docx"), data=data).text
    quote = "I trust 𝒳 completely"
    start = text.index(quote)
    sel = (f'<PlainTextSelection guid="{G_SRC2}" name="{quote}" startPosition="{start}" '
           f'endPosition="{start + len(quote)}"><Coding guid="{G_SRC3}">'
           f'<CodeRef targetGUID="{G_TRUST}"/></Coding></PlainTextSelection>')
    body = (f'<Sources><TextSource guid="{G_SRC}" name="Word file" '
            f'richTextPath="internal://{G_SRC}.docx">{sel}</TextSource></Sources>')
    qdpx = make_qdpx(tmp_path / "w.qdpx", project_xml(body), {f"sources/{G_SRC}.docx": data})
    report = import_qdpx(qdpx, tmp_path / "w.crosscase")
    assert report.ok, report.lines()
    assert codings(tmp_path / "w.crosscase") == [("Trust", quote, "")]
