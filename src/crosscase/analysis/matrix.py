"""The code x case matrix: codes down the side, cases (or documents, or an
attribute's values) across, one measure in the cells.

Everything is computed from arrays read in one select per table: no Python
loop runs over codings.

The counting rule: a *passage* is a stretch of one document coded with a
row's code. Codings of that code which nest or overlap (share at least one
character) in a document are one passage, the text they cover together;
codings that only touch are two. Under roll-up the same holds for a code
and all its sub-codes together. Every count is of passages, so a passage
coded twice, a part of it coded again, or a passage coded with a parent and
its child under roll-up counts once; the matrix, its drill-down (one segment
per passage: the coding that opens it) and every export follow this rule.

    >>> m = compute_matrix(project, cols="cases", measure="rate", rollup=True)
    >>> m.frame()            # code paths x case names
    >>> m.definition         # what the numbers mean
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from crosscase.analysis import frames, words
from crosscase.analysis.columns import (
    Column,
    ColumnSpec,
    attribute_values,
    participants_of,
    resolve,
    value_columns,
)
from crosscase.analysis.measures import MEASURES, OWN_NOTE, ROLLUP_NOTE, format_value, measure
from crosscase.domain.errors import NotFound, UsageError
from crosscase.services import codebook
from crosscase.services import segments as segments_service
from crosscase.services.rounds import Blind
from crosscase.services.segments import Segment

if TYPE_CHECKING:
    from crosscase.db.project import Project

__all__ = [
    "MEASURES",
    "Column",
    "ColumnSpec",
    "Layout",
    "Matrix",
    "MatrixRow",
    "cell_coding_ids",
    "cell_segments",
    "compute_matrix",
    "definition",
    "hidden_codings",
]


@dataclass(frozen=True)
class MatrixRow:
    code_id: int
    path: str
    name: str
    depth: int


@dataclass
class Matrix:
    """One measure for codes (rows) by columns; ``values`` is indexed by code id and column key."""

    measure: str
    spec: ColumnSpec
    rollup: bool
    rows: list[MatrixRow]
    cols: list[Column]
    values: pd.DataFrame
    definition: str
    case_ids: list[int] | None = field(default=None)
    #: names of attribute values left out for having no coded passage
    dropped: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return MEASURES[self.measure].label

    def value(self, code_id: int, key: int | str) -> float:
        return float(self.values.at[code_id, key])

    def text(self, code_id: int, key: int | str, *, unit: bool = False) -> str:
        return format_value(self.measure, self.values.at[code_id, key], unit=unit)

    def frame(self) -> pd.DataFrame:
        """The values labelled for people: code paths down, column names across."""
        out = self.values.copy()
        out.index = pd.Index([r.path for r in self.rows], name="code")
        out.columns = pd.Index([c.name for c in self.cols], name=self.spec.text)
        return out

    def max_value(self) -> float:
        if self.values.empty:
            return 0.0
        v = np.nanmax(self.values.to_numpy(dtype=float)) if self.values.size else 0.0
        return 0.0 if np.isnan(v) else float(v)

    def as_json(self) -> dict[str, Any]:
        """``{"measure", "rows", "cols", "values", ...}``; missing values are ``null``."""
        integer = MEASURES[self.measure].integer
        values: list[list[float | None]] = []
        for row in self.values.to_numpy(dtype=float).tolist():
            values.append([
                None if np.isnan(v) else (int(v) if integer else round(v, 4)) for v in row
            ])
        return {
            "measure": self.measure,
            "label": self.label,
            "definition": self.definition,
            "cols_by": self.spec.text,
            "rollup": self.rollup,
            "rows": [r.path for r in self.rows],
            "row_ids": [r.code_id for r in self.rows],
            "depth": [r.depth for r in self.rows],
            "cols": [c.name for c in self.cols],
            "col_keys": [c.key for c in self.cols],
            "values": values,
        }


def definition(measure_name: str, spec: ColumnSpec, rollup: bool,
               has_sub_codes: bool = False) -> str:
    """The sentences that define a matrix's numbers, with what a parent's count includes."""
    parts = [measure(measure_name).definition]
    if rollup:
        parts.append(ROLLUP_NOTE)
    elif has_sub_codes:
        parts.append(OWN_NOTE)
    parts.append(spec.description)
    return " ".join(parts)


class Layout:
    """The passages of the chosen codes, each placed in its row and column.

    Arrays (one entry per passage-in-a-row): ``ri`` row index, ``ci`` column
    index, ``doc`` document id, ``dpos`` document index, ``start``, ``end``,
    ``part`` participant id or -1, and (with ``with_ids``) ``coding`` id.
    """

    def __init__(
        self,
        session: Session,
        *,
        cols: str | ColumnSpec = "cases",
        rollup: bool = False,
        code_ids: list[int] | None = None,
        case_ids: list[int] | None = None,
        with_ids: bool = False,
        need_speakers: bool = False,
        drop_empty_columns: bool = False,
        coder_ids: list[int] | None = None,
        blind: Blind | None = None,
    ) -> None:
        self.session = session
        #: only these coders' codings count (None: everyone's)
        self.coder_ids = list(coder_ids) if coder_ids is not None else None
        #: the viewer's blindness: other coders' codings in these documents are not counted
        self.blind = blind
        self.spec = resolve(session, cols)
        self.rollup = rollup
        self.case_ids = list(case_ids) if case_ids is not None else None
        self.nodes = codebook.tree(session)
        self.rows = self._rows(code_ids)
        self.row_index = pd.Index([r.code_id for r in self.rows], dtype=np.int64)
        self.docs = frames.documents_frame(session, self.case_ids)
        cases = frames.cases_frame(session, self.case_ids)
        participant_cols = self.spec.by == "attribute" and self.spec.scope == "participant"
        self.by_speaker = participant_cols
        self.turns = (
            frames.turns_array(session, self.case_ids)
            if participant_cols or need_speakers else np.zeros((0, 4), dtype=np.int64)
        )
        if self.turns.size:
            self.turns = self.turns[self.docs.index.get_indexer(self.turns[:, 0]) >= 0]

        # columns, and the column of each document (or of each participant)
        self.doc_col = np.full(len(self.docs), -1, dtype=np.int64)
        self.part_ids = np.zeros(0, dtype=np.int64)
        self.part_col = np.zeros(0, dtype=np.int64)
        if self.spec.by == "cases":
            self.cols = [Column(int(i), str(n), int(i)) for i, n in cases["name"].items()]
            self.doc_col = cases.index.get_indexer(self.docs["case_id"].to_numpy())
        elif self.spec.by == "documents":
            names = self.docs["name"]
            dup = names.duplicated(keep=False).to_numpy()
            self.cols = [
                Column(int(did), f"{case}/{name}" if d else str(name), int(cid))
                for (did, name, case, cid), d in zip(
                    self.docs[["name", "case", "case_id"]].itertuples(), dup, strict=False
                )
            ]
            self.doc_col = np.arange(len(self.docs), dtype=np.int64)
        else:
            values = attribute_values(session, self.spec)
            if self.spec.scope == "case":
                owners = cases.index.to_numpy(dtype=np.int64)
            elif self.spec.scope == "document":
                owners = self.docs.index.to_numpy(dtype=np.int64)
            else:
                owners = participants_of(session, self.case_ids)
                owners = owners[np.isin(owners, self.turns[:, 3])]  # speakers with text here
            self.cols, keys = value_columns(self.spec, owners, values)
            key_index = pd.Index([c.key for c in self.cols], dtype=object)
            owner_col = pd.Series(key_index.get_indexer(keys.to_numpy()), index=keys.index)
            if self.spec.scope == "case":
                self.doc_col = owner_col.reindex(self.docs["case_id"]).fillna(-1).to_numpy(
                    dtype=np.int64)
            elif self.spec.scope == "document":
                self.doc_col = owner_col.reindex(self.docs.index).fillna(-1).to_numpy(
                    dtype=np.int64)
            else:
                self.part_ids = owner_col.index.to_numpy(dtype=np.int64)
                order = np.argsort(self.part_ids)
                self.part_ids = self.part_ids[order]
                self.part_col = owner_col.to_numpy(dtype=np.int64)[order]
        self.col_index = pd.Index([c.key for c in self.cols], dtype=object)
        self._place(code_ids, with_ids)
        #: attribute values left out for having no passage of the rows' codes
        self.dropped: list[Column] = []
        if drop_empty_columns and self.spec.by == "attribute":
            self._drop_empty_columns()

    # -- rows --------------------------------------------------------------
    def _rows(self, code_ids: list[int] | None) -> list[MatrixRow]:
        if code_ids is not None:
            wanted = {int(c) for c in code_ids}
            unknown = wanted - set(self.nodes)
            if unknown:
                raise NotFound(f"no code {', '.join(str(c) for c in sorted(unknown))}")
        return [
            MatrixRow(n.id, n.path, n.name, n.depth)
            for n in self.nodes.values()
            if code_ids is None or n.id in wanted
        ]

    # -- passages ----------------------------------------------------------
    def _place(self, code_ids: list[int] | None, with_ids: bool) -> None:
        needed: list[int] | None = None
        if code_ids is not None:
            ids = [r.code_id for r in self.rows]
            needed = (
                sorted({d for c in ids for d in codebook.descendants(self.nodes, c)})
                if self.rollup else ids
            )
        hiding = self.blind is not None and bool(self.blind.documents)
        arr = frames.codings_array(
            self.session, code_ids=needed, case_ids=self.case_ids, with_ids=with_ids or hiding,
            coder_ids=self.coder_ids,
        )
        if hiding:
            assert self.blind is not None
            if len(arr):
                arr = arr[~np.isin(arr[:, 4], hidden_codings(self.session, self.blind))]
            if not with_ids:
                arr = arr[:, :4]
        dpos = self.docs.index.get_indexer(arr[:, 1]) if len(arr) else np.zeros(0, np.int64)
        arr, dpos = arr[dpos >= 0], dpos[dpos >= 0]
        code, doc, start, end = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
        part = np.full(len(arr), -1, dtype=np.int64)
        if len(self.turns):
            t = frames.speaker_turn(self.turns, doc, start)
            has = t >= 0
            part[has] = self.turns[t[has], 3]
            if self.by_speaker:
                # counted up to the end of the speaker's turn
                end = np.where(has, np.minimum(end, self.turns[np.clip(t, 0, None), 2]), end)
        if self.by_speaker:
            ppos = np.searchsorted(self.part_ids, part)
            ppos_c = np.clip(ppos, 0, max(len(self.part_ids) - 1, 0))
            found = (part >= 0) & (len(self.part_ids) > 0)
            if len(self.part_ids):
                found &= self.part_ids[ppos_c] == part
            ci = np.where(found, self.part_col[ppos_c] if len(self.part_col) else -1, -1)
        else:
            ci = self.doc_col[dpos] if len(dpos) else np.zeros(0, np.int64)
        if self.rollup:
            item, row_code = frames.expand(code, self.nodes)
        else:
            item, row_code = np.arange(len(code)), code
        ri = self.row_index.get_indexer(row_code) if len(row_code) else np.zeros(0, np.int64)
        keep = (ri >= 0) & (ci[item] >= 0)
        item, ri = item[keep], ri[keep]
        self.ri = ri.astype(np.int64)
        self.ci = ci[item].astype(np.int64)
        self.doc = doc[item]
        self.dpos = dpos[item].astype(np.int64)
        self.start = start[item]
        self.end = end[item]
        self.part = part[item]
        self.coding = arr[item, 4] if with_ids else np.zeros(0, np.int64)
        self.code = code[item]

    def _drop_empty_columns(self) -> None:
        """Leave out the columns no passage of the rows' codes falls in (the interviewer's
        role, say), unless that would leave none."""
        nc = len(self.cols)
        used = np.bincount(self.ci, minlength=nc)[:nc] > 0
        if used.all() or not used.any():
            return
        new = np.where(used, np.cumsum(used) - 1, -1).astype(np.int64)
        self.dropped = [c for c, u in zip(self.cols, used, strict=True) if not u]
        self.cols = [c for c, u in zip(self.cols, used, strict=True) if u]
        self.col_index = pd.Index([c.key for c in self.cols], dtype=object)
        self.ci = new[self.ci]
        self.doc_col = np.where(self.doc_col >= 0, new[np.clip(self.doc_col, 0, None)], -1)
        if len(self.part_ids):
            col = new[self.part_col]
            kept = col >= 0
            self.part_ids, self.part_col = self.part_ids[kept], col[kept]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    @cached_property
    def cell(self) -> np.ndarray:
        cell: np.ndarray = self.ri * max(len(self.cols), 1) + self.ci
        return cell

    @cached_property
    def _order(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sort by (cell, document, start, longest first); mark the first coding of each
        passage (codings in one cell and document that nest or overlap are one passage)
        and give each passage's end (the furthest end of its codings)."""
        k12 = self.cell * max(len(self.docs), 1) + self.dpos
        order = np.lexsort((-self.end, self.start, k12))
        k12s, starts, ends = k12[order], self.start[order], self.end[order]
        n = len(order)
        first = np.ones(n, dtype=bool)
        if n > 1:
            new_group = np.ones(n, dtype=bool)
            new_group[1:] = k12s[1:] != k12s[:-1]
            group = np.cumsum(new_group) - 1
            big = np.int64(int(ends.max()) + 1)
            reach = np.maximum.accumulate(group * big + ends) - group * big  # furthest end so far
            first[1:] = new_group[1:] | (starts[1:] >= reach[:-1])
        heads = np.flatnonzero(first)
        passage_end = (
            np.maximum.reduceat(ends, heads) if n else np.zeros(0, dtype=np.int64)
        )
        return order, first, passage_end.astype(np.int64)

    @cached_property
    def passages(self) -> np.ndarray:
        """Indices of the passages (the coding that opens each), sorted by cell,
        document and start."""
        order, first, _ = self._order
        distinct: np.ndarray = order[first]
        return distinct

    @property
    def passage_end(self) -> np.ndarray:
        """The end of each passage in :attr:`passages` (its codings' furthest end)."""
        return self._order[2]

    # -- measures ----------------------------------------------------------
    def _grid(self, flat: np.ndarray) -> np.ndarray:
        nr, nc = self.shape
        return flat[: nr * nc].reshape(nr, nc)

    def _count(self, cells: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        nr, nc = self.shape
        return self._grid(np.bincount(cells, weights=weights, minlength=nr * nc))

    def _distinct(self, other: np.ndarray, n_other: int) -> np.ndarray:
        key = self.cell * max(n_other, 1) + other
        u = np.unique(key)
        return self._count(u // max(n_other, 1))

    def segments(self) -> np.ndarray:
        return self._count(self.cell[self.passages])

    def documents(self) -> np.ndarray:
        return self._distinct(self.dpos, len(self.docs))

    def participants(self) -> np.ndarray:
        p = self.passages  # a passage belongs to the speaker of its first character
        part, cell = self.part[p], self.cell[p]
        has = part >= 0
        if not has.any():
            return np.zeros(self.shape, dtype=np.int64)
        ids, inverse = np.unique(part[has], return_inverse=True)
        key = cell[has] * len(ids) + inverse
        return self._count(np.unique(key) // len(ids))

    def presence(self) -> np.ndarray:
        return (self._count(self.cell) > 0).astype(np.int64)

    def words(self) -> np.ndarray:
        p = self.passages
        n = words.count_spans(self.session, self.doc[p], self.start[p], self.passage_end)
        counts: np.ndarray = np.rint(self._count(self.cell[p], n.astype(float)))
        return counts.astype(np.int64)

    def covered(self) -> np.ndarray:
        """Characters covered per cell, each character once (passages never overlap)."""
        p = self.passages
        if len(p) == 0:
            return np.zeros(self.shape, dtype=np.int64)
        gain = self.passage_end - self.start[p]
        counts: np.ndarray = np.rint(self._count(self.cell[p], gain.astype(float)))
        return counts.astype(np.int64)

    @cached_property
    def col_chars(self) -> np.ndarray:
        nc = len(self.cols)
        if self.by_speaker:
            t = self._speaker_turns()
            return np.bincount(t[1], weights=(t[0][:, 2] - t[0][:, 1]).astype(float),
                               minlength=nc)[:nc]
        ok = self.doc_col >= 0
        return np.bincount(self.doc_col[ok], weights=self.docs["chars"].to_numpy(float)[ok],
                           minlength=nc)[:nc]

    @cached_property
    def col_words(self) -> np.ndarray:
        nc = len(self.cols)
        if self.by_speaker:
            t, tcol = self._speaker_turns()
            n = words.count_spans(self.session, t[:, 0], t[:, 1], t[:, 2])
            return np.bincount(tcol, weights=n.astype(float), minlength=nc)[:nc]
        ok = self.doc_col >= 0
        return np.bincount(self.doc_col[ok], weights=self.docs["words"].to_numpy(float)[ok],
                           minlength=nc)[:nc]

    def _speaker_turns(self) -> tuple[np.ndarray, np.ndarray]:
        """Turns of speakers in the columns, with each one's column."""
        t = self.turns
        if not len(t) or not len(self.part_ids):
            return np.zeros((0, 4), dtype=np.int64), np.zeros(0, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.part_ids, t[:, 3]), 0, len(self.part_ids) - 1)
        ok = self.part_ids[pos] == t[:, 3]
        return t[ok], self.part_col[pos[ok]]

    def share(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.covered() / self.col_chars[None, :] * 100.0
        return np.where(self.col_chars[None, :] > 0, out, np.nan)

    def rate(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.segments() / self.col_words[None, :] * 1000.0
        return np.where(self.col_words[None, :] > 0, out, np.nan)

    def measure(self, name: str) -> np.ndarray:
        values: np.ndarray = getattr(self, measure(name).name)()
        return values

    def frame(self, name: str) -> pd.DataFrame:
        m = measure(name)
        data = self.measure(m.name)
        return pd.DataFrame(
            data.astype(np.int64) if m.integer else data.astype(float),
            index=pd.Index([r.code_id for r in self.rows], name="code_id"),
            columns=pd.Index([c.key for c in self.cols], dtype=object, name=self.spec.text),
        )

    def matrix(self, name: str) -> Matrix:
        m = measure(name)
        note = definition(m.name, self.spec, self.rollup, self.has_sub_codes)
        if self.dropped:
            names = ", ".join(c.name for c in self.dropped)
            note += f" Left out for having no coded passage: {names}."
        return Matrix(
            m.name, self.spec, self.rollup, self.rows, self.cols, self.frame(m.name),
            note, self.case_ids, [c.name for c in self.dropped],
        )

    @cached_property
    def has_sub_codes(self) -> bool:
        """Whether a row's code has sub-codes (so roll-up changes its count)."""
        parents = {n.parent for n in self.nodes.values() if n.parent is not None}
        return any(r.code_id in parents for r in self.rows)

    # -- drill-down ---------------------------------------------------------
    def column_position(self, key: int | str) -> int:
        """The column for a key (id or value) or a column name."""
        for i, c in enumerate(self.cols):
            if c.key == key or (isinstance(key, str) and str(c.key) == key):
                return i
        for i, c in enumerate(self.cols):
            if isinstance(key, str) and c.name.casefold() == key.strip().casefold():
                return i
        raise NotFound(f"no column '{key}' in the matrix by {self.spec.text}")

    def first_codings(self, per_cell: int) -> pd.DataFrame:
        """The first ``per_cell`` passages of every cell, in document order.

        Columns: ``code_id`` (the row), ``key`` (the column), ``coding_id``.
        """
        if not len(self.coding):
            raise UsageError("this layout was built without coding ids")
        p = self.passages
        # document order within each cell: dpos already follows display order
        cell = self.cell[p]
        new = np.ones(len(p), dtype=bool)
        new[1:] = cell[1:] != cell[:-1]
        starts = np.flatnonzero(new)
        rank = np.arange(len(p)) - np.repeat(starts, np.diff(np.append(starts, len(p))))
        pick = p[rank < per_cell]
        return pd.DataFrame({
            "code_id": self.row_index.to_numpy()[self.ri[pick]],
            "key": self.col_index.to_numpy()[self.ci[pick]],
            "coding_id": self.coding[pick],
        })


def hidden_codings(session: Session, blind: Blind) -> np.ndarray:
    """The codings ``blind``'s viewer does not see: other coders' (or no coder's) in the
    documents of an open round they code in, as in the segments and document views."""
    from sqlalchemy import select

    from crosscase.db.models import Coding

    if not blind.documents:
        return np.zeros(0, dtype=np.int64)
    q = select(Coding.id).where(blind.hidden())
    return np.asarray(session.scalars(q).all(), dtype=np.int64)


def validate_cases(session: Session, case_ids: list[int] | None) -> None:
    if case_ids is None:
        return
    known = set(frames.cases_frame(session, list(case_ids)).index)
    missing = set(case_ids) - known
    if missing:
        raise NotFound(f"no case {', '.join(str(c) for c in sorted(missing))}")


def compute_matrix(
    source: Project | Session,
    *,
    cols: str | ColumnSpec = "cases",
    measure: str = "segments",
    rollup: bool = False,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
    drop_empty_columns: bool = True,
    blind: Blind | None = None,
) -> Matrix:
    """The matrix of ``measure`` for codes by ``cols``, from a Project or a Session.

    By an attribute, the values no passage of the rows' codes falls in are left
    out (and named in the definition) unless ``drop_empty_columns`` is False;
    cases and documents are always all shown.
    """
    from crosscase.analysis.measures import measure as lookup

    m = lookup(measure)
    with frames.use_session(source) as session:
        validate_cases(session, case_ids)
        layout = Layout(
            session, cols=cols, rollup=rollup, code_ids=code_ids, case_ids=case_ids,
            need_speakers=m.name == "participants", drop_empty_columns=drop_empty_columns,
            coder_ids=coder_ids, blind=blind,
        )
        return layout.matrix(m.name)


def compute_matrices(
    source: Project | Session,
    measures: list[str] | tuple[str, ...],
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
    drop_empty_columns: bool = True,
    blind: Blind | None = None,
) -> list[Matrix]:
    """Several measures over the same layout (read once); empty attribute values as
    :func:`compute_matrix` leaves them out."""
    from crosscase.analysis.measures import measure as lookup

    names = [lookup(m).name for m in measures]
    with frames.use_session(source) as session:
        validate_cases(session, case_ids)
        layout = Layout(
            session, cols=cols, rollup=rollup, code_ids=code_ids, case_ids=case_ids,
            need_speakers="participants" in names, drop_empty_columns=drop_empty_columns,
            coder_ids=coder_ids, blind=blind,
        )
        return [layout.matrix(n) for n in names]


def cell_coding_ids(
    source: Project | Session,
    code_id: int,
    col_key: int | str,
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    case_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
    blind: Blind | None = None,
) -> list[int]:
    """The codings behind one cell, one per passage, in document order."""
    with frames.use_session(source) as session:
        layout = Layout(
            session, cols=cols, rollup=rollup, code_ids=[code_id], case_ids=case_ids,
            with_ids=True, coder_ids=coder_ids, blind=blind,
        )
        ci = layout.column_position(col_key)
        p = layout.passages
        sel = p[layout.ci[p] == ci]
        return [int(i) for i in layout.coding[sel]]


def cell_segments(
    source: Project | Session,
    code_id: int,
    col_key: int | str,
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    case_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
    blind: Blind | None = None,
) -> list[Segment]:
    """The coded segments behind one cell, with their citations, in document order.

    Under roll-up a passage coded with a code and its sub-code is listed once.
    """
    with frames.use_session(source) as session:
        ids = cell_coding_ids(
            session, code_id, col_key, cols=cols, rollup=rollup, case_ids=case_ids,
            coder_ids=coder_ids, blind=blind,
        )
        return fetch_segments(session, ids)


def fetch_segments(session: Session, coding_ids: list[int]) -> list[Segment]:
    """Segments for coding ids, in document order (case, document, start)."""
    out: list[Segment] = []
    for i in range(0, len(coding_ids), 20_000):
        out.extend(segments_service.fetch(session, coding_ids=coding_ids[i : i + 20_000]))
    if len(coding_ids) > 20_000:
        order = {cid: k for k, cid in enumerate(coding_ids)}
        out.sort(key=lambda s: order[s.id])
    return out


def compute_span_rows(
    session: Session,
    rows: list[tuple[str, dict[int, list[tuple[int, int]]]]],
    *,
    cols: str | ColumnSpec = "cases",
    measure: str = "segments",
    case_ids: list[int] | None = None,
) -> Matrix:
    """A matrix whose rows are not codes but stretches of text found another way
    (coding queries: "query by case"). Each row is ``(label, {document: spans})``;
    the spans of a row are its passages, placed in columns and measured by the same
    rules as coded passages. Row ids are -1, -2, ... in order."""
    from crosscase.analysis.measures import measure as lookup

    m = lookup(measure)
    validate_cases(session, case_ids)
    layout = Layout(session, cols=cols, code_ids=[], case_ids=case_ids, need_speakers=True)
    layout.rows = [MatrixRow(-(i + 1), label, label, 0) for i, (label, _) in enumerate(rows)]
    layout.row_index = pd.Index([r.code_id for r in layout.rows], dtype=np.int64)
    ri_l, doc_l, start_l, end_l = [], [], [], []
    for i, (_, spans) in enumerate(rows):
        for did, found in spans.items():
            for s, e in found:
                ri_l.append(i)
                doc_l.append(did)
                start_l.append(s)
                end_l.append(e)
    ri = np.asarray(ri_l, dtype=np.int64)
    doc = np.asarray(doc_l, dtype=np.int64)
    start = np.asarray(start_l, dtype=np.int64)
    end = np.asarray(end_l, dtype=np.int64)
    dpos = layout.docs.index.get_indexer(doc) if len(doc) else np.zeros(0, np.int64)
    ok = dpos >= 0
    ri, doc, start, end, dpos = ri[ok], doc[ok], start[ok], end[ok], dpos[ok]
    part = np.full(len(doc), -1, dtype=np.int64)
    if len(layout.turns):
        t = frames.speaker_turn(layout.turns, doc, start)
        has = t >= 0
        part[has] = layout.turns[t[has], 3]
        if layout.by_speaker:
            end = np.where(has, np.minimum(end, layout.turns[np.clip(t, 0, None), 2]), end)
    if layout.by_speaker:
        ppos = np.clip(np.searchsorted(layout.part_ids, part), 0,
                       max(len(layout.part_ids) - 1, 0))
        found_p = (part >= 0) & (len(layout.part_ids) > 0)
        if len(layout.part_ids):
            found_p &= layout.part_ids[ppos] == part
        ci = np.where(found_p, layout.part_col[ppos] if len(layout.part_col) else -1, -1)
    else:
        ci = layout.doc_col[dpos] if len(dpos) else np.zeros(0, np.int64)
    keep = ci >= 0
    layout.ri, layout.ci = ri[keep], ci[keep].astype(np.int64)
    layout.doc, layout.dpos = doc[keep], dpos[keep].astype(np.int64)
    layout.start, layout.end, layout.part = start[keep], end[keep], part[keep]
    layout.code = np.zeros(len(layout.ri), dtype=np.int64)
    matrix = layout.matrix(m.name)
    matrix.definition = " ".join([
        MEASURES[m.name].definition,
        "Rows are coding queries: a passage is a stretch of text the query finds.",
        layout.spec.description,
    ])
    return matrix
