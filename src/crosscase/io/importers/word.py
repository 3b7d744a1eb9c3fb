"""Word .docx (and .docm, .dotx): the package's XML read directly with lxml.

python-docx cannot give what a quote needs here: it skips tracked insertions
inside ``w:ins``, reads both branches of ``mc:AlternateContent`` (text boxes
twice), has no comment anchors, footnotes or endnotes, and does not open
Strict OOXML. Walking ``word/document.xml`` ourselves does all of that in one
pass and is faster than building python-docx's object tree.

What the text holds: body paragraphs in reading order; each table row as one
line with cells separated by " | "; text boxes once, after the paragraph that
anchors them; tracked changes as if accepted; hidden text, headers and footers
left out; footnotes and endnotes marked "[1]", "[i]" where they are cited and
listed at the end under "Footnotes" and "Endnotes". Word comments become
:class:`AnchoredNote` objects on the passage they mark.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
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

W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MATH_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://purl.oclc.org/ooxml/officeDocument/math",
)
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MC_ALT = _MC + "AlternateContent"
_MC_CHOICE = _MC + "Choice"
_MC_FALLBACK = _MC + "Fallback"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

# Line-like characters inside a run of text render as spaces in Word.
_RUN_ODD = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# Elements whose content is never text we show.
_SKIPPED = """
rPr pPr tblPr tblGrid trPr tcPr sectPr del moveFrom instrText delText delInstrText fldChar
fldData bookmarkStart bookmarkEnd proofErr lastRenderedPageBreak footnoteRef endnoteRef
annotationRef separator continuationSeparator permStart permEnd softHyphen sdtPr sdtEndPr
moveFromRangeStart moveFromRangeEnd moveToRangeStart moveToRangeEnd customXmlPr smartTagPr rt
"""
_OFF = frozenset({"0", "false", "off"})


def _clean(s: str) -> str:
    return _RUN_ODD.sub(" ", s) if _RUN_ODD.search(s) else s


#: Namespaces whose markup this reader understands inside an ``mc:Choice``:
#: WordprocessingML (both dialects), math, DrawingML, VML and the Word 2010-2012
#: extensions that carry text boxes, shapes and groups. A Choice that requires
#: anything else (``w16se`` symbol runs, newer extensions) is skipped for its
#: Fallback, as Word does when it meets markup it does not know.
UNDERSTOOD = frozenset({
    W_TRANSITIONAL, W_STRICT, *_MATH_NAMESPACES,
    "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/drawingml/main",
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "urn:schemas-microsoft-com:vml",
    "urn:schemas-microsoft-com:office:office",
    "urn:schemas-microsoft-com:office:word",
    "http://schemas.microsoft.com/office/word/2010/wordml",  # w14
    "http://schemas.microsoft.com/office/word/2012/wordml",  # w15
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",  # wps
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",  # wpg
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",  # wpc
    "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",  # wpi
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",  # wp14
    "http://schemas.microsoft.com/office/drawing/2010/main",  # a14
})


def _choice_understood(choice: etree._Element) -> bool:
    """All the prefixes in the Choice's ``Requires`` name namespaces we read."""
    requires = (choice.get("Requires") or "").split()
    if not requires:
        return False
    nsmap = choice.nsmap or {}
    return all(nsmap.get(prefix) in UNDERSTOOD for prefix in requires)


def choose_alternative(alt: etree._Element) -> etree._Element | None:
    """mc:AlternateContent holds the same content more than once: take the first
    Choice whose required namespaces the reader understands, or else the
    Fallback, never both (Markup Compatibility, ECMA-376 part 3)."""
    for child in alt:
        if child.tag == _MC_CHOICE and _choice_understood(child):
            return child
        if child.tag == _MC_FALLBACK:
            return child
    return None


def find_compatible(parent: etree._Element, tag: str) -> etree._Element | None:
    """``parent.find(tag)``, also looking inside the chosen branch of any
    mc:AlternateContent among its children (run properties can sit there)."""
    found = parent.find(tag)
    if found is not None:
        return found
    for alt in parent.findall(_MC_ALT):
        chosen = choose_alternative(alt)
        if chosen is not None:
            found = chosen.find(tag)
            if found is not None:
                return found
    return None


def _rels(pkg: Package, part: str) -> dict[str, str]:
    """Relationship type (last path segment) -> target part, for ``part``."""
    folder, base = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
    root = pkg.xml(rels_path)
    found: dict[str, str] = {}
    if root is None:
        return found
    for rel in root.iter(_PKG_REL):
        if rel.get("TargetMode") == "External":
            continue
        kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if not target:
            continue
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        found.setdefault(kind, path)
    return found


