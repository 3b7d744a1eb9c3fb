"""The codebook: a tree of codes addressed by path (``Parent/Child``)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosscase.db.models import Code, Coding
from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.limits import MAX_CODE_DEPTH

if TYPE_CHECKING:
    from crosscase.services.rounds import Blind

SEP = "/"
DEFAULT_CODEBOOK = Path(__file__).resolve().parent.parent / "resources" / "codebook.json"

PALETTE = [
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3",
    "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd",
]


@dataclass
class CodeNode:
    id: int
    parent: int | None
    name: str
    path: str
    depth: int
    color: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    memo: str
    position: int
    children: list[int]

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("children")
        return d


def tree(session: Session) -> dict[int, CodeNode]:
    """Every code by id, in display order (parents before children)."""
    rows = session.execute(select(Code.__table__).order_by(Code.position, Code.id)).mappings()
    raw = {r["id"]: dict(r) for r in rows}
    kids: dict[int | None, list[int]] = {}
    for r in raw.values():
        kids.setdefault(r["parent_id"], []).append(r["id"])
    out: dict[int, CodeNode] = {}

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for cid in kids.get(parent, []):
            r = raw[cid]
            path = f"{prefix}{SEP}{r['name']}" if prefix else r["name"]
            out[cid] = CodeNode(
                cid, parent, r["name"], path, depth, r["color"], r["definition"],
                r["inclusion"], r["exclusion"], r["example"], r["memo"], r["position"],
                list(kids.get(cid, [])),
            )
            walk(cid, path, depth + 1)

    walk(None, "", 0)
    return out


def descendants(nodes: dict[int, CodeNode], code_id: int) -> list[int]:
    """The code and every code below it."""
    out = [code_id]
    for child in nodes[code_id].children:
        out.extend(descendants(nodes, child))
    return out


def resolve(session: Session, spec: str | int, nodes: dict[int, CodeNode] | None = None) -> int:
    """A code id from an id, a path (``A/B``) or a unique name."""
    nodes = nodes if nodes is not None else tree(session)
    s = str(spec).strip()
    if s.isdigit() and int(s) in nodes:
        return int(s)
    wanted = SEP.join(part.strip() for part in s.split(SEP))
    by_path = [n.id for n in nodes.values() if n.path == wanted]
    if by_path:
        return by_path[0]
    by_path_ci = [n.id for n in nodes.values() if n.path.casefold() == wanted.casefold()]
    if len(by_path_ci) == 1:
        return by_path_ci[0]
    by_name = [n.id for n in nodes.values() if n.name.casefold() == wanted.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        paths = ", ".join(nodes[i].path for i in by_name)
        raise UsageError(f"code '{spec}' is ambiguous: {paths}; give its path")
    raise NotFound(f"no code '{spec}' in the codebook")


def counts(session: Session, blind: Blind | None = None) -> dict[int, int]:
    """Codings per code (not rolled up); with ``blind`` (see
    :func:`crosscase.services.rounds.blind_for`), other coders' codings in the documents
    its coder codes blind are not counted."""
    q = select(Coding.code_id, func.count()).group_by(Coding.code_id)
    if blind is not None and blind.documents:
        q = q.where(blind.visible())
    return {cid: n for cid, n in session.execute(q)}


def next_color(session: Session) -> str:
    n = session.scalar(select(func.count()).select_from(Code)) or 0
    return PALETTE[n % len(PALETTE)]


def read_codebook_file(path: Path) -> list[dict[str, Any]]:
    """A codebook JSON file: a list of nodes with optional ``children``."""
    name = Path(path).name
    too_deep = UsageError(
        f"{name}: codes nest more than {MAX_CODE_DEPTH} levels deep; Crosscase reads "
        f"codebooks up to {MAX_CODE_DEPTH} levels"
    )
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except RecursionError:
        raise too_deep from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{name}: cannot read codebook ({exc})") from None
    if isinstance(data, dict):
        data = data.get("codes", [])
    if not isinstance(data, list):
        raise UsageError(f"{name}: a codebook file holds a list of codes")
    # how deep the tree goes, without recursion
    level: list[Any] = data
    for _ in range(MAX_CODE_DEPTH):
        level = [
            child for node in level if isinstance(node, dict)
            for child in (node.get("children") or [] if isinstance(node.get("children"), list) else [])
        ]
        if not level:
            return data
    raise too_deep


CODE_FIELDS = ("color", "definition", "inclusion", "exclusion", "example", "memo")


def add_tree(session: Session, nodes: list[dict[str, Any]], parent: int | None = None) -> int:
    """Insert a nested list of code dicts under ``parent``; returns codes added."""
    added = 0
    start = session.scalar(
        select(func.coalesce(func.max(Code.position), -1)).where(Code.parent_id.is_(parent))
        if parent is None
        else select(func.coalesce(func.max(Code.position), -1)).where(Code.parent_id == parent)
    )
    pos = (start or 0) + 1 if start is not None and start >= 0 else 0
    for node in nodes:
        name = str(node.get("name", "")).strip()
        if not name or SEP in name:
            raise UsageError(f"code name '{name}' is empty or contains '{SEP}'")
        code = Code(
            parent_id=parent,
            name=name,
            position=pos,
            **{k: str(node[k]) for k in CODE_FIELDS if node.get(k) is not None},
        )
        if not node.get("color"):
            code.color = next_color(session)
        session.add(code)
        session.flush()
        pos += 1
        added += 1 + add_tree(session, node.get("children") or [], code.id)
    return added


def to_nested(nodes: dict[int, CodeNode]) -> list[dict[str, Any]]:
    def node(cid: int) -> dict[str, Any]:
        n = nodes[cid]
        d: dict[str, Any] = {"name": n.name, "color": n.color}
        for k in ("definition", "inclusion", "exclusion", "example", "memo"):
            if getattr(n, k):
                d[k] = getattr(n, k)
        if n.children:
            d["children"] = [node(c) for c in n.children]
        return d

    return [node(n.id) for n in nodes.values() if n.parent is None]

# -- naming codes from text and finding them by a few letters ------------------
def code_exists(session: Session, code_id: int) -> bool:
    return session.scalar(select(Code.id).where(Code.id == code_id)) is not None


_SPACE = re.compile(r"\s+")


def in_vivo_name(text: str, limit: int = 60) -> str:
    """A code name from the selected words: one line, no ``/``, quotes trimmed."""
    name = _SPACE.sub(" ", text).strip().strip("\"'“”‘’.,;:!?()[]").strip()
    name = name.replace("/", "-")
    if len(name) > limit:
        cut = name[:limit].rsplit(" ", 1)[0]
        name = (cut if len(cut) > limit // 2 else name[:limit]).rstrip() + "…"
    return name


def _subsequence_score(query: str, target: str) -> int | None:
    """Score a case-folded subsequence match; None when ``query`` is not in ``target``.

    Rewards characters matched at word starts and runs of consecutive
    characters, so "co-d" prefers "Co-production/Co-design" and "tin" prefers
    "Trading income" via its initials.
    """
    score = 0
    pos = 0
    prev = -2
    n = len(target)
    for ch in query:
        if ch == " ":
            continue
        found = -1
        # prefer a word start at or after pos, then any occurrence
        i = pos
        while i < n:
            if target[i] == ch and (i == 0 or not target[i - 1].isalnum()):
                found = i
                break
            i += 1
        j = target.find(ch, pos)
        if j >= 0 and (found < 0 or (j == prev + 1)):
            found = j
        if found < 0:
            return None
        if found == prev + 1:
            score += 6
        if found == 0 or not target[found - 1].isalnum():
            score += 8
        score -= min(found - pos, 10) // 2
        prev = found
        pos = found + 1
    return score


def fuzzy_rank(query: str, nodes: dict[int, CodeNode], limit: int = 200) -> list[int]:
    """Code ids whose path matches ``query``, best first (all codes in order if empty)."""
    q = query.casefold().strip()
    if not q:
        return list(nodes)[:limit]
    scored: list[tuple[int, int, int]] = []
    for order, node in enumerate(nodes.values()):
        name = node.name.casefold()
        path = node.path.casefold()
        best: int | None = None
        if q in name:
            best = 100 + (40 if name.startswith(q) else 0) + (60 if name == q else 0)
        elif q in path:
            best = 70
        for target, bonus in ((name, 10), (path, 0)):
            s = _subsequence_score(q, target)
            if s is not None:
                s += bonus
                best = s if best is None else max(best, s)
        if best is not None:
            scored.append((-best, len(node.path), order))
    scored.sort()
    ids = list(nodes)
    return [ids[order] for _, _, order in scored[:limit]]
