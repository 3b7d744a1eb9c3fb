"""Which codes travel together: co-occurrence counts and the c coefficient, by column.

A *co-occurrence* of codes A and B is a pair of passages, one of each code,
in the same document whose spans share at least one character. Passages
follow the project's counting rule (see :mod:`crosscase.analysis.matrix`):
codings of one code that nest or overlap in a document are one passage.
``n12`` is the number of such pairs; ``n1`` and ``n2`` are the two codes'
passages. The c coefficient (as in ATLAS.ti) is ``n12 / (n1 + n2 - n12)``:
0 when the codes never meet, 1 when every passage of each meets exactly one
of the other. It can exceed 1 where one long passage overlaps several short
passages of the other code, and it misleads when one code is far more
frequent than the other, so pairs whose frequencies differ more than
fivefold are flagged.

Counts are kept per column (cases, documents or attribute values, as the
matrix has them) and overall. Everything is computed from the matrix's
:class:`~crosscase.analysis.matrix.Layout` arrays; no Python loop runs over
passages.

    >>> co = compute_cooccurrence(project)                # leaf codes by case
    >>> co.counts()                                       # code x code, overall
    >>> co.counts(case_id)                                # one column
    >>> overlapping_passages(project, a_id, b_id, case_id)

A viewer who codes blind (a coder of an open reliability round, see
:class:`~crosscase.services.rounds.Blind`) passes their ``blind``: other
coders' codings of the round's documents then neither count nor meet, as in
the matrix and the segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from crosscase.analysis import frames
from crosscase.analysis.columns import Column, ColumnSpec
from crosscase.analysis.matrix import Layout, MatrixRow, fetch_segments, validate_cases
from crosscase.domain.errors import UsageError
from crosscase.services import codebook
from crosscase.services.rounds import Blind
from crosscase.services.segments import Segment

if TYPE_CHECKING:
    from crosscase.db.project import Project

__all__ = [
    "SKEW",
    "Cooccurrence",
    "OverlapPair",
    "compute_cooccurrence",
    "definition",
    "leaf_codes",
    "overlapping_passages",
]

#: a pair is flagged when one code has more than this many times the other's passages
SKEW = 5.0


def definition(spec: ColumnSpec) -> str:
    return (
        "Co-occurrences: pairs of passages, one of each code, in the same document whose "
        "spans share at least one character (codings of one code that nest or overlap are "
        "one passage). c = n12 / (n1 + n2 \u2212 n12), where n12 is the number of "
        "co-occurrences and n1 and n2 the codes' passages; c can exceed 1 where one passage "
        "overlaps several of the other code. Pairs marked as skewed have one code more than "
        f"{SKEW:g} times as frequent as the other, where c misleads. " + spec.description
    )


def c_coefficient(n12: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """``n12 / (n1 + n2 - n12)``; 0 where the codes never meet."""
    n12 = np.asarray(n12, dtype=float)
    denom = np.asarray(n1, dtype=float) + np.asarray(n2, dtype=float) - n12
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, n12 / np.where(denom > 0, denom, 1.0), 0.0)
    result: np.ndarray = np.where(n12 > 0, np.where(denom > 0, out, n12), 0.0)
    return result


def skewed(n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Whether one frequency is more than :data:`SKEW` times the other (both present)."""
    lo = np.minimum(n1, n2).astype(float)
    hi = np.maximum(n1, n2).astype(float)
    flags: np.ndarray = (lo > 0) & (hi > SKEW * lo)
    return flags


def leaf_codes(session: Session) -> list[int]:
    """Codes without sub-codes, in codebook order."""
    nodes = codebook.tree(session)
    return [cid for cid, n in nodes.items() if not n.children]


