"""Names that people and terminals can read: documents, cases, codes.

A name comes from a file name, a command-line argument or someone else's
archive, so it may carry bytes that are not UTF-8 (Python hands them over as
lone surrogates, ``surrogateescape``), line breaks or terminal escape
sequences. :func:`clean_name` is what is stored; :func:`escaped` is how any
string is shown on one line of a terminal without acting on it.
"""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, and the bidirectional overrides and
# isolates that can make a name read differently from what it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s{2,}")


def readable(text: str) -> str:
    """``text`` with bytes that were not UTF-8 read as Windows-1252.

    ``surrogateescape`` turns the byte 0xFC of ``M\\xfcller.txt`` (an old
    archive's Latin-1 name) into U+DCFC; such a name cannot be written as
    UTF-8. Old archives and file systems used Windows-1252 or Latin-1, so
    that is how the bytes are read; any other lone surrogate becomes U+FFFD.
    """
    if _SURROGATE.search(text) is None:
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return _SURROGATE.sub("\ufffd", text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def clean_name(name: str) -> str:
    """The stored form of a name: readable, one line, no control characters,
    runs of white space made one space, no space at either end."""
    name = readable(name)
    name = _CONTROL.sub(" ", name)
    name = _SPACES.sub(" ", name)
    return name.strip()


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    special = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if c in special:
        return special[c]
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_SHOW = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escaped(text: str) -> str:
    """``text`` for one line of a terminal: control characters, bidirectional
    overrides and lone surrogates shown as backslash escapes, all else as is."""
    if _SHOW.search(text) is None:
        return text
    return _SHOW.sub(_escape, text)
