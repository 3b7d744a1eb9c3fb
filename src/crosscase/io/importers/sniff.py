"""Which format a file really is: its content first, its extension second.

Files arrive misnamed (a PDF saved as .txt, a .doc that is really RTF or
HTML, a web error page saved as .pdf). Formats with a signature are
recognised by it; the extension decides only among formats without one
(plain text, Markdown, HTML). Files Crosscase cannot import are refused with
a reason a person can act on.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from crosscase.domain.errors import ImportRefused

SUPPORTED = ("txt", "docx", "pdf", "odt", "rtf", "md", "html")

EXTENSIONS: dict[str, str] = {
    **dict.fromkeys((".txt", ".text", ".csv", ".tsv", ".log", ".srt", ".vtt", ".asc"), "txt"),
    **dict.fromkeys((".docx", ".docm", ".dotx", ".dotm"), "docx"),
    **dict.fromkeys((".doc", ".dot"), "doc"),
    ".pdf": "pdf",
    **dict.fromkeys((".odt", ".ott"), "odt"),
    ".rtf": "rtf",
    **dict.fromkeys((".md", ".markdown", ".mdown", ".mkd", ".mkdn"), "md"),
    **dict.fromkeys((".html", ".htm", ".xhtml", ".xht"), "html"),
}

_LABEL = {
    "txt": "plain text",
    "docx": "a Word (.docx) file",
    "pdf": "a PDF",
    "odt": "an OpenDocument text",
    "rtf": "an RTF file",
    "md": "Markdown",
    "html": "a web page (HTML)",
    "doc": "a Word 97-2003 file",
}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_IMAGE = "run OCR on it first"
_MEDIA = "transcribe it first, then import the transcript"
_ARCHIVE = "unpack it and import the files inside"
_MAGICS: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image", _IMAGE),
    (b"\xff\xd8\xff", 0, "a JPEG image", _IMAGE),
    (b"GIF87a", 0, "a GIF image", _IMAGE),
    (b"GIF89a", 0, "a GIF image", _IMAGE),
    (b"II*\x00", 0, "a TIFF image", _IMAGE),
    (b"MM\x00*", 0, "a TIFF image", _IMAGE),
    (b"WEBP", 8, "a WebP image", _IMAGE),
    (b"WAVE", 8, "an audio recording", _MEDIA),
    (b"AVI ", 8, "a video recording", _MEDIA),
    (b"ID3", 0, "an audio recording (MP3)", _MEDIA),
    (b"fLaC", 0, "an audio recording (FLAC)", _MEDIA),
    (b"OggS", 0, "an audio recording (Ogg)", _MEDIA),
    (b"ftyp", 4, "an audio or video recording (MP4/M4A/MOV)", _MEDIA),
    (b"\x1aE\xdf\xa3", 0, "a video recording (WebM/MKV)", _MEDIA),
    (b"\x1f\x8b", 0, "a gzip archive", _ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive", _ARCHIVE),
    (b"Rar!\x1a\x07", 0, "a RAR archive", _ARCHIVE),
    (b"\xfd7zXZ\x00", 0, "an xz archive", _ARCHIVE),
    (b"\x7fELF", 0, "a program", "it cannot be imported"),
    (
        b"SQLite format 3\x00",
        0,
        "a database file (a Crosscase project?)",
        "import documents, not projects",
    ),
    (b"%!PS", 0, "a PostScript file", "convert it to PDF first"),
)


@dataclass
class Detected:
    fmt: str  # one of SUPPORTED
    warnings: list[str] = field(default_factory=list)


def supported_list() -> str:
    return ", ".join(SUPPORTED)


def _unknown_extension(name: str, suffix: str) -> ImportRefused:
    return ImportRefused(
        f"{name}: {suffix} files cannot be imported (supported: {supported_list()})"
    )


def corrupt(name: str, fmt: str) -> ImportRefused:
    return ImportRefused(f"{name}: cannot be read as {fmt} (corrupt or truncated file)")


def _ole2(name: str, data: bytes) -> ImportRefused:
    """Old binary Office files, and password-protected new ones (which are OLE2 too)."""
    if "EncryptedPackage".encode("utf-16-le") in data or (
        "EncryptionInfo".encode("utf-16-le") in data
    ):
        return ImportRefused(
            f"{name}: is password-protected; remove the password in Word and import again"
        )
    other_office = any(
        stream.encode("utf-16-le") in data
        for stream in ("Workbook", "Book", "PowerPoint Document", "__substg1.0_")
    )
    word_suffix = name.lower().endswith((".doc", ".dot", ".docx", ".docm"))
    if "WordDocument".encode("utf-16-le") in data or (word_suffix and not other_office):
        # a legacy file without a recognisable stream, named as Word, most likely is Word
        return ImportRefused(
            f"{name}: is a Word 97-2003 file; open it in Word and save it as .docx"
        )
    return ImportRefused(
        f"{name}: is an old Microsoft Office file (Excel, PowerPoint or Outlook?), "
        f"not a document Crosscase can import (supported: {supported_list()})"
    )


def _zip_kind(name: str, data: bytes, declared: str | None) -> str:
    """docx or odt, or refuse the zip with a reason."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lstrip("/").lower() for n in zf.namelist()}
            mimetype = b""
            if "mimetype" in names:
                info = zf.getinfo(next(n for n in zf.namelist() if n.lower() == "mimetype"))
                if info.file_size < 200:
                    mimetype = zf.read(info).strip()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        StopIteration,
    ):
        fmt = declared if declared in ("docx", "odt") else "zip"
        if fmt == "zip":
            raise ImportRefused(
                f"{name}: is a damaged zip archive, not a document Crosscase can import"
            ) from None
        raise corrupt(name, fmt) from None
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        raise ImportRefused(
            f"{name}: is an OpenDocument {kind} file, not a text document; save it as .odt or .docx"
        )
    if mimetype == b"application/epub+zip":
        raise ImportRefused(f"{name}: is an EPUB e-book; save it as .docx or .pdf to import it")
    if not names and declared in ("docx", "odt"):
        raise corrupt(name, declared)
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise ImportRefused(f"{name}: is an Excel workbook, not a document; save it as .docx")
    if any(n.startswith("ppt/") for n in names):
        raise ImportRefused(f"{name}: is a PowerPoint file, not a document; save it as .pdf")
    if "content.xml" in names:
        return "odt"
    if declared in ("docx", "odt") and "[content_types].xml" in names:
        return "docx"  # an unusual layout: let the relationships say where the text is
    raise ImportRefused(
        f"{name}: is a zip archive, not a document; unzip it and import the files inside"
    )