class _Walker(TableRows):
    """Walks WordprocessingML, appending text to a :class:`TextBuilder`."""

    def __init__(
        self,
        ns: str,
        footnotes: dict[str, etree._Element],
        endnotes: dict[str, etree._Element],
    ) -> None:
        w = "{" + ns + "}"
        self.w = w
        self.b = TextBuilder()
        self.cell_depth = 0
        self.pending_sep = ""
        self.cell_start = 0
        self.deferred: list[etree._Element] = []
        self.footnotes = footnotes
        self.endnotes = endnotes
        self.note_numbers: dict[tuple[str, str], str] = {}
        self.note_order: dict[str, list[str]] = {"footnote": [], "endnote": []}
        self.comment_starts: dict[str, int] = {}
        self.comment_ends: dict[str, int] = {}
        self.comment_paragraph: dict[str, tuple[int, int]] = {}
        self._awaiting_paragraph_end: list[str] = []
        self.alt_chunks = 0
        self.trim_next = False  # drop white space at the start of the next text
        self.t_tag = w + "t"
        self.tc_tag = w + "tc"
        self.tr_tag = w + "tr"
        self.rpr_tag = w + "rPr"
        self.ppr_tag = w + "pPr"
        self.val_attr = w + "val"
        self.id_attr = w + "id"

        skip = _SKIPPED.split()
        h: dict[str, Callable[[etree._Element], None]] = {w + tag: self._skip for tag in skip}
        h.update(
            {
                w + "p": self._p,
                w + "tbl": self._tbl,
                w + "r": self._r,
                w + "t": self._t,
                w + "tab": self._tab,
                w + "ptab": self._tab,
                w + "br": self._br,
                w + "cr": self._br,
                w + "noBreakHyphen": self._nb_hyphen,
                w + "sym": self._sym,
                w + "footnoteReference": self._footnote_ref,
                w + "endnoteReference": self._endnote_ref,
                w + "commentRangeStart": self._comment_start,
                w + "commentRangeEnd": self._comment_end,
                w + "commentReference": self._comment_ref,
                w + "drawing": self._graphic,
                w + "pict": self._graphic,
                w + "object": self._graphic,
                w + "txbxContent": self._defer,
                w + "altChunk": self._alt_chunk,
                w + "sdt": self._sdt,
                _MC_ALT: self._alternate,
            }
        )
        for m in _MATH_NAMESPACES:
            h["{" + m + "}oMath"] = self._math
            h["{" + m + "}oMathPara"] = self._math_para
        self.handlers = h

    # --- dispatch -----------------------------------------------------------

    def walk(self, el: etree._Element) -> None:
        handler = self.handlers.get(el.tag) if isinstance(el.tag, str) else None
        if handler is not None:
            handler(el)
        elif isinstance(el.tag, str):
            # wrappers: w:ins, w:moveTo, w:hyperlink, w:smartTag, w:customXml, w:sdt,
            # w:sdtContent, w:fldSimple, w:bdo, w:dir, w:ruby/w:rubyBase, ...
            for child in el:
                self.walk(child)

    def children(self, el: etree._Element) -> None:
        for child in el:
            self.walk(child)

    def _skip(self, el: etree._Element) -> None:
        pass

    # --- text ---------------------------------------------------------------

    def add(self, s: str) -> None:
        if self.trim_next:
            s = s.lstrip(" \t")
        if not s:
            return
        self.trim_next = False
        if self.pending_sep:
            self.b.add(self.pending_sep)
            self.pending_sep = ""
        self.b.add(s)

    def _t(self, el: etree._Element) -> None:
        if el.text:
            self.add(_clean(el.text))

    def _tab(self, el: etree._Element) -> None:
        self.add("\t")

    def _br(self, el: etree._Element) -> None:
        if self.cell_depth:
            self.add(" ")
        else:
            self.b.newline()

    def _nb_hyphen(self, el: etree._Element) -> None:
        self.add("-")

    def _sym(self, el: etree._Element) -> None:
        code = el.get(self.w + "char") or ""
        try:
            cp = int(code, 16)
        except ValueError:
            return
        if 0xF000 <= cp <= 0xF0FF:
            cp -= 0xF000  # a symbol font's private-use alias
            if cp < 0x20 or cp > 0x7E:
                return
        if 0x20 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF:
            self.add(chr(cp))

    def _math(self, el: etree._Element) -> None:
        parts = [
            t.text or "" for t in el.iter()
            if isinstance(t.tag, str) and t.tag.endswith("}t") and t.tag != self.t_tag
        ]
        self.add(_clean("".join(parts)))

    def _math_para(self, el: etree._Element) -> None:
        for child in el:
            if isinstance(child.tag, str) and child.tag.endswith("}oMath"):
                self._math(child)

    # --- paragraphs, runs ---------------------------------------------------

    def _p(self, el: etree._Element) -> None:
        merge_with_next = False
        for child in el:
            if child.tag == self.ppr_tag:
                rpr = child.find(self.rpr_tag)
                if rpr is not None and rpr.find(self.w + "del") is not None:
                    # the paragraph mark itself was deleted: accepting the change
                    # joins this paragraph to the next one
                    merge_with_next = True
                continue
            self.walk(child)
        if not merge_with_next:
            self.end_paragraph()

    def end_paragraph(self) -> None:
        if self.cell_depth:
            if self.b.pos > self.cell_start:
                self.pending_sep = " "
            return
        start, end = self.b.block_start, self.b.pos
        for cid in self._awaiting_paragraph_end:
            self.comment_paragraph.setdefault(cid, (start, end))
        self._awaiting_paragraph_end.clear()
        self.b.end_block()
        self.flush_deferred()

    def _r(self, el: etree._Element) -> None:
        rpr = find_compatible(el, self.rpr_tag)
        if rpr is not None:
            vanish = find_compatible(rpr, self.w + "vanish")
            if vanish is not None and vanish.get(self.val_attr, "1").lower() not in _OFF:
                return  # hidden text
        for child in el:
            handler = self.handlers.get(child.tag) if isinstance(child.tag, str) else None
            if handler is not None:
                handler(child)
            elif child.tag == self.w + "ruby":
                base = child.find(self.w + "rubyBase")
                if base is not None:
                    self.children(base)

    # --- tables -------------------------------------------------------------

    def _rows(self, el: etree._Element) -> Iterator[etree._Element]:
        for child in el:
            if child.tag == self.tr_tag:
                yield child
            elif child.tag in (self.w + "sdt", self.w + "sdtContent", self.w + "customXml"):
                yield from self._rows(child)

    def _cells(self, el: etree._Element) -> Iterator[etree._Element]:
        for child in el:
            if child.tag == self.tc_tag:
                yield child
            elif child.tag in (self.w + "sdt", self.w + "sdtContent", self.w + "customXml"):
                yield from self._cells(child)

    def _tbl(self, el: etree._Element) -> None:
        for row in self._rows(el):
            self._tr(row)

    def _tr(self, row: etree._Element) -> None:
        trpr = row.find(self.w + "trPr")
        if trpr is not None and trpr.find(self.w + "del") is not None:
            return  # a deleted row: accepted, it is gone
        if next(row.iter(self.t_tag), None) is None:
            # nothing to read; keep any comment anchors it holds
            for mark in row.iter(self.w + "commentRangeStart", self.w + "commentRangeEnd"):
                self.walk(mark)
            return
        if not self.cell_depth and not self.b.line_empty():
            self.b.end_block()
        self.walk_cells(partial(self._cell, cell) for cell in self._cells(row))

    def _cell(self, cell: etree._Element) -> None:
        for child in cell:
            if child.tag != self.w + "tcPr":
                self.walk(child)

    # --- text boxes, alternate content -------------------------------------

    def _alternate(self, el: etree._Element) -> None:
        chosen = choose_alternative(el)
        if chosen is not None:
            self.children(chosen)

    def _find_text_boxes(self, el: etree._Element) -> Iterator[etree._Element]:
        for child in el:
            if child.tag == self.w + "txbxContent":
                yield child
            elif child.tag == _MC_ALT:
                chosen = choose_alternative(child)
                if chosen is not None:
                    yield from self._find_text_boxes(chosen)
            elif isinstance(child.tag, str):
                yield from self._find_text_boxes(child)

    def _graphic(self, el: etree._Element) -> None:
        self.deferred.extend(self._find_text_boxes(el))

    def _defer(self, el: etree._Element) -> None:
        self.deferred.append(el)

    def flush_deferred(self) -> None:
        """Text boxes follow the paragraph (or table row) that anchors them."""
        while self.deferred:
            box = self.deferred.pop(0)
            self.children(box)
            if not self.b.line_empty():
                self.b.end_block()

    def _sdt(self, el: etree._Element) -> None:
        """A content control: its content, unless it only shows placeholder text."""
        props = el.find(self.w + "sdtPr")
        if props is not None and props.find(self.w + "showingPlcHdr") is not None:
            return  # "Click or tap here to enter text."
        content = el.find(self.w + "sdtContent")
        if content is not None:
            self.children(content)

    def _alt_chunk(self, el: etree._Element) -> None:
        self.alt_chunks += 1

    # --- notes, comments ----------------------------------------------------

    def _note_ref(self, el: etree._Element, kind: str) -> None:
        nid = el.get(self.id_attr) or ""
        known = self.footnotes if kind == "footnote" else self.endnotes
        if nid not in known:
            return
        key = (kind, nid)
        label = self.note_numbers.get(key)
        if label is None:
            order = self.note_order[kind]
            order.append(nid)
            n = len(order)
            label = str(n) if kind == "footnote" else roman(n)
            self.note_numbers[key] = label
        self.add(f"[{label}]")

    def _footnote_ref(self, el: etree._Element) -> None:
        self._note_ref(el, "footnote")

    def _endnote_ref(self, el: etree._Element) -> None:
        self._note_ref(el, "endnote")

    def _comment_start(self, el: etree._Element) -> None:
        self.comment_starts.setdefault(el.get(self.id_attr) or "", self.b.pos)

    def _comment_end(self, el: etree._Element) -> None:
        self.comment_ends.setdefault(el.get(self.id_attr) or "", self.b.pos)

    def _comment_ref(self, el: etree._Element) -> None:
        cid = el.get(self.id_attr) or ""
        self._awaiting_paragraph_end.append(cid)

    def notes_section(self, kind: str, title: str) -> None:
        order = self.note_order[kind]
        if not order:
            return
        bodies = self.footnotes if kind == "footnote" else self.endnotes
        self.b.blank_line()
        self.b.add(title)
        self.b.end_block()
        i = 0
        while i < len(order):  # a note may cite another note
            nid = order[i]
            self.b.add(f"[{self.note_numbers[(kind, nid)]}] ")
            self.trim_next = True
            self.children(bodies[nid])
            self.trim_next = False
            if not self.b.line_empty():
                self.b.end_block()
            i += 1


