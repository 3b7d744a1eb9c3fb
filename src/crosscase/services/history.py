"""The change history: the project's event log, read back for people.

Every command (and every import) appends an event: when, who, the action
(the command's name, ``undo ...`` for an undo) and a JSON detail with the ids
it touched and, where the command knows them, their names. This module turns
those rows into :class:`HistoryEntry` values: a sentence saying what was
done, and the documents, codes and cases it was done to. A name is taken
from the event when it recorded one (a deleted document keeps the name it
had) and otherwise from the project as it is now. Read-only; no Qt.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Code, Coding, Document, Event

#: the phrase for each action; ``{n}`` is a count the detail gives
PHRASES: dict[str, str] = {
    "ApplyCodings": "Coded {passages}",
    "RemoveCodings": "Removed {codings}",
    "ResizeCoding": "Resized a coding",
    "CreateCode": "New code",
    "EditCode": "Edited code",
    "MoveCode": "Moved code",
    "DeleteCode": "Deleted code",
    "MergeCodes": "Merged codes",
    "LoadCodebook": "Loaded a codebook",
    "codebook.load": "Loaded the default codebook",
    "project.create": "Created the project",
    "refi.import": "Imported a REFI-QDA project",
    "refi.guids": "Gave rows REFI-QDA ids",
    "CreateCase": "New case",
    "EditCase": "Edited case",
    "DeleteCase": "Deleted case",
    "SetAttribute": "Set attribute",
    "SetAttributes": "Set attribute values",
    "OpenRound": "Opened a reliability round",
    "CloseRound": "Closed a reliability round",
    "ResolveDisagreement": "Resolved a disagreement",
    "SaveQuery": "Saved a coding query",
    "DeleteQuery": "Deleted a coding query",
    "SetMemo": "Wrote memo",
    "SetFrameworkCell": "Framework cell",
    "PinQuote": "Pinned quote",
    "UnpinQuote": "Unpinned quote",
    "SetRatingScale": "Rating scale",
    "document.import": "Imported document",
    "RenameDocument": "Renamed document",
    "MoveDocument": "Moved document",
    "DeleteDocument": "Deleted document",
}

CSV_COLUMNS = ("id", "when", "coder", "action", "what", "documents", "codes", "cases", "detail")


@dataclass(frozen=True)
class Named:
    """A document, code or case an event touched: its id and a name for people."""

    id: int
    name: str
    exists: bool = True

    def label(self) -> str:
        return self.name if self.exists else f"{self.name} (deleted)"


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    coder: str
    action: str  # as logged: "ApplyCodings", "undo DeleteCase", "document.import"
    what: str  # a sentence for people
    undo: bool
    documents: tuple[Named, ...] = ()
    codes: tuple[Named, ...] = ()
    cases: tuple[Named, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def command(self) -> str:
        """The action without its ``undo`` prefix."""
        return self.action.removeprefix("undo ")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "at": self.at.isoformat(timespec="seconds"), "coder": self.coder,
            "action": self.action, "undo": self.undo, "what": self.what,
            "documents": [{"id": d.id, "name": d.name, "exists": d.exists} for d in self.documents],
            "codes": [{"id": c.id, "name": c.name, "exists": c.exists} for c in self.codes],
            "cases": [{"id": c.id, "name": c.name, "exists": c.exists} for c in self.cases],
            "detail": self.detail,
        }

    def text(self) -> str:
        """Everything a filter box may match."""
        parts = [self.coder, self.action, self.what]
        parts += [n.name for n in (*self.documents, *self.codes, *self.cases)]
        return " ".join(parts).casefold()


def _ints(value: Any) -> list[int]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        return [int(value)] if value.isdigit() else []
    if isinstance(value, (list, tuple)):
        return [v for x in value for v in _ints(x)]
    return []


def _listed(value: Any) -> list[int]:
    return _ints(value) if isinstance(value, (list, tuple)) else []


def _load(detail: str) -> dict[str, Any]:
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return {"text": detail}
    return data if isinstance(data, dict) else {"value": data}


@dataclass
class _Refs:
    documents: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)
    codings: list[int] = field(default_factory=list)
    names: dict[tuple[str, int], str] = field(default_factory=dict)


def _refs(action: str, d: dict[str, Any]) -> _Refs:
    """The ids (and names recorded with them) an event's detail names."""
    r = _Refs()
    command = action.removeprefix("undo ")
    # a singular key holds one id; a plural key a list of ids (a number there is a count)
    r.documents += _ints(d.get("document")) + _listed(d.get("documents"))
    r.codes += _ints(d.get("code")) + _listed(d.get("codes"))
    r.codings += _ints(d.get("coding")) + _listed(d.get("codings"))
    r.cases += _ints(d.get("case")) + _ints(d.get("from_case"))
    if command == "MergeCodes":
        r.codes += _ints(d.get("source")) + _ints(d.get("target"))
    if command == "SetMemo" or command == "SetAttribute":
        kind = d.get("kind") or d.get("scope")
        target = _ints(d.get("id") if "id" in d else d.get("owner"))
        {"document": r.documents, "code": r.codes, "case": r.cases,
         "coding": r.codings}.get(str(kind), []).extend(target)
    if command in ("CreateCode", "EditCode", "DeleteCode") and isinstance(d.get("name"), str):
        for cid in _ints(d.get("code")):
            r.names[("code", cid)] = d["name"]
    if command == "MergeCodes" and isinstance(d.get("source_name"), str):
        for cid in _ints(d.get("source")):
            r.names[("code", cid)] = d["source_name"]
    if command in ("RenameDocument", "MoveDocument", "DeleteDocument", "document.import"):
        for did in _ints(d.get("document")):
            if isinstance(d.get("name"), str):
                r.names[("document", did)] = d["name"]
    recorded = d.get("document_names")
    if isinstance(recorded, list):
        for did, dname in zip(_listed(d.get("documents")), recorded, strict=False):
            r.names[("document", did)] = str(dname)
    for key, id_key in (("case_name", "case"), ("from_case_name", "from_case")):
        if isinstance(d.get(key), str):
            for cid in _ints(d.get(id_key)):
                r.names[("case", cid)] = d[key]
    if command in ("CreateCase", "EditCase") and isinstance(d.get("name"), str):
        for cid in _ints(d.get("case")):
            r.names.setdefault(("case", cid), d["name"])
    return r


