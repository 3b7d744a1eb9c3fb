"""The demo study opens fully coded, with a real contrast between the cases."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, select

from crosscase.db.models import Coding, Document, Participant
from crosscase.db.project import Project
from crosscase.demo import SAMPLE_DATA
from crosscase.services import attributes, segments


def test_every_sample_file_and_every_demo_coding_is_in(demo_project: Project) -> None:
    manifest = json.loads((SAMPLE_DATA / "cases.json").read_text(encoding="utf-8"))
    rows = [line for line in (SAMPLE_DATA / "demo_codings.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with demo_project.session() as s:
        n_docs = s.scalar(select(func.count()).select_from(Document))
        n_codings = s.scalar(select(func.count()).select_from(Coding))
        formats = set(s.scalars(select(Document.format)))
    assert n_docs == sum(len(c["documents"]) for c in manifest["cases"])
    second = (SAMPLE_DATA / "demo_codings_second_coder.jsonl").read_text(encoding="utf-8")
    assert len(rows) >= 120
    assert n_codings == len(rows) + len([line for line in second.splitlines() if line.strip()])
    assert {"txt", "docx", "pdf"} <= formats


def test_each_quote_is_the_text_it_claims(demo_project: Project) -> None:
    wanted = [json.loads(line) for line in (SAMPLE_DATA / "demo_codings.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with demo_project.session() as s:
        segs = segments.fetch(s)
        texts = {d.id: d.text for d in s.scalars(select(Document))}
    for seg in segs:
        assert seg.text == texts[seg.document_id][seg.start:seg.end]
    got = Counter((seg.document, " ".join(seg.text.split())) for seg in segs)
    for row in wanted:
        assert got[(row["document"], " ".join(row["quote"].split()))] >= 1, row


def test_the_cases_differ_on_the_codebook_themes(demo_project: Project) -> None:
    with demo_project.session() as s:
        segs = segments.fetch(s)
    per = Counter((seg.case.split(":")[0], seg.code.split("/")[0]) for seg in segs)
    leaf = Counter((seg.case.split(":")[0], seg.code) for seg in segs)
    assert per[("Case A", "Hybridity")] > 1.5 * per[("Case B", "Hybridity")]
    assert per[("Case B", "Co-production")] > per[("Case A", "Co-production")]
    cafe = "Hybridity/Trading income/Café"
    assert leaf[("Case A", cafe)] > 0 and leaf[("Case B", cafe)] == 0
    self_managed = [c for (case, c) in leaf if "Self-managed" in c]
    assert self_managed
    assert leaf[("Case B", self_managed[0])] > 2 * leaf[("Case A", self_managed[0])]


def test_speakers_and_attributes_are_set(demo_project: Project) -> None:
    with demo_project.session() as s:
        n_participants = s.scalar(select(func.count()).select_from(Participant))
        case_attrs = attributes.values(s, "case")
        part_attrs = attributes.values(s, "participant")
        segs = segments.fetch(s)
    assert n_participants >= 8
    assert all("sector" in v for v in case_attrs.values()) and len(case_attrs) == 2
    roles = {v.get("role") for v in part_attrs.values()}
    assert {"manager", "service user"} <= roles
    interview = [seg for seg in segs if seg.speaker]
    assert len(interview) > 0.7 * len(segs)
    assert any(seg.page is not None for seg in segs)  # the PDFs cite pages
