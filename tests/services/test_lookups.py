"""Look-ups the document view, the case tree and the memo panel read, by subject."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscase.commands.cases import EditCase
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.memo import SetMemo
from crosscase.db.project import Project
from crosscase.domain.errors import NotFound
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents, memos, projects
from crosscase.services.coding import CodingSpec
from crosscase.services.documents import CodingRow

INTERVIEW = (
    "Interviewer: Tell me 😀 about the café.\n"
    "Manager: The farm shop 𝒳 pays for the day service.\n"
    "Interviewer: And 👩‍🔧?\n"
    "Volunteer: We upcycle furniture.\n"
)
NOTES = "No speakers here 𝒴.\n"


class Study:
    """Two cases (the second with no documents first), three documents."""

    def __init__(self, project: Project) -> None:
        with project.transaction() as s:
            self.relational = cases.ensure(s, "Relational care")
            self.upcycling = cases.ensure(s, "Upcycling 🪑")
            self.notes = documents.store(
                s, project, self.relational, "notes", structure(NOTES, "txt")
            )
            self.interview = documents.store(
                s, project, self.upcycling, "manager", structure(INTERVIEW, "txt")
            )
            self.minutes = documents.store(
                s, project, self.upcycling, "minutes", structure("Minutes 𝒳.\n", "txt")
            )
        with project.session() as s:
            self.trust = codebook.resolve(s, "Trust")
            self.cafe = codebook.resolve(s, "Café")


@pytest.fixture
def study(project: Project) -> Study:
    return Study(project)


def at(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


# -- documents --------------------------------------------------------------------------


def test_document_codings_in_start_order_longest_first(project: Project, study: Study) -> None:
    d = study.interview
    long = at(INTERVIEW, "The farm shop 𝒳 pays for the day service.")
    short = at(INTERVIEW, "The farm shop 𝒳")
    first = at(INTERVIEW, "Tell me 😀")
    cmd = ApplyCodings([
        CodingSpec(d, study.cafe, *short, "shop"),
        CodingSpec(d, study.trust, *long),
        CodingSpec(d, study.trust, *first),
        CodingSpec(study.minutes, study.trust, 0, 7),
    ])
    cmd.do(project)
    short_id, long_id, first_id, _ = cmd.ids
    with project.session() as s:
        rows = documents.document_codings(s, d)
        assert documents.document_codings(s, study.notes) == []
    assert rows == [
        CodingRow(first_id, study.trust, *first, ""),
        CodingRow(long_id, study.trust, *long, ""),
        CodingRow(short_id, study.cafe, *short, "shop"),
    ]
    assert INTERVIEW[rows[1].start:rows[1].end].endswith("day service.")


def test_document_info(project: Project, study: Study) -> None:
    SetMemo("document", study.interview, "first visit 😀").do(project)
    with project.session() as s:
        info = documents.document_info(s, study.interview)
        with pytest.raises(NotFound, match="no document"):
            documents.document_info(s, 9999)
    assert (info.id, info.name, info.case_id, info.case) == (
        study.interview, "manager", study.upcycling, "Upcycling 🪑"
    )
    assert info.text == INTERVIEW and info.chars == len(INTERVIEW)
    assert info.format == "txt" and info.memo == "first visit 😀"
    assert info.words == documents.word_count(INTERVIEW) > 10


def test_document_exists(project: Project, study: Study) -> None:
    with project.session() as s:
        assert documents.document_exists(s, study.minutes)
        assert not documents.document_exists(s, study.minutes + 100)


def test_first_coded_document_follows_the_case_tree(project: Project, study: Study) -> None:
    with project.session() as s:
        assert documents.first_coded_document(s) is None
    ApplyCodings([CodingSpec(study.minutes, study.trust, 0, 7)]).do(project)
    with project.session() as s:
        assert documents.first_coded_document(s) == study.minutes
    # the interview comes before the minutes in its case
    ApplyCodings([CodingSpec(study.interview, study.trust, 0, 5)]).do(project)
    with project.session() as s:
        assert documents.first_coded_document(s) == study.interview
    # and the relational case comes first of all
    ApplyCodings([CodingSpec(study.notes, study.cafe, 0, 2)]).do(project)
    with project.session() as s:
        assert documents.first_coded_document(s) == study.notes


# -- cases ------------------------------------------------------------------------------


def test_case_tree_with_documents_counts_and_memo_flags(project: Project, study: Study) -> None:
    ApplyCodings([
        CodingSpec(study.interview, study.trust, 0, 5),
        CodingSpec(study.interview, study.cafe, 3, 9),
    ]).do(project)
    SetMemo("case", study.upcycling, "day service").do(project)
    SetMemo("document", study.minutes, "board").do(project)
    with project.transaction() as s:
        branch_id = cases.ensure(s, "Café branch")
    EditCase(branch_id, parent_id=study.upcycling).do(project)
    with project.session() as s:
        tree = cases.case_tree(s)
    assert [(c.name, c.parent_id, c.memo) for c in tree] == [
        ("Relational care", None, False),
        ("Upcycling 🪑", None, True),
        ("Café branch", study.upcycling, False),
    ]
    rel, up, branch = tree
    assert [(d.name, d.codings, d.memo) for d in up.documents] == [
        ("manager", 2, False), ("minutes", 0, True),
    ]
    assert up.documents[0].chars == len(INTERVIEW)
    assert [d.id for d in rel.documents] == [study.notes] and branch.documents == []
    # speakers become participants of their case
    assert (rel.participants, up.participants, branch.participants) == (0, 3, 0)


def test_participants_with_turn_counts(project: Project, study: Study) -> None:
    with project.session() as s:
        people = cases.participants(s, study.upcycling)
        assert cases.participants(s, study.relational) == []
    assert [(p.name, p.turns) for p in people] == [
        ("Interviewer", 2), ("Manager", 1), ("Volunteer", 1),
    ]
    SetMemo("participant", people[2].id, "joined in 2023 𝒳").do(project)
    with project.session() as s:
        assert cases.participants(s, study.upcycling)[2].memo == "joined in 2023 𝒳"


def test_case_names_in_tree_order(project: Project, study: Study) -> None:
    with project.session() as s:
        assert cases.case_names(s) == [
            (study.relational, "Relational care"), (study.upcycling, "Upcycling 🪑"),
        ]


# -- memos and the project ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["project", "case", "document", "participant", "code", "coding"])
def test_memo_of_every_kind(project: Project, study: Study, kind: str) -> None:
    apply = ApplyCodings([CodingSpec(study.interview, study.trust, 0, 5)])
    apply.do(project)
    with project.session() as s:
        participant = cases.participants(s, study.upcycling)[0].id
    target = {
        "project": 1, "case": study.upcycling, "document": study.interview,
        "participant": participant, "code": study.trust, "coding": apply.ids[0],
    }[kind]
    with project.session() as s:
        assert memos.memo_of(s, kind, target) == ""
    SetMemo(kind, target, f"a {kind} memo 😀\non two lines").do(project)
    with project.session() as s:
        assert memos.memo_of(s, kind, target) == f"a {kind} memo 😀\non two lines"
        with pytest.raises(NotFound, match=f"no {kind} 9999"):
            memos.memo_of(s, kind, 9999)


def test_project_name(project: Project, empty_project: Project) -> None:
    with project.session() as s:
        assert projects.project_name(s) == "study"
    with empty_project.session() as s:
        assert projects.project_name(s) == "empty"


def test_project_name_given_at_creation(tmp_path: Path) -> None:
    p = projects.new_project(tmp_path / "p.crosscase", empty=True, name="Two enterprises 𝒳")
    try:
        with p.session() as s:
            assert projects.project_name(s) == "Two enterprises 𝒳"
    finally:
        p.close()
