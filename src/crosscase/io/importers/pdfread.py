"""pdfminer.six with bounds: what one PDF may decode, and what one page may cost.

pdfminer decodes a stream whole (a FlateDecode stream of a few hundred
kilobytes can inflate to gigabytes) and lays out every character of a page,
whatever their number (one text string of millions of characters, or
thousands of scattered words whose grouping takes minutes). Here:

* every stream decoded while a :func:`budget` is open is cut off past
  :data:`~crosscase.domain.limits.MAX_PDF_STREAM_BYTES` (and all of them
  together past :data:`~crosscase.domain.limits.MAX_PDF_DECODED_BYTES`), by
  wrapping the decoders pdfminer's ``pdftypes`` module calls; with no budget
  open they behave exactly as pdfminer's own;
* a page may run at most :data:`~crosscase.domain.limits.MAX_PDF_PAGE_CONTENT_BYTES`
  of content, draw at most :data:`~crosscase.domain.limits.MAX_PDF_PAGE_CHARS`
  characters and :data:`~crosscase.domain.limits.MAX_PDF_PAGE_GRAPHICS`
  graphics; past a limit :class:`PdfLimit` is raised and the caller names the
  file and the page;
* a page with more than :data:`~crosscase.domain.limits.MAX_PDF_PAGE_TEXT_BOXES`
  text boxes is ordered top to bottom, left to right, instead of by pdfminer's
  hierarchical grouping (whose work grows with the cube of the boxes).

This module imports pdfminer at the top: import it only when a PDF is read.
"""

from __future__ import annotations

import io
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pdfminer.pdftypes as pdftypes
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTFigure,
    LTPage,
    LTTextBox,
    LTTextGroup,
    LTTextGroupLRTB,
)
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.utils import Matrix, PathSegment, Rect, apply_matrix_rect, mult_matrix

from crosscase.domain.limits import (
    MAX_PDF_DECODED_BYTES,
    MAX_PDF_PAGE_CHARS,
    MAX_PDF_PAGE_CONTENT_BYTES,
    MAX_PDF_PAGE_GRAPHICS,
    MAX_PDF_PAGE_TEXT_BOXES,
    MAX_PDF_STREAM_BYTES,
    size_text,
)


class PdfLimit(Exception):
    """A limit was passed; the message says which, the caller adds the file and page."""


# --- decoded stream sizes ----------------------------------------------------------


class _Budget:
    """What the streams of one document may still decode to."""

    def __init__(self, total: int, per_stream: int) -> None:
        self.left = total
        self.per_stream = per_stream

    def allowance(self) -> int:
        return min(self.per_stream, self.left)

    def spend(self, n: int) -> None:
        self.left -= n

    def refuse(self) -> PdfLimit:
        if self.left < self.per_stream:
            return PdfLimit(
                f"its streams inflate past the {size_text(MAX_PDF_DECODED_BYTES)} limit "
                "for one PDF (a decompression bomb?)"
            )
        return PdfLimit(
            f"a compressed stream inflates past the {size_text(self.per_stream)} limit "
            "for one stream (a decompression bomb?)"
        )


_budget: ContextVar[_Budget | None] = ContextVar("crosscase_pdf_budget", default=None)


def new_budget() -> _Budget:
    """What one document's streams may decode to, for :func:`budget`."""
    return _Budget(MAX_PDF_DECODED_BYTES, MAX_PDF_STREAM_BYTES)


@contextmanager
def budget(state: _Budget | None = None) -> Iterator[None]:
    """Bound every stream decoded inside the block (in this thread), against
    ``state`` (one document's budget, kept over several blocks) or a new one."""
    install()
    token = _budget.set(state or new_budget())
    try:
        yield
    finally:
        _budget.reset(token)


class _LimitedDecompressor:
    """``zlib.decompressobj()`` whose output counts against the budget."""

    def __init__(self, budget: _Budget) -> None:
        self._d = zlib.decompressobj()
        self._budget = budget
        self._cap = budget.allowance()
        self._out = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = self._cap - self._out + 1
        out = self._d.decompress(data, room if not max_length else min(room, max_length))
        self._out += len(out)
        if self._out > self._cap:
            raise self._budget.refuse()
        self._budget.spend(len(out))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._d, name)


_PIECE = 1024 * 1024


class _LimitedZlib:
    """Stands in for the ``zlib`` module inside pdfminer's ``pdftypes``."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        budget = _budget.get()
        if budget is None:
            return zlib.decompress(data)
        cap = budget.allowance()
        d = zlib.decompressobj()
        # a piece at a time, so that a bomb is stopped holding no more than the cap
        out = bytearray(d.decompress(data, _PIECE))
        while d.unconsumed_tail and not d.eof:
            out += d.decompress(d.unconsumed_tail, _PIECE)
            if len(out) > cap:
                raise budget.refuse()
        if len(out) > cap:
            raise budget.refuse()
        if not d.eof:
            # as zlib.decompress says it (pdfminer then reads what it can byte by byte)
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        budget.spend(len(out))
        return bytes(out)

    @staticmethod
    def decompressobj() -> Any:
        budget = _budget.get()
        if budget is None:
            return zlib.decompressobj()
        return _LimitedDecompressor(budget)


def _checked(out: bytes) -> bytes:
    budget = _budget.get()
    if budget is not None:
        if len(out) > budget.allowance():
            raise budget.refuse()
        budget.spend(len(out))
    return out


def _lzwdecode(data: bytes) -> bytes:
    budget = _budget.get()
    if budget is None:
        return _ORIGINAL["lzwdecode"](data)
    cap = budget.allowance()
    parts: list[bytes] = []
    n = 0
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        n += len(chunk)
        if n > cap:
            raise budget.refuse()
        parts.append(chunk)
    budget.spend(n)
    return b"".join(parts)


def _rldecode(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5) as pdfminer reads it, stopping at the budget."""
    budget = _budget.get()
    if budget is None:
        return _ORIGINAL["rldecode"](data)
    cap = budget.allowance()
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:
            break
        if length < 128:
            if i + length + 1 > n:
                raise ValueError("run-length data cut short")
            out += data[i : i + length + 1]
            i += length + 1
        else:
            if i >= n:
                raise ValueError("run-length data cut short")
            out += data[i : i + 1] * (257 - length)
            i += 1
        if len(out) > cap:
            raise budget.refuse()
    budget.spend(len(out))
    return bytes(out)