def _notes_part(pkg: Package, path: str | None, w: str, tag: str) -> dict[str, etree._Element]:
    if not path:
        return {}
    root = pkg.xml(path)
    if root is None:
        return {}
    found = {}
    for note in root.iter(w + tag):
        if note.get(w + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        found[note.get(w + "id") or ""] = note
    return found


def _comments_part(pkg: Package, path: str | None, w: str) -> dict[str, tuple[str, str | None]]:
    if not path:
        return {}
    root = pkg.xml(path)
    if root is None:
        return {}
    found = {}
    for comment in root.iter(w + "comment"):
        paras = []
        for p in comment.iter(w + "p"):
            paras.append("".join(t.text or "" for t in p.iter(w + "t")))
        text = normalise("\n".join(paras)).strip()
        author = (comment.get(w + "author") or "").strip() or None
        found[comment.get(w + "id") or ""] = (text, author)
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A note's span without white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def extract_docx(data: bytes, name: str) -> Extracted:
    pkg = Package(data, name, "docx")
    main = _rels(pkg, "").get("officeDocument")
    if not main or not pkg.has(main):
        main = "word/document.xml"
    root = pkg.xml(main)
    if root is None:
        raise ImportRefused(f"{name}: is a zip file but not a Word document (no word/document.xml)")
    tag = root.tag if isinstance(root.tag, str) else ""
    ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    if ns not in (W_TRANSITIONAL, W_STRICT) or not tag.endswith("}document"):
        raise pkg.corrupt()
    w = "{" + ns + "}"
    part_rels = _rels(pkg, main)
    walker = _Walker(
        ns,
        footnotes=_notes_part(pkg, part_rels.get("footnotes"), w, "footnote"),
        endnotes=_notes_part(pkg, part_rels.get("endnotes"), w, "endnote"),
    )
    comments = _comments_part(pkg, part_rels.get("comments"), w)
    body = root.find(w + "body")
    if body is not None:
        walker.children(body)
    if not walker.b.line_empty():
        walker.end_paragraph()
    walker.flush_deferred()
    walker.notes_section("footnote", "Footnotes")
    walker.notes_section("endnote", "Endnotes")
    text = walker.b.text()
    n = len(text)

    notes: list[AnchoredNote] = []
    for cid, (body_text, author) in comments.items():
        start = walker.comment_starts.get(cid)
        end = walker.comment_ends.get(cid)
        para = walker.comment_paragraph.get(cid)
        if start is None and end is None and para is None:
            continue  # its anchor was deleted
        if start is None or end is None or start == end:
            # no range, half a range or an empty one: the comment is on its paragraph
            if para is not None:
                start, end = para
            else:
                start = end = start if start is not None else end
        assert start is not None and end is not None
        start, end = min(start, end, n), min(max(start, end), n)
        start, end = _trim(text, start, end)
        notes.append(AnchoredNote(start, end, body_text, author))
    notes.sort(key=lambda note: (note.start, note.end))

    warnings = []
    if walker.alt_chunks:
        warnings.append(
            f"{name}: {walker.alt_chunks} embedded document part(s) (altChunk) were not imported"
        )
    return build(text, "docx", notes=notes, warnings=warnings)
