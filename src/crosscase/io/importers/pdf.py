"""PDF with pdfminer.six: text per page, page boundaries kept for citation.

One pass over the document with pdfminer's layout analysis (the same work
``pdfminer.high_level.extract_text`` does). Of each page only its text lines
and their positions are kept (not the layout), because running headers,
footers and page numbers can only be told from text once every page has been
seen: they are found by :mod:`crosscase.io.importers.pdffurniture` and left
out of the stored text.

Within a text box, lines are joined by a space; a line that ends in
lower-case letter + "-" and a next line that starts in lower case are joined
without the hyphen; a soft hyphen at a line end is dropped; a line that opens
with a speaker label or a bullet starts a new paragraph. Ligatures
(ﬁ ﬂ ﬃ ﬀ ﬄ ...) are expanded. Paragraphs are separated by "\\n".

A paragraph that runs over a page break is joined by the same rules, so a
quote from it is whole. A word hyphenated over the break is rejoined.
Otherwise the first line of the next page carries on the last line of the
page before if that line does not end a sentence, the two are set in one size
of type (not a heading after a line of text), and the line before was wrapped:
it runs (nearly) to the right edge of its column, as far as the document's
wrapped lines show where that is; where they cannot tell, the next page must
start in lower case. Otherwise the pages are separated by "\\n". ``pages`` records each page's span (1-based
page numbers): the text printed on that page, so a paragraph that crosses a
break belongs to the page it starts on and its rest to the next.

pdfminer runs within limits (:mod:`crosscase.io.importers.pdfread`): a file
whose streams inflate too far, or a page that would cost too much, is refused
with one line naming the file and the page. A document of
:data:`~crosscase.domain.limits.PARALLEL_PDF_MIN_PAGES` pages or more is laid
out in worker processes as well as this one
(:mod:`crosscase.io.importers.parallel`); the pages' lines come back in page
order before furniture is found and pages are joined, so the text is the same.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from crosscase.domain.errors import ImportRefused, PasswordRequired
from crosscase.domain.extract import Extracted, Page
from crosscase.io.importers.pdffurniture import Line, PageLines, find_furniture
from crosscase.io.importers.structure import build, starts_turn

if TYPE_CHECKING:
    from pdfminer.layout import (
        LTContainer,
        LTFigure,
        LTImage,
        LTItem,
        LTPage,
        LTTextBox,
        LTTextLine,
    )

    #: pdfminer's layout classes, passed in so that pdfminer loads only when a PDF is read
    LayoutTypes = tuple[
        type[LTTextBox], type[LTTextLine], type[LTFigure], type[LTImage], type[LTContainer[Any]]
    ]

_LIGATURES = {
    0xFB00: "ff",
    0xFB01: "fi",
    0xFB02: "fl",
    0xFB03: "ffi",
    0xFB04: "ffl",
    0xFB05: "st",
    0xFB06: "st",
}
_LIGATURE = re.compile("[\ufb00-\ufb06]")
# Control characters, line-like characters and lone surrogates inside a line.
_ODD = re.compile("[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029\ud800-\udfff]")
_CID = re.compile(r"\(cid:\d+\)")
_BULLETS = frozenset("•◦▪▫‣∙●○■□➢➤►–—-*")


def _fix_odd(m: re.Match[str]) -> str:
    c = m.group()
    if "\ud800" <= c <= "\udfff":
        return "\ufffd"
    if c in "\n\r\x0b\x0c\u0085\u2028\u2029":
        return " "
    return ""


def _no_space_script(c: str) -> bool:
    """Scripts written without spaces between words (CJK, Thai ...)."""
    o = ord(c)
    return (
        0x3040 <= o <= 0x30FF
        or 0x3400 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x0E00 <= o <= 0x0E7F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
    )


def _clean_line(s: str) -> str:
    s = s.strip()
    if not s:
        return s
    if _LIGATURE.search(s):
        s = s.translate(_LIGATURES)
    if _ODD.search(s):
        s = _ODD.sub(_fix_odd, s).strip()
    return s


def _starts_new_paragraph(line: str) -> bool:
    first = line[0]
    if first in _BULLETS and len(line) > 1 and line[1] in " \t":
        return True
    return starts_turn(line)


def _glue(prev: str, line: str) -> tuple[int, str] | None:
    """How ``line`` follows ``prev`` in one paragraph: (characters to cut from the
    end of ``prev``, text to put between), or None if ``line`` starts a new one.
    Both lines are cleaned and not empty."""
    if _starts_new_paragraph(line):
        return None
    if len(prev) >= 2 and prev[-1] == "-" and prev[-2].islower() and line[0].islower():
        return 1, ""  # "organi-" + "sation"
    if prev[-1] == "\u00ad":
        return 1, ""
    if _no_space_script(prev[-1]) and _no_space_script(line[0]):
        return 0, ""
    return 0, " "


def _paragraphs(lines: list[str]) -> list[str]:
    """Cleaned, non-empty lines of one text box as paragraphs (usually one)."""
    paras: list[str] = []
    parts: list[str] = []
    prev = ""
    for line in lines:
        if parts:
            glue = _glue(prev, line)
            if glue is None:
                paras.append("".join(parts))
                parts = [line]
            else:
                cut, between = glue
                if cut:
                    parts[-1] = parts[-1][:-cut]
                if between:
                    parts.append(between)
                parts.append(line)
        else:
            parts.append(line)
        prev = line
    if parts:
        paras.append("".join(parts))
    return paras


def join_lines(lines: list[str]) -> list[str]:
    """The lines of one text box as paragraphs (usually one)."""
    return _paragraphs([line for line in map(_clean_line, lines) if line])


# --- paragraphs over a page break ----------------------------------------------------

_OPENERS = "([{\"'\u201c\u2018\u00ab"
_CLOSERS = "\"'\u201d\u2019\u00bb)]}"
_SENTENCE_ENDS = frozenset(".!?\u2026:;\u3002\uff01\uff1f")
_FULL = 0.2  # a line short of its column's right edge by less than this share is full
_OVER = 0.05  # ... and past it by no more than this share
_COLUMN = 8.0  # points: lines whose left edges are this close share a column bucket
_SIZE = 0.15  # lines whose heights differ by more than this share are of different sizes


def _ends_sentence(line: str) -> bool:
    core = line.rstrip(_CLOSERS)
    return not core or core[-1] in _SENTENCE_ENDS


def _starts_lower(line: str) -> bool:
    core = line.lstrip(_OPENERS)
    return bool(core) and core[0].islower()


class _Columns:
    """Where lines wrap: the right edge of each column of text, from the lines that
    have another line of their paragraph's box after them (those were wrapped)."""

    def __init__(self) -> None:
        self.right: dict[int, float] = {}

    def add(self, box: list[Line]) -> None:
        for line in box[:-1]:
            key = int(line.x0 // _COLUMN)
            if line.x1 > self.right.get(key, float("-inf")):
                self.right[key] = line.x1

    def is_full(self, line: Line) -> bool | None:
        """Whether ``line`` runs (nearly) to where the lines of its column wrap: if
        not, it ended there. None if no line of its column was seen to wrap."""
        key = int(line.x0 // _COLUMN)
        edges = [self.right[k] for k in range(key - 3, key + 4) if k in self.right]
        if not edges:
            return None
        edge = max(edges)
        width = edge - line.x0
        # far past the edge, it is no line of that column (a caption, a figure's label)
        return edge - _FULL * width <= line.x1 <= edge + _OVER * width


def _same_size(a: Line, b: Line) -> bool:
    """Lines of one size of type (a heading at the top of a page is larger)."""
    ha, hb = a.y1 - a.y0, b.y1 - b.y0
    return abs(ha - hb) <= _SIZE * max(ha, hb)


def _page_glue(last: Line, full: bool | None, first: Line) -> tuple[int, str] | None:
    """Whether the text of the next page (first line ``first``) carries on the
    paragraph that ends the page before (last line ``last``), and how; ``full``
    says whether ``last`` was wrapped at its column's edge (None: cannot tell)."""
    glue = _glue(last.text, first.text)
    if glue is None:
        return None
    if glue[0]:
        return glue  # a word hyphenated over the break
    if full is False or _ends_sentence(last.text) or not _same_size(last, first):
        return None
    if full or _starts_lower(first.text):
        return glue
    return None


def _assemble(
    pages: list[PageLines], furniture: list[set[tuple[int, int]]]
) -> tuple[str, list[Page]]:
    """The stored text without furniture, and each page's span in it."""
    columns = _Columns()
    chunks: list[tuple[list[str], Line, Line] | None] = []
    for page, drop in zip(pages, furniture, strict=True):
        paras: list[str] = []
        first: Line | None = None
        last: Line | None = None
        for b, box in enumerate(page.boxes):
            kept = [line for k, line in enumerate(box) if (b, k) not in drop]
            if not kept:
                continue
            columns.add(kept)
            if first is None:
                first = kept[0]
            last = kept[-1]
            paras.extend(_paragraphs([line.text for line in kept]))
        chunks.append((paras, first, last) if first is not None and last is not None else None)

    # how each page with text follows the one with text before it
    glues: dict[int, tuple[int, str] | None] = {}
    before: int | None = None
    for j, chunk in enumerate(chunks):
        if chunk is None:
            continue
        if before is not None:
            prev = chunks[before]
            assert prev is not None
            glue = _page_glue(prev[2], columns.is_full(prev[2]), chunk[1])
            if glue is not None and not glue[1] and j - before > 1:
                glue = None  # an empty page between would share the next page's start
            if glue is not None and glue[0]:
                prev[0][-1] = prev[0][-1][: -glue[0]]
            glues[j] = glue
        before = j

    parts: list[str] = []
    pos = 0
    spans: list[Page] = []
    for j, (page, chunk) in enumerate(zip(pages, chunks, strict=True)):
        if chunk is None:
            spans.append(Page(page.number, pos, pos))
            continue
        if parts:
            glue = glues[j]
            between = "\n" if glue is None else glue[1]
            parts.append(between)
            pos += len(between)
        start = pos
        text = "\n".join(chunk[0])
        parts.append(text)
        pos += len(text)
        spans.append(Page(page.number, start, pos))
    return "".join(parts), spans


@contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning for every oddity of a PDF; the user gets one line."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _page_lines(number: int, layout: LTPage, ltypes: LayoutTypes) -> PageLines:
    """The text lines of one page's layout, box by box, and whether it has an image."""
    LTTextBox, LTTextLine, LTFigure, LTImage, LTContainer = ltypes
    page = PageLines(number, layout.y0, layout.y1)

    def visit(container: Iterable[LTItem]) -> None:
        for item in container:
            if isinstance(item, LTTextBox):
                lines = []
                for line in item:
                    if isinstance(line, LTTextLine):
                        text = _clean_line(line.get_text())
                        if text:
                            lines.append(Line(text, line.x0, line.y0, line.x1, line.y1))
                if lines:
                    page.boxes.append(lines)
            elif isinstance(item, LTImage):
                page.has_image = True
            elif isinstance(item, LTFigure | LTContainer):
                visit(item)

    visit(layout)
    return page


def _open(data: bytes, name: str, password: str | None) -> Any:
    """pdfminer's document, or a refusal that says what is wanted."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    parser = PDFParser(io.BytesIO(data))
    try:
        return PDFDocument(parser, password=password or "")
    except PDFPasswordIncorrect:
        if password:
            raise PasswordRequired(
                f"{name}: the password is wrong; give the right one (--password)"
            ) from None
        raise PasswordRequired(
            f"{name}: is password-protected; give the password (--password)"
        ) from None
    except PDFEncryptionError as exc:
        raise ImportRefused(
            f"{name}: is encrypted in a way Crosscase cannot open ({exc}); "
            "save an unencrypted copy and import that"
        ) from None


def _refusal(name: str, number: int | None, reason: object) -> ImportRefused:
    where = f"page {number}: " if number is not None else ""
    return ImportRefused(f"{name}: {where}{reason}; nothing imported")


class _Reader:
    """Lays out the pages of one opened document, one at a time, within the limits."""

    def __init__(self, data: bytes, name: str, password: str | None) -> None:
        from pdfminer.layout import LTContainer, LTFigure, LTImage, LTTextBox, LTTextLine
        from pdfminer.pdfpage import PDFPage

        from crosscase.io.importers import pdfread

        self.name = name
        self.budget = pdfread.new_budget()
        self.ltypes: LayoutTypes = (LTTextBox, LTTextLine, LTFigure, LTImage, LTContainer)
        with self.bounded():
            try:
                document = _open(data, name, password)
                self.pages = list(PDFPage.create_pages(document))
            except pdfread.PdfLimit as exc:  # an object or cross-reference stream
                raise _refusal(name, None, exc) from None
        self.interpreter, self.device = pdfread.page_reader()

    @contextmanager
    def bounded(self) -> Iterator[None]:
        from crosscase.io.importers import pdfread

        with _quiet_pdfminer(), pdfread.budget(self.budget):
            yield

    def read(self, indices: Iterable[int]) -> list[PageLines]:
        """The lines of the pages at ``indices`` (0-based), in that order."""
        from crosscase.io.importers.pdfread import PdfLimit

        out = []
        with self.bounded():
            for i in indices:
                try:
                    self.interpreter.process_page(self.pages[i])
                    out.append(_page_lines(i + 1, self.device.get_result(), self.ltypes))
                except PdfLimit as exc:
                    raise _refusal(self.name, i + 1, exc) from None
                finally:
                    self.device.result = None  # let the page's layout go
        return out


# one document per worker process, kept while its pages are handed out
_worker_reader: tuple[str, _Reader] | None = None


def _read_in_worker(
    key: str, data: bytes, name: str, password: str | None, indices: list[int]
) -> list[PageLines]:
    global _worker_reader
    if _worker_reader is None or _worker_reader[0] != key:
        _worker_reader = None  # the last document goes before the next is opened
        _worker_reader = (key, _Reader(data, name, password))
    return _worker_reader[1].read(indices)


#: bytes of a PDF sent to a worker per page laid out there: a large file goes in
#: chunks of several pages so that copying it costs little beside laying them out
_BYTES_PER_PAGE_SENT = 4 * 1024 * 1024


def _read_pages(data: bytes, name: str, password: str | None) -> list[PageLines]:
    from crosscase.domain.limits import PARALLEL_PDF_MIN_PAGES
    from crosscase.io.importers import parallel

    reader = _Reader(data, name, password)
    n = len(reader.pages)
    progress = parallel.pages_progress()
    if progress is not None:
        progress.start(n, name)
    pool = parallel.active()
    own = None
    if pool is None and n >= PARALLEL_PDF_MIN_PAGES and parallel.may_start():
        pool = own = parallel.Workers()
    if pool is None or n < PARALLEL_PDF_MIN_PAGES:
        read: list[PageLines] = []
        for i in range(n):
            if progress is not None:
                progress.check()
            read.extend(reader.read([i]))
            if progress is not None:
                progress.advance()
        return read
    try:
        per_job = max(1, -(-len(data) // _BYTES_PER_PAGE_SENT))
        jobs = [list(range(i, min(n, i + per_job))) for i in range(0, n, per_job)]
        key = parallel.document_key(data)
        read = []
        for outcome in parallel.ordered(
            jobs,
            reader.read,
            lambda job: (_read_in_worker, (key, data, name, password, job)),
            pool,
            check=progress.check if progress is not None else None,
        ):
            pages = outcome.get()
            read.extend(pages)
            if progress is not None:
                progress.advance(steps=len(pages))
        return read
    finally:
        if own is not None:
            own.close()


def extract_pdf(data: bytes, name: str, password: str | None = None) -> Extracted:
    """The text of a PDF; a long one is laid out in worker processes (see
    :mod:`crosscase.io.importers.parallel`), with the same result."""
    read = _read_pages(data, name, password)
    if not read:
        raise ImportRefused(f"{name}: cannot be read as pdf (corrupt or truncated file)")
    text, pages = _assemble(read, find_furniture(read))
    if not text.strip():
        # nothing but furniture: better the furniture than nothing
        text, pages = _assemble(read, [set() for _ in read])
    scanned = [page.number for page in read if not page.boxes and page.has_image]
    if not text.strip():
        raise ImportRefused(f"{name}: has no text layer (a scan?); run OCR on it first")
    warnings = []
    if scanned:
        shown = ", ".join(str(n) for n in scanned[:10]) + (" ..." if len(scanned) > 10 else "")
        warnings.append(
            f"{name}: {len(scanned)} page(s) have only images, no text (scanned?): {shown}"
        )
    cids = len(_CID.findall(text))
    if cids:
        warnings.append(
            f"{name}: {cids} character(s) could not be decoded (a font without a Unicode map) "
            "and show as (cid:N)"
        )
    return build(text, "pdf", pages=pages, warnings=warnings)
