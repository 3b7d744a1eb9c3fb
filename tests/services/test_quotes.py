"""Finding a quote in stored text: exact first, then white space and quote marks tolerated.

Offsets are code points, so every text here has astral characters before
the quote: a UTF-16 count would put the span in the wrong place.
"""

from __future__ import annotations

import pytest

from crosscase.db.project import Project
from crosscase.domain.errors import NotFound, SpanError, UsageError
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents
from crosscase.services.coding import CodingSpec, spec_for
from crosscase.services.spans import find_quote

LEAD = "𝒳😀👩‍🔧 "  # five code points before the text proper, eight UTF-16 units


def test_an_exact_quote_is_found_at_code_point_offsets() -> None:
    text = LEAD + "The farm shop 𝒳 pays for the day service."
    start, end = find_quote(text, "farm shop 𝒳 pays")
    assert (start, end) == (len(LEAD) + 4, len(LEAD) + 20)
    assert text[start:end] == "farm shop 𝒳 pays"


@pytest.mark.parametrize(
    "text",
    [
        LEAD + "the farm  shop pays",  # two spaces
        LEAD + "the farm\nshop pays",  # a line break (PDF text)
        LEAD + "the farm \n\t shop pays",  # a run of mixed white space
        LEAD + "the farm\u00a0shop pays",  # a no-break space
    ],
)
def test_white_space_in_the_text_may_differ_from_the_quote(text: str) -> None:
    start, end = find_quote(text, "farm shop")
    assert start == len(LEAD) + 4
    assert text[start:end].split() == ["farm", "shop"]
    assert text[end:] == " pays"


def test_white_space_in_the_quote_may_differ_from_the_text() -> None:
    text = LEAD + "we co-produce the plan together"
    start, end = find_quote(text, "  co-produce\nthe   plan ")
    assert text[start:end] == "co-produce the plan"


@pytest.mark.parametrize(
    ("text", "quote", "found"),
    [
        (LEAD + "she said “it works” to us", 'said "it works"', "said “it works”"),
        (LEAD + 'she said "it works" to us', "said “it works”", 'said "it works"'),
        (LEAD + "the users’ café", "users' café", "users’ café"),
        (LEAD + "the users' café", "users‘ café", "users' café"),
        (LEAD + "day service – farm shop", "service - farm", "service – farm"),
        (LEAD + "it’s “ours” now", "it's \"ours\"", "it’s “ours”"),
    ],
)
def test_typographic_and_straight_quote_marks_match_each_other(
    text: str, quote: str, found: str
) -> None:
    start, end = find_quote(text, quote)
    assert text[start:end] == found
    assert start == text.index(found)


def test_exact_characters_win_over_a_tolerant_match() -> None:
    # the tolerant pattern would match the first, typographic one too
    text = LEAD + "“ours” and then \"ours\""
    start, end = find_quote(text, '"ours"')
    assert text[start:end] == '"ours"' and start == text.rindex('"ours"')


def test_occurrence_picks_the_kth_appearance() -> None:
    text = LEAD + "trust 😀 and trust 𝒳 and trust again"
    firsts = [find_quote(text, "trust", k) for k in (1, 2, 3)]
    assert [s for s, _ in firsts] == [
        i for i in range(len(text)) if text.startswith("trust", i)
    ]
    assert all(e - s == 5 for s, e in firsts)


def test_occurrence_counts_tolerant_matches_too() -> None:
    text = LEAD + "farm\nshop, farm  shop"
    assert find_quote(text, "farm shop", 2) == (len(LEAD) + 11, len(LEAD) + 21)


def test_overlapping_appearances_are_counted() -> None:
    assert find_quote("aaaa", "aa", 3) == (2, 4)


@pytest.mark.parametrize(
    ("quote", "occurrence", "message"),
    [
        ("caravan park", 1, "quote not found"),
        ("   ", 1, "empty"),
        ("", 1, "empty"),
        ("trust", 3, "occurs 2 time(s), not 3"),
        ("trust", 0, "counts from 1"),
    ],
)
def test_a_quote_that_cannot_be_placed_is_a_clear_error(
    quote: str, occurrence: int, message: str
) -> None:
    with pytest.raises(SpanError, match=message.replace("(", r"\(").replace(")", r"\)")):
        find_quote(LEAD + "trust 😀 and trust", quote, occurrence)