def _looks_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith(b"<?xml") and b"<html" in head


def detect(name: str, suffix: str, data: bytes) -> Detected:
    """The format to read ``data`` as, or :class:`ImportRefused`."""
    suffix = suffix.lower()
    declared = EXTENSIONS.get(suffix) if suffix else "txt"

    def actually(fmt: str) -> Detected:
        if declared == fmt:
            return Detected(fmt)
        return Detected(fmt, [f"{name}: is really {_LABEL[fmt]}; read as {fmt}"])

    head = data[:1024]
    if b"%PDF-" in head:
        return actually("pdf")
    if data.startswith(OLE2_MAGIC):
        raise _ole2(name, data)
    if data.startswith(_ZIP_MAGICS):
        return actually(_zip_kind(name, data, declared))
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return actually("rtf")
    for magic, offset, what, advice in _MAGICS:
        if data[offset : offset + len(magic)] == magic:
            if declared is None:
                raise _unknown_extension(name, suffix)
            raise ImportRefused(f"{name}: is {what}, not a document; {advice}")
    if declared is None:
        raise _unknown_extension(name, suffix)
    if _looks_html(data) and declared != "md":
        if declared in ("pdf", "docx", "odt", "rtf"):
            raise ImportRefused(
                f"{name}: is a web page (HTML), not {_LABEL[declared]}; "
                "it may be a failed download: download it again"
            )
        return actually("html")
    if declared in ("pdf", "docx", "odt", "rtf"):
        raise corrupt(name, declared)
    if declared == "doc":
        # not a binary Word file; Word also saves plain text under .doc
        return actually("txt")
    return Detected(declared)
