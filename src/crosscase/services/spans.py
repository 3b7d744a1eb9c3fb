"""Spans: offsets into stored text, checked on every write, and quotes found in text."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import Code, Document
from crosscase.domain.errors import NotFound, SpanError


class SpanChecker:
    """Loads each document's text once and cuts checked snippets from it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._texts: dict[int, str] = {}
        self._codes: set[int] = set()

    def text(self, document_id: int) -> str:
        if document_id not in self._texts:
            text = self.session.scalar(select(Document.text).where(Document.id == document_id))
            if text is None:
                raise NotFound(f"no document {document_id}")
            self._texts[document_id] = text
        return self._texts[document_id]

    def snippet(self, document_id: int, start: int, end: int) -> str:
        text = self.text(document_id)
        if not (0 <= start < end <= len(text)):
            raise SpanError(
                f"span {start}-{end} does not fit the document (0-{len(text)}, end after start)"
            )
        return text[start:end]

    def check_code(self, code_id: int) -> None:
        if code_id not in self._codes:
            if self.session.get(Code, code_id) is None:
                raise NotFound(f"no code {code_id}")
            self._codes.add(code_id)


_QUOTE_MARKS = {"'": "'’‘ʼ", '"': '"“”„', "-": "-–—‐"}


def _flexible(quote: str) -> re.Pattern[str]:
    parts: list[str] = []
    for token in quote.split():
        esc = []
        for ch in token:
            alts = next((v + k for k, v in _QUOTE_MARKS.items() if ch in v + k), None)
            esc.append(f"[{re.escape(alts)}]" if alts else re.escape(ch))
        parts.append("".join(esc))
    return re.compile(r"\s+".join(parts))


def find_quote(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    """The span of the ``occurrence``-th appearance of ``quote`` in ``text``.

    Tries the exact characters first; then allows any run of white space
    where the quote has white space, and straight or typographic quotes and
    dashes alike (PDF text breaks lines where the quote has a space).
    """
    if not quote.strip():
        raise SpanError("the quote is empty")
    if occurrence < 1:
        raise SpanError("--occurrence counts from 1")
    hits: list[tuple[int, int]] = []
    pos = text.find(quote)
    while pos >= 0:
        hits.append((pos, pos + len(quote)))
        if len(hits) == occurrence:
            return hits[-1]
        pos = text.find(quote, pos + 1)
    if not hits:
        for m in _flexible(quote.strip()).finditer(text):
            hits.append((m.start(), m.end()))
            if len(hits) == occurrence:
                return hits[-1]
    if not hits:
        short = quote if len(quote) <= 60 else quote[:57] + "..."
        raise SpanError(f"quote not found in the document: \"{short}\"")
    raise SpanError(f"the quote occurs {len(hits)} time(s), not {occurrence}")
