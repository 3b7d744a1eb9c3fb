"""File -> :class:`~crosscase.domain.extract.Extracted`, by format.

Each importer takes the file's bytes and returns normalised text with its
structure, or raises :class:`ImportRefused` with a one-line reason. Whatever
is wrong with a file, :func:`extract` raises nothing else: a parser that
trips over a damaged or hostile file is reported as "cannot be read as FMT".

Heavy parsers (pdfminer, lxml, markdown-it) are imported only when a file of
their format is read, so the CLI starts fast.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import AnchoredNote, Extracted, Page, Paragraph, Turn

__all__ = ["MAX_FILE_BYTES", "SUPPORTED_FORMATS", "extract", "sniff_format"]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 200 * 1024 * 1024
SUPPORTED_FORMATS = ("txt", "docx", "pdf", "odt", "rtf", "md", "html")
TEXT_SUFFIXES = {".txt", ".text", ".csv", ".log", ".srt", ".vtt"}

# What must never be in stored text (the importers already see to it; this is the last guard).
_NOT_STORED = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_Span = TypeVar("_Span", Paragraph, Page, Turn, AnchoredNote)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def sniff_format(path: Path, data: bytes) -> str:
    """The format ``data`` will be read as (raises :class:`ImportRefused` if none)."""
    from crosscase.io.importers.sniff import detect

    path = Path(path)
    return detect(path.name, path.suffix, data).fmt


def _read(path: Path, name: str) -> bytes:
    try:
        if path.is_dir():
            raise ImportRefused(f"{name}: is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportRefused(
                f"{name}: is {_mb(size)}; the limit for one file is {_mb(MAX_FILE_BYTES)}"
            )
        data = path.read_bytes()  # (a read(n) would allocate n bytes up front)
    except FileNotFoundError:
        raise ImportRefused(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ImportRefused(f"{name}: is a folder, not a file") from None
    except PermissionError:
        raise ImportRefused(f"{name}: permission denied") from None
    except OSError as exc:
        reason = exc.strerror or (f"error {exc.errno}" if exc.errno else "an input/output error")
        raise ImportRefused(f"{name}: cannot be read ({reason})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew while we looked
        raise ImportRefused(f"{name}: is over the {_mb(MAX_FILE_BYTES)} limit for one file")
    return data


def _reader(fmt: str) -> Callable[[bytes, str, str | None], Extracted]:
    if fmt == "txt":
        from crosscase.io.importers.text import extract_text

        return lambda data, name, password: extract_text(data, name)
    if fmt == "docx":
        from crosscase.io.importers.word import extract_docx

        return lambda data, name, password: extract_docx(data, name)
    if fmt == "pdf":
        from crosscase.io.importers.pdf import extract_pdf

        return extract_pdf
    if fmt == "odt":
        from crosscase.io.importers.odt import extract_odt

        return lambda data, name, password: extract_odt(data, name)
    if fmt == "rtf":
        from crosscase.io.importers.rtf import extract_rtf

        return lambda data, name, password: extract_rtf(data, name)
    if fmt == "md":
        from crosscase.io.importers.md import extract_md

        return lambda data, name, password: extract_md(data, name)
    if fmt == "html":
        from crosscase.io.importers.htmltext import extract_html

        return lambda data, name, password: extract_html(data, name)
    raise AssertionError(f"no reader for {fmt}")


def _shift(items: list[_Span]) -> list[_Span]:
    return [replace(i, start=max(0, i.start - 1), end=max(0, i.end - 1)) for i in items]


def _final_guard(result: Extracted, name: str) -> Extracted:
    """Hold the stored-text rules whatever an importer let through."""
    if result.text.startswith("\ufeff"):
        # drop the BOM and shift every span by one
        result = Extracted(
            text=result.text[1:],
            format=result.format,
            paragraphs=_shift(result.paragraphs),
            pages=_shift(result.pages),
            turns=_shift(result.turns),
            notes=_shift(result.notes),
            warnings=result.warnings,
        )
    if _NOT_STORED.search(result.text):
        # one character for one: offsets stay put
        log.warning("%s: importer left characters that are not stored; replacing them", name)
        result.text = _NOT_STORED.sub("\ufffd", result.text)
    return result


def extract(
    path: Path | str, *, password: str | None = None, data: bytes | None = None
) -> Extracted:
    """Read one file and extract its text and structure.

    ``data``, if given, is the file's content (``path`` then only names it).
    Raises :class:`ImportRefused` with a one-line reason, and nothing else.
    """
    path = Path(path)
    name = path.name or os.fspath(path)
    if data is None:
        data = _read(path, name)
    elif len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            f"{name}: is {_mb(len(data))}; the limit for one file is {_mb(MAX_FILE_BYTES)}"
        )
    if not data:
        raise ImportRefused(f"{name}: the file is empty (0 bytes)")

    fmt = path.suffix.lower().lstrip(".") or "txt"
    try:
        from crosscase.io.importers.sniff import detect

        detected = detect(name, path.suffix, data)
        fmt = detected.fmt
        result = _reader(fmt)(data, name, password)
        if not result.text.strip():
            if fmt == "pdf":
                raise ImportRefused(f"{name}: has no text layer (a scan?); run OCR on it first")
            raise ImportRefused(f"{name}: no text found in the file")
        result.warnings[:0] = detected.warnings
        result = _final_guard(result, name)
        result.check()
    except ImportRefused:
        raise
    except MemoryError:
        raise ImportRefused(f"{name}: is too large to import (ran out of memory)") from None
    except RecursionError:
        raise ImportRefused(
            f"{name}: cannot be read as {fmt} (nested too deeply: corrupt or crafted file)"
        ) from None
    except Exception:
        log.debug("importing %s failed", name, exc_info=True)
        raise ImportRefused(
            f"{name}: cannot be read as {fmt} (corrupt or truncated file)"
        ) from None
    return result