def _ascii85decode(data: bytes) -> bytes:
    return _checked(_ORIGINAL["ascii85decode"](data))


def _asciihexdecode(data: bytes) -> bytes:
    return _checked(_ORIGINAL["asciihexdecode"](data))


_ORIGINAL: dict[str, Callable[[bytes], bytes]] = {}
_installed = threading.Lock()


def install() -> None:
    """Put the bounded decoders in place of those pdfminer's ``pdftypes`` calls
    (once per process; the module's own names, so pdfminer's code is unchanged)."""
    with _installed:
        if _ORIGINAL:
            return
        bounded: dict[str, object] = {
            "lzwdecode": _lzwdecode,
            "rldecode": _rldecode,
            "ascii85decode": _ascii85decode,
            "asciihexdecode": _asciihexdecode,
        }
        for name, fn in bounded.items():
            _ORIGINAL[name] = getattr(pdftypes, name)
            setattr(pdftypes, name, fn)
        setattr(pdftypes, "zlib", _LimitedZlib)  # noqa: B010 - not exported by pdfminer


# --- work per page -----------------------------------------------------------------


def _group_boxes(
    container: LTPage | LTFigure, laparams: LAParams, boxes: Sequence[LTTextBox]
) -> list[LTTextGroup] | None:
    if len(boxes) > MAX_PDF_PAGE_TEXT_BOXES:
        return [LTTextGroupLRTB(boxes)]
    return None


class _BoundedPage(LTPage):
    def group_textboxes(self, laparams: LAParams, boxes: Sequence[LTTextBox]) -> list[LTTextGroup]:
        return _group_boxes(self, laparams, boxes) or super().group_textboxes(laparams, boxes)


class _BoundedFigure(LTFigure):
    def group_textboxes(self, laparams: LAParams, boxes: Sequence[LTTextBox]) -> list[LTTextGroup]:
        return _group_boxes(self, laparams, boxes) or super().group_textboxes(laparams, boxes)


class BoundedAggregator(PDFPageAggregator):
    """pdfminer's page aggregator that counts what a page costs."""

    def __init__(self, rsrcmgr: PDFResourceManager, laparams: LAParams) -> None:
        super().__init__(rsrcmgr, laparams=laparams)
        self.chars = self.graphics = self.content = 0

    def begin_page(self, page: PDFPage, ctm: Matrix) -> None:
        self.chars = self.graphics = self.content = 0
        (x0, y0, x1, y1) = apply_matrix_rect(ctm, page.mediabox)
        self.cur_item = _BoundedPage(self.pageno, (0, 0, abs(x0 - x1), abs(y0 - y1)))

    def begin_figure(self, name: str, bbox: Rect, matrix: Matrix) -> None:
        self._stack.append(self.cur_item)
        self.cur_item = _BoundedFigure(name, bbox, mult_matrix(matrix, self.ctm))

    def spend_content(self, n: int) -> None:
        self.content += n
        if self.content > MAX_PDF_PAGE_CONTENT_BYTES:
            raise PdfLimit(
                f"more than the {size_text(MAX_PDF_PAGE_CONTENT_BYTES)} of content "
                "allowed for one page"
            )

    def _graphic(self) -> None:
        self.graphics += 1
        if self.graphics > MAX_PDF_PAGE_GRAPHICS:
            raise PdfLimit(
                f"more than the {MAX_PDF_PAGE_GRAPHICS:,} lines, shapes and images "
                "allowed on one page"
            )

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> float:
        self.chars += 1
        if self.chars > MAX_PDF_PAGE_CHARS:
            raise PdfLimit(f"more than the {MAX_PDF_PAGE_CHARS:,} characters allowed on one page")
        return super().render_char(
            matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate
        )

    def paint_path(
        self,
        gstate: PDFGraphicState,
        stroke: bool,
        fill: bool,
        evenodd: bool,
        path: Sequence[PathSegment],
    ) -> None:
        self._graphic()
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def render_image(self, name: str, stream: PDFStream) -> None:
        self._graphic()
        super().render_image(name, stream)


class BoundedInterpreter(PDFPageInterpreter):
    """Counts the content a page runs, forms drawn from it included (each time drawn)."""

    device: BoundedAggregator

    def execute(self, streams: Sequence[object]) -> None:
        for obj in streams:
            stream = stream_value(obj)
            self.device.spend_content(len(stream.get_data()))
        super().execute(streams)


def page_reader() -> tuple[BoundedInterpreter, BoundedAggregator]:
    """A fresh interpreter and device, set up as Crosscase reads every PDF."""
    install()
    resources = PDFResourceManager(caching=True)
    device = BoundedAggregator(resources, LAParams(all_texts=True))
    return BoundedInterpreter(resources, device), device
