"""Coding queries: a small language for asking where codes meet, and its evaluator.

An expression combines codes (paths or unique names, in double quotes) with
operators, left to right, ``OR`` binding loosest::

    "Hybridity/Trading income" AND "Tensions and mission drift" IN case:"Millbrook"
    ("Co-production/Co-design" WHERE role = "manager") NOT "Relational"
    "Trust" NEAR/10 "Advocacy" OR "Trust" SAME paragraph "Money"

What each part means (every result is a set of stretches of text, one list
per document, offsets in code points):

- ``"CODE"``: the passages coded with the code (its codings, those that
  overlap joined into one; codings that only touch stay two).
- ``A AND B``: the text coded with both, the overlap.
- ``A OR B``: the text coded with either, the union.
- ``A NOT B``: the text of A not coded with B.
- ``A NEAR/N B``: the segments of A and of B that lie within N words of a
  segment of the other side in the same document (overlapping or touching
  is 0 words; the words between are those that intersect the text between
  the two segments, as ``re.findall(r"\\w+", gap)`` counts them).
- ``A SAME paragraph|turn|document B``: the segments of A and of B that
  share a paragraph (speaker turn, document) with a segment of the other
  side; a segment is in every unit it shares a character with.
- ``A FOLLOWED BY B`` (or ``FOLLOWED BY/N``): the segments of B that start
  at or after the end of a segment of A (within N words of it), and those
  segments of A.
- Filters apply to everything before them in their parentheses:
  ``IN case:"NAME"`` or ``IN document:"NAME"``; ``WHERE [scope:]ATTRIBUTE =
  "VALUE"`` (or ``!=``) on a case, document or participant attribute (a
  segment belongs to the speaker whose turn holds its first character);
  ``BY coder:"NAME"`` reads only that coder's codings.
- ``/*`` after a quoted name takes in what lies below it: ``"Theme"/*`` is
  the passages of the code and of all its sub-codes (joined, as for ``OR``),
  ``IN case:"Region"/*`` the case and all its sub-cases. Without it a code is
  its own codings only and a case its own documents only.

Keywords are case-insensitive. A mistake raises :class:`QueryError`, which
knows the position of the mistake and draws a caret under it.

A query reads the codings its viewer sees: given the ``blind`` of a coder in
an open reliability round (:class:`~crosscase.services.rounds.Blind`), other
coders' codings of the round's documents are not read, as in the matrix.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import (
    Attribute,
    Case,
    CaseValue,
    Coder,
    Coding,
    Document,
    DocumentValue,
    Page,
    Paragraph,
    ParticipantValue,
    Turn,
)
from crosscase.domain.errors import CrosscaseError, UsageError
from crosscase.services import codebook
from crosscase.services.rounds import Blind
from crosscase.services.segments import Segment, participant_labels

if TYPE_CHECKING:
    from crosscase.db.project import Project

UNITS = ("paragraph", "turn", "document")
SCOPES = ("case", "document", "participant")
#: operators in the order the builder offers them
OPERATORS = ("AND", "OR", "NOT", "NEAR", "SAME", "FOLLOWED BY")

# -- errors --------------------------------------------------------------------


class QueryError(UsageError):
    """A mistake in a query, at a position (a character index into the expression)."""

    def __init__(self, what: str, expression: str, position: int) -> None:
        self.what, self.expression = what, expression
        self.position = max(0, min(position, len(expression)))
        super().__init__(f"{what} (at character {self.position + 1} of the query)")

    def pointer(self) -> str:
        """Two lines: the expression, and a caret under the mistake."""
        line = self.expression.replace("\n", " ").replace("\t", " ")
        return f"  {line}\n  {' ' * self.position}^"


# -- the syntax tree --------------------------------------------------------------


@dataclass(frozen=True)
class CodeRef:
    path: str
    pos: int
    subcodes: bool = False  # "CODE"/*: with all its sub-codes


@dataclass(frozen=True)
class Binary:
    op: str  # AND OR NOT NEAR SAME FOLLOWED
    left: Node
    right: Node
    pos: int
    n: int | None = None  # NEAR/N, FOLLOWED BY/N
    unit: str | None = None  # SAME unit


@dataclass(frozen=True)
class Filter:
    node: Node
    kind: str  # "in", "where", "by"
    scope: str | None  # case | document | participant | coder
    name: str  # the case, document, coder or attribute name
    pos: int
    op: str = "="
    value: str = ""
    name_pos: int = 0
    subcases: bool = False  # IN case:"NAME"/*: with all its sub-cases


Node = Union[CodeRef, Binary, Filter]  # noqa: UP007 - used at run time before 3.12 aliases


# -- tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # str, word, num, (, ), =, !=, /, :, end
    text: str
    pos: int
    tree: bool = False  # a quoted name followed by /*: with what lies below it


_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d]\w*")
_NUM = re.compile(r"\d+")


def tokenize(expr: str) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(expr)
    while i < n:
        m = _SPACE.match(expr, i)
        if m:
            i = m.end()
            continue
        ch = expr[i]
        if ch in "\"“”":
            start = i
            i += 1
            buf: list[str] = []
            while True:
                if i >= n:
                    raise QueryError("a quoted name is not closed: add \"", expr, start)
                c = expr[i]
                if c == "\\" and i + 1 < n and expr[i + 1] in "\"\\":
                    buf.append(expr[i + 1])
                    i += 2
                    continue
                if c in "\"“”":
                    if c == "\"" and i + 1 < n and expr[i + 1] == "\"":  # "" inside quotes
                        buf.append("\"")
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(c)
                i += 1
            tree = expr.startswith("/*", i)
            if tree:
                i += 2
            out.append(Token("str", "".join(buf), start, tree))
            continue
        if expr.startswith("!=", i):
            out.append(Token("!=", "!=", i))
            i += 2
            continue
        if ch in "()=/:":
            out.append(Token(ch, ch, i))
            i += 1
            continue
        m = _NUM.match(expr, i)
        if m:
            out.append(Token("num", m.group(), i))
            i = m.end()
            continue
        m = _WORD.match(expr, i)
        if m:
            out.append(Token("word", m.group(), i))
            i = m.end()
            continue
        raise QueryError(f"unexpected '{ch}'", expr, i)
    out.append(Token("end", "", n))
    return out


# -- the parser ---------------------------------------------------------------------


class _Parser:
    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.toks = tokenize(expr)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def error(self, what: str, tok: Token | None = None) -> QueryError:
        return QueryError(what, self.expr, (tok or self.tok).pos)

    def keyword(self, *words: str) -> bool:
        t = self.tok
        return t.kind == "word" and t.text.upper() in words

    def take(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def describe(self, t: Token) -> str:
        return "the end of the query" if t.kind == "end" else f"'{t.text}'"

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("the query is empty: give a code in quotes, e.g. \"Trust\"")
        node = self.query()
        if self.tok.kind != "end":
            if self.tok.kind == ")":
                raise self.error("')' has no '(' to close")
            raise self.error(
                f"expected AND, OR, NOT, NEAR/N, SAME, FOLLOWED BY, IN, WHERE or BY, "
                f"not {self.describe(self.tok)}"
            )
        return node

    def query(self) -> Node:
        node = self.or_expr()
        while self.keyword("IN", "WHERE", "BY"):
            node = self.filter(node)
        if self.keyword("AND", "OR", "NOT", "NEAR", "SAME", "FOLLOWED"):
            raise self.error(
                "a filter applies to everything before it: put the part it filters in "
                "parentheses, e.g. (\"A\" IN case:\"X\") AND \"B\""
            )
        return node

    def or_expr(self) -> Node:
        node = self.term()
        while self.keyword("OR"):
            t = self.take()
            node = Binary("OR", node, self.term(t), t.pos)
        return node

    def term(self, after: Token | None = None) -> Node:
        node = self.unit(after)
        while self.keyword("AND", "NOT", "NEAR", "SAME", "FOLLOWED"):
            t = self.take()
            op = t.text.upper()
            n: int | None = None
            unit: str | None = None
            if op == "NEAR":
                n = self.distance(t, required=True)
            elif op == "SAME":
                if not self.keyword(*(u.upper() for u in UNITS)):
                    raise self.error(
                        f"SAME needs paragraph, turn or document, not {self.describe(self.tok)}")
                unit = self.take().text.lower()
            elif op == "FOLLOWED":
                if not self.keyword("BY"):
                    raise self.error(f"expected BY after FOLLOWED, not {self.describe(self.tok)}")
                self.take()
                op = "FOLLOWED"
                n = self.distance(t, required=False)
            node = Binary(op, node, self.unit(t), t.pos, n, unit)
        return node

    def distance(self, op: Token, *, required: bool) -> int | None:
        if self.tok.kind != "/":
            if required:
                raise self.error("NEAR needs a distance in words: NEAR/5")
            return None
        self.take()
        if self.tok.kind != "num":
            raise self.error(f"expected a number of words after '/', not {self.describe(self.tok)}")
        return int(self.take().text)

    def unit(self, after: Token | None) -> Node:
        t = self.tok
        if t.kind == "str":
            self.take()
            if not t.text.strip():
                raise self.error("a code name cannot be empty", t)
            return CodeRef(t.text, t.pos, t.tree)
        if t.kind == "(":
            self.take()
            if self.tok.kind == ")":
                raise self.error("empty parentheses: put a code in quotes inside")
            node = self.query()
            if self.tok.kind != ")":
                raise self.error(f"expected ')' to close the '(' at character {t.pos + 1}, "
                                 f"not {self.describe(self.tok)}")
            self.take()
            return node
        if t.kind == "word" and t.text.upper() == "NOT" and after is None:
            raise self.error("NOT needs a code before it: \"A\" NOT \"B\" is the text of A "
                             "not coded with B")
        where = f"after {after.text.upper()}" if after is not None else "here"
        if t.kind == "word" and not self.keyword(*OPERATORS, "FOLLOWED", "IN", "WHERE", "BY"):
            raise self.error(f"expected a code in quotes {where}: \"{t.text}\"")
        raise self.error(f"expected a code in quotes or '(' {where}, not {self.describe(t)}")

    def filter(self, node: Node) -> Node:
        t = self.take()
        kind = t.text.upper()
        if kind == "IN":
            where = self.scope(("case", "document"), "IN case:\"NAME\" or IN document:\"NAME\"")
            name = self.string("a name in quotes", tree=where == "case")
            return Filter(node, "in", where, name.text, t.pos, name_pos=name.pos,
                          subcases=name.tree)
        if kind == "BY":
            self.scope(("coder",), "BY coder:\"NAME\"")
            name = self.string("a coder's name in quotes")
            return Filter(node, "by", "coder", name.text, t.pos, name_pos=name.pos)
        # WHERE [scope:]name = value
        start = self.tok
        scope: str | None = None
        if (self.tok.kind == "word" and self.tok.text.lower() in SCOPES
                and self.toks[self.i + 1].kind == ":"):
            scope = self.take().text.lower()
            self.take()
        if self.tok.kind not in ("word", "str"):
            raise self.error(f"expected an attribute after WHERE, e.g. role = \"manager\", "
                             f"not {self.describe(self.tok)}")
        name = self.take()
        self.no_tree(name)
        if self.tok.kind not in ("=", "!="):
            raise self.error(f"expected = or != after the attribute, not {self.describe(self.tok)}")
        op = self.take().text
        if self.tok.kind not in ("str", "word", "num"):
            raise self.error(f"expected a value after {op}, e.g. \"manager\", "
                             f"not {self.describe(self.tok)}")
        value_tok = self.take()
        self.no_tree(value_tok)
        value = value_tok.text
        return Filter(node, "where", scope, name.text, t.pos, op, value, name_pos=start.pos)

    def scope(self, allowed: tuple[str, ...], example: str) -> str:
        t = self.tok
        if t.kind != "word" or t.text.lower() not in allowed or self.toks[self.i + 1].kind != ":":
            raise self.error(f"expected {example}")
        self.take()
        self.take()
        return t.text.lower()

    def string(self, what: str, *, tree: bool = False) -> Token:
        if self.tok.kind != "str":
            raise self.error(f"expected {what}, not {self.describe(self.tok)}")
        t = self.take()
        if not tree:
            self.no_tree(t)
        return t

    def no_tree(self, t: Token) -> None:
        """``/*`` belongs after a code or a case only."""
        if t.tree:
            at = self.expr.find("/*", t.pos + len(t.text) + 1)
            raise QueryError("/* (with what lies below) goes after a code or a case only",
                             self.expr, at)


def parse(expr: str) -> Node:
    """The syntax tree of ``expr``, or :class:`QueryError` at the mistake."""
    return _Parser(expr).parse()


def quote(name: str) -> str:
    """A name as a query writes it: in double quotes, ``"`` and ``\\`` escaped."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def codes_in(node: Node) -> list[CodeRef]:
    if isinstance(node, CodeRef):
        return [node]
    if isinstance(node, Binary):
        return codes_in(node.left) + codes_in(node.right)
    return codes_in(node.node)


# -- spans --------------------------------------------------------------------------

Span = tuple[int, int]
Spans = dict[int, list[Span]]  # document id -> sorted spans; overlapping ones joined


def join(spans: Iterable[Span]) -> list[Span]:
    """Sorted, with spans that share a character joined (touching spans stay two)."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: list[Span], b: list[Span]) -> list[Span]:
    out: list[Span] = []
    j = 0
    for s, e in a:
        while j < len(b) and b[j][1] <= s:
            j += 1
        k, cur = j, s
        while k < len(b) and b[k][0] < e:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


# -- evaluation -----------------------------------------------------------------------


@dataclass
class _Context:
    """What the evaluator reads lazily from the project."""

    session: Session
    expr: str
    nodes: dict[int, codebook.CodeNode] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    word_bounds: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)
    units: dict[tuple[str, int], list[Span]] = field(default_factory=dict)
    doc_case: dict[int, int] = field(default_factory=dict)
    #: the viewer's blindness: other coders' codings in its documents are not read
    blind: Blind | None = None

    def text(self, doc: int) -> str:
        if doc not in self.texts:
            self.texts[doc] = self.session.scalar(
                select(Document.text).where(Document.id == doc)) or ""
        return self.texts[doc]

    def words_between(self, doc: int, start: int, end: int) -> int:
        """Words intersecting ``[start, end)``."""
        if end <= start:
            return 0
        if doc not in self.word_bounds:
            starts, ends = [], []
            for m in re.finditer(r"\w+", self.text(doc)):
                starts.append(m.start())
                ends.append(m.end())
            self.word_bounds[doc] = (starts, ends)
        starts, ends = self.word_bounds[doc]
        return bisect.bisect_left(starts, end) - bisect.bisect_right(ends, start)

    def unit_spans(self, unit: str, doc: int) -> list[Span]:
        key = (unit, doc)
        if key not in self.units:
            if unit == "document":
                self.units[key] = [(0, len(self.text(doc)))]
            else:
                table: Any = Paragraph if unit == "paragraph" else Turn
                rows = self.session.execute(
                    select(table.start, table.end).where(table.document_id == doc)
                ).all()
                self.units[key] = sorted((int(s), int(e)) for s, e in rows)
        return self.units[key]


def _code_spans(ctx: _Context, ref: CodeRef, coders: frozenset[int] | None) -> Spans:
    try:
        code_id = codebook.resolve(ctx.session, ref.path, ctx.nodes)
    except CrosscaseError as exc:
        raise QueryError(exc.message, ctx.expr, ref.pos) from None
    if not ctx.nodes:
        ctx.nodes = codebook.tree(ctx.session)
    ids = codebook.descendants(ctx.nodes, code_id) if ref.subcodes else [code_id]
    q = select(Coding.document_id, Coding.start, Coding.end).where(Coding.code_id.in_(ids))
    if coders is not None:
        q = q.where(Coding.coder_id.in_(sorted(coders)))
    if ctx.blind is not None and ctx.blind.documents:
        q = q.where(ctx.blind.visible())
    raw: dict[int, list[Span]] = {}
    for doc, s, e in ctx.session.execute(q):
        raw.setdefault(int(doc), []).append((int(s), int(e)))
    return {doc: join(spans) for doc, spans in raw.items()}


def _near(ctx: _Context, doc: int, a: list[Span], b: list[Span], n: int) -> list[Span]:
    """Segments of ``a`` within ``n`` words of a segment of ``b`` (both sorted, disjoint)."""
    b_ends = [e for _, e in b]
    out = []
    for s, e in a:
        # b's segments that overlap or touch, or the nearest before and after
        k = bisect.bisect_left(b_ends, s)  # first b ending at or after s
        best: int | None = None
        if k > 0:  # the nearest ending before s
            best = ctx.words_between(doc, b[k - 1][1], s)
        if k < len(b):
            bs, _ = b[k]
            d = 0 if bs <= e else ctx.words_between(doc, e, bs)
            best = d if best is None else min(best, d)
        if best is not None and best <= n:
            out.append((s, e))
    return out


def _units_of(units: list[Span], seg: Span) -> set[int]:
    starts = [u[0] for u in units]
    out = set()
    k = max(bisect.bisect_right(starts, seg[0]) - 1, 0)
    while k < len(units) and units[k][0] < seg[1]:
        if units[k][1] > seg[0] and units[k][0] < seg[1]:
            out.add(k)
        k += 1
    return out


def _pairwise(ctx: _Context, node: Binary, left: Spans, right: Spans) -> Spans:
    out: Spans = {}
    for doc in set(left) & set(right):
        a, b = left[doc], right[doc]
        if not a or not b:
            continue
        keep_a: list[Span]
        keep_b: list[Span]
        if node.op == "NEAR":
            n = node.n or 0
            keep_a, keep_b = _near(ctx, doc, a, b, n), _near(ctx, doc, b, a, n)
        elif node.op == "SAME":
            units = ctx.unit_spans(node.unit or "document", doc)
            ua = [_units_of(units, seg) for seg in a]
            ub = [_units_of(units, seg) for seg in b]
            all_a = set().union(*ua)
            all_b = set().union(*ub)
            keep_a = [seg for seg, u in zip(a, ua, strict=True) if u & all_b]
            keep_b = [seg for seg, u in zip(b, ub, strict=True) if u & all_a]
        else:  # FOLLOWED BY: b starts at or after a ends (within n words)
            keep_a, keep_b = [], []
            for seg_b in b:
                before = [seg_a for seg_a in a if seg_a[1] <= seg_b[0]]
                if node.n is not None:
                    before = [seg_a for seg_a in before
                              if ctx.words_between(doc, seg_a[1], seg_b[0]) <= node.n]
                if before:
                    keep_b.append(seg_b)
                    keep_a.extend(before)
        joined = join([*keep_a, *keep_b])
        if joined:
            out[doc] = joined
    return out


def _evaluate(ctx: _Context, node: Node, coders: frozenset[int] | None) -> Spans:
    if isinstance(node, CodeRef):
        return _code_spans(ctx, node, coders)
    if isinstance(node, Filter):
        if node.kind == "by":
            cid = ctx.session.scalar(select(Coder.id).where(Coder.name == node.name))
            if cid is None:
                names = ctx.session.scalars(select(Coder.name).order_by(Coder.name)).all()
                hit = [n for n in names if n.casefold() == node.name.strip().casefold()]
                if len(hit) != 1:
                    raise QueryError(f"no coder '{node.name}' (coders: "
                                     f"{', '.join(names) or 'none'})", ctx.expr, node.name_pos)
                cid = ctx.session.scalar(select(Coder.id).where(Coder.name == hit[0]))
            mine = frozenset({int(cid or 0)})
            return _evaluate(ctx, node.node, mine if coders is None else coders & mine)
        return _filtered(ctx, node, _evaluate(ctx, node.node, coders))
    left = _evaluate(ctx, node.left, coders)
    right = _evaluate(ctx, node.right, coders)
    out: Spans = {}
    if node.op == "OR":
        for doc in set(left) | set(right):
            out[doc] = join([*left.get(doc, []), *right.get(doc, [])])
    elif node.op == "AND":
        for doc in set(left) & set(right):
            out[doc] = intersect(left[doc], right[doc])
    elif node.op == "NOT":
        for doc, spans in left.items():
            out[doc] = subtract(spans, right[doc]) if doc in right else list(spans)
    else:
        out = _pairwise(ctx, node, left, right)
    return {doc: spans for doc, spans in out.items() if spans}


def _doc_cases(ctx: _Context, docs: Iterable[int]) -> dict[int, int]:
    want = [d for d in docs if d not in ctx.doc_case]
    for chunk in range(0, len(want), 900):
        part = want[chunk:chunk + 900]
        ctx.doc_case.update({int(d): int(c) for d, c in ctx.session.execute(
            select(Document.id, Document.case_id).where(Document.id.in_(part)))})
    return ctx.doc_case


def _filtered(ctx: _Context, node: Filter, spans: Spans) -> Spans:
    s = ctx.session
    if node.kind == "in":
        if node.scope == "case":
            rows = s.execute(select(Case.id, Case.name)).all()
            hit = [i for i, n in rows if n == node.name] or [
                i for i, n in rows if n.casefold() == node.name.strip().casefold()]
            if not hit:
                raise QueryError(f"no case '{node.name}'", ctx.expr, node.name_pos)
            wanted = set(hit)
            if node.subcases:
                children: dict[int, list[int]] = {}
                for cid, parent in s.execute(select(Case.id, Case.parent_id)):
                    if parent is not None:
                        children.setdefault(int(parent), []).append(int(cid))
                todo = list(wanted)
                while todo:
                    for child in children.get(todo.pop(), []):
                        if child not in wanted:
                            wanted.add(child)
                            todo.append(child)
            cases = _doc_cases(ctx, spans)
            return {d: v for d, v in spans.items() if cases.get(d) in wanted}
        docs = set(s.scalars(select(Document.id).where(Document.name == node.name)))
        if not docs:
            docs = {d for d, n in s.execute(select(Document.id, Document.name))
                    if n.casefold() == node.name.strip().casefold()}
        if not docs:
            raise QueryError(f"no document '{node.name}'", ctx.expr, node.name_pos)
        return {d: v for d, v in spans.items() if d in docs}
    # WHERE
    attrs = s.execute(select(Attribute.id, Attribute.scope, Attribute.name)
                      .order_by(Attribute.scope, Attribute.position)).all()
    hits = [a for a in attrs if a[2].casefold() == node.name.strip().casefold()
            and node.scope in (None, a[1])]
    if not hits:
        known = ", ".join(f"{a[1]}:{a[2]}" for a in attrs) or "none defined"
        raise QueryError(f"no attribute '{node.name}' (attributes: {known})", ctx.expr,
                         node.name_pos)
    if len(hits) > 1:
        options = " or ".join(f"{a[1]}:{a[2]}" for a in hits)
        raise QueryError(f"attribute '{node.name}' exists for more than one kind; write "
                         f"{options}", ctx.expr, node.name_pos)
    aid, scope, _ = hits[0]
    table: Any = {"case": CaseValue, "document": DocumentValue,
                  "participant": ParticipantValue}[scope]
    owner_col = {"case": CaseValue.case_id, "document": DocumentValue.document_id,
                 "participant": ParticipantValue.participant_id}[scope]
    values = {int(o): str(v) for o, v in s.execute(
        select(owner_col, table.value).where(table.attribute_id == aid))}

    def matches(owner: int | None) -> bool:
        value = values.get(owner) if owner is not None else None
        same = value is not None and _same_value(value, node.value)
        return same if node.op == "=" else not same

    if scope == "case":
        cases = _doc_cases(ctx, spans)
        return {d: v for d, v in spans.items() if matches(cases.get(d))}
    if scope == "document":
        return {d: v for d, v in spans.items() if matches(d)}
    out: Spans = {}
    for doc, segs in spans.items():
        turns = ctx.unit_spans("turn", doc)
        owners = _turn_owners(ctx, doc)
        kept = []
        for seg in segs:
            k = bisect.bisect_right([t[0] for t in turns], seg[0]) - 1
            owner = owners[k] if k >= 0 and turns[k][1] > seg[0] else None
            if matches(owner):
                kept.append(seg)
        if kept:
            out[doc] = kept
    return out


def _turn_owners(ctx: _Context, doc: int) -> list[int]:
    rows = ctx.session.execute(
        select(Turn.start, Turn.end, Turn.participant_id).where(Turn.document_id == doc)
    ).all()
    return [int(p) for _, _, p in sorted((int(s), int(e), int(p)) for s, e, p in rows)]


def _same_value(stored: str, wanted: str) -> bool:
    a, b = stored.strip().casefold(), wanted.strip().casefold()
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def evaluate(session: Session, expr: str | Node, *, text: str | None = None,
             blind: Blind | None = None) -> Spans:
    """What a query finds, per document: sorted spans (offsets in code points); with
    ``blind``, in the codings its viewer sees."""
    source = expr if isinstance(expr, str) else (text or "")
    node = parse(expr) if isinstance(expr, str) else expr
    ctx = _Context(session, source, codebook.tree(session), blind=blind)
    return _evaluate(ctx, node, None)


# -- results with citations ------------------------------------------------------------


@dataclass
class QueryResult:
    expression: str
    segments: list[Segment]

    @property
    def documents(self) -> int:
        return len({s.document_id for s in self.segments})

    def by_case(self) -> list[tuple[str, list[Segment]]]:
        out: dict[str, list[Segment]] = {}
        for seg in self.segments:
            out.setdefault(seg.case, []).append(seg)
        return list(out.items())

    def as_json(self) -> list[dict[str, Any]]:
        """The shape of ``crosscase segments --json`` (``id`` is null: no one coding)."""
        out = []
        for seg in self.segments:
            d = seg.as_json()
            d["id"] = None
            for k in ("document_id", "case_id", "code_id", "passage"):
                d.pop(k, None)
            out.append(d)
        return out


def run(source: Project | Session, expr: str, *, blind: Blind | None = None) -> QueryResult:
    """Run a query: its segments in document order, each with its exact text and citation
    (with ``blind``, found in the codings its viewer sees)."""
    from crosscase.analysis.frames import use_session

    with use_session(source) as session:
        return _results(session, expr, evaluate(session, expr, blind=blind))


def _results(session: Session, expr: str, spans: Spans) -> QueryResult:
    docs = sorted(spans)
    meta: dict[int, tuple[str, int, str, int, int]] = {}
    texts: dict[int, str] = {}
    paras: dict[int, list[tuple[int, int]]] = {}
    pages: dict[int, list[tuple[int, int]]] = {}
    turns: dict[int, list[tuple[int, int, int, str]]] = {}
    from crosscase.db.models import Participant

    for i in range(0, len(docs), 500):
        chunk = docs[i:i + 500]
        for did, name, cid, cname, cpos, dpos, body in session.execute(
            select(Document.id, Document.name, Case.id, Case.name, Case.position,
                   Document.position, Document.text)
            .join(Case, Case.id == Document.case_id).where(Document.id.in_(chunk))
        ):
            meta[int(did)] = (str(name), int(cid), str(cname), int(cpos or 0), int(dpos or 0))
            texts[int(did)] = body or ""
        for did, num, start in session.execute(
            select(Paragraph.document_id, Paragraph.number, Paragraph.start)
            .where(Paragraph.document_id.in_(chunk))
        ):
            paras.setdefault(int(did), []).append((int(start), int(num)))
        for did, num, start in session.execute(
            select(Page.document_id, Page.number, Page.start).where(Page.document_id.in_(chunk))
        ):
            pages.setdefault(int(did), []).append((int(start), int(num)))
        for did, start, end, pid, pname in session.execute(
            select(Turn.document_id, Turn.start, Turn.end, Turn.participant_id, Participant.name)
            .join(Participant, Participant.id == Turn.participant_id)
            .where(Turn.document_id.in_(chunk))
        ):
            turns.setdefault(int(did), []).append((int(start), int(end), int(pid), str(pname)))
    for table in (paras, pages, turns):
        for v in table.values():
            v.sort()

    def at(rows: list[tuple[int, int]] | None, pos: int) -> int | None:
        if not rows:
            return None
        k = bisect.bisect_right(rows, (pos, float("inf"))) - 1
        return rows[k][1] if k >= 0 else None

    segs: list[Segment] = []
    for did in sorted(docs, key=lambda d: (meta[d][3], meta[d][1], meta[d][4], d)):
        name, cid, cname, _, _ = meta[did]
        body = texts[did]
        trows = turns.get(did, [])
        tstarts = [t[0] for t in trows]
        for start, end in spans[did]:
            k = bisect.bisect_right(tstarts, start) - 1
            turn = trows[k] if k >= 0 and trows[k][1] > start else None
            segs.append(Segment(
                id=0, document_id=did, document=name, case_id=cid, case=cname, code_id=0,
                code=expr, start=start, end=end, text=body[start:end], coder=None, memo="",
                paragraph=at(paras.get(did), start), page=at(pages.get(did), start),
                speaker=turn[3] if turn else None, participant_id=turn[2] if turn else None,
            ))
    labels = participant_labels(session, {s.participant_id for s in segs if s.participant_id})
    for seg in segs:
        if seg.participant_id is not None:
            seg.participant, seg.role = labels.get(seg.participant_id, (None, None))
            seg.participant = seg.participant or seg.speaker
    return QueryResult(expr, segs)


# -- query rows for the matrix ------------------------------------------------------------


def query_matrix(
    source: Project | Session,
    expressions: list[str],
    *,
    cols: str = "cases",
    measure: str = "segments",
    case_ids: list[int] | None = None,
    blind: Blind | None = None,
) -> Any:
    """A matrix whose rows are queries ("query by case"): one row per expression,
    its cells counted over the segments the query finds, by the matrix's rules
    (with ``blind``, in the codings its viewer sees)."""
    from crosscase.analysis.frames import use_session
    from crosscase.analysis.matrix import compute_span_rows

    if not expressions:
        raise UsageError("give at least one query")
    with use_session(source) as session:
        rows = [(expr, evaluate(session, expr, blind=blind)) for expr in expressions]
        return compute_span_rows(session, rows, cols=cols, measure=measure, case_ids=case_ids)


# -- saved queries ----------------------------------------------------------------------


def saved(session: Session) -> list[tuple[str, str]]:
    """The project's saved queries, ``(name, expression)``, by name."""
    from crosscase.db.models import SavedQuery

    rows = session.execute(select(SavedQuery.name, SavedQuery.expression)).all()
    return sorted(((str(n), str(e)) for n, e in rows), key=lambda r: r[0].casefold())


def saved_expression(session: Session, name: str) -> str:
    """The expression saved under ``name`` (case-insensitive)."""
    from crosscase.domain.errors import NotFound

    queries = saved(session)
    hit = [e for n, e in queries if n == name] or [
        e for n, e in queries if n.casefold() == name.strip().casefold()]
    if not hit:
        known = ", ".join(n for n, _ in queries) or "none saved"
        raise NotFound(f"no saved query '{name}' (saved: {known})")
    return hit[0]


def check(session: Session, expr: str) -> Node:
    """Parse ``expr`` and look up its codes: a :class:`QueryError` at the first mistake."""
    node = parse(expr)
    nodes = codebook.tree(session)
    for ref in codes_in(node):
        try:
            codebook.resolve(session, ref.path, nodes)
        except CrosscaseError as exc:
            raise QueryError(exc.message, expr, ref.pos) from None
    return node
