"""Text search and the scopes autocoding widens a hit to: match, sentence, paragraph, turn."""

from __future__ import annotations

import pytest

from crosscase.db.project import Project
from crosscase.domain.errors import UsageError
from crosscase.io.importers.text import structure
from crosscase.services import cases, documents
from crosscase.services.search import Hit, compile_pattern, search

INTERVIEW = (
    "Interviewer: Tell me 😀 about the café. Who runs it?\n"
    "Manager: The farm shop 𝒳 pays for it. The café… it barely breaks even!\n"
    "Service users serve at the café “every day.” They like it.\n"
    "\n"
    "Interviewer: And the caravan park?\n"
)
MINUTES = "The board 🪑 met.\n\nThe café made a loss; the caravan park did not.\n"
OTHER = "Relational care has no café at all 𝒴.\n"


@pytest.fixture
def docs(empty_project: Project) -> dict[str, int]:
    out = {}
    with empty_project.transaction() as s:
        up = cases.ensure(s, "Upcycling")
        rel = cases.ensure(s, "Relational care")
        for case, name, text in (
            (up, "manager", INTERVIEW), (up, "minutes", MINUTES), (rel, "notes", OTHER)
        ):
            out[name] = documents.store(s, empty_project, case, name, structure(text, "txt"))
        out["Upcycling"], out["Relational care"] = up, rel
    return out


def run(project: Project, pattern: str, **kw: object) -> list[Hit]:
    with project.session() as s:
        return search(s, compile_pattern(pattern), **kw)  # type: ignore[arg-type]


def texts(hits: list[Hit]) -> list[str]:
    return [h.text for h in hits]


def test_match_scope_gives_code_point_offsets_and_context(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, r"farm shop 𝒳", document_ids=[docs["manager"]])
    assert len(hits) == 1
    h = hits[0]
    assert (h.start, h.end) == (INTERVIEW.index("farm shop"), INTERVIEW.index("farm shop") + 11)
    assert INTERVIEW[h.start:h.end] == h.text == "farm shop 𝒳"
    assert (h.document, h.case) == ("manager", "Upcycling")
    assert INTERVIEW.endswith(h.after, 0, h.end + 60) and h.after.startswith(" pays")
    assert h.before == INTERVIEW[max(0, h.start - 60):h.start]


def test_hits_come_in_case_then_document_order_ignoring_case(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, "CAFÉ")
    assert [(h.document, h.text) for h in hits] == [
        ("manager", "café"), ("manager", "café"), ("manager", "café"),
        ("minutes", "café"), ("notes", "café"),
    ]
    with empty_project.session() as s:
        strict = search(s, compile_pattern("CAFÉ", ignore_case=False))
    assert strict == []


def test_sentence_scope_widens_to_the_sentence_without_the_speaker_label(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, "farm shop", scope="sentence")
    assert texts(hits) == ["The farm shop 𝒳 pays for it."]
    first = run(empty_project, "tell me", scope="sentence")
    assert texts(first) == ["Tell me 😀 about the café."]


def test_sentence_ends_at_an_ellipsis_and_keeps_a_closing_quote(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, "café", scope="sentence", document_ids=[docs["manager"]])
    assert texts(hits) == [
        "Tell me 😀 about the café.",
        "The café…",
        "Service users serve at the café “every day.”",
    ]
    for h in hits:
        assert INTERVIEW[h.start:h.end] == h.text


def test_paragraph_scope_widens_to_the_paragraph(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, "loss", scope="paragraph")
    assert texts(hits) == ["The café made a loss; the caravan park did not."]
    assert hits[0].start == MINUTES.index("The café")


def test_turn_scope_widens_to_the_speakers_whole_turn(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, "breaks even", scope="turn")
    turn = INTERVIEW[INTERVIEW.index("Manager:"):INTERVIEW.index("They like it.") + 13]
    assert texts(hits) == [turn]
    assert "\n" in turn and turn.startswith("Manager:")


def test_turn_scope_falls_back_to_paragraphs_without_speakers(
    empty_project: Project, docs: dict[str, int]
) -> None:
    hits = run(empty_project, "caravan", scope="turn", document_ids=[docs["minutes"]])
    assert texts(hits) == ["The café made a loss; the caravan park did not."]


def test_hits_in_one_scope_become_one_hit(empty_project: Project, docs: dict[str, int]) -> None:
    # "café" and "loss" are both in one paragraph of the minutes
    hits = run(empty_project, "café|loss", scope="paragraph", document_ids=[docs["minutes"]])
    assert len(hits) == 1
    matches = run(empty_project, "café|loss", document_ids=[docs["minutes"]])
    assert texts(matches) == ["café", "loss"]


def test_search_by_case_and_by_document(empty_project: Project, docs: dict[str, int]) -> None:
    assert {h.case for h in run(empty_project, "café", case_ids=[docs["Relational care"]])} == {
        "Relational care"
    }
    assert {h.document for h in run(empty_project, "café", document_ids=[docs["minutes"]])} == {
        "minutes"
    }
    assert run(empty_project, "café", case_ids=[]) == []


def test_empty_matches_are_not_hits(empty_project: Project, docs: dict[str, int]) -> None:
    assert run(empty_project, "x*") == []
    assert texts(run(empty_project, "care|q*", document_ids=[docs["notes"]])) == ["care"]


def test_plain_text_search_escapes_regex_characters(
    empty_project: Project, docs: dict[str, int]
) -> None:
    with empty_project.session() as s:
        hits = search(s, compile_pattern("Who runs it?", regex=False))
    assert texts(hits) == ["Who runs it?"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("café(", "not a valid regular expression"), ("[a-", "not a valid regular expression"),
     ("*café", "not a valid regular expression"), ("", "empty")],
)
def test_bad_patterns_are_a_usage_error(pattern: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        compile_pattern(pattern)


def test_an_unknown_scope_is_a_usage_error(empty_project: Project, docs: dict[str, int]) -> None:
    with pytest.raises(UsageError, match="scope must be one of match, sentence, paragraph, turn"):
        run(empty_project, "café", scope="chapter")
