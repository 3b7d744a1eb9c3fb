"""PDF: pages, paragraphs, hyphenation, ligatures, passwords, scans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from import_fixtures import assert_well_formed, image_only_pdf, make_pdf, para_texts, turn_texts

from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import extract
from crosscase.io.importers.pdf import join_lines


def read(data: bytes, name: str = "report.pdf", password: str | None = None) -> Any:
    result = extract(Path(name), data=data, password=password)
    assert result.format == "pdf"
    assert_well_formed(result)
    return result


def test_pages_are_recorded_and_cite_the_right_text() -> None:
    data = make_pdf(
        [
            ["Millbrook Works annual report", "", "Our members chose the colours."],
            ["Second page text about the caf\u00e9."],
            [],
            ["Fourth page."],
        ]
    )
    result = read(data)
    assert [p.number for p in result.pages] == [1, 2, 3, 4]
    page_texts = [result.text[p.start : p.end] for p in result.pages]
    assert page_texts == [
        "Millbrook Works annual report\nOur members chose the colours.",
        "Second page text about the caf\u00e9.",
        "",
        "Fourth page.",
    ]
    assert para_texts(result)[-1] == "Fourth page."


def test_lines_of_a_paragraph_are_joined_and_hyphens_at_line_ends_rejoined() -> None:
    data = make_pdf(
        [
            [
                "The social enterprise is an organi-",
                "sation that co-produces",
                "services with",
                "members. Well-",
                "Known words stay.",
            ]
        ]
    )
    result = read(data)
    assert result.text == (
        "The social enterprise is an organisation that co-produces services with members. "
        "Well- Known words stay."
    )


def test_speaker_lines_are_not_joined_into_one_paragraph() -> None:
    data = make_pdf(
        [
            [
                "Interviewer: How did it start?",
                "P1: With a kitchen table and some",
                "families.",
                "Interviewer: And then?",
            ],
            ["P1: It grew, over the page."],
        ]
    )
    result = read(data)
    assert turn_texts(result) == [
        ("Interviewer", "Interviewer: How did it start?"),
        ("P1", "P1: With a kitchen table and some families."),
        ("Interviewer", "Interviewer: And then?"),
        ("P1", "P1: It grew, over the page."),
    ]
    assert result.pages[1].start == result.turns[3].start


def test_ligatures_are_expanded_and_astral_text_kept() -> None:
    data = make_pdf(
        [["The \ufb01rst \ufb02oor o\ufb03ce, e\ufb00ort, ba\ufb04ed."]], unicode_font=True
    )
    result = read(data)
    assert result.text == "The first floor office, effort, baffled."


def test_join_lines_rules() -> None:
    assert join_lines(["an organi-\n", "sation\n"]) == ["an organisation"]
    assert join_lines(["Covid-\n", "19 rules\n"]) == ["Covid- 19 rules"]
    assert join_lines(["soft\u00ad\n", "hyphen\n"]) == ["softhyphen"]
    assert join_lines(["• one\n", "• two\n"]) == ["• one", "• two"]
    assert join_lines(["共同\n", "生産\n"]) == ["共同生産"]
    assert join_lines(["  \n", "\ufb01ne\x00\n"]) == ["fine"]


@pytest.mark.parametrize("method", ["RC4", "AES_128", "AES_256"])
def test_password_protected_pdf(method: str) -> None:
    data = make_pdf([["Secret minutes of the board."]], user_password="pw", method=method)
    with pytest.raises(ImportRefused) as refused:
        extract(Path("board.pdf"), data=data)
    assert str(refused.value) == (
        "board.pdf: is password-protected; give the password (--password)"
    )
    with pytest.raises(ImportRefused, match=r"^board\.pdf: the password is wrong"):
        extract(Path("board.pdf"), data=data, password="nope")
    assert read(data, "board.pdf", password="pw").text == "Secret minutes of the board."


def test_owner_password_only_opens_without_a_password() -> None:
    data = make_pdf([["Open to read."]], user_password="")
    assert read(data).text == "Open to read."


def test_a_scan_without_text_layer_is_refused() -> None:
    with pytest.raises(ImportRefused) as refused:
        extract(Path("scan.pdf"), data=image_only_pdf())
    assert str(refused.value) == "scan.pdf: has no text layer (a scan?); run OCR on it first"


def test_a_pdf_named_txt_is_read_as_pdf() -> None:
    result = read(make_pdf([["Misnamed."]]), "notes.txt")
    assert result.text == "Misnamed."
    assert "read as pdf" in result.warnings[0]


def test_truncated_pdf_is_refused_clearly() -> None:
    data = make_pdf([["Some text."]])
    with pytest.raises(ImportRefused, match=r"^cut\.pdf: "):
        extract(Path("cut.pdf"), data=data[: len(data) // 3])
