"""Reading a REFI-QDA code tree and putting it into a project.

Shared by the project import (every code is new) and by loading a QDC
codebook into an existing project (codes whose path exists are updated or left
as they are). Codes may be nested, or flattened into names such as
``Parent::Child`` (ATLAS.ti); both come out as the same tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosscase.db.models import Code
from crosscase.domain.errors import ImportRefused
from crosscase.domain.limits import MAX_CODE_DEPTH
from crosscase.exchange.refi import describe
from crosscase.exchange.refi.qdexml import attr, guid_key, kid_text, kids, valid_guid
from crosscase.services import codebook

FLAT_SEP = "::"
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


@dataclass
class CodeSpec:
    path: tuple[str, ...]
    key: str | None  # the GUID as a lookup key
    guid: str | None  # the canonical GUID to store, if it is one
    color: str | None
    fields: dict[str, str]
    memo: str = ""
    codable: bool = True


@dataclass
class CodeResult:
    ids: dict[str, int] = field(default_factory=dict)  # GUID key -> code id
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    created_parents: list[str] = field(default_factory=list)


def color_of(raw: str | None) -> str | None:
    if not raw:
        return None
    m = _HEX.fullmatch(raw.strip())
    if not m:
        return None
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return "#" + h.upper()


def read_specs(
    codes_el: Element,
    notes: list[str],
    memo_of: Callable[[Element], str] | None = None,
    source: str = "the codebook",
) -> list[CodeSpec]:
    """Every code under ``<Codes>``, parents before children, with unique paths."""
    specs: list[CodeSpec] = []
    seen: set[tuple[str, ...]] = set()
    renamed: list[str] = []
    slashed: list[str] = []

    def clean(name: str) -> str:
        name = " ".join(name.split())
        if codebook.SEP in name:
            slashed.append(name)
            name = name.replace(codebook.SEP, "\u2215")
        return name or "(unnamed)"

    def too_deep(depth: int) -> ImportRefused:
        return ImportRefused(
            f"{source}: codes nest {depth} or more levels deep; Crosscase reads codebooks "
            f"up to {MAX_CODE_DEPTH} levels"
        )

    # depth first, parents before children, without recursion: a hostile file
    # may nest thousands of levels deep
    stack: list[tuple[Iterator[Element], tuple[str, ...]]] = [(iter(kids(codes_el, "Code")), ())]
    while stack:
        siblings, parent = stack[-1]
        c = next(siblings, None)
        if c is None:
            stack.pop()
            continue
        raw = attr(c, "name") or ""
        parts = [p for p in (clean(x) for x in raw.split(FLAT_SEP)) if p] or ["(unnamed)"]
        path = parent + tuple(parts)
        if len(path) > MAX_CODE_DEPTH:
            raise too_deep(len(path))
        if path in seen:
            base, n = path[-1], 2
            while path[:-1] + (f"{base} ({n})",) in seen:
                n += 1
            path = path[:-1] + (f"{base} ({n})",)
            renamed.append(f"{codebook.SEP.join(parent + tuple(parts))} -> {path[-1]}")
        seen.add(path)
        g = attr(c, "guid")
        specs.append(CodeSpec(
            path=path,
            key=guid_key(g),
            guid=valid_guid(g),
            color=color_of(attr(c, "color")),
            fields=describe.parse(kid_text(c, "Description")),
            memo=memo_of(c) if memo_of is not None else "",
            codable=(attr(c, "isCodable") or "true").strip().lower() not in ("false", "0"),
        ))
        stack.append((iter(kids(c, "Code")), path))

    if slashed:
        notes.append(
            f"{len(slashed)} code name(s) held '/', which separates levels in Crosscase; "
            f"it became '\u2215' ({', '.join(slashed[:3])})"
        )
    if renamed:
        notes.append(
            f"codes with the same name under one parent were numbered: {'; '.join(renamed[:5])}"
        )
    specs.sort(key=lambda sp: len(sp.path))  # stable: siblings keep their order
    return specs


def apply_specs(session: Session, specs: list[CodeSpec], *, update_existing: bool) -> CodeResult:
    """Create (or, when ``update_existing``, update) the codes of ``specs``."""
    result = CodeResult()
    by_path: dict[str, int] = {n.path: n.id for n in codebook.tree(session).values()}
    next_pos: dict[int | None, int] = {}
    explicit: set[str] = set()

    def position(parent: int | None) -> int:
        if parent not in next_pos:
            q = select(func.coalesce(func.max(Code.position), -1))
            q = q.where(Code.parent_id.is_(None)) if parent is None else q.where(
                Code.parent_id == parent)
            top = session.scalar(q)
            next_pos[parent] = (top if top is not None else -1) + 1
        p = next_pos[parent]
        next_pos[parent] = p + 1
        return p

    def ensure_parent(path: tuple[str, ...]) -> int | None:
        if not path:
            return None
        key = codebook.SEP.join(path)
        if key in by_path:
            return by_path[key]
        parent = ensure_parent(path[:-1])
        code = Code(parent_id=parent, name=path[-1], color=codebook.next_color(session),
                    position=position(parent))
        session.add(code)
        session.flush()
        by_path[key] = code.id
        result.created_parents.append(key)
        return code.id

    for sp in specs:
        key = codebook.SEP.join(sp.path)
        if key in by_path and key not in explicit:
            code = session.get(Code, by_path[key])
            assert code is not None
            explicit.add(key)
            if key in result.created_parents:
                # A parent made for a flattened name, now described by its own entry.
                result.created_parents.remove(key)
                _fill(code, sp)
                result.added.append(key)
            elif update_existing:
                (result.updated if _fill(code, sp) else result.unchanged).append(key)
            else:
                result.unchanged.append(key)
            if sp.key:
                result.ids[sp.key] = code.id
            continue
        explicit.add(key)
        parent = ensure_parent(sp.path[:-1])
        code = Code(parent_id=parent, name=sp.path[-1], position=position(parent),
                    color=sp.color or codebook.next_color(session))
        _fill(code, sp)
        session.add(code)
        session.flush()
        by_path[key] = code.id
        if sp.key:
            result.ids[sp.key] = code.id
        result.added.append(key)
    return result


def _fill(code: Code, sp: CodeSpec) -> bool:
    """Copy what the file says about a code onto it; True if anything changed."""
    changed = False
    if sp.color and (code.color or "").upper() != sp.color.upper():
        code.color = sp.color
        changed = True
    for f in describe.FIELDS:
        value = sp.fields.get(f) or ""
        if value and getattr(code, f) != value:
            setattr(code, f, value)
            changed = True
    if sp.memo and sp.memo not in (code.memo or ""):
        code.memo = sp.memo if not code.memo else f"{code.memo}\n\n{sp.memo}"
        changed = True
    if sp.guid and not code.guid:
        code.guid = sp.guid
    return changed
