"""PDF page furniture: running headers, footers and page numbers stay out of the text,
and a paragraph that runs over a page break comes out whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from import_fixtures import assert_well_formed, make_pdf, para_texts, turn_texts

from crosscase.io.importers import extract
from crosscase.io.importers.pdffurniture import Line, PageLines, find_furniture, is_page_number

HEADER = "Millbrook Works Annual Report 2023"
FOOTER = "Page {n} of {nb}"

# One long sentence in lower case: wherever a page break falls inside it, the
# line before the break does not end a sentence.
CLAUSE = (
    "we upcycle furniture, deliver leaflets and do conservation work with the members, "
    "the families and the staff, "
)
LONG = (
    "Our members decide together with staff what happens next, and "
    + CLAUSE * 8
    + "so that the year ends well."
)
TOPICS = [
    "the barn", "the farm shop", "the café", "the caravan park", "the leaflet round",
    "the market garden", "the members' committee", "the board", "the day service",
    "the kitchen", "the plant nursery", "the county show", "the hedge-laying team",
    "the jobs board", "the van fund",
]
DOINGS = [
    "had a strong season, and the members who work there chose new things to try",
    "was busier than ever, and the members asked for a say in how the work is shared",
    "changed its hours, so that the members who come in the afternoon can take part",
]
# Two-line paragraphs, each different (a real report does not repeat its paragraphs),
# about fourteen to a page.
SHORT = [
    f"This year {topic} {doing}, from the rota to the colours, with the staff's help."
    for doing in DOINGS
    for topic in TOPICS
]
FIRST_PAGE = 14  # LONG after this many short paragraphs runs over the first page break


def read(data: bytes) -> Any:
    result = extract(Path("report.pdf"), data=data)
    assert result.format == "pdf"
    assert_well_formed(result)
    return result


def page_texts(result: Any) -> list[str]:
    return [result.text[p.start : p.end] for p in result.pages]


def furnished_pdf(
    *,
    flow: Iterable[str] = (),
    pages: Iterable[Iterable[str]] = (),
    header: str | Callable[[int], str] | None = HEADER,
    footer: str | None = FOOTER,
    header_on_first: bool = True,
    title: str | None = None,
) -> bytes:
    """A PDF with a running header and footer ({n}: page number, {nb}: page count).

    A header "left|right" is set in two parts on one level; a callable header
    gets the page number. ``flow`` paragraphs are set in flowing text, page
    breaks where they fall; ``pages`` gives the lines of each page (one cell a
    line, "" a gap, "<figure>" an image, "# text" a heading in large type) instead.
    """
    from fpdf import FPDF
    from PIL import Image

    class Report(FPDF):
        def header(self) -> None:
            if header is not None and (header_on_first or self.page_no() > 1):
                self.set_font("helvetica", size=9)
                n = self.page_no()
                text = header(n) if callable(header) else header.format(n=n)
                left, _, right = text.rpartition("|")
                if left:
                    self.set_xy(10, 8)
                    self.cell(0, 5, left)
                self.set_xy(10, 8)
                self.cell(0, 5, right, align="R")
            self.set_font("helvetica", size=11)
            self.set_y(20)

        def footer(self) -> None:
            if footer is not None:
                self.set_y(-15)
                self.set_font("helvetica", size=9)
                self.cell(0, 5, footer.format(n=self.page_no(), nb="{nb}"), align="C")
            self.set_font("helvetica", size=11)

    pdf = Report()
    pdf.set_auto_page_break(True, margin=20)
    explicit = [list(lines) for lines in pages]
    if explicit:
        pdf.set_auto_page_break(False)
        for lines in explicit:
            pdf.add_page()
            for line in lines:
                if line == "<figure>":
                    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=40, w=150)
                elif line.startswith("# "):
                    pdf.set_font("helvetica", size=16)
                    pdf.cell(0, 8, line[2:], new_x="LMARGIN", new_y="NEXT")
                    pdf.set_font("helvetica", size=11)
                elif line:
                    pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
                else:
                    pdf.ln(15)
    else:
        pdf.add_page()
        if title is not None:
            pdf.set_font("helvetica", size=16)
            pdf.set_y(22)
            pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(10)
            pdf.set_font("helvetica", size=11)
        for para in flow:
            pdf.multi_cell(0, 5, para, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
    return bytes(pdf.output())


def test_footer_and_running_header_are_left_out_and_a_paragraph_runs_over_the_break() -> None:
    source = SHORT[:FIRST_PAGE] + [LONG] + SHORT[FIRST_PAGE:20]
    result = read(furnished_pdf(flow=source))
    assert [p.number for p in result.pages] == [1, 2]
    assert "Page" not in result.text and "Millbrook Works" not in result.text
    # every paragraph whole, the one split by the page break too
    assert para_texts(result) == source
    long = next(p for p in result.paragraphs if result.text[p.start : p.end] == LONG)
    first, second = result.pages
    # the page break falls inside the long paragraph: each page has its own part of it
    assert long.start < first.end < second.start < long.end
    assert result.text[first.end : second.start] == " "
    assert first.start == 0 and second.end == len(result.text)
    assert page_texts(result)[0].endswith(result.text[long.start : first.end])
    # a quote that starts on page 1 and ends on page 2 is one stretch of the text
    assert LONG in result.text


@pytest.mark.parametrize(
    "footer", ["{n}", "- {n} -", "Page {n}", "Page {n} of {nb}", "p. {n}", "{n}/{nb}"]
)
def test_lone_page_numbers_at_the_foot_are_left_out(footer: str) -> None:
    source = SHORT[:FIRST_PAGE] + [LONG] + SHORT[FIRST_PAGE:20]
    result = read(furnished_pdf(flow=source, header=None, footer=footer))
    assert para_texts(result) == source


def test_page_numbers_at_the_top_are_left_out() -> None:
    source = SHORT[:FIRST_PAGE] + [LONG] + SHORT[FIRST_PAGE:20]
    result = read(furnished_pdf(flow=source, header="Page {n}", footer=None))
    assert "Page" not in result.text
    assert para_texts(result) == source


def test_a_hyphenated_word_over_the_page_break_is_rejoined() -> None:
    data = furnished_pdf(
        pages=[
            ["Chair's foreword", "", "The social enterprise is an organi-"],
            ["sation that co-produces services with members."],
        ]
    )
    result = read(data)
    assert para_texts(result) == [
        "Chair's foreword",
        "The social enterprise is an organisation that co-produces services with members.",
    ]
    assert page_texts(result) == [
        "Chair's foreword\nThe social enterprise is an organi",
        "sation that co-produces services with members.",
    ]


def test_a_wrapped_line_joins_a_next_page_that_starts_in_upper_case() -> None:
    # lines of about the same length, as a paragraph wrapped at the column edge
    data = furnished_pdf(
        pages=[
            [
                "Our leaflet round now delivers for five local customers, and the members who",
                "walk it chose the streets themselves; the largest customer this year was the",
            ],
            [
                "Ashcombe Parish Council, which asked for a second round in the spring.",
                "",
                "Conservation work went on all year.",
            ],
        ]
    )
    result = read(data)
    assert para_texts(result) == [
        "Our leaflet round now delivers for five local customers, and the members who "
        "walk it chose the streets themselves; the largest customer this year was the "
        "Ashcombe Parish Council, which asked for a second round in the spring.",
        "Conservation work went on all year.",
    ]
    assert page_texts(result)[1].startswith("Ashcombe Parish Council")


def test_real_paragraph_breaks_at_page_ends_stay() -> None:
    data = furnished_pdf(
        pages=[
            [
                "Our members",
                "",
                "Our members chose the colours of the furniture this year, and the cafe menu,",
                "and the window themes.",
            ],
            ["Our trading year", "", "Income by source:", "", "- Grants 200,000 pounds"],
            ["Trading was 62 per cent of income.", "", "Finance"],
            ["Total income for the year was 640,000 pounds."],
        ]
    )
    result = read(data)
    assert para_texts(result) == [
        "Our members",
        "Our members chose the colours of the furniture this year, and the cafe menu, "
        "and the window themes.",
        "Our trading year",
        "Income by source:",
        "- Grants 200,000 pounds",
        "Trading was 62 per cent of income.",
        "Finance",
        "Total income for the year was 640,000 pounds.",
    ]
    assert [p.number for p in result.pages] == [1, 2, 3, 4]
    assert page_texts(result)[2] == "Trading was 62 per cent of income.\nFinance"


WRAPPED = [  # a paragraph wrapped at the column's edge, to show where that is
    "Our leaflet round now delivers for five local customers, and the members who",
    "walk it chose the streets themselves, with a map they drew on the barn wall.",
]


def test_a_heading_in_larger_type_at_the_top_of_a_page_is_not_joined() -> None:
    data = furnished_pdf(
        pages=[
            ["", *WRAPPED, "", WRAPPED[0]],
            ["# Our trading year", "", "The barn restored and sold 412 pieces of furniture."],
        ]
    )
    result = read(data)
    # WRAPPED[0] runs to the edge and does not end a sentence, but a heading follows
    assert para_texts(result)[1:3] == [WRAPPED[0], "Our trading year"]


def test_a_short_last_line_ends_its_paragraph_whatever_comes_next() -> None:
    data = furnished_pdf(
        pages=[
            [*WRAPPED, "", "Notes on the figures"],
            ["eBay sales rose by a third this year.", "", "The board agreed the plan."],
            ["iPads were bought for the cafe."],
        ]
    )
    result = read(data)
    assert para_texts(result)[1:] == [
        "Notes on the figures",  # not wrapped: it ended where it ends
        "eBay sales rose by a third this year.",
        "The board agreed the plan.",  # a sentence's end
        "iPads were bought for the cafe.",
    ]


def test_a_running_head_that_changes_with_the_chapter_goes_with_its_page_number() -> None:
    chapters = ["Chapter 1: Our members", "Chapter 2: Our trading year", "Chapter 3: Finance"]
    data = furnished_pdf(
        pages=[["", "", "", text] for text in SHORT[:6]],
        header=lambda n: f"{chapters[(n - 1) // 2]}|{n}",
        footer=None,
    )
    result = read(data)
    # each running head is on only two of six pages, but on one level with the page number
    assert para_texts(result) == SHORT[:6]


def test_a_speaker_turn_runs_over_the_page_break_and_a_new_one_does_not() -> None:
    data = furnished_pdf(
        pages=[
            ["Interviewer: How did it start?", "", "P1: With a kitchen table and some"],
            ["families, in the old day centre.", "", "Interviewer: And then?"],
            ["P1: It grew, over the page."],
        ]
    )
    result = read(data)
    assert turn_texts(result) == [
        ("Interviewer", "Interviewer: How did it start?"),
        ("P1", "P1: With a kitchen table and some families, in the old day centre."),
        ("Interviewer", "Interviewer: And then?"),
        ("P1", "P1: It grew, over the page."),
    ]
    assert result.pages[1].start == result.text.index("families")
    assert result.pages[2].start == result.turns[3].start


def test_a_one_page_pdf_keeps_its_only_lines() -> None:
    result = read(furnished_pdf(pages=[["Short note on the board meeting."]]))
    assert sorted(para_texts(result)) == sorted(
        [HEADER, "Short note on the board meeting.", "Page 1 of 1"]
    )
    assert read(make_pdf([["7"]])).text == "7"


def test_a_different_heading_at_the_top_of_every_page_is_kept() -> None:
    headings = ["Introduction", "Our members", "Finance", "The year ahead"]
    data = furnished_pdf(
        pages=[[h, "", f"Text of the section on {h.lower()}."] for h in headings],
        header=None,
    )
    result = read(data)
    assert para_texts(result) == [
        line for h in headings for line in (h, f"Text of the section on {h.lower()}.")
    ]
    assert [p.number for p in result.pages] == [1, 2, 3, 4]


def test_a_line_repeated_in_the_middle_of_the_pages_is_kept() -> None:
    pages = [
        [f"Interviewer: Tell me about the {topic}.", "", "", "", "", "", "P1: I do not know."]
        for topic in ["farm", "café", "barn"]
    ]
    result = read(furnished_pdf(pages=pages))
    assert para_texts(result).count("P1: I do not know.") == 3
    assert HEADER not in result.text and "Page" not in result.text


def test_a_title_on_the_first_page_that_reads_like_the_running_header_is_kept() -> None:
    source = SHORT[: FIRST_PAGE - 2] + [LONG] + SHORT[FIRST_PAGE - 2 :]  # three pages
    result = read(furnished_pdf(flow=source, title=HEADER, header_on_first=False))
    assert para_texts(result) == [HEADER, *source]


def test_a_paragraph_runs_over_a_page_with_only_a_figure() -> None:
    data = furnished_pdf(
        pages=[
            ["The contract for members with long-term conditions pays 38,000 (8 per"],
            ["<figure>"],
            ["cent) of our income."],
        ]
    )
    result = read(data)
    assert result.text == (
        "The contract for members with long-term conditions pays 38,000 (8 per cent) of our income."
    )
    assert page_texts(result) == [
        "The contract for members with long-term conditions pays 38,000 (8 per",
        "",
        "cent) of our income.",
    ]
    assert result.pages[1].start == result.pages[0].end  # the page of the figure: no text
    assert result.warnings == []  # the figure page has text (its furniture): not a scan


def test_a_document_of_nothing_but_furniture_keeps_it() -> None:
    result = read(furnished_pdf(pages=[[], []], header=None))
    assert para_texts(result) == ["Page 1 of 2", "Page 2 of 2"]


def test_page_number_shapes() -> None:
    for text in ["4", "- 4 -", "– 12 –", "Page 4", "PAGE 4 of 12", "p. 4", "pg. 7", "4/12", "iv"]:
        assert is_page_number(text), text
    for text in ["Page", "civil", "4 members", "Figure 4", "Chapter 2", "p. 4 of the plan"]:
        assert not is_page_number(text), text


def test_a_page_number_beside_other_text_is_kept() -> None:
    def page(n: int, foot: list[Line]) -> PageLines:
        body = [Line(f"Body text {n}", 50, 400, 500, 410)]
        return PageLines(n, 0, 800, [body, foot])

    pages = [
        page(1, [Line("Total", 50, 40, 90, 50), Line("4", 300, 40, 306, 50)]),
        page(2, [Line("Page 2", 300, 40, 330, 50)]),
        page(3, [Line("Page 3", 300, 40, 330, 50)]),
    ]
    # "4" shares its line with "Total" (a table row)
    assert find_furniture(pages) == [set(), {(1, 0)}, {(1, 0)}]


def test_a_numbered_first_paragraph_on_every_page_is_kept() -> None:
    # alike but for their numbers, and at the top of every page: still body text,
    # because each runs on below the band
    pages = [
        [f"{n}. The board agreed the item and asked the director to report back", "on it"]
        for n in range(1, 4)
    ]
    result = read(furnished_pdf(pages=pages, header=None, footer=None))
    assert para_texts(result) == [
        f"{n}. The board agreed the item and asked the director to report back on it"
        for n in range(1, 4)
    ]


def test_a_number_that_ends_a_paragraph_at_the_foot_of_a_page_is_kept() -> None:
    def page(n: int, last: list[Line]) -> PageLines:
        return PageLines(n, 0, 800, [[Line(f"Body text {n}", 50, 400, 500, 410)], last])

    wrapped = [Line("the figures are set out in section", 50, 52, 500, 62), Line("4", 50, 40, 56, 50)]
    pages = [page(1, wrapped), page(2, [Line("- 2 -", 300, 40, 320, 50)])]
    # the "4" is the last line of a paragraph, not a page number; "- 2 -" is one
    assert find_furniture(pages) == [set(), {(1, 0)}]