def test_a_long_missing_quote_is_shortened_in_the_message() -> None:
    quote = "a quote that goes on and on " * 5
    with pytest.raises(SpanError) as err:
        find_quote("short text", quote)
    assert str(err.value).endswith('..."') and len(str(err.value)) < 120


# -- spec_for: documents and codes by name, then the quote ---------------------------

TEXT = (
    "Interviewer: Tell me 😀 about the café.\n"
    "Manager: The farm shop 𝒳 pays for the day service.\n"
    "Manager: The “farm shop” is ours; the farm shop pays.\n"
)


@pytest.fixture
def doc(project: Project) -> int:
    with project.transaction() as s:
        case_id = cases.ensure(s, "Upcycling 🪑")
        return documents.store(s, project, case_id, "manager", structure(TEXT, "txt"))


def test_spec_for_a_quote_names_the_document_and_code_by_name(project: Project, doc: int) -> None:
    with project.session() as s:
        spec = spec_for(s, "manager", "Trust", quote="farm shop 𝒳 pays", memo="why 𝒳")
        trust = codebook.resolve(s, "Trust")
    start = TEXT.index("farm shop 𝒳")
    assert spec == CodingSpec(doc, trust, start, start + 16, "why 𝒳")


def test_spec_for_accepts_case_slash_document_and_a_quote_with_typographic_marks(
    project: Project, doc: int
) -> None:
    with project.session() as s:
        spec = spec_for(s, "Upcycling 🪑/manager", "Trust", quote='The "farm shop"')
    assert TEXT[spec.start:spec.end] == "The “farm shop”"


def test_spec_for_occurrence(project: Project, doc: int) -> None:
    with project.session() as s:
        spans = [spec_for(s, doc, "Trust", quote="farm shop", occurrence=k) for k in (1, 2, 3)]
        with pytest.raises(SpanError, match=r"occurs 3 time\(s\), not 4"):
            spec_for(s, doc, "Trust", quote="farm shop", occurrence=4)
    exact = [i for i in range(len(TEXT)) if TEXT.startswith("farm shop", i)]
    assert [sp.start for sp in spans] == exact and len(exact) == 3
    assert {TEXT[sp.start:sp.end] for sp in spans} == {"farm shop"}


def test_spec_for_refuses_a_quote_and_offsets_together_or_neither(
    project: Project, doc: int
) -> None:
    with project.session() as s:
        with pytest.raises(UsageError, match="not both"):
            spec_for(s, doc, "Trust", quote="farm", start=0)
        with pytest.raises(UsageError, match="--start and --end"):
            spec_for(s, doc, "Trust", start=3)


@pytest.mark.parametrize(("start", "end"), [(-1, 4), (5, 5), (6, 2), (0, len(TEXT) + 1)])
def test_spec_for_offsets_must_fit_the_document(
    project: Project, doc: int, start: int, end: int
) -> None:
    with project.session() as s, pytest.raises(UsageError, match="does not fit"):
        spec_for(s, doc, "Trust", start=start, end=end)


def test_spec_for_the_last_code_point_of_astral_text(project: Project, doc: int) -> None:
    with project.session() as s:
        spec = spec_for(s, doc, "Trust", start=len(TEXT) - 1, end=len(TEXT))
    assert (spec.start, spec.end) == (len(TEXT) - 1, len(TEXT))


def test_spec_for_a_missing_document_or_code(project: Project, doc: int) -> None:
    with project.session() as s:
        with pytest.raises(NotFound, match="no document"):
            spec_for(s, "nobody", "Trust", quote="farm")
        with pytest.raises(NotFound):
            spec_for(s, doc, "No such code 𝒳", quote="farm")
        with pytest.raises(SpanError, match="not found"):
            spec_for(s, doc, "Trust", quote="caravan park")
