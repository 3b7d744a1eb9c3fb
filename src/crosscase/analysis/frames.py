"""Reading the project into numpy arrays and small pandas frames, fast.

The matrix reads tens of thousands to hundreds of thousands of codings;
going through ORM rows would spend most of the time building Python
objects. These helpers run ordinary (portable) SQLAlchemy selects and take
the rows straight from the database cursor into numpy.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Coding, Document, Turn
from crosscase.services.codebook import CodeNode

if TYPE_CHECKING:
    from crosscase.db.project import Project


@contextmanager
def use_session(source: Project | Session) -> Iterator[Session]:
    """A session from a :class:`~crosscase.db.project.Project`, or the session given."""
    if isinstance(source, Session):
        yield source
        return
    with source.session() as session:
        yield session


def fetch_ints(session: Session, stmt: Executable, ncols: int) -> np.ndarray:
    """All rows of an all-integer select as an ``(n, ncols)`` int64 array."""
    result = session.connection().execute(stmt)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    if not rows:
        return np.zeros((0, ncols), dtype=np.int64)
    flat = np.fromiter(
        itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * ncols
    )
    return flat.reshape(-1, ncols)


def cases_frame(session: Session, case_ids: list[int] | None = None) -> pd.DataFrame:
    """Cases in display order: index case id; columns name, position."""
    q = select(Case.id, Case.name).order_by(Case.position, Case.id)
    if case_ids is not None:
        q = q.where(Case.id.in_(case_ids))
    rows = session.execute(q).all()
    return pd.DataFrame(
        {"name": [r[1] for r in rows]}, index=pd.Index([r[0] for r in rows], name="case_id")
    )


def documents_frame(session: Session, case_ids: list[int] | None = None) -> pd.DataFrame:
    """Documents in display order (case, then document): index document id."""
    q = (
        select(Document.id, Document.case_id, Document.name, Document.chars, Document.words,
               Case.name)
        .join(Case, Case.id == Document.case_id)
        .order_by(Case.position, Case.id, Document.position, Document.id)
    )
    if case_ids is not None:
        q = q.where(Document.case_id.in_(case_ids))
    rows = session.execute(q).all()
    return pd.DataFrame(
        {
            "case_id": np.array([r[1] for r in rows], dtype=np.int64),
            "name": [r[2] for r in rows],
            "chars": np.array([r[3] or 0 for r in rows], dtype=np.int64),
            "words": np.array([r[4] or 0 for r in rows], dtype=np.int64),
            "case": [r[5] for r in rows],
        },
        index=pd.Index(np.array([r[0] for r in rows], dtype=np.int64), name="document_id"),
    )


def codings_array(
    session: Session,
    *,
    code_ids: list[int] | None,
    case_ids: list[int] | None,
    with_ids: bool = False,
    coder_ids: list[int] | None = None,
) -> np.ndarray:
    """Codings as rows ``[code_id, document_id, start, end(, coding id)]``; with
    ``coder_ids``, only those coders' codings."""
    cols = [Coding.code_id, Coding.document_id, Coding.start, Coding.end]
    if with_ids:
        cols.append(Coding.id)
    q = select(*cols)
    # small filters go to the database (indexed); large ones are applied in numpy
    if code_ids is not None and len(code_ids) <= 500:
        q = q.where(Coding.code_id.in_(code_ids))
    if case_ids is not None and len(case_ids) <= 500:
        q = q.where(
            Coding.document_id.in_(select(Document.id).where(Document.case_id.in_(case_ids)))
        )
    if coder_ids is not None:
        q = q.where(Coding.coder_id.in_(list(coder_ids)))
    arr = fetch_ints(session, q, len(cols))
    if code_ids is not None and len(code_ids) > 500:
        arr = arr[np.isin(arr[:, 0], np.asarray(code_ids, dtype=np.int64))]
    return arr


def turns_array(session: Session, case_ids: list[int] | None = None) -> np.ndarray:
    """Speaker turns as rows ``[document_id, start, end, participant_id]``, sorted."""
    q = select(Turn.document_id, Turn.start, Turn.end, Turn.participant_id)
    if case_ids is not None:
        q = q.where(Turn.document_id.in_(select(Document.id).where(Document.case_id.in_(case_ids))))
    arr = fetch_ints(session, q, 4)
    order = np.lexsort((arr[:, 1], arr[:, 0]))
    return arr[order]


def speaker_turn(turns: np.ndarray, document_ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Index into ``turns`` of the turn containing each position, or -1."""
    n = len(document_ids)
    if n == 0 or len(turns) == 0:
        return np.full(n, -1, dtype=np.int64)
    shift = np.int64(1) << np.int64(32)
    tkey = turns[:, 0] * shift + turns[:, 1]
    ckey = document_ids.astype(np.int64) * shift + starts.astype(np.int64)
    idx = np.searchsorted(tkey, ckey, side="right") - 1
    safe = np.clip(idx, 0, None)
    ok = (idx >= 0) & (turns[safe, 0] == document_ids) & (turns[safe, 2] > starts)
    return np.where(ok, idx, -1)


def closure(nodes: dict[int, CodeNode]) -> tuple[dict[int, int], np.ndarray, np.ndarray]:
    """Each code with itself and its ancestors, laid out for :func:`expand`.

    Returns ``(position, offsets, ancestors)``: the ancestors of the code at
    ``position[code]`` are ``ancestors[offsets[p]:offsets[p + 1]]``.
    """
    position: dict[int, int] = {}
    chains: list[list[int]] = []
    for cid, node in nodes.items():
        chain = [cid]
        parent = node.parent
        while parent is not None and parent in nodes:
            chain.append(parent)
            parent = nodes[parent].parent
        position[cid] = len(chains)
        chains.append(chain)
    lengths = np.array([len(c) for c in chains], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    ancestors = np.fromiter(itertools.chain.from_iterable(chains), dtype=np.int64,
                            count=int(offsets[-1]))
    return position, offsets, ancestors


def expand(
    code_ids: np.ndarray, nodes: dict[int, CodeNode]
) -> tuple[np.ndarray, np.ndarray]:
    """Roll-up: for each item, one entry per code it counts for (itself and ancestors).

    Returns ``(item index, code id)`` arrays.
    """
    position, offsets, ancestors = closure(nodes)
    lookup = pd.Series(position, dtype=np.int64)
    pos = lookup.reindex(code_ids).to_numpy()
    known = ~np.isnan(pos) if pos.dtype.kind == "f" else np.ones(len(pos), dtype=bool)
    items = np.flatnonzero(known)
    pos = pos[known].astype(np.int64)
    counts = offsets[pos + 1] - offsets[pos]
    item = np.repeat(items, counts)
    first = np.repeat(offsets[pos], counts)
    within = np.arange(len(item)) - np.repeat(np.cumsum(counts) - counts, counts)
    return item, ancestors[first + within]
