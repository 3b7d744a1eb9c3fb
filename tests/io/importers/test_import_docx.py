"""Word .docx: reading order, tables, notes, tracked changes, text boxes, comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_fixtures import (
    assert_well_formed,
    docx_package,
    p,
    para_texts,
    python_docx,
    rewrite_zip,
    run,
    turn_texts,
)

from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import extract


def read(data: bytes, name: str = "doc.docx") -> Any:
    result = extract(Path(name), data=data)
    assert result.format == "docx"
    assert_well_formed(result)
    return result


def test_python_docx_document_in_reading_order() -> None:
    def build(d: Any) -> None:
        d.add_heading("Interview 1 😀", 1)
        d.add_paragraph("Interviewer: How did it start? 𝒳")
        d.add_paragraph("P1: We began with the café.")
        d.add_paragraph("It grew.")
        d.add_paragraph("Interviewer: And then?")
        table = d.add_table(rows=2, cols=3)
        for (r, c), value in {
            (0, 0): "Income",
            (0, 1): "2023",
            (1, 0): "Café",
            (1, 2): "£12k",
        }.items():
            table.cell(r, c).text = value
        d.add_paragraph("first item", style="List Bullet")
        d.add_paragraph("second item", style="List Number")
        section = d.sections[0]
        section.header.paragraphs[0].text = "CONFIDENTIAL HEADER"
        section.footer.paragraphs[0].text = "Page footer"

    result = read(python_docx(build))
    assert para_texts(result) == [
        "Interview 1 😀",
        "Interviewer: How did it start? 𝒳",
        "P1: We began with the café.",
        "It grew.",
        "Interviewer: And then?",
        "Income | 2023 |",
        "Café |  | £12k",
        "first item",
        "second item",
    ]
    assert "HEADER" not in result.text and "footer" not in result.text
    assert turn_texts(result)[:2] == [
        ("Interviewer", "Interviewer: How did it start? 𝒳"),
        ("P1", "P1: We began with the café.\nIt grew."),
    ]
    emoji = result.text.index("😀")
    assert result.paragraphs[0].end == emoji + 1


def test_tracked_changes_are_taken_as_accepted() -> None:
    body = p(
        run("We "),
        '<w:ins w:id="1" w:author="A"><w:r><w:t>really </w:t></w:r></w:ins>',
        '<w:del w:id="2" w:author="A"><w:r><w:delText>never </w:delText></w:r></w:del>',
        run("co-produce."),
    ) + p(
        '<w:moveFrom w:id="3"><w:r><w:t>moved away</w:t></w:r></w:moveFrom>',
        '<w:moveTo w:id="4"><w:r><w:t>moved here</w:t></w:r></w:moveTo>',
    )
    assert para_texts(read(docx_package(body))) == ["We really co-produce.", "moved here"]


def test_a_deleted_paragraph_mark_joins_paragraphs() -> None:
    body = (
        '<w:p><w:pPr><w:rPr><w:del w:id="9" w:author="A"/></w:rPr></w:pPr>'
        + run("First half, ")
        + "</w:p>"
        + p("second half.")
    )
    assert para_texts(read(docx_package(body))) == ["First half, second half."]


def test_deleted_table_rows_are_dropped() -> None:
    body = (
        "<w:tbl>"
        "<w:tr><w:tc><w:p><w:r><w:t>kept</w:t></w:r></w:p></w:tc></w:tr>"
        '<w:tr><w:trPr><w:del w:id="1" w:author="A"/></w:trPr>'
        "<w:tc><w:p><w:r><w:t>gone</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    assert para_texts(read(docx_package(body))) == ["kept"]


TEXT_BOX = (
    "<w:r><mc:AlternateContent>"
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
    "<wps:wsp><wps:txbx><w:txbxContent>"
    "<w:p><w:r><w:t>Box text</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx></wps:wsp>"
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>Box text</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>"
)


def test_a_text_box_is_read_once_after_its_paragraph() -> None:
    body = p("Before the box ", TEXT_BOX, "and after.") + p("Next paragraph.")
    result = read(docx_package(body))
    assert para_texts(result) == ["Before the box and after.", "Box text", "Next paragraph."]
    assert result.text.count("Box text") == 1


def test_fallback_is_used_when_there_is_no_choice() -> None:
    only_fallback = TEXT_BOX.replace(
        TEXT_BOX[TEXT_BOX.index("<mc:Choice") : TEXT_BOX.index("<mc:Fallback>")], ""
    )
    result = read(docx_package(p("x", only_fallback)))
    assert para_texts(result) == ["x", "Box text"]


def test_footnotes_and_endnotes_are_marked_and_listed_at_the_end() -> None:
    footnotes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r>'
        + run(" Source: board minutes.")
        + "</w:p></w:footnote>"
    )
    endnotes = (
        '<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r>'
        + run(" Names changed.")
        + "</w:p></w:endnote>"
    )
    body = p(
        "Income rose",
        '<w:r><w:footnoteReference w:id="2"/></w:r>',
        " and members stayed",
        '<w:r><w:endnoteReference w:id="1"/></w:r>',
        ".",
    )
    result = read(docx_package(body, footnotes=footnotes, endnotes=endnotes))
    assert para_texts(result) == [
        "Income rose[1] and members stayed[i].",
        "Footnotes",
        "[1] Source: board minutes.",
        "Endnotes",
        "[i] Names changed.",
    ]


def test_comments_become_notes_on_the_passage_they_mark() -> None:
    comments = (
        '<w:comment w:id="0" w:author="Dr Ada Ng" w:initials="AN">'
        + p("Relational orientation")
        + "</w:comment>"
        '<w:comment w:id="1" w:author="Sam">' + p("Whole paragraph 😀") + "</w:comment>"
        '<w:comment w:id="7" w:author="Orphan">' + p("anchor deleted") + "</w:comment>"
    )
    body = p(
        "P1: We ",
        '<w:commentRangeStart w:id="0"/>',
        "know every member by name",
        '<w:commentRangeEnd w:id="0"/>',
        '<w:r><w:commentReference w:id="0"/></w:r>',
        ", always.",
    ) + p("Interviewer: 𝒳 thanks.", '<w:r><w:commentReference w:id="1"/></w:r>')
    result = read(docx_package(body, comments=comments))
    notes = [(result.text[n.start : n.end], n.text, n.author) for n in result.notes]
    assert notes == [
        ("know every member by name", "Relational orientation", "Dr Ada Ng"),
        ("Interviewer: 𝒳 thanks.", "Whole paragraph 😀", "Sam"),
    ]


def test_a_comment_spanning_paragraphs() -> None:
    comments = '<w:comment w:id="3" w:author="A">' + p("spans") + "</w:comment>"
    body = p("One ", '<w:commentRangeStart w:id="3"/>', "two") + p(
        "three", '<w:commentRangeEnd w:id="3"/>', " four"
    )
    result = read(docx_package(body, comments=comments))
    (note,) = result.notes
    assert result.text[note.start : note.end] == "two\nthree"


def test_hidden_text_fields_and_symbols() -> None:
    body = p(
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>secret</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        "<w:r><w:instrText> PAGE </w:instrText></w:r>",
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "7",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        "<w:r><w:tab/><w:t>tabbed</w:t><w:noBreakHyphen/><w:t>x</w:t></w:r>",
        '<w:r><w:sym w:font="Wingdings" w:char="F04A"/></w:r>',
    )
    assert para_texts(read(docx_package(body))) == ["7\ttabbed-xJ"]


def test_soft_line_breaks_start_new_paragraph_lines() -> None:
    body = p("Interviewer: one", "<w:r><w:br/></w:r>", "P2: two")
    result = read(docx_package(body))
    assert para_texts(result) == ["Interviewer: one", "P2: two"]


def test_nested_tables_and_multi_paragraph_cells() -> None:
    inner = (
        "<w:tbl><w:tr>"
        "<w:tc><w:p><w:r><w:t>in1</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>in2</w:t></w:r></w:p></w:tc>"
        "</w:tr></w:tbl>"
    )
    body = (
        "<w:tbl><w:tr>"
        "<w:tc><w:p><w:r><w:t>line one</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>line two</w:t></w:r></w:p></w:tc>"
        f"<w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p>{inner}</w:tc>"
        "</w:tr></w:tbl>"
    )
    assert para_texts(read(docx_package(body))) == ["line one line two | outer in1 | in2"]


def test_strict_ooxml() -> None:
    comments = '<w:comment w:id="0" w:author="S">' + p("strict note") + "</w:comment>"
    body = p(
        '<w:commentRangeStart w:id="0"/>', "Strict 😀 text", '<w:commentRangeEnd w:id="0"/>'
    ) + p("More.")
    result = read(docx_package(body, comments=comments, strict=True))
    assert para_texts(result) == ["Strict 😀 text", "More."]
    assert [result.text[n.start : n.end] for n in result.notes] == ["Strict 😀 text"]


def test_content_controls_smart_tags_and_hyperlinks_keep_their_text() -> None:
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent>"
        + p("in a control")
        + "</w:sdtContent></w:sdt>"
        + "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
        + p("Click or tap here to enter text.")
        + "</w:sdtContent></w:sdt>"
        + p(
            '<w:hyperlink r:id="rId9"><w:r><w:t>a link</w:t></w:r></w:hyperlink>',
            '<w:smartTag w:element="x"><w:r><w:t> tagged</w:t></w:r></w:smartTag>',
        )
    )
    assert para_texts(read(docx_package(body))) == ["in a control", "a link tagged"]


def test_transcript_turns_in_docx() -> None:
    def build(d: Any) -> None:
        d.add_paragraph("[00:00:01] Interviewer: Hello 😀")
        d.add_paragraph("[00:00:04] Service user 1: Hi.")
        d.add_paragraph("More from me.")
        d.add_paragraph("[00:00:09] Interviewer: Thanks.")

    result = read(python_docx(build))
    assert [(t.speaker, t.timestamp) for t in result.turns] == [
        ("Interviewer", "00:00:01"),
        ("Service user 1", "00:00:04"),
        ("Interviewer", "00:00:09"),
    ]
    assert turn_texts(result)[1][1] == "[00:00:04] Service user 1: Hi.\nMore from me."


def test_docm_and_misnamed_doc_are_read_as_docx() -> None:
    data = docx_package(p("macro doc"))
    assert para_texts(read(data, "x.docm")) == ["macro doc"]
    result = read(data, "old-name.doc")
    assert result.text == "macro doc"
    assert result.warnings and "read as docx" in result.warnings[0]


def test_a_docx_with_no_text() -> None:
    with pytest.raises(ImportRefused, match=r"^empty\.docx: no text found"):
        extract(Path("empty.docx"), data=docx_package(p()))


def test_xml_with_a_dtd_is_refused() -> None:
    data = docx_package(p("x"))
    bomb = rewrite_zip(
        data,
        "word/document.xml",
        lambda xml: xml.replace(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        ).replace(">x<", ">&b;<"),
    )
    with pytest.raises(ImportRefused, match=r"^bomb\.docx: cannot be read as docx"):
        extract(Path("bomb.docx"), data=bomb)


XML_CHARS = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff\u2028\u2029\x85"
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(XML_CHARS, max_size=40), min_size=1, max_size=12))
def test_any_paragraphs_come_back_exactly(paragraphs: list[str]) -> None:
    expected = [t.strip() for t in paragraphs if t.strip()]
    data = docx_package("".join(p(run(t)) for t in paragraphs))
    try:
        result = read(data)
    except ImportRefused:
        assert not expected
        return
    assert para_texts(result) == expected


W16SE = 'xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex" '


def symbol_run(char: str, font: str = "Segoe UI Emoji") -> str:
    """A run as Word 2016 and later write an emoji: a w16se:symEx Choice, the
    character itself only in the Fallback."""
    code = "".join(f"{ord(c):04X}" for c in char)[:4]
    return (
        '<mc:AlternateContent><mc:Choice Requires="w16se">'
        f'<w16se:symEx w16se:font="{font}" w16se:char="{code}"/></mc:Choice>'
        f"<mc:Fallback><w:t>{char}</w:t></mc:Fallback></mc:AlternateContent>"
    )


def test_word_symbol_runs_keep_their_characters() -> None:
    # "❤😏📖👌" as Word writes it: each symbol a run of its own, the variation
    # selector after the heart in a plain run
    body = p(
        "Thanks ",
        f"<w:r>{symbol_run('❤')}</w:r>",
        run("\ufe0f"),
        f"<w:r>{symbol_run('😏')}</w:r>",
        f"<w:r>{symbol_run('📖')}</w:r>",
        f"<w:r>{symbol_run('👌')}</w:r>",
        " bye",
    )
    result = read(docx_package(body, extra_ns=W16SE))
    assert para_texts(result) == ["Thanks ❤\ufe0f😏📖👌 bye"]


def test_a_symbol_run_inside_a_tracked_insertion_and_a_hyperlink() -> None:
    body = p(
        '<w:ins w:id="1" w:author="A"><w:r><w:t>Yes </w:t></w:r>'
        f"<w:r>{symbol_run('🎉')}</w:r></w:ins>",
        f'<w:hyperlink><w:r>{symbol_run("📎")}</w:r></w:hyperlink>',
    )
    assert para_texts(read(docx_package(body, extra_ns=W16SE))) == ["Yes 🎉📎"]


def test_a_choice_the_reader_understands_is_still_preferred() -> None:
    # a Choice requiring w14 (understood) wins over its Fallback
    body = p(
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="w14"><w:t>choice</w:t></mc:Choice>'
        "<mc:Fallback><w:t>fallback</w:t></mc:Fallback></mc:AlternateContent></w:r>"
    )
    ns = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    assert para_texts(read(docx_package(body, extra_ns=ns))) == ["choice"]


def test_a_choice_needing_one_unknown_namespace_falls_back() -> None:
    body = p(
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps w16se"><w:t>choice</w:t></mc:Choice>'
        "<mc:Fallback><w:t>fallback</w:t></mc:Fallback></mc:AlternateContent></w:r>"
    )
    assert para_texts(read(docx_package(body, extra_ns=W16SE))) == ["fallback"]


def test_hidden_text_flagged_inside_alternate_run_properties() -> None:
    hidden_props = (
        '<w:rPr><mc:AlternateContent><mc:Choice Requires="w14"><w:vanish/></mc:Choice>'
        "<mc:Fallback><w:vanish/></mc:Fallback></mc:AlternateContent></w:rPr>"
    )
    body = p(run("shown "), f"<w:r>{hidden_props}<w:t>hidden</w:t></w:r>", run("end"))
    ns = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    assert para_texts(read(docx_package(body, extra_ns=ns))) == ["shown end"]
