"""Coding from plain values: by offsets, by quote, or many rows from a file."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crosscase.domain.errors import CrosscaseError, ImportRefused, UsageError
from crosscase.domain.limits import MAX_ROWS_FILE_BYTES
from crosscase.io.importers.text import decode_with_warnings
from crosscase.services import codebook, documents, spans


@dataclass(frozen=True)
class CodingSpec:
    """One span to code: plain values, so commands, the CLI and workers share it."""

    document_id: int
    code_id: int
    start: int
    end: int
    memo: str = ""


@dataclass
class RowError:
    line: int
    message: str


def spec_for(
    session: Session,
    document: str | int,
    code: str | int,
    *,
    start: int | None = None,
    end: int | None = None,
    quote: str | None = None,
    occurrence: int = 1,
    memo: str = "",
    nodes: dict[int, codebook.CodeNode] | None = None,
) -> CodingSpec:
    did = documents.resolve(session, document)
    cid = codebook.resolve(session, code, nodes)
    text = documents.text_of(session, did)
    if quote is not None:
        if start is not None or end is not None:
            raise UsageError("give either --start/--end or --quote, not both")
        start, end = spans.find_quote(text, quote, occurrence)
    elif start is None or end is None:
        raise UsageError("give --start and --end, or --quote")
    if not (0 <= start < end <= len(text)):
        raise UsageError(f"span {start}-{end} does not fit the document (0-{len(text)})")
    return CodingSpec(did, cid, int(start), int(end), memo or "")


@dataclass
class RowFile:
    """The rows of a ``code --from`` file, numbered as the user counts them.

    ``rows`` holds (number, value) for every row read (a value that is not an
    object is refused later, with its number); ``errors`` the rows that could
    not be read at all; ``notes`` what the user should know about the file
    (an encoding guessed).
    """

    name: str
    rows: list[tuple[int, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")
_ROW_KEYS = ("document", "code")


def read_row_file(path: Path) -> RowFile:
    """CSV (with a header) or JSON (an array of objects, or JSON Lines) of coding rows.

    The encoding is detected as for an imported document. A problem with the
    whole file (unreadable, empty, no header, not rows at all, nested too
    deeply) is a :class:`UsageError`; a problem with one row is a
    :class:`RowError` with its number, and the other rows still count.
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_ROWS_FILE_BYTES:
            raise UsageError(
                f"{name}: {size // 2**20} MiB is over the {MAX_ROWS_FILE_BYTES // 2**20} MiB "
                "limit for a file of coding rows; split it"
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{name}: is a folder, not a file of coding rows") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror or 'unreadable'})") from None
    try:
        raw, notes = decode_with_warnings(data, name)
    except ImportRefused as exc:
        raise UsageError(exc.message) from None
    raw = raw.removeprefix("\ufeff")
    stripped = raw.lstrip()
    if not stripped:
        raise UsageError(
            f"{name}: is empty; give CSV with a header (document, code, start/end or quote) "
            "or JSON rows"
        )
    if stripped[0] == "[":
        out = _json_array(raw, name)
    elif stripped[0] == "{":
        out = _json_lines(raw, name)
    else:
        out = _csv_rows(raw, name)
    out.notes[:0] = notes
    return out


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a file that is known to be good (the demo's): the first
    unreadable row is an error."""
    book = read_row_file(path)
    if book.errors:
        first = book.errors[0]
        raise UsageError(f"{book.name}, row {first.line}: {first.message}")
    return [row for _, row in book.rows]


def _loads(text: str) -> Any:
    """``json.loads`` with its own failures as ValueError (deep nesting included)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _json_array(raw: str, name: str) -> RowFile:
    try:
        data = _loads(raw)
    except ValueError as exc:
        raise UsageError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(data, list):
        raise UsageError(f"{name}: holds {_brief(data)}, not a list of rows")
    return RowFile(name, list(enumerate(data, 1)))


def _json_lines(raw: str, name: str) -> RowFile:
    try:
        whole = _loads(raw)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and not any(k in whole for k in _ROW_KEYS):
        raise UsageError(
            f"{name}: holds one JSON object, not rows; give a JSON array of objects or "
            "JSON Lines (one object per line) with document, code, and start/end or quote"
        )
    if isinstance(whole, dict):
        return RowFile(name, [(1, whole)])
    out = RowFile(name)
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.rows.append((n, _loads(line)))
        except ValueError as exc:
            out.errors.append(RowError(n, f"not valid JSON ({exc})"))
    return out


def _csv_rows(raw: str, name: str) -> RowFile:
    reader = csv.reader(io.StringIO(raw, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise UsageError(f"{name}: the header line cannot be read as CSV ({exc})") from None
    except StopIteration:
        header = []
    columns = [h.strip().lower() for h in header]
    if not all(k in columns for k in _ROW_KEYS):
        found = ", ".join(_brief(h) for h in header[:6]) or "nothing"
        raise UsageError(
            f"{name}: the first line must name the columns document, code, and start/end or "
            f"quote; it holds {found}"
        )
    out = RowFile(name)
    n = 0
    while True:
        n += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            limit = csv.field_size_limit()
            message = str(exc)
            if "field larger than field limit" in message:
                message = f"a field is longer than {limit} characters, the limit of a CSV field"
            out.errors.append(RowError(n, f"cannot be read as CSV ({message})"))
            continue
        if not any(c.strip() for c in cells):
            continue
        row = {k: v for k, v in zip(columns, cells, strict=False) if k}
        if len(cells) > len(columns):
            out.errors.append(RowError(n, f"has {len(cells)} fields; the header names {len(columns)}"))
            continue
        out.rows.append((n, row))
    return out


def _whole(row: dict[str, Any], key: str) -> int | None:
    """A position or count from a row: a whole number, or None when absent."""
    v = row.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        raise UsageError(f"{key}: {v!r} is not a whole number")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer():
            return int(v)
        raise UsageError(f"{key}: {_brief(v)} is not a whole number")
    if isinstance(v, str) and _WHOLE.fullmatch(v.strip()):
        return int(v.strip())
    raise UsageError(f"{key}: {_brief(v)} is not a whole number")


def _text_field(row: dict[str, Any], key: str) -> str:
    v = row.get(key)
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool) and key in ("document", "code"):
        return str(v)  # an id
    raise UsageError(f"{key}: {_brief(v)} is not text")


def _brief(v: object) -> str:
    """A value as a short, one-line, escaped repr for a message."""
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "a list"
    text = ascii(v) if isinstance(v, str) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def specs_from_rows(
    session: Session, rows: Sequence[dict[str, Any]] | RowFile
) -> tuple[list[CodingSpec], list[RowError]]:
    """Specs for the rows that fit, and one error per row that does not.

    ``rows`` is a :class:`RowFile` (its rows keep their numbers, and the rows
    it could not read are among the errors) or plain rows numbered from 1.
    """
    if isinstance(rows, RowFile):
        numbered: list[tuple[int, Any]] = list(rows.rows)
        errors = list(rows.errors)
    else:
        numbered = list(enumerate(rows, 1))
        errors = []
    nodes = codebook.tree(session)
    specs: list[CodingSpec] = []
    for n, row in numbered:
        try:
            if not isinstance(row, dict):
                raise UsageError(
                    f"{_brief(row)} is not a row; each row is an object with "
                    "document, code, and start/end or quote"
                )
            quote = _text_field(row, "quote") or None
            specs.append(
                spec_for(
                    session, _text_field(row, "document"), _text_field(row, "code"),
                    start=_whole(row, "start"), end=_whole(row, "end"), quote=quote,
                    occurrence=_whole(row, "occurrence") or 1, memo=_text_field(row, "memo"),
                    nodes=nodes,
                )
            )
        except (CrosscaseError, ValueError, TypeError, OverflowError) as exc:
            errors.append(RowError(n, str(exc)))
    errors.sort(key=lambda e: e.line)
    return specs, errors
