"""Markdown with markdown-it-py: the text a reader sees, without the markup.

Headings, paragraphs, list items, block quotes and table rows become lines
(cells separated by " | "); code blocks keep their lines; HTML blocks give
their visible text; images, link targets and inline HTML tags are dropped.
Lines that Markdown would join into one paragraph are joined with a space,
unless the next line opens with a speaker label: a transcript typed one turn
per line stays one turn per line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crosscase.domain.extract import Extracted
from crosscase.io.importers.htmltext import html_to_text
from crosscase.io.importers.structure import build, starts_turn
from crosscase.io.importers.text import decode_with_warnings, normalise

if TYPE_CHECKING:
    from markdown_it.token import Token

_SPACES = re.compile(r"[ \t]{2,}")
# Containers nest without limit in Markdown, but a parser must stop somewhere
# (markdown-it drops whatever lies deeper than its nesting limit). Nesting
# beyond these depths is flattened before parsing, so no text is ever lost:
# the deeper lines read as part of the deepest container kept.
MAX_MARKERS = 24  # block quote and list markers opening one line
MAX_INDENT = 48  # columns of indentation (a tab counts as 4)
_MARKER = re.compile(r"[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:.*\n){0,200}?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")


def _inline_lines(token: Token) -> list[str]:
    lines: list[str] = []
    current: list[str] = []

    def new_line() -> None:
        # as a browser shows it: white space runs (left where an image was, say) collapse
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    pending_soft = False
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "text_special", "code_inline"):
            content = child.content
            if pending_soft:
                if starts_turn(content) or not current:
                    new_line()
                else:
                    current.append(" ")
                pending_soft = False
            current.append(content)
        elif kind == "softbreak":
            pending_soft = True
        elif kind == "hardbreak":
            pending_soft = False
            new_line()
    new_line()
    return lines


def _flatten_line(line: str) -> str:
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)]
    if len(indent.expandtabs(4)) > MAX_INDENT:
        line = " " * MAX_INDENT + stripped
    pos = 0
    ends: list[int] = []
    while len(ends) <= MAX_MARKERS:
        m = _MARKER.match(line, pos)
        if m is None or m.end() == pos:
            break
        ends.append(m.end())
        pos = m.end()
    if len(ends) <= MAX_MARKERS:
        return line
    # drop the markers past the limit, keep every character of the text
    keep = ends[MAX_MARKERS - 1]
    rest = line[keep:]
    while True:
        m = _MARKER.match(rest)
        if m is None or m.end() == 0:
            break
        rest = rest[m.end():]
    return line[:keep] + rest


def flatten_nesting(source: str) -> str:
    """``source`` with container nesting cut to :data:`MAX_MARKERS` markers and
    :data:`MAX_INDENT` columns, every word kept."""
    return "\n".join(_flatten_line(line) for line in source.split("\n"))


def markdown_to_text(source: str) -> str:
    from markdown_it import MarkdownIt

    source = flatten_nesting(_FRONT_MATTER.sub("", source, count=1))
    md = MarkdownIt(
        "commonmark", {"html": True, "maxNesting": 4 * (MAX_MARKERS + MAX_INDENT)}
    ).enable(["table", "strikethrough"])
    lines: list[str] = []
    row: list[str] | None = None
    for token in md.parse(source):
        kind = token.type
        if kind == "inline":
            if row is not None:
                if row:
                    row[-1] = " ".join(_inline_lines(token))
            else:
                lines.extend(_inline_lines(token))
        elif kind in ("fence", "code_block"):
            lines.extend(line.rstrip() for line in token.content.rstrip("\n").split("\n"))
        elif kind == "html_block":
            lines.extend(html_to_text(token.content).split("\n"))
        elif kind == "tr_open":
            row = []
        elif kind in ("th_open", "td_open") and row is not None:
            row.append("")
        elif kind == "tr_close" and row is not None:
            if any(cell.strip() for cell in row):
                lines.append(" | ".join(row))
            row = None
    return "\n".join(line for line in lines if line.strip())


def extract_md(data: bytes, name: str) -> Extracted:
    source, warnings = decode_with_warnings(data, name)
    source = normalise(source)
    try:
        text = markdown_to_text(source)
    except RecursionError:
        # markup nested past what the parser can follow: keep the text as typed
        text = source
        warnings = [*warnings, f"{name}: the Markdown nests too deeply to read; imported as plain text"]
    return build(normalise(text), "md", warnings=warnings)
