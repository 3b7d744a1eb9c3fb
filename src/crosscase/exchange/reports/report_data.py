"""What goes into an exported report, gathered once from the project.

The Word and Excel writers only lay this out; everything they show (the
numbers, the researchers' summaries and ratings, the quotes and their
citations, the codebook) is collected here in one read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.analysis import frames
from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.matrix import Layout, Matrix, MatrixRow, fetch_segments, validate_cases
from crosscase.analysis.measures import MEASURES, format_value
from crosscase.analysis.measures import measure as lookup_measure
from crosscase.domain.errors import UsageError
from crosscase.exchange.files import replacing
from crosscase.services import codebook, framework
from crosscase.services.codebook import CodeNode
from crosscase.services.segments import CITATION_STYLES, Segment

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project

CONTENT = ("counts", "summary", "rating", "quotes")


@dataclass
class ReportCell:
    value: float | None
    count_text: str  # "14 segments", or "0 segments; 5 incl. sub-codes" when not rolled up
    summary: str = ""
    rating: str | None = None
    quotes: list[Segment] = field(default_factory=list)
    pinned: int = 0  # how many of the quotes were pinned by the researchers
    #: the rolled-up value, where the matrix is not rolled up and the code has sub-codes
    rolled: float | None = None

    @property
    def empty(self) -> bool:
        nothing = self.value is None or self.value != self.value or self.value == 0
        return (nothing and not self.rolled and not self.summary and not self.rating
                and not self.quotes)


@dataclass
class ReportData:
    project_name: str
    matrix: Matrix
    cells: dict[tuple[int, int | str], ReportCell]
    nodes: dict[int, CodeNode]
    scale: list[str]
    content: tuple[str, ...]
    quotes_per_cell: int
    framework: bool  # columns are cases, so summaries and ratings apply
    exported: date = field(default_factory=date.today)
    dashes: bool = False  # set by a writer that showed "–" for an empty cell
    #: the rows shown (the matrix's, without empty ones when asked)
    rows: list[MatrixRow] = field(default_factory=list)
    citations: str = "short"
    max_quote_words: int | None = None
    parents: set[int] = field(default_factory=set)  # shown codes that have sub-codes
    #: the heading over the rows' names, where they are not codes (e.g. "Query")
    row_heading: str | None = None
    #: the coders whose codings the report counts and quotes (empty: everyone's)
    coders: list[str] = field(default_factory=list)

    def cell(self, code_id: int, key: int | str) -> ReportCell:
        return self.cells[(code_id, key)]

    @property
    def sub_counts(self) -> bool:
        """Whether some cell shows a count "incl. sub-codes" beside its own."""
        return any(c.rolled is not None for c in self.cells.values())

    def cited(self) -> list[Segment]:
        """The quotes shown, in table order."""
        return [q for r in self.rows for col in self.matrix.cols
                for q in self.cell(r.code_id, col.key).quotes]

    def shows(self, what: str) -> bool:
        if what in ("summary", "rating"):
            return self.framework and what in self.content
        return what in self.content

    @property
    def any_quotes(self) -> bool:
        return any(c.quotes for c in self.cells.values())

    @property
    def any_pinned(self) -> bool:
        return any(c.pinned for c in self.cells.values())


def check_content(content: Iterable[str]) -> tuple[str, ...]:
    out = tuple(str(c).strip().lower() for c in content)
    bad = [c for c in out if c not in CONTENT]
    if bad:
        raise UsageError(f"cell content must be among {', '.join(CONTENT)}, not {', '.join(bad)}")
    if not out:
        raise UsageError("choose at least one kind of cell content")
    return out


def gather(
    project: Project | Session,
    *,
    measure: str = "segments",
    cols: str | ColumnSpec = "cases",
    content: Iterable[str] = CONTENT,
    rollup: bool = True,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    quotes_per_cell: int = 0,
    drop_empty: bool = False,
    citations: str = "short",
    max_quote_words: int | None = None,
    coder_ids: list[int] | None = None,
) -> ReportData:
    """Everything a report shows. Rolled up by default: a theme's count includes its
    sub-codes' passages. Not rolled up, a code with sub-codes shows both counts
    ("0 segments; 5 incl. sub-codes"), so a rating never stands beside a count that
    leaves out the evidence for it. With ``coder_ids`` the counts, the quotes (pinned
    ones too) and the cells' segments come from those coders' codings only, and the
    note says whose."""
    m = lookup_measure(measure)
    wanted = check_content(content)
    if quotes_per_cell < 0:
        raise UsageError("quotes per cell cannot be negative")
    if citations not in CITATION_STYLES:
        raise UsageError(f"citations must be one of {', '.join(CITATION_STYLES)}")
    if max_quote_words is not None and max_quote_words < 1:
        raise UsageError("--max-quote-words must be at least 1")
    with frames.use_session(project) as session:
        validate_cases(session, case_ids)
        layout = Layout(
            session, cols=cols, rollup=rollup, code_ids=code_ids, case_ids=case_ids,
            with_ids="quotes" in wanted, need_speakers=m.name == "participants",
            coder_ids=coder_ids,
        )
        mx = layout.matrix(m.name)
        rolled_values = None
        if not rollup and layout.has_sub_codes:
            rolled_values = Layout(
                session, cols=layout.spec, rollup=True, code_ids=code_ids, case_ids=case_ids,
                need_speakers=m.name == "participants", coder_ids=coder_ids,
            ).frame(m.name)
        by_case = layout.spec.by == "cases"
        row_ids = [r.code_id for r in mx.rows]
        col_keys = [c.key for c in mx.cols]
        stored = (
            framework.cells(session, row_ids, [int(k) for k in col_keys]) if by_case else {}
        )
        pins = (
            framework.pinned(session, row_ids, [int(k) for k in col_keys])
            if by_case and "quotes" in wanted else {}
        )
        names = coder_names(session, coder_ids)
        if coder_ids is not None:
            pins = only_by(pins, names)
        fill: dict[tuple[int, int | str], list[Segment]] = {}
        if "quotes" in wanted and quotes_per_cell > 0 and row_ids and col_keys:
            most_pins = max((len(v) for v in pins.values()), default=0)
            first = layout.first_codings(quotes_per_cell + most_pins)
            segs = {s.id: s for s in fetch_segments(session, first["coding_id"].tolist())}
            for code_id, key, coding_id in first.itertuples(index=False):
                if coding_id in segs:
                    fill.setdefault((int(code_id), key), []).append(segs[coding_id])
        nodes = codebook.tree(session)
        scale = framework.rating_scale(session)
        from sqlalchemy import select

        from crosscase.db.models import ProjectInfo

        title = session.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1)) or ""
    cells: dict[tuple[int, int | str], ReportCell] = {}
    values = mx.values
    parents = {n.parent for n in nodes.values() if n.parent is not None}
    for row in mx.rows:
        for col in mx.cols:
            v = values.at[row.code_id, col.key]
            cell = ReportCell(float(v), format_value(m.name, v, unit=True))
            if rolled_values is not None and row.code_id in parents:
                rv = rolled_values.at[row.code_id, col.key]
                cell.rolled = float(rv)
                if format_value(m.name, rv) != format_value(m.name, v):
                    cell.count_text += f"; {format_value(m.name, rv)} incl. sub-codes"
            view = stored.get((row.code_id, int(col.key))) if by_case else None
            if view is not None:
                cell.summary = view.summary.strip()
                cell.rating = view.rating
            if "quotes" in wanted:
                pinned = pins.get((row.code_id, int(col.key)), []) if by_case else []
                quotes = list(pinned)
                seen = {q.id for q in quotes}
                for seg in fill.get((row.code_id, col.key), []):
                    if len(quotes) >= max(quotes_per_cell, len(pinned)):
                        break
                    if seg.id not in seen:
                        quotes.append(seg)
                        seen.add(seg.id)
                cell.quotes = quotes
                cell.pinned = len(pinned)
            cells[(row.code_id, col.key)] = cell
    rows = list(mx.rows)
    if drop_empty:
        rows = [r for r in rows if not all(cells[(r.code_id, c.key)].empty for c in mx.cols)]
    return ReportData(
        project_name=title,
        matrix=mx,
        cells=cells,
        nodes=nodes,
        scale=scale,
        content=wanted,
        quotes_per_cell=quotes_per_cell,
        framework=by_case,
        rows=rows,
        citations=citations,
        max_quote_words=max_quote_words,
        parents={r.code_id for r in rows if r.code_id in parents},
        coders=names,
    )


def coder_names(session: Session, coder_ids: list[int] | None) -> list[str]:
    """The names of the coders chosen, in the order chosen (none: no filter)."""
    if not coder_ids:
        return []
    from sqlalchemy import select

    from crosscase.db.models import Coder

    found = {int(i): str(n) for i, n in session.execute(
        select(Coder.id, Coder.name).where(Coder.id.in_(list(coder_ids))))}
    return [found[i] for i in coder_ids if i in found]


def only_by(pins: dict[tuple[int, int], list[Segment]], names: list[str]
            ) -> dict[tuple[int, int], list[Segment]]:
    """Pinned quotes coded by one of ``names`` only."""
    chosen = set(names)
    kept = {key: [q for q in quotes if q.coder in chosen] for key, quotes in pins.items()}
    return {key: quotes for key, quotes in kept.items() if quotes}


def coders_sentence(names: list[str]) -> str:
    """Whose codings a filtered report counts, as a sentence for its note ("" for all)."""
    if not names:
        return ""
    said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    whose = "coder" if len(names) == 1 else "coders"
    return (f"Only the codings of {whose} {said} are counted and quoted; other coders' "
            "codings are left out.")


def resolve_codes(session: Session, specs: Iterable[str], *,
                  descendants: bool = True) -> list[int]:
    """Code ids for paths or unique names, each with its sub-codes unless ``descendants``
    is false, in codebook order."""
    nodes = codebook.tree(session)
    wanted: set[int] = set()
    for spec in specs:
        cid = codebook.resolve(session, spec)
        wanted.update(codebook.descendants(nodes, cid) if descendants else {cid})
    return [cid for cid in nodes if cid in wanted]


def measure_names() -> list[str]:
    return list(MEASURES)


def write_private(out: Path, write: Callable[[Path], None]) -> Path:
    """Write through a temporary file beside ``out``, readable by the owner only,
    then move it into place: a failed export never leaves half a file, and a
    target that is a project or one of its files is refused before anything
    is written (:mod:`crosscase.exchange.files`)."""
    out = Path(out)
    with replacing(out) as tmp:
        write(tmp)
    return out
