"""PDF with pdfminer.six: text per page, page boundaries kept for citation.

One pass over the document with pdfminer's layout analysis (the same work
``pdfminer.high_level.extract_text`` does), turning each text box into
paragraphs as the page comes out of the interpreter, so no page's layout is
kept in memory after it is read.

Within a text box, lines are joined by a space; a line that ends in
lower-case letter + "-" and a next line that starts in lower case are joined
without the hyphen; a soft hyphen at a line end is dropped; a line that opens
with a speaker label or a bullet starts a new paragraph. Ligatures
(ﬁ ﬂ ﬃ ﬀ ﬄ ...) are expanded. Paragraphs are separated by "\\n", and so are
pages; ``pages`` records each page's span (1-based page numbers).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crosscase.domain.errors import ImportRefused, PasswordRequired
from crosscase.domain.extract import Extracted, Page
from crosscase.io.importers.structure import build, starts_turn

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


def join_lines(lines: list[str]) -> list[str]:
    """The lines of one text box as paragraphs (usually one)."""
    paras: list[str] = []
    parts: list[str] = []
    prev = ""
    for raw in lines:
        line = _clean_line(raw)
        if not line:
            continue
        if not parts:
            parts.append(line)
        elif _starts_new_paragraph(line):
            paras.append("".join(parts))
            parts = [line]
        elif len(prev) >= 2 and prev[-1] == "-" and prev[-2].islower() and line[0].islower():
            parts[-1] = parts[-1][:-1]  # "organi-" + "sation"
            parts.append(line)
        elif prev[-1] == "\u00ad":
            parts[-1] = parts[-1][:-1]
            parts.append(line)
        elif _no_space_script(prev[-1]) and _no_space_script(line[0]):
            parts.append(line)
        else:
            parts.append(" ")
            parts.append(line)
        prev = line
    if parts:
        paras.append("".join(parts))
    return paras


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


def _page_paragraphs(layout: Any, ltypes: Any) -> tuple[list[str], bool]:
    """Paragraphs of one page's layout, and whether the page has an image."""
    LTTextBox, LTTextLine, LTFigure, LTImage, LTContainer = ltypes
    paras: list[str] = []
    has_image = False

    def visit(container: Any) -> None:
        nonlocal has_image
        for item in container:
            if isinstance(item, LTTextBox):
                lines = [line.get_text() for line in item if isinstance(line, LTTextLine)]
                paras.extend(join_lines(lines))
            elif isinstance(item, LTImage):
                has_image = True
            elif isinstance(item, LTFigure | LTContainer):
                visit(item)

    visit(layout)
    return paras, has_image


def extract_pdf(data: bytes, name: str, password: str | None = None) -> Extracted:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import (
        LAParams,
        LTContainer,
        LTFigure,
        LTImage,
        LTTextBox,
        LTTextLine,
    )
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    ltypes = (LTTextBox, LTTextLine, LTFigure, LTImage, LTContainer)
    with _quiet_pdfminer():
        parser = PDFParser(io.BytesIO(data))
        try:
            document = PDFDocument(parser, password=password or "")
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
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
        interpreter = PDFPageInterpreter(resources, device)

        parts: list[str] = []
        pos = 0
        pages: list[Page] = []
        scanned: list[int] = []
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            interpreter.process_page(page)
            paras, has_image = _page_paragraphs(device.get_result(), ltypes)
            device.result = None  # let the page's layout go
            if paras:
                if parts:
                    parts.append("\n")
                    pos += 1
                start = pos
                chunk = "\n".join(paras)
                parts.append(chunk)
                pos += len(chunk)
                pages.append(Page(number, start, pos))
            else:
                pages.append(Page(number, pos, pos))
                if has_image:
                    scanned.append(number)
    if not pages:
        raise ImportRefused(f"{name}: cannot be read as pdf (corrupt or truncated file)")
    text = "".join(parts)
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
