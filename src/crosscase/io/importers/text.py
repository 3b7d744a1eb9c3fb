"""Plain text: encoding detection and normalisation."""

from __future__ import annotations

import codecs

from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import Extracted
from crosscase.io.importers.structure import paragraphs_of, turns_of

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalise(text: str) -> str:
    """The stored form: no BOM, ``\\n`` line endings, no NULs."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\x00", "")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte of ASCII text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    enc = None
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        enc = "utf-16-le"
    elif even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        enc = "utf-16-be"
    if enc is None:
        return None
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes, name: str = "file") -> str:
    """Decode text of unknown encoding, or refuse it with a reason."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc)
            except UnicodeDecodeError as exc:
                raise ImportRefused(f"{name}: starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    u16 = _utf16_without_bom(data)
    if u16 is not None:
        return u16
    if b"\x00" in data:
        raise ImportRefused(f"{name}: binary data, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportRefused(f"{name}: the text encoding cannot be detected; save it as UTF-8 and import again")
    enc = best.encoding
    # Western European text in a single-byte code page: prefer cp1252, which is
    # a superset of Latin-1 for printable characters (curly quotes, dashes).
    if enc in {"latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1254", "iso8859_9", "mac_roman"}:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    return str(best)


def structure(text: str, fmt: str) -> Extracted:
    paras = paragraphs_of(text)
    return Extracted(text=text, format=fmt, paragraphs=paras, turns=turns_of(text, paras))


def extract_text(data: bytes, name: str = "file") -> Extracted:
    return structure(normalise(decode_bytes(data, name)), "txt")
