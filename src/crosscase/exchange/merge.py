"""Merge coders' copies of a project into a new project file.

``merge_projects(BASE, [OTHER, ...], OUT)`` starts from a copy of BASE (made
through SQLite's backup API, so everything BASE holds comes along unchanged)
and adds what each OTHER holds that the copy lacks:

- documents are matched by the hash of their stored text (``Document.sha256``,
  the text compared too), never by name; a new one goes to the case of the
  same name with its paragraphs, pages, speaker turns, notes and attribute
  values;
- codes by GUID first, then by path; cases, coders, attributes, participants,
  document sets, rounds and saved queries by name;
- each coding keeps its coder (by name); a coding already there (same
  document, code, coder and span) is not added twice;
- framework cells by code and case, with their pinned quotes.

Conflicts are never resolved silently: BASE's value (or the value of the file
merged earlier) is kept and the other value is listed in full in the report.
They are a code renamed on one side (same GUID, different path), a memo,
definition, colour or attribute value that differs on both sides, and a
framework cell whose summary or rating differs. A value one side left empty
is filled from the other without a conflict.

The new project is built under a hidden temporary name beside ``OUT``
(``.NAME.XXXXXXXX.part``, owner-only) and renamed into place only when
complete; ``OUT`` must not exist, and the inputs are only read.

:func:`merge_into` is the core: one OTHER added to an open project (the new
file here, or a shared project that a pulled copy is pushed back to) in one
transaction of that project, so a failure adds nothing. The merge is one
change of the project (logged, and announced to a shared project's clients).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crosscase.db.models import Base
from crosscase.db.project import Project, open_project
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import ProjectOpenError, UsageError
from crosscase.domain.progress import Progress
from crosscase.exchange.files import move_new_project_into_place, remove_project_files
from crosscase.services import codebook

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

_T = Base.metadata.tables
_CODE_FIELDS = ("definition", "inclusion", "exclusion", "example", "memo", "color")
_DEFAULT_COLOR = "#4c72b0"


@dataclass
class SourceReport:
    """What one merged file brought."""

    path: Path
    added: Counter[str] = field(default_factory=Counter)
    matched: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    base: Path
    out: Path
    sources: list[SourceReport] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: the project merged into in place (a shared project's URL), instead of a new file
    into: str | None = None

    def text(self) -> str:
        """The whole report as one readable text."""
        if self.into is not None:
            lines = [f"Merged into {self.into} (everything it held is kept as it is)."]
        else:
            lines = [f"Merged into {self.out.name}, starting from a copy of {self.base.name} "
                     "(everything it holds is kept as it is)."]
        for src in self.sources:
            lines += ["", f"From {src.path.name}:"]
            kinds = sorted(set(src.added) | set(src.matched))
            if not kinds:
                lines.append("  nothing")
            for kind in kinds:
                lines.append(f"  {kind}: {src.added[kind]} added, {src.matched[kind]} already there")
            lines += [f"  note: {n}" for n in src.notes]
        lines.append("")
        if self.conflicts:
            lines.append(f"Conflicts ({len(self.conflicts)}): the value merged first is kept, "
                         "the other is listed here; nothing was resolved for you.")
            lines += [f"  - {c}" for c in self.conflicts]
        else:
            lines.append("No conflicts.")
        return "\n".join(lines)


def merge_projects(base: Path, others: list[Path], out: Path, *, coder: str | None = None,
                   progress: Progress | None = None) -> MergeReport:
    """A new project at ``out``: ``base`` with what each of ``others`` adds (see the module)."""
    base, out = Path(base), Path(out)
    others = [Path(o) for o in others]
    if not others:
        raise UsageError("name at least one project to merge into the base")
    if os.path.lexists(out):
        raise ProjectOpenError(f"{out.name}: already exists; a merge writes a new project, "
                               "choose another name")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    inputs = [base, *others]
    seen: set[Path] = set()
    for p in inputs:
        if p.resolve() == out.resolve():
            raise UsageError(f"{out.name}: is one of the projects being merged")
        seen.add(p.resolve())
    report = MergeReport(base, out)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    merged: Project | None = None
    try:
        src = open_project(base, readonly=True)
        try:
            _copy_file(src, tmp)
        finally:
            src.close()
        merged = open_project(tmp)
        if coder:
            merged.coder_name = coder
        if progress is not None:
            progress.start(len(others), f"merging {others[0].name}")
        for path in others:
            if progress is not None:
                progress.check()
            other = open_project(path, readonly=True)
            try:
                report.sources.append(merge_into(merged, other, path, report.conflicts))
                if progress is not None:
                    progress.advance(f"merged {path.name}")
            finally:
                other.close()
        merged.close()
        merged = None
        move_new_project_into_place(tmp, out)
    except BaseException:
        if merged is not None:
            merged.close()
        remove_project_files(tmp)
        raise
    return report


def merge_into(target: Project, other: Project, path: Path, conflicts: list[str]) -> SourceReport:
    """Add what ``other`` (the project file ``path``) holds that ``target`` lacks, in one
    transaction of ``target``; each conflict is appended to ``conflicts``, never resolved.

    ``target`` is an open, writable project: a file or a shared project. The merge is
    logged as ``project.merge`` and recorded as one change of everything (a shared
    project's other clients reload what they show).
    """
    source = SourceReport(Path(path))
    before = len(conflicts)
    change = Change(f"merge {source.path.name}", changed=dict.fromkeys(Kind),
                    reshaped=frozenset(Kind), initiator=target.coder_name)
    try:
        with other.session() as o, target.transaction() as m:
            _Merger(o, m, source, conflicts, source.path.name).run()
            target.log(m, "project.merge", file=source.path.name, added=dict(source.added),
                       conflicts=len(conflicts))
            target.record(m, change)
    except BaseException:
        del conflicts[before:]  # nothing of this merge was kept
        raise
    target.publish(change)
    return source


def _copy_file(src: Project, tmp: Path) -> None:
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    raw = src.engine.raw_connection()
    try:
        dst = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(dst)  # type: ignore[union-attr]
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        raw.close()


def _rows(s: Session, table: str, *where: Any) -> list[dict[str, Any]]:
    q = select(_T[table])
    for w in where:
        q = q.where(w)
    return [dict(r) for r in s.execute(q).mappings()]


def _bump(t: Any) -> dict[str, Any]:
    """A row edited in place gets its next version (a colleague's stale write is refused)."""
    return {"version": t.c.version + 1} if "version" in t.c else {}


def _insert(m: Session, table: str, row: dict[str, Any]) -> int:
    values = {k: v for k, v in row.items() if k != "id"}
    result = cast("CursorResult[Any]", m.execute(insert(_T[table]).values(**values)))
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


class _Merger:
    """Adds one file's rows (session ``o``) to the merged project (session ``m``)."""

    def __init__(self, o: Session, m: Session, source: SourceReport, conflicts: list[str],
                 label: str) -> None:
        self.o, self.m, self.src, self.conflicts, self.label = o, m, source, conflicts, label
        self.coder: dict[int, int] = {}
        self.case: dict[int, int] = {}
        self.attribute: dict[int, int] = {}
        self.participant: dict[int, int] = {}
        self.document: dict[int, int] = {}
        self.new_documents: set[int] = set()
        self.code: dict[int, int] = {}
        self.coding: dict[int, int] = {}

    def conflict(self, what: str, kept: object, other: object) -> None:
        self.conflicts.append(f"{what}: kept {kept!r}; {self.label} has {other!r}")

    def fill(self, table: str, row_id: int, column: str, mine: Any, theirs: Any,
             what: str) -> None:
        """Fill an empty value from the other side; report two different values."""
        if theirs in (None, "") or mine == theirs:
            return
        if mine in (None, ""):
            t = _T[table]
            self.m.execute(update(t).where(t.c.id == row_id).values({column: theirs, **_bump(t)}))
            return
        self.conflict(what, mine, theirs)

    def run(self) -> None:
        self.project()
        self.coders()
        self.attributes()
        self.cases()
        self.participants()
        self.documents()
        self.codes()
        self.codings()
        self.framework()
        self.sets()
        self.rounds()
        self.queries()

    def project(self) -> None:
        mine = self.m.execute(select(_T["project"])).mappings().first()
        theirs = self.o.execute(select(_T["project"])).mappings().first()
        if mine is not None and theirs is not None:
            self.fill("project", mine["id"], "memo", mine["memo"], theirs["memo"],
                      "the project's memo")

    def coders(self) -> None:
        have = {r["name"]: r for r in _rows(self.m, "coder")}
        for r in _rows(self.o, "coder"):
            if r["name"] in have:
                self.coder[r["id"]] = have[r["name"]]["id"]
                self.src.matched["coders"] += 1
            else:
                self.coder[r["id"]] = _insert(self.m, "coder", r)
                self.src.added["coders"] += 1

    def attributes(self) -> None:
        have = {(r["scope"], r["name"]): r for r in _rows(self.m, "attribute")}
        for r in _rows(self.o, "attribute"):
            mine = have.get((r["scope"], r["name"]))
            if mine is None:
                self.attribute[r["id"]] = _insert(self.m, "attribute", r)
                self.src.added["attributes"] += 1
            else:
                self.attribute[r["id"]] = mine["id"]
                self.src.matched["attributes"] += 1
                if mine["type"] != r["type"]:
                    self.conflict(f"the type of the {r['scope']} attribute '{r['name']}'",
                                  mine["type"], r["type"])

    def values(self, table: str, owner: str, owner_map: dict[int, int], label: dict[int, str],
               new: set[int] | None = None) -> None:
        t = _T[table]
        names = {r["id"]: (r["scope"], r["name"]) for r in _rows(self.o, "attribute")}
        for r in _rows(self.o, table):
            if r[owner] not in owner_map:
                continue
            target, attr = owner_map[r[owner]], self.attribute[r["attribute_id"]]
            mine = self.m.execute(select(t.c.value).where(t.c[owner] == target,
                                                          t.c.attribute_id == attr)).scalar()
            if mine is None:
                self.m.execute(insert(t).values({owner: target, "attribute_id": attr,
                                                 "value": r["value"]}))
            elif mine != r["value"] and r["value"] != "":
                if mine == "":
                    self.m.execute(update(t).where(t.c[owner] == target, t.c.attribute_id == attr)
                                   .values(value=r["value"], **_bump(t)))
                else:
                    self.conflict(f"{names[r['attribute_id']][1]} of {label[r[owner]]}", mine,
                                  r["value"])

    def cases(self) -> None:
        have = {r["name"]: r for r in _rows(self.m, "case")}
        theirs = _rows(self.o, "case")
        for r in theirs:
            mine = have.get(r["name"])
            if mine is None:
                self.case[r["id"]] = _insert(self.m, "case", {**r, "parent_id": None})
                self.src.added["cases"] += 1
            else:
                self.case[r["id"]] = mine["id"]
                self.src.matched["cases"] += 1
                self.fill("case", mine["id"], "memo", mine["memo"], r["memo"],
                          f"the memo of the case '{r['name']}'")
        t = _T["case"]
        for r in theirs:
            if r["name"] not in have and r["parent_id"] in self.case:
                self.m.execute(update(t).where(t.c.id == self.case[r["id"]])
                               .values(parent_id=self.case[r["parent_id"]]))
        self.values("case_value", "case_id", self.case,
                    {r["id"]: f"the case '{r['name']}'" for r in theirs})

    def participants(self) -> None:
        have = {(r["case_id"], r["name"]): r for r in _rows(self.m, "participant")}
        theirs = _rows(self.o, "participant")
        for r in theirs:
            key = (self.case[r["case_id"]], r["name"])
            mine = have.get(key)
            if mine is None:
                self.participant[r["id"]] = _insert(
                    self.m, "participant", {**r, "case_id": key[0]})
                self.src.added["participants"] += 1
            else:
                self.participant[r["id"]] = mine["id"]
                self.src.matched["participants"] += 1
                self.fill("participant", mine["id"], "memo", mine["memo"], r["memo"],
                          f"the memo of the participant '{r['name']}'")
        self.values("participant_value", "participant_id", self.participant,
                    {r["id"]: f"the participant '{r['name']}'" for r in theirs})

    def documents(self) -> None:
        doc = _T["document"]
        have: dict[str, list[dict[str, Any]]] = {}
        for got in self.m.execute(select(doc.c.id, doc.c.sha256, doc.c.name, doc.c.case_id,
                                         doc.c.memo)).mappings():
            have.setdefault(str(got["sha256"]), []).append(dict(got))
        names = {(r["case_id"], r["name"]) for rs in have.values() for r in rs}
        case_names = {r["id"]: r["name"] for r in _rows(self.m, "case")}
        labels: dict[int, str] = {}
        for raw in self.o.execute(select(doc)).mappings():
            r = dict(raw)
            labels[r["id"]] = f"the document '{r['name']}'"
            match = None
            for cand in have.get(r["sha256"], []):
                text = self.m.execute(select(doc.c.text).where(doc.c.id == cand["id"])).scalar()
                if text == r["text"]:
                    match = cand
                    break
            if match is not None:
                self.document[r["id"]] = match["id"]
                self.src.matched["documents"] += 1
                if match["name"] != r["name"] or match["case_id"] != self.case[r["case_id"]]:
                    self.src.notes.append(
                        f"'{r['name']}' has the same text as '{match['name']}' (case "
                        f"'{case_names.get(match['case_id'], '?')}'); they are one document, "
                        "under the name and case kept")
                self.fill("document", match["id"], "memo", match["memo"], r["memo"],
                          f"the memo of the document '{match['name']}'")
                continue
            case_id = self.case[r["case_id"]]
            name, n = r["name"], 1
            while (case_id, name) in names:
                n += 1
                name = f"{r['name']} ({n})"
            if name != r["name"]:
                self.src.notes.append(f"'{r['name']}' has a different text from the document of "
                                      f"that name in its case; added as '{name}'")
            names.add((case_id, name))
            new_id = _insert(self.m, "document", {**r, "case_id": case_id, "name": name})
            self.document[r["id"]] = new_id
            self.new_documents.add(r["id"])
            have.setdefault(r["sha256"], []).append(
                {"id": new_id, "sha256": r["sha256"], "name": name, "case_id": case_id,
                 "memo": r["memo"]})
            self.src.added["documents"] += 1
        for table in ("paragraph", "page", "annotation", "turn"):
            for r in _rows(self.o, table):
                if r["document_id"] in self.new_documents:
                    row = {**r, "document_id": self.document[r["document_id"]]}
                    if table == "turn":
                        row["participant_id"] = self.participant[r["participant_id"]]
                    _insert(self.m, table, row)
        self.values("document_value", "document_id", self.document, labels)

    def codes(self) -> None:
        mine_nodes = codebook.tree(self.m)
        their_nodes = codebook.tree(self.o)
        code = _T["code"]
        guids = {str(g).strip("{}").lower(): i for i, g in
                 self.m.execute(select(code.c.id, code.c.guid).where(code.c.guid.is_not(None)))
                 .all()}
        paths = {n.path: i for i, n in mine_nodes.items()}
        their_guid = {r[0]: r[1] for r in self.o.execute(select(code.c.id, code.c.guid))}
        for cid, node in their_nodes.items():  # parents before children
            g = their_guid.get(cid)
            key = str(g).strip("{}").lower() if g else None
            target = guids.get(key) if key else None
            if target is not None:
                kept = mine_nodes.get(target)
                parent = self.code.get(node.parent) if node.parent is not None else None
                # a child whose parent was renamed is not reported again
                if kept is not None and (kept.name != node.name or kept.parent != parent):
                    self.conflict(f"a code renamed or moved (GUID {g})", kept.path, node.path)
            else:
                target = paths.get(node.path)
            if target is None:
                parent = self.code.get(node.parent) if node.parent is not None else None
                row = _rows(self.o, "code", code.c.id == cid)[0]
                target = _insert(self.m, "code", {**row, "parent_id": parent})
                paths[node.path] = target
                if key:
                    guids[key] = target
                self.src.added["codes"] += 1
            else:
                self.src.matched["codes"] += 1
                mine = _rows(self.m, "code", code.c.id == target)[0]
                shown = mine_nodes[target].path if target in mine_nodes else node.path
                for column in _CODE_FIELDS:
                    theirs = getattr(node, column)
                    if column == "color" and theirs == _DEFAULT_COLOR:
                        continue
                    self.fill("code", target, column, mine[column], theirs,
                              f"the {column} of the code '{shown}'")
            self.code[cid] = target

    def codings(self) -> None:
        t = _T["coding"]
        have: dict[tuple[Any, ...], tuple[int, str]] = {}
        for old in self.m.execute(select(t.c.id, t.c.document_id, t.c.code_id, t.c.coder_id,
                                         t.c.start, t.c.end, t.c.memo)).all():
            have[(old[1], old[2], old[3], old[4], old[5])] = (old[0], old[6])
        taken = set(self.m.scalars(select(t.c.guid).where(t.c.guid.is_not(None))))
        for r in _rows(self.o, "coding"):
            coder = self.coder.get(r["coder_id"]) if r["coder_id"] is not None else None
            key = (self.document[r["document_id"]], self.code[r["code_id"]], coder,
                   r["start"], r["end"])
            found = have.get(key)
            if found is not None:
                self.coding[r["id"]] = found[0]
                self.src.matched["codings"] += 1
                self.fill("coding", found[0], "memo", found[1], r["memo"],
                          f"the memo on a coding of {r['snippet'][:40]!r}")
                continue
            row = {**r, "document_id": key[0], "code_id": key[1], "coder_id": coder}
            if row["guid"] is not None and row["guid"] in taken:
                row["guid"] = None
            new_id = _insert(self.m, "coding", row)
            if row["guid"] is not None:
                taken.add(row["guid"])
            have[key] = (new_id, r["memo"])
            self.coding[r["id"]] = new_id
            self.src.added["codings"] += 1

    def framework(self) -> None:
        pins = _T["framework_pin"]
        code_paths = {i: n.path for i, n in codebook.tree(self.m).items()}
        case_names = {r["id"]: r["name"] for r in _rows(self.m, "case")}
        have = {(r["code_id"], r["case_id"]): r for r in _rows(self.m, "framework_cell")}
        their_pins = _rows(self.o, "framework_pin")
        for r in _rows(self.o, "framework_cell"):
            key = (self.code[r["code_id"]], self.case[r["case_id"]])
            mine = have.get(key)
            coder = self.coder.get(r["coder_id"]) if r["coder_id"] is not None else None
            cell_pins = [p for p in their_pins if p["cell_id"] == r["id"]]
            if mine is None:
                cell = _insert(self.m, "framework_cell", {**r, "code_id": key[0],
                                                          "case_id": key[1], "coder_id": coder})
                for p in cell_pins:
                    self.m.execute(insert(pins).values(cell_id=cell,
                                                       coding_id=self.coding[p["coding_id"]],
                                                       position=p["position"]))
                self.src.added["framework cells"] += 1
                continue
            self.src.matched["framework cells"] += 1
            where = f"the framework cell '{code_paths.get(key[0], '?')}' x " \
                    f"'{case_names.get(key[1], '?')}'"
            self.fill("framework_cell", mine["id"], "summary", mine["summary"], r["summary"],
                      f"the summary of {where}")
            self.fill("framework_cell", mine["id"], "rating", mine["rating"], r["rating"],
                      f"the rating of {where}")
            kept = [int(c) for c in self.m.scalars(
                select(pins.c.coding_id).where(pins.c.cell_id == mine["id"])
                .order_by(pins.c.position))]
            wanted = [self.coding[p["coding_id"]] for p in
                      sorted(cell_pins, key=lambda p: p["position"])]
            if wanted and not kept:
                for pos, c in enumerate(wanted):
                    self.m.execute(insert(pins).values(cell_id=mine["id"], coding_id=c,
                                                       position=pos))
            elif wanted and wanted != kept:
                self.conflict(f"the pinned quotes of {where}", f"{len(kept)} quote(s)",
                              f"{len(wanted)} other quote(s)")

    def sets(self) -> None:
        members = _T["document_set_member"]
        have = {r["name"]: r for r in _rows(self.m, "document_set")}
        their_members = _rows(self.o, "document_set_member")
        for r in _rows(self.o, "document_set"):
            mine = have.get(r["name"])
            if mine is None:
                target = _insert(self.m, "document_set", r)
                self.src.added["document sets"] += 1
            else:
                target = mine["id"]
                self.src.matched["document sets"] += 1
                self.fill("document_set", target, "memo", mine["memo"], r["memo"],
                          f"the memo of the document set '{r['name']}'")
            present = set(self.m.scalars(select(members.c.document_id)
                                         .where(members.c.set_id == target)))
            for mem in their_members:
                d = self.document[mem["document_id"]]
                if mem["set_id"] == r["id"] and d not in present:
                    self.m.execute(insert(members).values(set_id=target, document_id=d))
                    present.add(d)

    def rounds(self) -> None:
        have = {r["name"]: r for r in _rows(self.m, "reliability_round")}
        docs, coders = _rows(self.o, "round_document"), _rows(self.o, "round_coder")
        for r in _rows(self.o, "reliability_round"):
            mine = have.get(r["name"])
            if mine is not None:
                self.src.matched["reliability rounds"] += 1
                mine_docs = sorted(int(d) for d in self.m.scalars(
                    select(_T["round_document"].c.document_id)
                    .where(_T["round_document"].c.round_id == mine["id"])))
                theirs = sorted(self.document[d["document_id"]] for d in docs
                                if d["round_id"] == r["id"])
                if mine_docs != theirs:
                    self.conflict(f"the documents of the round '{r['name']}'",
                                  f"{len(mine_docs)} document(s)", f"{len(theirs)} other(s)")
                continue
            target = _insert(self.m, "reliability_round", r)
            for d in docs:
                if d["round_id"] == r["id"]:
                    _insert(self.m, "round_document", {"round_id": target,
                                                       "document_id": self.document[d["document_id"]]})
            for c in coders:
                if c["round_id"] == r["id"]:
                    _insert(self.m, "round_coder", {"round_id": target,
                                                    "coder_id": self.coder[c["coder_id"]]})
            self.src.added["reliability rounds"] += 1

    def queries(self) -> None:
        have = {r["name"]: r for r in _rows(self.m, "saved_query")}
        for r in _rows(self.o, "saved_query"):
            mine = have.get(r["name"])
            if mine is None:
                coder = self.coder.get(r["coder_id"]) if r["coder_id"] is not None else None
                _insert(self.m, "saved_query", {**r, "coder_id": coder})
                self.src.added["saved queries"] += 1
            else:
                self.src.matched["saved queries"] += 1
                if mine["expression"] != r["expression"]:
                    self.conflict(f"the saved query '{r['name']}'", mine["expression"],
                                  r["expression"])
