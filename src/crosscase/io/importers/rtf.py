"""Rich Text Format with striprtf.

striprtf drops what RTF marks as destinations (headers, footnotes, comments,
pictures, fields' instructions) and keeps the body text, one line per
paragraph, table cells separated by "|". What it cannot do is pair the two
halves of a character outside the BMP (RTF writes 😀 as two ``\\u`` escapes,
one per UTF-16 surrogate): that is done here, so an emoji is one code point.
"""

from __future__ import annotations

import codecs
import re

from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import Extracted
from crosscase.io.importers.structure import build
from crosscase.io.importers.text import normalise

_ANSICPG = re.compile(rb"\\ansicpg(\d{3,5})")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_ROW_END = re.compile(r"\|[ \t]*$", re.MULTILINE)


def _join_pair(m: re.Match[str]) -> str:
    pair = m.group()
    hi, lo = pair[0], pair[1]
    return chr(0x10000 + ((ord(hi) - 0xD800) << 10) + (ord(lo) - 0xDC00))


def _decode_source(data: bytes) -> tuple[str, str]:
    """RTF source as text, and the code page its ``\\'xx`` escapes use."""
    codepage = "cp1252"
    m = _ANSICPG.search(data[:4096])
    if m:
        candidate = f"cp{int(m.group(1))}"
        try:
            codecs.lookup(candidate)
            codepage = candidate
        except LookupError:
            pass
    if data.isascii():
        return data.decode("ascii"), codepage
    # RTF should be 7-bit; writers that put raw 8-bit text in use the document code page,
    # a few use UTF-8.
    try:
        return data.decode("utf-8"), codepage
    except UnicodeDecodeError:
        return data.decode(codepage, errors="replace"), codepage


def extract_rtf(data: bytes, name: str) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    source, codepage = _decode_source(data)
    if not source.lstrip().startswith("{\\rtf"):
        raise ImportRefused(f"{name}: cannot be read as rtf (it does not start with {{\\rtf)")
    text: str = rtf_to_text(source, encoding=codepage, errors="replace")
    if _PAIR.search(text):
        text = _PAIR.sub(_join_pair, text)
    text = normalise(text)  # lone surrogates become U+FFFD here
    if "\\cell" in source:
        text = _ROW_END.sub("", text)  # striprtf ends each table row with a cell mark
    return build(text, "rtf")
