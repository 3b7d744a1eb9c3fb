"""A small comparative study built through the services, for matrix and export tests.

Two cases with interviews (speaker turns) and a report (no turns), a third
case with one uncoded document, a code tree three levels deep, and case,
document and participant attributes. Codings are drawn at random from a
seed, then a few fixed ones make sure overlaps and parent+child codings on
the same passage occur.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from crosscase.commands.cases import SetAttribute
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import Project
from crosscase.domain.extract import Extracted, Paragraph, Turn
from crosscase.services import cases, documents
from crosscase.services.coding import CodingSpec

WORDS = (
    "we decide what goes in the shop window now and the café runs on members who take "
    "the till the social worker comes to me for my review meeting income from the "
    "caravan park pays for the minibus naïve Ünal ½ 3rd 2024 co-production is about "
    "working together trust relationships matter"
).split()


@dataclass
class Study:
    codes: dict[str, int] = field(default_factory=dict)  # path -> id
    cases: dict[str, int] = field(default_factory=dict)
    docs: dict[str, int] = field(default_factory=dict)
    participants: dict[str, int] = field(default_factory=dict)  # "Case/Name" -> id
    texts: dict[int, str] = field(default_factory=dict)


def _interview(rng: random.Random, speakers: list[str], turns: int) -> Extracted:
    parts: list[str] = []
    paras: list[Paragraph] = []
    tlist: list[Turn] = []
    pos = 0
    for n in range(turns):
        who = speakers[n % len(speakers)]
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
        line = f"{who}: {body.capitalize()}."
        parts.append(line)
        paras.append(Paragraph(n + 1, pos, pos + len(line)))
        tlist.append(Turn(who, pos, pos + len(line)))
        pos += len(line) + 2
    return Extracted("\n\n".join(parts), "txt", paragraphs=paras, turns=tlist)


def _report(rng: random.Random, paragraphs: int) -> Extracted:
    parts: list[str] = []
    paras: list[Paragraph] = []
    pos = 0
    for n in range(paragraphs):
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 40))) + "."
        parts.append(line)
        paras.append(Paragraph(n + 1, pos, pos + len(line)))
        pos += len(line) + 2
    return Extracted("\n\n".join(parts), "txt", paragraphs=paras)


TREE: list[tuple[str, str | None]] = [
    ("Co-production", None),
    ("Co-production/Co-design", "Co-production"),
    ("Co-production/Co-delivery", "Co-production"),
    ("Hybridity", None),
    ("Hybridity/Trading income", "Hybridity"),
    ("Hybridity/Trading income/Café", "Hybridity/Trading income"),
    ("Hybridity/Mission drift", "Hybridity"),
    ("Relational", None),
]


def build_study(project: Project, seed: int = 1, codings: int = 60) -> Study:
    rng = random.Random(seed)
    st = Study()
    for path, parent in TREE:
        cmd = CreateCode(path.rsplit("/", 1)[-1], st.codes[parent] if parent else None,
                         definition=f"Definition of {path}.", inclusion="Include this.",
                         exclusion="Exclude that.", example="“An example.”")
        cmd.do(project)
        assert cmd.id is not None
        st.codes[path] = cmd.id
    plan: dict[str, list[tuple[str, Extracted]]] = {
        "Case A": [
            ("manager interview", _interview(rng, ["Interviewer", "Manager", "P2"], 14)),
            ("annual report", _report(rng, 6)),
        ],
        "Case B": [
            ("service user interview", _interview(rng, ["Interviewer", "P5", "P6"], 12)),
        ],
        "Case C": [("board papers", _report(rng, 3))],
    }
    with project.transaction() as s:
        for case, docs in plan.items():
            cid = cases.ensure(s, case)
            st.cases[case] = cid
            for name, ex in docs:
                did = documents.store(s, project, cid, name, ex)
                st.docs[name] = did
                st.texts[did] = ex.text
    from sqlalchemy import select

    from crosscase.db.models import Participant

    with project.session() as s:
        for pid, name, case_id in s.execute(
            select(Participant.id, Participant.name, Participant.case_id)
        ):
            case = next(k for k, v in st.cases.items() if v == case_id)
            st.participants[f"{case}/{name}"] = pid
    roles = {"Case A/Manager": "manager", "Case A/P2": "staff", "Case B/P5": "service user",
             "Case B/P6": "service user", "Case A/Interviewer": "researcher"}
    for key, role in roles.items():
        SetAttribute("participant", st.participants[key], "role", role).do(project)
    # Case B/Interviewer has no role: its passages go to "(no value)"
    SetAttribute("case", st.cases["Case A"], "sector", "day service").do(project)
    SetAttribute("case", st.cases["Case B"], "sector", "self-directed support").do(project)
    SetAttribute("case", st.cases["Case A"], "founded", 1998).do(project)
    SetAttribute("case", st.cases["Case B"], "founded", 2011).do(project)
    SetAttribute("case", st.cases["Case C"], "founded", 1987).do(project)
    for name, kind in (("manager interview", "interview"), ("annual report", "report"),
                       ("service user interview", "interview")):
        SetAttribute("document", st.docs[name], "kind", kind).do(project)

    coded_docs = [st.docs[n] for n in ("manager interview", "annual report",
                                       "service user interview")]
    code_ids = list(st.codes.values())
    specs: list[CodingSpec] = []
    for _ in range(codings):
        did = rng.choice(coded_docs)
        text = st.texts[did]
        start = rng.randrange(0, len(text) - 5)
        end = min(len(text), start + rng.randint(1, 160))
        specs.append(CodingSpec(did, rng.choice(code_ids), start, end))
    # fixed cases: parent and child on one passage; two children on one passage;
    # overlapping spans of one code
    doc = st.docs["manager interview"]
    specs += [
        CodingSpec(doc, st.codes["Co-production"], 10, 60),
        CodingSpec(doc, st.codes["Co-production/Co-design"], 10, 60),
        CodingSpec(doc, st.codes["Co-production/Co-delivery"], 10, 60),
        CodingSpec(doc, st.codes["Hybridity/Trading income"], 100, 180),
        CodingSpec(doc, st.codes["Hybridity/Trading income"], 150, 220),
        CodingSpec(doc, st.codes["Hybridity/Trading income/Café"], 100, 180),
    ]
    ApplyCodings(specs).do(project)
    return st


def reference_rows(project: Project) -> dict[str, Any]:
    """Everything a plain-Python reference needs, read with plain selects."""
    from sqlalchemy import select

    from crosscase.db.models import (
        Attribute,
        CaseValue,
        Code,
        Coding,
        Document,
        DocumentValue,
        Participant,
        ParticipantValue,
        Turn,
    )

    with project.session() as s:
        return {
            "codings": [tuple(r) for r in s.execute(
                select(Coding.id, Coding.code_id, Coding.document_id, Coding.start, Coding.end))],
            "codes": {r[0]: r[1] for r in s.execute(select(Code.id, Code.parent_id))},
            "docs": {r[0]: {"case": r[1], "chars": r[2], "words": r[3], "text": r[4]}
                     for r in s.execute(select(Document.id, Document.case_id, Document.chars,
                                               Document.words, Document.text))},
            "turns": [tuple(r) for r in s.execute(
                select(Turn.document_id, Turn.start, Turn.end, Turn.participant_id))],
            "participants": {r[0]: r[1] for r in s.execute(
                select(Participant.id, Participant.case_id))},
            "attrs": {(r[0], r[1]): r[2] for r in s.execute(
                select(Attribute.scope, Attribute.name, Attribute.id))},
            "case_values": [tuple(r) for r in s.execute(
                select(CaseValue.case_id, CaseValue.attribute_id, CaseValue.value))],
            "doc_values": [tuple(r) for r in s.execute(
                select(DocumentValue.document_id, DocumentValue.attribute_id,
                       DocumentValue.value))],
            "part_values": [tuple(r) for r in s.execute(
                select(ParticipantValue.participant_id, ParticipantValue.attribute_id,
                       ParticipantValue.value))],
        }