@dataclass
class Cooccurrence:
    """Co-occurrence of ``rows`` (codes) in each of ``cols`` and overall.

    ``n`` holds each code's passages per column (rows x cols); ``pairs`` one
    line per code pair and column that meet: ``a``, ``b`` (row positions,
    ``a < b``), ``col`` (column position) and ``count``.
    """

    spec: ColumnSpec
    rows: list[MatrixRow]
    cols: list[Column]
    n: np.ndarray
    pairs: pd.DataFrame
    rollup: bool = False
    definition: str = ""
    case_ids: list[int] | None = field(default=None)

    # -- look-ups ---------------------------------------------------------------
    def row_position(self, code_id: int) -> int:
        for i, r in enumerate(self.rows):
            if r.code_id == code_id:
                return i
        raise UsageError(f"code {code_id} is not among the codes compared")

    def column_position(self, key: int | str) -> int:
        for i, c in enumerate(self.cols):
            if c.key == key or str(c.key) == str(key):
                return i
        for i, c in enumerate(self.cols):
            if isinstance(key, str) and c.name.casefold() == key.strip().casefold():
                return i
        raise UsageError(f"no column '{key}' by {self.spec.text}")

    def frequencies(self, key: int | str | None = None) -> np.ndarray:
        """Each code's passages in a column, or overall (``key`` None)."""
        if key is None:
            out: np.ndarray = self.n.sum(axis=1)
            return out
        col: np.ndarray = self.n[:, self.column_position(key)]
        return col

    def counts(self, key: int | str | None = None) -> np.ndarray:
        """The symmetric code x code matrix of co-occurrences (diagonal 0)."""
        nr = len(self.rows)
        p = self.pairs
        if key is not None:
            p = p[p["col"] == self.column_position(key)]
        out = np.zeros((nr, nr), dtype=np.int64)
        if len(p):
            a, b, c = p["a"].to_numpy(), p["b"].to_numpy(), p["count"].to_numpy()
            np.add.at(out, (a, b), c)
            np.add.at(out, (b, a), c)
        return out

    def coefficients(self, key: int | str | None = None) -> np.ndarray:
        """The c coefficient for every pair (diagonal 0)."""
        n12 = self.counts(key)
        n = self.frequencies(key)
        return c_coefficient(n12, n[:, None], n[None, :])

    def frame(self, key: int | str | None = None, *, value: str = "count") -> pd.DataFrame:
        """Code paths down and across: counts (``value="count"``) or ``"c"``."""
        data = self.counts(key) if value == "count" else self.coefficients(key)
        paths = pd.Index([r.path for r in self.rows], name="code")
        return pd.DataFrame(data, index=paths, columns=paths)

    def pair_list(self, key: int | str | None = None, *, all_pairs: bool = False
                  ) -> list[dict[str, Any]]:
        """``[{"a", "b", "count", "c", "n_a", "n_b", "skewed"}]`` for pairs that meet
        (every pair with ``all_pairs``), most co-occurrences first."""
        n12 = self.counts(key)
        n = self.frequencies(key)
        iu, ju = np.triu_indices(len(self.rows), k=1)
        cnt = n12[iu, ju]
        keep = np.ones(len(iu), dtype=bool) if all_pairs else cnt > 0
        iu, ju, cnt = iu[keep], ju[keep], cnt[keep]
        cc = c_coefficient(cnt, n[iu], n[ju])
        flag = skewed(n[iu], n[ju])
        order = np.lexsort((ju, iu, -cnt))
        return [
            {"a": self.rows[int(iu[k])].path, "b": self.rows[int(ju[k])].path,
             "count": int(cnt[k]), "c": round(float(cc[k]), 4),
             "n_a": int(n[iu[k]]), "n_b": int(n[ju[k]]), "skewed": bool(flag[k])}
            for k in order
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "cols_by": self.spec.text,
            "rollup": self.rollup,
            "definition": self.definition,
            "codes": [r.path for r in self.rows],
            "frequencies": {r.path: int(v) for r, v in zip(self.rows, self.frequencies(),
                                                            strict=True)},
            "overall": self.pair_list(),
            "cols": [
                {"name": c.name, "key": c.key,
                 "frequencies": {r.path: int(v) for r, v in zip(
                     self.rows, self.n[:, i], strict=True)},
                 "pairs": self.pair_list(c.key)}
                for i, c in enumerate(self.cols)
            ],
        }


