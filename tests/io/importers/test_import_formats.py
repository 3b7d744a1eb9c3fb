"""OpenDocument, RTF, Markdown and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from import_fixtures import assert_well_formed, odt_package, para_texts, turn_texts

from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import extract


def read(data: bytes, name: str, fmt: str) -> Any:
    result = extract(Path(name), data=data)
    assert result.format == fmt
    assert_well_formed(result)
    return result


# --- odt ------------------------------------------------------------------------


def test_odt_paragraphs_headings_lists_tables() -> None:
    body = (
        '<text:h text:outline-level="1">Interview 😀</text:h>'
        '<text:p>Interviewer:   How did it\n   start?<text:s text:c="2"/>𝒳</text:p>'
        "<text:p>P1: <text:span>With the</text:span> <text:span>café</text:span>."
        "<text:line-break/>Second line<text:tab/>tabbed</text:p>"
        "<text:list><text:list-item><text:p>item one</text:p></text:list-item>"
        "<text:list-item><text:p>item two</text:p></text:list-item></text:list>"
        "<table:table><table:table-column/>"
        "<table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>"
        "<table:table-cell><text:p>b</text:p><text:p>b2</text:p></table:table-cell>"
        "</table:table-row>"
        "<table:table-row><table:table-cell/><table:table-cell><text:p>d</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    result = read(odt_package(body), "doc.odt", "odt")
    assert para_texts(result) == [
        "Interview 😀",
        "Interviewer: How did it start?  𝒳",
        "P1: With the café.",
        "Second line\ttabbed",
        "item one",
        "item two",
        "a | b b2",
        "| d",
    ]


def test_odt_tracked_changes_notes_frames_and_comments() -> None:
    body = (
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        "<text:p>deleted words</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
        '<text:p>Kept<text:change text:change-id="c1"/> text'
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>A footnote.</text:p></text:note-body></text:note>"
        " and "
        '<office:annotation office:name="n1"><dc:creator>Ada</dc:creator>'
        "<text:p>Hybridity</text:p></office:annotation>"
        "social aims"
        '<office:annotation-end office:name="n1"/>'
        ".<draw:frame><draw:text-box><text:p>Frame text</text:p></draw:text-box></draw:frame>"
        "</text:p>"
        "<text:p>Point<office:annotation><dc:creator>Bo</dc:creator><text:p>on the paragraph"
        "</text:p></office:annotation> note.</text:p>"
    )
    result = read(odt_package(body), "doc.odt", "odt")
    assert para_texts(result) == [
        "Kept text[1] and social aims.",
        "Frame text",
        "Point note.",
        "Footnotes",
        "[1] A footnote.",
    ]
    assert "deleted" not in result.text
    notes = [(result.text[n.start : n.end], n.text, n.author) for n in result.notes]
    assert notes == [("social aims", "Hybridity", "Ada"), ("Point note.", "on the paragraph", "Bo")]


def test_odt_spreadsheet_is_refused() -> None:
    data = odt_package(
        "<text:p>x</text:p>", mimetype="application/vnd.oasis.opendocument.spreadsheet"
    )
    with pytest.raises(ImportRefused, match=r"^sheet\.odt: is an OpenDocument spreadsheet"):
        extract(Path("sheet.odt"), data=data)


def test_encrypted_odt_is_refused() -> None:
    data = odt_package("<text:p>x</text:p>", manifest_extra="<manifest:encryption-data/>")
    with pytest.raises(ImportRefused, match=r"^locked\.odt: is password-protected"):
        extract(Path("locked.odt"), data=data)


# --- rtf ------------------------------------------------------------------------

RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}"
    r"{\header header text\par}"
    r"Interviewer: Caf\'e9 \u8220?co-production\u8221? \u-10179?\u-8704?\par "
    r"P1: We \u55349?\u56499? agree.\line Next line\par "
    r"{\footnote a footnote}"
    r"Interviewer: Thanks.\par "
    r"\trowd\cellx1000\cellx2000 A1\cell B1\cell\row "
    r"}"
)


def test_rtf_text_turns_and_characters_outside_the_bmp() -> None:
    result = read(RTF.encode("ascii"), "doc.rtf", "rtf")
    assert para_texts(result) == [
        "Interviewer: Café “co-production” 😀",
        "P1: We 𝒳 agree.",
        "Next line",
        "Interviewer: Thanks.",
        "A1|B1",
    ]
    assert "header" not in result.text and "footnote" not in result.text
    assert [t.speaker for t in result.turns] == ["Interviewer", "P1", "Interviewer"]


def test_rtf_saved_as_doc_is_read_as_rtf() -> None:
    result = read(RTF.encode("ascii"), "legacy.doc", "rtf")
    assert result.warnings and "read as rtf" in result.warnings[0]


# --- markdown ---------------------------------------------------------------------

MD = """---
title: front matter
---
# Interview *one* 😀

Interviewer: How did it
start, and why?
P1: With **members**, [see](http://example.org) ![photo](x.png) &amp; more 𝒳.

- list item
- another

> quoted text

| Year | Income |
|------|--------|
| 2023 | £12k   |

```
code line
```

<div>html <script>var x;</script><b>block</b></div>
"""


def test_markdown_text_without_markup() -> None:
    result = read(MD.encode(), "notes.md", "md")
    assert para_texts(result) == [
        "Interview one 😀",
        "Interviewer: How did it start, and why?",
        "P1: With members, see & more 𝒳.",
        "list item",
        "another",
        "quoted text",
        "Year | Income",
        "2023 | £12k",
        "code line",
        "html block",
    ]
    assert turn_texts(result)[0] == ("Interviewer", "Interviewer: How did it start, and why?")


# --- html -----------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Not shown</title>
<style>p { color: red }</style><script>alert("no")</script></head>
<body>
<h1>Interview   😀</h1>
<p>Interviewer: How   did it
   start?</p>
<p>P1: With the <b>café</b>&nbsp;and &amp; 𝒳.<br>Second line</p>
<div hidden>hidden text</div><p style="display:none">also hidden</p>
<ul><li>one</li><li>two <i>items</i></li></ul>
<table><tr><th>Year</th><th>Income</th></tr><tr><td>2023</td><td>£12k</td></tr></table>
<pre>  keep   spacing
line two</pre>
<noscript>no js</noscript>
</body></html>
"""


def test_html_visible_text_in_blocks() -> None:
    result = read(HTML.encode(), "page.html", "html")
    assert para_texts(result) == [
        "Interview 😀",
        "Interviewer: How did it start?",
        "P1: With the café\xa0and & 𝒳.",
        "Second line",
        "one",
        "two items",
        "Year | Income",
        "2023 | £12k",
        "keep   spacing",
        "line two",
    ]


def test_html_declared_charset() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>“Café”</p></body></html>'
    result = read(page.encode("cp1252"), "page.htm", "html")
    assert result.text == "“Café”"


def test_html_saved_as_txt_is_read_as_html() -> None:
    result = read(b"<!doctype html><p>Hello</p><p>World</p>", "page.txt", "html")
    assert para_texts(result) == ["Hello", "World"]