def _words(action: str) -> str:
    """An action with no phrase of its own, readable: 'SetCoderRound' -> 'Set coder round'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", action).replace(".", " ").replace("_", " ")
    return spaced[:1].upper() + spaced[1:].lower()


def _n(n: Any, word: str) -> str:
    n = int(n) if isinstance(n, int) else 0
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _count(d: dict[str, Any]) -> int:
    for key in ("codings", "documents", "added"):
        value = d.get(key)
        if isinstance(value, list):
            return len(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _sentence(command: str, d: dict[str, Any], refs: _Refs, names: dict[tuple[str, int], str],
              undo: bool) -> str:
    base = PHRASES.get(command) or _words(command)
    n = _count(d)
    what = base.format(n=n, passages=_n(n, "passage"), codings=_n(n, "coding"))

    def name(kind: str, ids: list[int]) -> str:
        return ", ".join(f"'{names.get((kind, i), f'#{i}')}'" for i in dict.fromkeys(ids))

    extra = ""
    if command == "RenameDocument" and d.get("old_name"):
        extra = f" '{d['old_name']}' to '{d.get('name')}'"
    elif command in ("EditCase", "EditCode") and d.get("old_name"):
        extra = f" '{d['old_name']}' to '{d.get('name')}'"
        what = "Renamed case" if command == "EditCase" else "Renamed code"
    elif command == "MoveDocument":
        extra = (f" {name('document', refs.documents)} from '{d.get('from_case_name')}'"
                 f" to '{d.get('case_name')}'")
    elif command in ("DeleteDocument", "document.import"):
        extra = f" {name('document', refs.documents)}"
        if command == "DeleteDocument":
            extra += f" with {_n(d.get('codings', 0), 'coding')}"
    elif command == "DeleteCase":
        extra = (f" {name('case', refs.cases)} with "
                 f"{_n(len(_listed(d.get('documents'))), 'document')} and "
                 f"{_n(d.get('codings', 0), 'coding')}")
    elif command in ("CreateCase", "EditCase"):
        extra = f" {name('case', refs.cases)}"
    elif command in ("CreateCode", "EditCode", "MoveCode", "DeleteCode"):
        extra = f" {name('code', refs.codes)}"
        if command == "DeleteCode" and d.get("codings"):
            extra += f" with {_n(d['codings'], 'coding')}"
    elif command == "MergeCodes":
        src, dst = _ints(d.get("source")), _ints(d.get("target"))
        extra = f" {name('code', src)} into {name('code', dst)}"
    elif command == "SetMemo":
        extra = f" on {d.get('kind')} {name(str(d.get('kind')), _ints(d.get('id')))}"
    elif command == "SetAttribute":
        owner = name(str(d.get("scope")), _ints(d.get("owner")))
        extra = f" '{d.get('name')}' of {d.get('scope')} {owner}"
        if "value" in d:
            extra += f" to {d['value']!r}" if d["value"] is not None else " (cleared)"
    elif command == "SetAttributes":
        attributes = d.get("names") or []
        extra = f": {_n(d.get('values', 0), 'value')} of {', '.join(map(str, attributes))}"
        if d.get("scope"):
            extra += f" ({d['scope']})"
    elif command in ("SetFrameworkCell", "PinQuote", "UnpinQuote"):
        extra = f" {name('code', refs.codes)} × {name('case', refs.cases)}"
        if command == "SetFrameworkCell" and d.get("rating"):
            extra += f", rated {d['rating']}"
    elif command == "project.create" and d.get("name"):
        extra = f" '{d['name']}'"
    elif command == "refi.import" and d.get("file"):
        extra = f" from {d['file']}"
    elif command == "LoadCodebook":
        extra = f" ({d.get('added', 0)} added, {d.get('updated', 0)} updated)"
        if d.get("source"):
            extra += f" from {d['source']}"
    elif command in ("ApplyCodings", "RemoveCodings") and refs.codes:
        extra = f": {name('code', refs.codes)}"
    text = (what + extra).strip()
    return f"Undone: {text}" if undo else text


def entries(
    session: Session,
    *,
    coder: str | None = None,
    document: int | None = None,
    code: int | None = None,
    case: int | None = None,
    text: str | None = None,
    newest_first: bool = False,
    after: int | None = None,
) -> list[HistoryEntry]:
    """Every event, oldest first (or newest first), kept to those the filters match.

    ``document``, ``code`` and ``case`` keep the events that touched that row;
    ``text`` matches (case-insensitively) the sentence, the names, the coder
    and the action. ``after`` reads only the events logged after that event id
    (what a view already showing the rest needs).
    """
    query = select(Event.id, Event.at, Event.coder, Event.action, Event.detail).order_by(Event.id)
    if after is not None:
        query = query.where(Event.id > after)
    events = session.execute(query).all()
    parsed = [(e, _load(e.detail)) for e in events]
    refs = [_refs(e.action, d) for e, d in parsed]

    # the codings the events name, to find their document and code
    coding_ids = {c for r in refs for c in r.codings}
    placed: dict[int, tuple[int, int]] = {}
    for chunk in _chunks(sorted(coding_ids)):
        for cid, did, code_id in session.execute(
            select(Coding.id, Coding.document_id, Coding.code_id).where(Coding.id.in_(chunk))
        ):
            placed[cid] = (did, code_id)
    for r in refs:
        for cid in r.codings:
            if cid in placed:
                r.documents.append(placed[cid][0])
                r.codes.append(placed[cid][1])

    current = _current_names(session, refs)
    recorded: dict[tuple[str, int], str] = {}  # the last name an event gave each row
    for r in refs:
        recorded.update(r.names)
    out: list[HistoryEntry] = []
    for (e, d), r in zip(parsed, refs, strict=True):
        names = {**recorded, **current, **r.names}

        def named(kind: str, ids: list[int], _names: dict[tuple[str, int], str] = names) -> tuple[Named, ...]:
            return tuple(
                Named(i, _names.get((kind, i), f"#{i}"), (kind, i) in current)
                for i in dict.fromkeys(ids)
            )

        undo = e.action.startswith("undo ")
        command = e.action.removeprefix("undo ")
        out.append(HistoryEntry(
            id=e.id, at=e.at, coder=e.coder or "", action=e.action,
            what=_sentence(command, d, r, names, undo), undo=undo,
            documents=named("document", r.documents), codes=named("code", r.codes),
            cases=named("case", r.cases), detail=d,
        ))
    kept = [h for h in out if _keep(h, coder, document, code, case, text)]
    return kept[::-1] if newest_first else kept


def _keep(h: HistoryEntry, coder: str | None, document: int | None, code: int | None,
          case: int | None, text: str | None) -> bool:
    if coder and h.coder != coder:
        return False
    if document is not None and document not in {d.id for d in h.documents}:
        return False
    if code is not None and code not in {c.id for c in h.codes}:
        return False
    if case is not None and case not in {c.id for c in h.cases}:
        return False
    return not text or text.casefold() in h.text()


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _current_names(session: Session, refs: list[_Refs]) -> dict[tuple[str, int], str]:
    """Names of the rows the events name that still exist, keyed by (kind, id)."""
    wanted = {
        "document": sorted({i for r in refs for i in r.documents}),
        "code": sorted({i for r in refs for i in r.codes}),
        "case": sorted({i for r in refs for i in r.cases}),
    }
    names: dict[tuple[str, int], str] = {}
    tables = {"document": (Document.id, Document.name), "code": (Code.id, Code.name),
              "case": (Case.id, Case.name)}
    for kind, ids in wanted.items():
        id_col, name_col = tables[kind]
        for chunk in _chunks(ids):
            for i, name in session.execute(select(id_col, name_col).where(id_col.in_(chunk))):
                names[(kind, i)] = name
    return names


def coders(session: Session) -> list[str]:
    """Everyone who has changed the project, by name."""
    return sorted({c for c in session.scalars(select(Event.coder).distinct()) if c})


def csv_text(rows: Iterable[HistoryEntry]) -> str:
    """The entries as CSV (a header row, then one row each), for a spreadsheet."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for h in rows:
        w.writerow([
            h.id, h.at.isoformat(sep=" ", timespec="seconds"), h.coder, h.action, h.what,
            "; ".join(d.label() for d in h.documents), "; ".join(c.label() for c in h.codes),
            "; ".join(c.label() for c in h.cases),
            json.dumps(h.detail, ensure_ascii=False, sort_keys=True, default=str),
        ])
    return buf.getvalue()
