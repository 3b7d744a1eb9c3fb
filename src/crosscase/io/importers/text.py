"""Plain text: encoding detection and normalisation.

:func:`normalise` defines the stored form of every document's text, whatever
its source format, so every importer passes its text through it (or builds
text that is already in that form).
"""

from __future__ import annotations

import codecs
import re

from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import Extracted
from crosscase.io.importers.structure import build

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Characters that never belong in the stored text. NULs go; every other one is
# replaced one for one, so that a position in the raw text moves only by the
# BOM, CRLF pairs and NULs (exchange/refi/positions.py relies on that): line-like
# characters become "\n", lone surrogates (they cannot be stored as UTF-8)
# U+FFFD, other control characters a space.
_ODD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0085\u2028\u2029\ud800-\udfff]")
_AS_NEWLINE = frozenset("\x0b\x0c\u0085\u2028\u2029")


def _fix_odd(m: re.Match[str]) -> str:
    c = m.group()
    if c == "\x00":
        return ""
    if c in _AS_NEWLINE:
        return "\n"
    if "\ud800" <= c <= "\udfff":
        return "\ufffd"
    return " "


def normalise(text: str) -> str:
    """The stored form: no BOM, ``\\n`` line endings, no NULs, no other control
    characters but tab, no lone surrogates.

    Only the BOM, the CR of a CRLF pair and NULs change the length; everything
    else is replaced one character for one.
    """
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ODD.search(text) is not None:
        text = _ODD.sub(_fix_odd, text)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """Text written as UTF-16 without a byte-order mark, or None.

    Every character below U+0100 (spaces, digits, line breaks, Latin letters)
    has a zero high byte, so such text shows NULs in one byte lane and few
    in the other, whatever the script: Cyrillic, Greek or Arabic text
    still has its spaces and line breaks. Binary data has NULs in both lanes.
    The decoded text must also be free of control characters.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    sample = data[:65536]
    half = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    enc = None
    # a low byte of zero is rare but real (U+0100, U+0400, the surrogate DE00 of
    # 😀), so the quiet lane may hold a few NULs: far fewer than the busy one
    if odd_nuls >= max(1, 0.05 * half) and even_nuls * 8 <= odd_nuls:
        enc = "utf-16-le"
    elif even_nuls >= max(1, 0.05 * half) and odd_nuls * 8 <= even_nuls:
        enc = "utf-16-be"
    if enc is None:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    if _control_share(text) > _MAX_CONTROL_SHARE:
        return None
    return text


# Non-ASCII characters that Western European text in Windows-1252 is made of.
_WESTERN_PUNCT = frozenset("‘’‚“”„–—…€™•·«»°£¥§©®±¡¿\xa0´¨¸¯¦¬µ¶†‡‰‹›ˆ˜¢¤ºª×÷")
_LATIN_LIKE = frozenset(
    {"latin_1", "iso8859_15", "cp1252", "windows-1252", "iso8859_1", "mac_roman", "cp850"}
)


def _plausible_western(data: bytes) -> str | None:
    """Decode as Windows-1252 if the result reads like Western European text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    for c in {c for c in text if c >= "\x80"}:
        if not (c.isalpha() and c < "\u0250") and c not in _WESTERN_PUNCT:
            return None
    return text


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_MAX_CONTROL_SHARE = 0.02


def _control_share(text: str) -> float:
    """The share of characters that do not occur in text (control characters, U+FFFD)."""
    sample = text[:200_000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def decode_with_warnings(data: bytes, name: str = "file") -> tuple[str, list[str]]:
    """Decode text of unknown encoding: the text and what the user should know."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), []
            except UnicodeDecodeError as exc:
                raise ImportRefused(
                    f"{name}: starts with a {enc} byte-order mark but is not valid {enc} "
                    f"(byte {exc.start + len(bom)}); save it as UTF-8 and import again"
                ) from None
    # NULs are valid UTF-8, so UTF-16 of ASCII-range text would pass as UTF-8
    # full of NULs: look for UTF-16 first wherever NULs occur.
    if b"\x00" in data[:65536]:
        u16 = _utf16_without_bom(data)
        if u16 is not None:
            return u16, []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in data[:65536]:
        raise ImportRefused(f"{name}: is binary data, not text")
    # UTF-8 with a few broken bytes (a bad copy and paste): keep it, say so.
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    multibyte = sum(1 for c in lenient[:200_000] if c > "\x7f") - bad
    if multibyte > 0 and bad <= max(2, len(lenient) // 10_000) and bad * 4 <= multibyte:
        warning = (
            f"{name}: {bad} byte(s) are not valid UTF-8 (first at byte {utf8_error.start}) "
            "and were replaced with \ufffd"
        )
        return lenient, [warning]
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    encodings = [m.encoding for m in results]
    if any(e in _LATIN_LIKE for e in encodings):
        text = _plausible_western(data)
        if text is not None:
            return text, [f"{name}: not UTF-8; read as Windows-1252 (Western European)"]
    best = results.best()
    western = _plausible_western(data)
    if western is not None and (best is None or best.encoding.startswith(("utf_16", "utf_32"))):
        return western, [f"{name}: not UTF-8; read as Windows-1252 (Western European)"]
    if best is None:
        raise ImportRefused(
            f"{name}: the text encoding cannot be detected; save it as UTF-8 and import again"
        )
    text = str(best)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ImportRefused(
            f"{name}: the text encoding cannot be detected (looks like binary data); "
            "save it as UTF-8 and import again"
        )
    return text, [f"{name}: not UTF-8; read as {best.encoding} (a guess: check the text)"]


def decode_bytes(data: bytes, name: str = "file") -> str:
    """Decode text of unknown encoding, or refuse it with a reason."""
    return decode_with_warnings(data, name)[0]


def structure(text: str, fmt: str) -> Extracted:
    """Paragraphs and turns of already normalised ``text``."""
    return build(text, fmt)


def extract_text(data: bytes, name: str = "file") -> Extracted:
    text, warnings = decode_with_warnings(data, name)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ImportRefused(f"{name}: is binary data, not text")
    return build(normalise(text), "txt", warnings=warnings)
