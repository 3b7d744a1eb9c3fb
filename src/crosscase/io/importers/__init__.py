"""File -> :class:`~crosscase.domain.extract.Extracted`, by format.

Each importer takes the file's bytes and returns normalised text with its
structure, or raises :class:`ImportRefused` with a one-line reason.
"""

from __future__ import annotations

from pathlib import Path

from crosscase.domain.errors import ImportRefused
from crosscase.domain.extract import Extracted

MAX_FILE_BYTES = 200 * 1024 * 1024

TEXT_SUFFIXES = {".txt", ".text", ".csv", ".log", ".srt", ".vtt"}


def sniff_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "txt"
    return suffix.lstrip(".")


def extract(path: Path, *, password: str | None = None, data: bytes | None = None) -> Extracted:
    """Read one file and extract its text and structure."""
    name = path.name
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ImportRefused(f"{name}: {size / 1e6:.0f} MB is over the {MAX_FILE_BYTES // 1_000_000} MB limit for one file")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportRefused(f"{name}: no such file") from None
        except IsADirectoryError:
            raise ImportRefused(f"{name}: is a folder, not a file") from None
        except PermissionError:
            raise ImportRefused(f"{name}: permission denied") from None
    if not data:
        raise ImportRefused(f"{name}: the file is empty (0 bytes)")
    fmt = sniff_format(path, data)
    if fmt == "txt":
        from crosscase.io.importers.text import extract_text

        result = extract_text(data, name)
    else:
        raise ImportRefused(f"{name}: .{fmt} files cannot be imported")
    if not result.text.strip():
        raise ImportRefused(f"{name}: no text found in the file")
    result.check()
    return result
