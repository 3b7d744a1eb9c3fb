"""HTML (.html, .htm, .xhtml) with the standard library's forgiving parser.

The visible text only: ``script``, ``style``, ``template``, ``noscript``,
``title``, SVG and anything marked ``hidden`` are dropped. Block elements
(p, div, li, headings, table rows ...) become lines; ``<br>`` breaks a line;
white space collapses as a browser collapses it, except inside ``<pre>``;
table cells are separated by " | ".
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from crosscase.domain.extract import Extracted
from crosscase.io.importers.builder import TextBuilder
from crosscase.io.importers.structure import build
from crosscase.io.importers.text import decode_with_warnings, normalise


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


_BLOCK = _words(
    """
    address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr
    html legend li main menu nav ol p pre section summary table tbody tfoot thead tr ul
    """
)
_SKIP = frozenset({"script", "style", "template", "noscript", "title", "svg", "head"})
_VOID = _words(
    """
    area base br col embed hr img input link meta param source track wbr
    """
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_ODD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\u0085\u2028\u2029\ud800-\udfff]")


def _fix(m: re.Match[str]) -> str:
    c = m.group()
    if "\ud800" <= c <= "\udfff":
        return "\ufffd"
    return " " if c in "\x0b\u0085\u2028\u2029" else ""


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.b = TextBuilder()
        self.skip: list[str] = []  # the open element we are skipping, and nested ones
        self.pre = 0
        self.cell_index: list[int] = []  # per open table row: cells seen so far

    # skipping -------------------------------------------------------------

    def _hidden(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in _SKIP:
            return True
        for key, value in attrs:
            if key == "hidden":
                return True
            if key == "style" and value and re.search(r"display\s*:\s*none", value, re.IGNORECASE):
                return True
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag == "body" and self.skip[0] in ("head", "title"):
                self.skip.clear()  # an unclosed <head> or <title>
            else:
                if tag == self.skip[0] and tag not in _VOID:
                    self.skip.append(tag)
                return
        if tag == "body":
            return self._block()
        if tag not in _VOID and self._hidden(tag, attrs):
            self.skip.append(tag)
            return
        if tag == "br":
            self.b.newline()
        elif tag in ("td", "th"):
            if self.cell_index:
                if self.cell_index[-1]:
                    self.b.add(" | ")
                self.cell_index[-1] += 1
        elif tag == "tr":
            self._block()
            self.cell_index.append(0)
        elif tag in _BLOCK:
            self._block()
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or self.skip:
            self.handle_starttag(tag, attrs)
        # <div/> and the like in XHTML: an empty element, nothing to do

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
            elif tag in ("body", "html") and self.skip[0] in ("head", "title"):
                self.skip.clear()  # an unclosed <head> or <title>
            return
        if tag == "tr":
            if self.cell_index:
                self.cell_index.pop()
            self._block()
        elif tag in _BLOCK:
            self._block()
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if _ODD.search(data):
            data = _ODD.sub(_fix, data)
        if self.pre:
            data = data.replace("\r\n", "\n").replace("\r", "\n")
            self.b.add(data)
        else:
            self.b.add_collapsed(data)

    def _block(self) -> None:
        if not self.b.line_empty():
            self.b.end_block()


def html_to_text(source: str) -> str:
    """The visible text of an HTML document or fragment, one line per block."""
    parser = _Visible()
    parser.feed(source)
    parser.close()
    lines = [line.strip() for line in parser.b.text().split("\n")]
    # blocks nested in blocks leave blank lines; keep the text compact
    return "\n".join(line for line in lines if line)


def _decode_html(data: bytes, name: str) -> tuple[str, list[str]]:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return decode_with_warnings(data, name)
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = ""
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"  # what browsers do with these labels
        if codec and not codec.startswith("utf-16"):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError:
                pass
    return decode_with_warnings(data, name)


def extract_html(data: bytes, name: str) -> Extracted:
    source, warnings = _decode_html(data, name)
    return build(normalise(html_to_text(source)), "html", warnings=warnings)
