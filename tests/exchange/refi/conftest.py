"""Fixtures for the REFI-QDA tests: a realistic project, hand-made archives, snapshots."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from crosscase.commands.cases import SetAttribute
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.memo import SetMemo
from crosscase.db.models import (
    Annotation,
    Case,
    Coder,
    Coding,
    Document,
    DocumentSet,
    DocumentSetMember,
    FrameworkCell,
    ProjectInfo,
)
from crosscase.db.project import Project
from crosscase.domain.extract import Extracted
from crosscase.exchange.refi.export import export_guids
from crosscase.io.importers import extract
from crosscase.services import attributes, cases, codebook, documents
from crosscase.services.coding import CodingSpec

SCHEMAS = Path(__file__).resolve().parents[3] / "src" / "crosscase" / "exchange" / "refi" / "schemas"

# A transcript as Windows writes it: BOM, CRLF, an emoji, a mathematical letter.
RAW_A = (
    "\ufeffInterviewer: How did the café start? 😀\r\n"
    "Manager: We asked the service users 👍🏽 what they wanted; 𝒳 marks the spot.\r\n"
    "\r\n"
    "Interviewer: And word of mouth?\r\n"
    "Manager: Word of mouth brings most new people — שלום, e\u0301 and all.\r\n"
)
TEXT_A = RAW_A[1:].replace("\r\n", "\n")
TEXT_B = (
    "Service user: I run my own review meeting; the social worker comes to me. 𝒳𝒴\n"
    "Practitioner: It changed how we plan. 😀 Really.\n"
)
FAKE_DOCX = b"PK\x03\x04 not really a docx, but the bytes must come back unchanged"


@dataclass
class Rich:
    project: Project
    doc_a: int
    doc_b: int
    case_a: int
    case_b: int
    raw_a: str = RAW_A
    text_a: str = TEXT_A
    text_b: str = TEXT_B
    fake_docx: bytes = FAKE_DOCX


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def rich(project: Project) -> Rich:
    """The default codebook, two cases with attributes, coded documents, memos, a set."""
    p = project
    with p.transaction() as s:
        case_a = cases.ensure(s, "Case A: Millbrook")
        case_b = cases.ensure(s, "Case B: Ashgrove")
        doc_a = documents.store(s, p, case_a, "Interview manager",
                                extract(Path("interview.txt"), data=RAW_A.encode("utf-8")),
                                original=RAW_A.encode("utf-8"), original_name="interview.txt")
        doc_b = documents.store(s, p, case_b, "Review meeting",
                                Extracted(text=TEXT_B, format="docx"),
                                original=FAKE_DOCX, original_name="review.docx")
        cb = codebook.tree(s)
        codes = {n.path: n.id for n in cb.values()}
        s.add(Annotation(document_id=doc_b, start=0, end=12, text="Check the date", author="Ann"))
        s.add(FrameworkCell(code_id=next(iter(codes.values())), case_id=case_a, summary="Strong"))
        child = Case(name="Case A1", parent_id=case_a, position=5)
        s.add(child)
    for owner, name, value, type_ in [
        (case_a, "Sector", "day service", "text"),
        (case_b, "Sector", "self-directed support", "text"),
        (case_a, "Staff", 12, "number"),
        (case_b, "Staff", 3, "number"),
        (case_a, "Turnover (m)", 1.25, "number"),
        (case_a, "Founded", "2009-04-01", "date"),
        (case_b, "Charity", True, "boolean"),
        (case_a, "Charity", False, "boolean"),
    ]:
        SetAttribute("case", owner, name, value, type_).do(p)
    SetAttribute("document", doc_a, "Interview date", "2024-03-05", "date").do(p)
    SetAttribute("document", doc_b, "Interviewer", "RA", "text").do(p)

    def code(path: str) -> int:
        return codes[path]

    a1 = _span(TEXT_A, "We asked the service users 👍🏽 what they wanted; 𝒳 marks")
    a2 = _span(TEXT_A, "Word of mouth brings most new people — שלום, e\u0301")
    a3 = _span(TEXT_A, "café start? 😀")
    b1 = _span(TEXT_B, "I run my own review meeting; the social worker comes to me. 𝒳𝒴")
    b2 = _span(TEXT_B, "😀 Really.\n")
    specs = [
        CodingSpec(doc_a, code("Co-production/Co-design"), *a1, memo="users shape it"),
        CodingSpec(doc_a, code("Co-production/With service users"), *a1, memo="users shape it"),
        CodingSpec(doc_a, code("Relational orientation/Advocacy and word of mouth"), *a2),
        CodingSpec(doc_a, code("Hybridity/Trading income/Café"), *a3, memo="café 😀"),
        CodingSpec(doc_b, code("Co-production/Self-managed relationships"), *b1),
        CodingSpec(doc_b, code("Co-production/Co-design"), *b1, memo="second code, own memo"),
        CodingSpec(doc_b, code("Innovation/Process innovation"), *b2),
    ]
    ApplyCodings(specs).do(p)
    SetMemo("project", 1, "Project memo: two cases, 2024.\nSecond line.").do(p)
    SetMemo("case", case_a, "Case A memo").do(p)
    SetMemo("document", doc_a, "Transcribed by RA; 😀 kept").do(p)
    SetMemo("code", code("Innovation"), "Code memo on Innovation").do(p)
    with p.transaction() as s:
        ds = DocumentSet(name="Interviews", memo="All the interviews")
        s.add(ds)
        s.flush()
        s.add_all([DocumentSetMember(set_id=ds.id, document_id=doc_a),
                   DocumentSetMember(set_id=ds.id, document_id=doc_b)])
    return Rich(p, doc_a, doc_b, case_a, case_b)


def _assert_valid(xml: bytes, name: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))
    doc = etree.fromstring(xml)
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


@pytest.fixture
def assert_valid() -> Callable[[bytes, str], None]:
    """Validate XML against the bundled Project or Codebook schema with lxml."""
    return _assert_valid


def _make_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes | str] | None = None,
               qde_name: str = "project.qde") -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def make_qdpx() -> Callable[..., Path]:
    """Write a QDPX archive by hand: ``make_qdpx(path, qde_xml, {member: bytes})``."""
    return _make_qdpx


def _snapshot(project: Project) -> dict[str, Any]:
    """Everything the exchange should carry, keyed by names, not ids."""
    with project.session() as s:
        nodes = codebook.tree(s)
        case_names = dict(s.execute(select(Case.id, Case.name)).all())
        docs = {d.id: d for d in s.scalars(select(Document))}
        coder_names = dict(s.execute(select(Coder.id, Coder.name)).all())
        doc_key = {i: (case_names[d.case_id], d.name) for i, d in docs.items()}
        codings = sorted(
            (doc_key[c.document_id], nodes[c.code_id].path, c.start, c.end, c.snippet, c.memo,
             coder_names.get(c.coder_id or -1))
            for c in s.scalars(select(Coding))
        )
        for c in s.scalars(select(Coding)):
            assert c.snippet == docs[c.document_id].text[c.start:c.end]
        sets = {
            ds.name: (ds.memo, sorted(
                doc_key[m] for m in s.scalars(
                    select(DocumentSetMember.document_id).where(DocumentSetMember.set_id == ds.id))
            ))
            for ds in s.scalars(select(DocumentSet))
        }
        return {
            "codebook": codebook.to_nested(nodes),
            "cases": sorted((c.name, c.memo) for c in s.scalars(select(Case))),
            "case_values": {case_names[k]: v for k, v in attributes.values(s, "case").items()},
            "doc_values": {doc_key[k]: v for k, v in attributes.values(s, "document").items()},
            "attributes": sorted(attributes.names(s)),
            "documents": {doc_key[i]: (d.text, d.memo) for i, d in docs.items()},
            "codings": codings,
            "sets": sets,
            "comments": sorted(
                (doc_key[a.document_id], a.start, a.end, a.text, a.author)
                for a in s.scalars(select(Annotation))
            ),
            "project_memo": s.get(ProjectInfo, 1).memo,  # type: ignore[union-attr]
            "code_guids": sorted(g for (table, _id), g in export_guids(s).items() if table == "code"),
        }


@pytest.fixture
def snapshot() -> Callable[[Project], dict[str, Any]]:
    return _snapshot
