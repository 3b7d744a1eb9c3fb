"""Text made safe for a spreadsheet cell or an XML document.

Names in a project can come from other people's files (a QDPX from a
colleague, a codebook from the web). A spreadsheet runs a cell that starts
with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, tab or carriage
return) as a formula, so such text is escaped the way spreadsheet-safety
guidance recommends: a leading apostrophe, which spreadsheets show as text.
XML cannot hold NUL, most C0 control characters, lone surrogates or U+FFFE
and U+FFFF; those are dropped on the way out, never a failed export.
"""

from __future__ import annotations

import re

#: Excel refuses cells longer than this
EXCEL_CELL_LIMIT = 32_767
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", text) if _XML_ILLEGAL.search(text) else text


def count_xml_illegal(text: str) -> int:
    return len(_XML_ILLEGAL.findall(text))


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_text(text: str) -> str:
    """Text for one xlsx cell: XML-safe and within Excel's cell limit, a cut marked."""
    text = xml_safe(text)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    marker = f" [… cut: {{}} more characters; Excel holds {EXCEL_CELL_LIMIT:,} per cell]"
    room = EXCEL_CELL_LIMIT - len(marker.format(len(text)))
    return text[:room] + marker.format(len(text) - room)
