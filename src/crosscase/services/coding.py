"""Coding from plain values: by offsets, by quote, or many rows from a file."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crosscase.domain.errors import CrosscaseError, UsageError
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


def read_rows(path: Path) -> list[dict[str, Any]]:
    """CSV (with a header) or JSON Lines of coding rows."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{Path(path).name}: cannot be read ({exc.strerror})") from None
    stripped = raw.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        if stripped.startswith("["):
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise UsageError(f"{Path(path).name}: not valid JSON ({exc})") from None
            return list(data)
        rows = []
        for n, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise UsageError(f"{Path(path).name}, line {n}: not valid JSON ({exc})") from None
        return rows
    return list(csv.DictReader(io.StringIO(raw)))


def _num(row: dict[str, Any], key: str) -> int | None:
    v = row.get(key)
    return None if v in (None, "") else int(v)


def specs_from_rows(
    session: Session, rows: list[dict[str, Any]]
) -> tuple[list[CodingSpec], list[RowError]]:
    nodes = codebook.tree(session)
    specs: list[CodingSpec] = []
    errors: list[RowError] = []
    for n, row in enumerate(rows, 1):
        try:
            quote = row.get("quote") or None
            specs.append(
                spec_for(
                    session, row.get("document", ""), row.get("code", ""),
                    start=_num(row, "start"), end=_num(row, "end"), quote=quote,
                    occurrence=_num(row, "occurrence") or 1, memo=row.get("memo") or "",
                    nodes=nodes,
                )
            )
        except (CrosscaseError, ValueError, TypeError) as exc:
            errors.append(RowError(n, str(exc)))
    return specs, errors
