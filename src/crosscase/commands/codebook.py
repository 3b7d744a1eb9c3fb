"""Commands on the codebook: create, edit, move, merge, delete codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.commands.seen import SeenFields, check_fields
from crosscase.db.models import Code, Coding, FrameworkCell, FrameworkPin
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.names import clean_name
from crosscase.services import codebook

EDITABLE = ("name", "color", "definition", "inclusion", "exclusion", "example", "memo")


def _check_name(session: Session, name: str, parent: int | None, exclude: int | None) -> str:
    name = clean_name(name)  # one readable line: no control characters
    if not name:
        raise UsageError("a code needs a name")
    if codebook.SEP in name:
        raise UsageError(f"a code name cannot contain '{codebook.SEP}'")
    q = select(Code.id).where(func.lower(Code.name) == name.lower())
    q = q.where(Code.parent_id.is_(None) if parent is None else Code.parent_id == parent)
    if exclude is not None:
        q = q.where(Code.id != exclude)
    if session.scalar(q) is not None:
        raise UsageError(f"there is already a code '{name}' at that level")
    return name


def _get(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise NotFound(f"no code {code_id}")
    return code


class CreateCode(Command):
    def __init__(self, name: str, parent_id: int | None = None, **fields: Any) -> None:
        self.name, self.parent_id, self.fields = name, parent_id, fields
        self.label = f"New code '{name}'"
        self.id: int | None = None
        self._row: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        if self._row:
            restore(session, Code, self._row)
            return
        name = _check_name(session, self.name, self.parent_id, None)
        if self.parent_id is not None:
            _get(session, self.parent_id)
        pos = session.scalar(
            select(func.coalesce(func.max(Code.position) + 1, 0)).where(
                Code.parent_id.is_(None) if self.parent_id is None else Code.parent_id == self.parent_id
            )
        )
        code = Code(name=name, parent_id=self.parent_id, position=pos or 0)
        for k, v in self.fields.items():
            if k in EDITABLE and v is not None:
                setattr(code, k, v)
        if not self.fields.get("color"):
            code.color = codebook.next_color(session)
        session.add(code)
        session.flush()
        self.id = code.id
        self._row = snapshot(session, Code, Code.id == code.id)

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, Code, Code.id == self.id)

    def change(self) -> Change:
        return self._change({Kind.CODES: id_set([self.id])}, reshaped=[Kind.CODES])

    def details(self) -> dict[str, Any]:
        return {"code": self.id, "name": self.name}


class EditCode(Command):
    """Rename, recolour or edit the definition fields of one code.

    ``seen`` maps fields to their values as the user read them: a field that
    has changed since is not overwritten (:class:`~crosscase.commands.seen.EditConflict`).
    """

    def __init__(self, code_id: int, seen: SeenFields | None = None, **changes: Any) -> None:
        bad = set(changes) - set(EDITABLE)
        if bad:
            raise UsageError(f"cannot edit {', '.join(sorted(bad))} of a code")
        self.code_id, self.changes, self.seen = code_id, changes, seen
        self._old: dict[str, Any] = {}
        what = "Rename" if "name" in changes else "Recolour" if "color" in changes else "Edit"
        self.label = f"{what} code"

    def _do(self, session: Session, project: Project) -> None:
        code = _get(session, self.code_id)
        if not self._old and self.seen:  # the first do: the user's edit, over what they saw
            seen = dict(self.seen)

            def retry(field: str, merged: str, theirs: str) -> Command:
                return EditCode(self.code_id, seen={**seen, field: theirs},
                                **{**self.changes, field: merged})

            check_fields(session, project, code, f"code '{code.name}'", seen, self.changes,
                         retry, self.change())
        if "name" in self.changes:
            self.changes["name"] = _check_name(session, self.changes["name"], code.parent_id, code.id)
        self._old = {k: getattr(code, k) for k in self.changes}
        for k, v in self.changes.items():
            setattr(code, k, v)

    def _undo(self, session: Session, project: Project) -> None:
        code = _get(session, self.code_id)
        for k, v in self._old.items():
            setattr(code, k, v)

    def change(self) -> Change:
        # edited in place: one row, no change of shape
        memo = {self.code_id} if "memo" in self.changes else set()
        return self._change({Kind.CODES: frozenset({self.code_id}), Kind.MEMOS: frozenset(memo)})

    def details(self) -> dict[str, Any]:
        renamed = {"old_name": self._old["name"]} if "name" in self._old else {}
        return {"code": self.code_id, **self.changes, **renamed}


class MoveCode(Command):
    """Reparent and/or reorder a code among its new siblings."""

    label = "Move code"

    def __init__(self, code_id: int, parent_id: int | None, position: int | None = None) -> None:
        self.code_id, self.parent_id, self.position = code_id, parent_id, position
        self._old: list[tuple[int, int | None, int]] = []

    def _do(self, session: Session, project: Project) -> None:
        code = _get(session, self.code_id)
        if self.parent_id is not None:
            _get(session, self.parent_id)
        nodes = codebook.tree(session)
        if self.parent_id is not None and self.parent_id in codebook.descendants(nodes, code.id):
            raise UsageError("a code cannot move under itself or its own sub-codes")
        _check_name(session, code.name, self.parent_id, code.id)
        siblings = [
            n.id for n in nodes.values() if n.parent == self.parent_id and n.id != code.id
        ]
        pos = len(siblings) if self.position is None else max(0, min(self.position, len(siblings)))
        siblings.insert(pos, code.id)
        touched = set(siblings) | {code.id}
        self._old = [(i, nodes[i].parent, nodes[i].position) for i in touched]
        code.parent_id = self.parent_id
        for i, cid in enumerate(siblings):
            session.execute(update(Code).where(Code.id == cid).values(position=i))

    def _undo(self, session: Session, project: Project) -> None:
        for cid, parent, pos in self._old:
            session.execute(update(Code).where(Code.id == cid).values(parent_id=parent, position=pos))

    def change(self) -> Change:
        moved = id_set(cid for cid, _, _ in self._old) | {self.code_id}
        return self._change({Kind.CODES: moved}, reshaped=[Kind.CODES])

    def details(self) -> dict[str, Any]:
        return {"code": self.code_id, "parent": self.parent_id}


class DeleteCode(Command):
    """Delete a code, its sub-codes and all their codings (undo restores all)."""

    def __init__(self, code_id: int) -> None:
        self.code_id = code_id
        self.label = "Delete code"
        self._codes: list[Row] = []
        self._codings: list[Row] = []
        self._cells: list[Row] = []
        self._pins: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        _get(session, self.code_id)
        ids = codebook.descendants(codebook.tree(session), self.code_id)
        self._codes = snapshot(session, Code, Code.id.in_(ids))
        self._codings = snapshot(session, Coding, Coding.code_id.in_(ids))
        self._cells = snapshot(session, FrameworkCell, FrameworkCell.code_id.in_(ids))
        cell_ids = [r["id"] for r in self._cells]
        coding_ids = [r["id"] for r in self._codings]
        self._pins = snapshot(
            session, FrameworkPin,
            FrameworkPin.cell_id.in_(cell_ids) | FrameworkPin.coding_id.in_(coding_ids),
        )
        remove(session, Code, Code.id.in_(ids))

    def _undo(self, session: Session, project: Project) -> None:
        # parents before children, so foreign keys hold while inserting
        by_id = {r["id"]: r for r in self._codes}
        ordered: list[Row] = []
        seen: set[int] = set()

        def add(row: Row) -> None:
            if row["id"] in seen:
                return
            parent = row["parent_id"]
            if parent in by_id:
                add(by_id[parent])
            seen.add(row["id"])
            ordered.append(row)

        for row in self._codes:
            add(row)
        restore(session, Code, ordered)
        restore(session, Coding, self._codings)
        restore(session, FrameworkCell, self._cells)
        restore(session, FrameworkPin, self._pins)

    def change(self) -> Change:
        codes = id_set(r["id"] for r in self._codes)
        cells = id_set(r["id"] for r in self._cells) | id_set(r["cell_id"] for r in self._pins)
        return self._change(
            {
                Kind.CODES: codes,
                Kind.CODINGS: id_set(r["id"] for r in self._codings),
                Kind.FRAMEWORK: cells,
            },
            reshaped=[Kind.CODES, Kind.CODINGS] + ([Kind.FRAMEWORK] if self._cells else []),
            documents=id_set(r["document_id"] for r in self._codings),
            codes=codes,
        )

    def details(self) -> dict[str, Any]:
        name = next((r["name"] for r in self._codes if r["id"] == self.code_id), None)
        return {"code": self.code_id, "name": name, "codings": len(self._codings)}


class MergeCodes(Command):
    """Merge ``source`` into ``target``: its codings and sub-codes move, it goes.

    A coding the target already has at the same place is dropped, not doubled.
    """

    def __init__(self, source_id: int, target_id: int) -> None:
        if source_id == target_id:
            raise UsageError("a code cannot be merged into itself")
        self.source_id, self.target_id = source_id, target_id
        self.label = "Merge codes"
        self._source: list[Row] = []
        self._moved: list[int] = []
        self._moved_docs: set[int] = set()
        self._dropped: list[Row] = []
        self._children: list[tuple[int, int]] = []  # (child id, its old position)
        self._cells: list[Row] = []
        self._pins: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        _get(session, self.source_id)
        _get(session, self.target_id)
        nodes = codebook.tree(session)
        if self.target_id in codebook.descendants(nodes, self.source_id):
            raise UsageError("a code cannot be merged into one of its own sub-codes")
        target_spans = set(
            session.execute(
                select(Coding.document_id, Coding.start, Coding.end).where(
                    Coding.code_id == self.target_id
                )
            ).all()
        )
        src = session.execute(
            select(Coding.id, Coding.document_id, Coding.start, Coding.end).where(
                Coding.code_id == self.source_id
            )
        ).all()
        dup = [cid for cid, d, s, e in src if (d, s, e) in target_spans]
        self._moved = [cid for cid, d, s, e in src if (d, s, e) not in target_spans]
        self._moved_docs = {d for cid, d, s, e in src if (d, s, e) not in target_spans}
        self._dropped = snapshot(session, Coding, Coding.id.in_(dup))
        self._cells = snapshot(session, FrameworkCell, FrameworkCell.code_id == self.source_id)
        self._pins = snapshot(
            session, FrameworkPin,
            FrameworkPin.cell_id.in_([r["id"] for r in self._cells]) | FrameworkPin.coding_id.in_(dup),
        )
        self._children = [(c, nodes[c].position) for c in nodes[self.source_id].children]
        self._source = snapshot(session, Code, Code.id == self.source_id)
        session.execute(
            update(Coding).where(Coding.id.in_(self._moved)).values(code_id=self.target_id)
        )
        remove(session, Coding, Coding.id.in_(dup))
        base = len(nodes[self.target_id].children)
        for i, (child, _) in enumerate(self._children):
            name = nodes[child].name
            _check_name(session, name, self.target_id, child)
            session.execute(
                update(Code).where(Code.id == child).values(parent_id=self.target_id, position=base + i)
            )
        remove(session, Code, Code.id == self.source_id)

    def _undo(self, session: Session, project: Project) -> None:
        restore(session, Code, self._source)
        for child, pos in self._children:
            session.execute(
                update(Code).where(Code.id == child).values(parent_id=self.source_id, position=pos)
            )
        session.execute(
            update(Coding).where(Coding.id.in_(self._moved)).values(code_id=self.source_id)
        )
        restore(session, Coding, self._dropped)
        restore(session, FrameworkCell, self._cells)
        restore(session, FrameworkPin, self._pins)

    def change(self) -> Change:
        children = id_set(c for c, _ in self._children)
        cells = id_set(r["id"] for r in self._cells) | id_set(r["cell_id"] for r in self._pins)
        return self._change(
            {
                Kind.CODES: children | {self.source_id, self.target_id},
                Kind.CODINGS: id_set(self._moved) | id_set(r["id"] for r in self._dropped),
                Kind.FRAMEWORK: cells,
            },
            # the source goes and its children change parent; moved codings keep their place
            reshaped=[Kind.CODES]
            + ([Kind.CODINGS] if self._dropped else [])
            + ([Kind.FRAMEWORK] if self._cells else []),
            documents=self._moved_docs | id_set(r["document_id"] for r in self._dropped),
            codes={self.source_id, self.target_id},
        )

    def details(self) -> dict[str, Any]:
        name = self._source[0]["name"] if self._source else None
        return {"source": self.source_id, "source_name": name, "target": self.target_id,
                "moved": len(self._moved)}


# ---------------------------------------------------------------------------------------
# Loading a codebook

DESCRIBED = ("definition", "inclusion", "exclusion", "example")


@dataclass(frozen=True)
class CodebookEntry:
    """One code of a codebook file, as plain values: where it goes and what the file says.

    The file is read above this layer (our JSON, a REFI-QDA ``.qdc``); the
    command gets only these values.
    """

    path: tuple[str, ...]
    color: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    memo: str = ""
    guid: str | None = None


def entries_from_nested(nodes: list[dict[str, Any]]) -> list[CodebookEntry]:
    """Our JSON codebook form (a list of nodes with ``children``) as entries, parents first."""
    out: list[CodebookEntry] = []

    def walk(items: Any, parent: tuple[str, ...]) -> None:
        for node in items or []:
            if not isinstance(node, dict):
                raise UsageError("a codebook lists codes as objects with a 'name'")
            name = str(node.get("name", "")).strip()
            if not name or codebook.SEP in name:
                raise UsageError(f"code name '{name}' is empty or contains '{codebook.SEP}'")
            out.append(CodebookEntry(
                path=(*parent, name),
                color=str(node["color"]) if node.get("color") else None,
                memo=str(node.get("memo") or ""),
                **{k: str(node[k]) for k in DESCRIBED if node.get(k) is not None},
            ))
            walk(node.get("children"), (*parent, name))

    walk(nodes, ())
    return out


class LoadCodebook(Command):
    """Add the codes of a codebook; a code whose path is already there is updated.

    A code already in the codebook (same path, any case) takes the file's
    colour and any non-empty definition fields, and the file's memo is added
    to its own; missing parents are created. Undo removes exactly the codes
    this added and puts back what it updated; redo brings back the same ids.
    """

    def __init__(self, entries: list[CodebookEntry], source: str = "") -> None:
        for e in entries:
            if not e.path or any(not p.strip() or codebook.SEP in p for p in e.path):
                raise UsageError(f"code path {codebook.SEP.join(e.path)!r} has an empty level "
                                 f"or a name with '{codebook.SEP}'")
        # parents before children; siblings keep the file's order
        self.entries = sorted(entries, key=lambda e: len(e.path))
        self.source = source
        self.label = f"Load codebook {source}" if source else "Load codebook"
        #: code paths added (with parents made for them), updated, and already as the file says
        self.added: list[str] = []
        self.updated: list[str] = []
        self.unchanged: list[str] = []
        self._added: list[Row] = []  # rows added, parents first (redo inserts them again)
        self._before: list[Row] = []  # existing codes this changed, as they were
        self._after: list[Row] = []  # and as this left them
        self._memos: set[int] = set()
        self._done = False

    def _do(self, session: Session, project: Project) -> None:
        if self._done:  # redo: the same rows, the same ids
            restore(session, Code, self._added)
            _put(session, self._after)
            return
        self.updated, self.unchanged = [], []
        nodes = codebook.tree(session)
        by_path = {n.path.casefold(): n.id for n in nodes.values()}
        paths = {n.id: n.path for n in nodes.values()}  # as the project spells them
        next_pos: dict[int | None, int] = {}
        added: dict[int, str] = {}
        seen: set[int] = set()

        def position(parent: int | None) -> int:
            if parent not in next_pos:
                q = select(func.coalesce(func.max(Code.position), -1))
                q = q.where(Code.parent_id.is_(None) if parent is None else Code.parent_id == parent)
                top = session.scalar(q)
                next_pos[parent] = (top if top is not None else -1) + 1
            pos = next_pos[parent]
            next_pos[parent] = pos + 1
            return pos

        def make(path: tuple[str, ...], color: str | None) -> int:
            parent = ensure(path[:-1])
            code = Code(parent_id=parent, name=path[-1], position=position(parent),
                        color=color or codebook.next_color(session))
            session.add(code)
            session.flush()
            by_path[codebook.SEP.join(path).casefold()] = code.id
            added[code.id] = codebook.SEP.join(path)
            return code.id

        def ensure(path: tuple[str, ...]) -> int | None:
            if not path:
                return None
            found = by_path.get(codebook.SEP.join(path).casefold())
            return found if found is not None else make(path, None)

        touched = [by_path[e] for e in (codebook.SEP.join(x.path).casefold() for x in self.entries)
                   if e in by_path]
        before = {r["id"]: r for r in snapshot(session, Code, Code.id.in_(touched))}
        for entry in self.entries:
            key = codebook.SEP.join(entry.path)
            code_id = by_path.get(key.casefold())
            if code_id is None:
                code_id = make(entry.path, entry.color)
            code = session.get(Code, code_id)
            assert code is not None
            changed = _fill(code, entry)
            if code.id in seen or code.id in added:
                continue  # the same path twice, or a new code: counted once, as added
            seen.add(code.id)
            (self.updated if changed else self.unchanged).append(paths.get(code.id, key))
        session.flush()
        self.added = list(added.values())
        self._added = snapshot(session, Code, Code.id.in_(list(added)))
        order = {cid: i for i, cid in enumerate(added)}
        self._added.sort(key=lambda r: order[r["id"]])
        after = {r["id"]: r for r in snapshot(session, Code, Code.id.in_(list(before)))}
        self._before = [before[i] for i in before if before[i] != after[i]]
        self._after = [after[r["id"]] for r in self._before]
        self._memos = {r["id"] for r in self._before if r["memo"] != after[r["id"]]["memo"]}
        self._memos |= {r["id"] for r in self._added if r["memo"]}
        self._done = True

    def _undo(self, session: Session, project: Project) -> None:
        _put(session, self._before)
        remove(session, Code, Code.id.in_([r["id"] for r in self._added]))

    def change(self) -> Change:
        added = id_set(r["id"] for r in self._added)
        return self._change(
            {Kind.CODES: added | id_set(r["id"] for r in self._before),
             Kind.MEMOS: frozenset(self._memos)},
            reshaped=[Kind.CODES] if added else [],
        )

    def action(self) -> str:
        return "codebook.load"

    def details(self) -> dict[str, Any]:
        return {"source": self.source, "added": len(self.added), "updated": len(self.updated)}


def _fill(code: Code, entry: CodebookEntry) -> bool:
    """Copy what the file says onto a code; True if anything a reader sees changed."""
    changed = False
    if entry.color and (code.color or "").upper() != entry.color.upper():
        code.color = entry.color
        changed = True
    for f in DESCRIBED:
        value = getattr(entry, f)
        if value and getattr(code, f) != value:
            setattr(code, f, value)
            changed = True
    if entry.memo and entry.memo not in (code.memo or ""):
        code.memo = entry.memo if not code.memo else f"{code.memo}\n\n{entry.memo}"
        changed = True
    if entry.guid and not code.guid:
        code.guid = entry.guid
    return changed


def _put(session: Session, rows: list[Row]) -> None:
    """Write whole code rows back over the codes with their ids."""
    for row in rows:
        values = {k: v for k, v in row.items() if k != "id"}
        session.execute(update(Code).where(Code.id == row["id"]).values(**values))
