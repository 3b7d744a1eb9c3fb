"""OpenDocument text (.odt, .ott): content.xml read from the zip with lxml.

Same text layout as for Word: one line per paragraph or heading, table rows
as lines with " | " between cells, frames and text boxes after the paragraph
that anchors them, notes marked where cited and listed at the end, tracked
changes as accepted (the deletions kept in ``text:tracked-changes`` are left
out), comments (``office:annotation``) as :class:`AnchoredNote` objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import AnchoredNote, Extracted
from crosscase.io.importers.archive import Package
from crosscase.io.importers.builder import TableRows, TextBuilder, roman
from crosscase.io.importers.structure import build
from crosscase.io.importers.text import normalise

if TYPE_CHECKING:
    from lxml import etree

_T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TB = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW_NS = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"

_TEXT_MIMETYPES = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
    "application/vnd.oasis.opendocument.text-master",
)
_ODD_SPACE = re.compile("[\x0b\x85\u2028\u2029]")
_MAX_REPEAT = 1000

_SKIP_BLOCK = frozenset(
    {
        _T + "tracked-changes",
        _T + "sequence-decls",
        _T + "variable-decls",
        _T + "user-field-decls",
        _T + "dde-connection-decls",
        _O + "forms",
        _TB + "calculation-settings",
        _TB + "content-validations",
        _TB + "label-ranges",
        _T + "table-of-content-source",
        _T + "illustration-index-source",
        _T + "alphabetical-index-source",
        _T + "bibliography-source",
        _T + "index-title-template",
        _T + "soft-page-break",
        _TB + "table-columns",
        _TB + "table-column",
        _TB + "table-header-columns",
        _TB + "table-column-group",
    }
)
_SKIP_INLINE = frozenset(
    {
        _T + "soft-page-break",
        _T + "bookmark",
        _T + "bookmark-start",
        _T + "bookmark-end",
        _T + "reference-mark",
        _T + "reference-mark-start",
        _T + "reference-mark-end",
        _T + "change",
        _T + "change-start",
        _T + "change-end",
        _T + "toc-mark",
        _T + "toc-mark-start",
        _T + "toc-mark-end",
        _T + "alphabetical-index-mark",
        _T + "alphabetical-index-mark-start",
        _T + "alphabetical-index-mark-end",
        _T + "user-index-mark",
        _T + "user-index-mark-start",
        _T + "user-index-mark-end",
        _T + "ruby-text",
        "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}title",
        "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}desc",
    }
)


def _text_of(el: etree._Element) -> str:
    """Plain text of a small element (a comment body), paragraphs on lines."""
    lines = []
    for p in el.iter(_T + "p", _T + "h"):
        lines.append(" ".join("".join(p.itertext()).split()))
    return normalise("\n".join(lines)).strip()


class _Walker(TableRows):
    def __init__(self) -> None:
        self.b = TextBuilder()
        self.cell_depth = 0
        self.cell_start = 0
        self.pending_sep = ""
        self.deferred: list[etree._Element] = []
        self.note_order: dict[str, list[etree._Element]] = {"footnote": [], "endnote": []}
        self.annotation_starts: dict[str, tuple[int, str, str | None]] = {}
        self.annotation_ends: dict[str, int] = {}
        self.point_annotations: list[tuple[str, str | None]] = []
        self.notes: list[tuple[int, int, str, str | None]] = []
        self.block: dict[str, Callable[[etree._Element], None]] = {
            _T + "p": self._p,
            _T + "h": self._p,
            _T + "list": self._container,
            _T + "list-item": self._container,
            _T + "list-header": self._container,
            _T + "numbered-paragraph": self._container,
            _T + "section": self._container,
            _TB + "table": self._table,
        }
        self.inline: dict[str, Callable[[etree._Element], None]] = {
            _T + "s": self._space,
            _T + "tab": self._tab,
            _T + "line-break": self._line_break,
            _T + "note": self._note,
            _O + "annotation": self._annotation,
            _O + "annotation-end": self._annotation_end,
        }

    # --- text ---------------------------------------------------------------

    def add(self, s: str, collapse: bool = True) -> None:
        if not s:
            return
        if _ODD_SPACE.search(s):
            s = _ODD_SPACE.sub(" ", s)
        if self.pending_sep:
            if collapse:
                s = s.lstrip(" \t\r\n\f")
                if not s:
                    return
            self.b.add(self.pending_sep)
            self.pending_sep = ""
        if collapse:
            self.b.add_collapsed(s)
        else:
            self.b.add(s)

    def _space(self, el: etree._Element) -> None:
        try:
            count = int(el.get(_T + "c", "1"))
        except ValueError:
            count = 1
        self.add(" " * max(1, min(count, _MAX_REPEAT)), collapse=False)

    def _tab(self, el: etree._Element) -> None:
        self.add("\t", collapse=False)

    def _line_break(self, el: etree._Element) -> None:
        if self.cell_depth:
            self.add(" ", collapse=False)
        else:
            self.b.newline()

    # --- walking ------------------------------------------------------------

    def walk_block(self, el: etree._Element) -> None:
        tag = el.tag
        handler = self.block.get(tag) if isinstance(tag, str) else None
        if handler is not None:
            handler(el)
        elif not isinstance(tag, str) or tag in _SKIP_BLOCK:
            return
        elif tag.startswith(_DRAW_NS):
            self._draw_blocks(el)
        else:
            self._container(el)

    def _container(self, el: etree._Element) -> None:
        for child in el:
            self.walk_block(child)

    def walk_inline(self, el: etree._Element) -> None:
        """The text of ``el`` and its descendants, then (by the caller) its tail."""
        if el.text:
            self.add(el.text)
        for child in el:
            tag = child.tag
            handler = self.inline.get(tag) if isinstance(tag, str) else None
            if handler is not None:
                handler(child)
            elif isinstance(tag, str) and tag not in _SKIP_INLINE:
                if tag.startswith(_DRAW_NS):
                    self.deferred.append(child)  # a frame or shape: after this paragraph
                elif tag in self.block:
                    self.block[tag](child)  # a paragraph where one should not be; be lenient
                else:
                    self.walk_inline(child)  # span, a, meta, ruby, fields ...
            if child.tail:
                self.add(child.tail)

    def _p(self, el: etree._Element) -> None:
        self.walk_inline(el)
        self.end_paragraph()

    def end_paragraph(self) -> None:
        if self.cell_depth:
            if self.b.pos > self.cell_start:
                self.pending_sep = " "
            return
        start, end = self.b.block_start, self.b.pos
        for body, author in self.point_annotations:
            self.notes.append((start, end, body, author))
        self.point_annotations.clear()
        self.b.end_block()
        self.flush_deferred()

    def flush_deferred(self) -> None:
        while self.deferred:
            self._draw_blocks(self.deferred.pop(0))

    def _draw_blocks(self, el: etree._Element) -> None:
        """The paragraphs inside a frame or shape (a text box), if any."""
        for child in el:
            tag = child.tag
            if tag in self.block:
                self.block[tag](child)
            elif isinstance(tag, str) and tag not in _SKIP_INLINE:
                self._draw_blocks(child)
        if not self.cell_depth and not self.b.line_empty():
            self.b.end_block()

    # --- tables -------------------------------------------------------------

    def _rows(self, el: etree._Element) -> list[etree._Element]:
        rows = []
        for child in el:
            if child.tag == _TB + "table-row":
                rows.append(child)
            elif child.tag in (
                _TB + "table-header-rows",
                _TB + "table-rows",
                _TB + "table-row-group",
            ):
                rows.extend(self._rows(child))
        return rows

    def _table(self, el: etree._Element) -> None:
        for row in self._rows(el):
            self._row(row)

    def _row(self, row: etree._Element) -> None:
        cells = [c for c in row if c.tag in (_TB + "table-cell", _TB + "covered-table-cell")]
        if not any("".join(c.itertext()).strip() for c in cells):
            return
        if not self.cell_depth and not self.b.line_empty():
            self.b.end_block()
        self.walk_cells(
            partial(self._cell, cell) for cell in cells for _ in range(self._repeat(cell))
        )

    @staticmethod
    def _repeat(cell: etree._Element) -> int:
        try:
            repeat = int(cell.get(_TB + "number-columns-repeated", "1"))
        except ValueError:
            repeat = 1
        has_text = bool("".join(cell.itertext()).strip())
        return max(1, min(repeat, _MAX_REPEAT if has_text else 1))

    def _cell(self, cell: etree._Element) -> None:
        for child in cell:
            self.walk_block(child)

    # --- notes, comments ----------------------------------------------------

    def _note(self, el: etree._Element) -> None:
        kind = "endnote" if el.get(_T + "note-class") == "endnote" else "footnote"
        body = el.find(_T + "note-body")
        if body is None:
            return
        order = self.note_order[kind]
        order.append(body)
        n = len(order)
        self.add(f"[{n if kind == 'footnote' else roman(n)}]", collapse=False)

    def _annotation(self, el: etree._Element) -> None:
        creator = el.find(_DC + "creator")
        author = ((creator.text or "").strip() or None) if creator is not None else None
        body = _text_of(el)
        name = el.get(_O + "name")
        if name:
            self.annotation_starts.setdefault(name, (self.b.pos, body, author))
        else:
            self.point_annotations.append((body, author))

    def _annotation_end(self, el: etree._Element) -> None:
        name = el.get(_O + "name")
        if name:
            self.annotation_ends.setdefault(name, self.b.pos)

    def notes_section(self, kind: str, title: str) -> None:
        order = self.note_order[kind]
        if not order:
            return
        self.b.blank_line()
        self.b.add(title)
        self.b.end_block()
        i = 0
        while i < len(order):
            n = i + 1
            self.b.add(f"[{n if kind == 'footnote' else roman(n)}]")
            self.b.add_collapsed(" ")  # a space the note's own leading space folds into
            self._container(order[i])
            if not self.b.line_empty():
                self.b.end_block()
            i += 1


def _check_package(pkg: Package, name: str) -> None:
    mimetype = pkg.read("mimetype")
    if mimetype is not None:
        kind = mimetype.decode("ascii", "replace").strip()
        if kind and kind not in _TEXT_MIMETYPES:
            what = kind.rsplit(".", 1)[-1]
            raise ImportRefused(
                f"{name}: is an OpenDocument {what} file, not a text document; "
                "save it as .odt or .docx"
            )
    manifest = pkg.read("META-INF/manifest.xml")
    if manifest is not None and b"encryption-data" in manifest:
        raise ImportRefused(
            f"{name}: is password-protected; remove the password in LibreOffice and import again"
        )


def extract_odt(data: bytes, name: str) -> Extracted:
    pkg = Package(data, name, "odt")
    _check_package(pkg, name)
    root = pkg.xml("content.xml")
    if root is None:
        raise ImportRefused(f"{name}: is a zip file but not an OpenDocument text (no content.xml)")
    body = root.find(_O + "body")
    office_text = body.find(_O + "text") if body is not None else None
    if office_text is None:
        raise pkg.corrupt()
    walker = _Walker()
    walker._container(office_text)
    if not walker.b.line_empty():
        walker.end_paragraph()
    walker.flush_deferred()
    walker.notes_section("footnote", "Footnotes")
    walker.notes_section("endnote", "Endnotes")
    text = walker.b.text()
    n = len(text)
    spans = list(walker.notes)
    for key, (start, body_text, author) in walker.annotation_starts.items():
        end = walker.annotation_ends.get(key, start)
        spans.append((start, end, body_text, author))
    notes = []
    for start, end, body_text, author in spans:
        start, end = min(start, end, n), min(max(start, end), n)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        notes.append(AnchoredNote(start, end, body_text, author))
    notes.sort(key=lambda note: (note.start, note.end))
    return build(text, "odt", notes=notes)