def _overlap_pairs(layout: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of passages (indices into ``layout.passages``) of different codes in one
    document and column whose spans share a character, and each pair's shared stretch
    as ``(first, second, (start, end))``."""
    p = layout.passages
    if len(p) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros((0, 2), dtype=np.int64)
    start = layout.start[p].astype(np.int64)
    end = layout.passage_end.astype(np.int64)
    dpos = layout.dpos[p].astype(np.int64)
    # sort by document, then start: a later passage overlaps an earlier one exactly
    # when it starts before the earlier one ends
    order = np.lexsort((start, dpos))
    big = np.int64(max(int(end.max()), 0) + 2)
    key = dpos[order] * big + start[order]
    limit = dpos[order] * big + end[order]
    hi = np.searchsorted(key, limit, side="left")  # first passage starting at/after the end
    span = hi - np.arange(len(order)) - 1
    span = np.maximum(span, 0)
    total = int(span.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros((0, 2), dtype=np.int64)
    first = np.repeat(np.arange(len(order)), span)
    offset = np.arange(total) - np.repeat(np.cumsum(span) - span, span)
    second = first + 1 + offset
    i, j = order[first], order[second]
    ri, ci = layout.ri[p], layout.ci[p]
    keep = (ri[i] != ri[j]) & (ci[i] == ci[j])
    i, j = i[keep], j[keep]
    shared = np.stack([np.maximum(start[i], start[j]), np.minimum(end[i], end[j])], axis=1)
    return i, j, shared


def _layout(
    session: Session, code_ids: list[int] | None, cols: str | ColumnSpec, rollup: bool,
    case_ids: list[int] | None, with_ids: bool = False, blind: Blind | None = None,
) -> Layout:
    validate_cases(session, case_ids)
    ids = leaf_codes(session) if code_ids is None else list(code_ids)
    if not ids:
        raise UsageError("no codes to compare")
    return Layout(session, cols=cols, rollup=rollup, code_ids=ids, case_ids=case_ids,
                  with_ids=with_ids, blind=blind)


def compute_cooccurrence(
    source: Project | Session,
    *,
    code_ids: list[int] | None = None,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    case_ids: list[int] | None = None,
    blind: Blind | None = None,
) -> Cooccurrence:
    """Co-occurrence of ``code_ids`` (default: every code without sub-codes) by ``cols``;
    with ``blind``, of the codings its viewer sees."""
    with frames.use_session(source) as session:
        layout = _layout(session, code_ids, cols, rollup, case_ids, blind=blind)
        return _compute(layout)


def _compute(layout: Layout) -> Cooccurrence:
    n = layout.segments().astype(np.int64)
    i, j, _ = _overlap_pairs(layout)
    p = layout.passages
    ri, ci = layout.ri[p], layout.ci[p]
    a = np.minimum(ri[i], ri[j])
    b = np.maximum(ri[i], ri[j])
    col = ci[i]
    nr = max(len(layout.rows), 1)
    flat = (col * nr + a) * nr + b
    keys, counts = np.unique(flat, return_counts=True)
    pairs = pd.DataFrame({
        "a": (keys // nr) % nr, "b": keys % nr, "col": keys // (nr * nr),
        "count": counts.astype(np.int64),
    })
    return Cooccurrence(
        spec=layout.spec, rows=layout.rows, cols=layout.cols, n=n, pairs=pairs,
        rollup=layout.rollup, definition=definition(layout.spec), case_ids=layout.case_ids,
    )


@dataclass
class OverlapPair:
    """One co-occurrence: a passage of each code (the segment that opens it) and the
    characters they share (``start``, ``end``: code points, end exclusive)."""

    a: Segment
    b: Segment
    start: int
    end: int
    column: str

    def as_json(self) -> dict[str, Any]:
        return {"a": self.a.as_json(), "b": self.b.as_json(), "start": self.start,
                "end": self.end, "column": self.column}


def overlapping_passages(
    source: Project | Session,
    a: int,
    b: int,
    key: int | str | None = None,
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    case_ids: list[int] | None = None,
    blind: Blind | None = None,
) -> list[OverlapPair]:
    """The co-occurrences of codes ``a`` and ``b`` (in column ``key``, or all), in
    document order, each with both segments and their citations; with ``blind``,
    among the codings its viewer sees."""
    if a == b:
        raise UsageError("choose two different codes")
    with frames.use_session(source) as session:
        layout = _layout(session, [a, b], cols, rollup, case_ids, with_ids=True, blind=blind)
        i, j, shared = _overlap_pairs(layout)
        p = layout.passages
        if key is not None:
            want = layout.column_position(key)
            keep = layout.ci[p][i] == want
            i, j, shared = i[keep], j[keep], shared[keep]
        row_a = layout.row_index.get_loc(a)
        swap = layout.ri[p][i] != row_a
        ia, ib = np.where(swap, j, i), np.where(swap, i, j)
        ids_a = layout.coding[p][ia]
        ids_b = layout.coding[p][ib]
        segs = {s.id: s for s in fetch_segments(
            session, sorted({int(x) for x in np.concatenate([ids_a, ids_b])}))}
        out = [
            OverlapPair(segs[int(x)], segs[int(y)], int(s0), int(s1),
                        layout.cols[int(layout.ci[p][k])].name)
            for x, y, (s0, s1), k in zip(ids_a, ids_b, shared.tolist(), ia, strict=True)
            if int(x) in segs and int(y) in segs
        ]
    dorder = {int(d): k for k, d in enumerate(layout.docs.index)}
    out.sort(key=lambda o: (dorder.get(o.a.document_id, 0), o.start, o.end))
    return out
