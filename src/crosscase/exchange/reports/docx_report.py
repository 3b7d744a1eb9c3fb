"""The comparison table as a Word document a journal accepts as it is.

APA 7 by default, restylable by any journal template: every paragraph, run
and table uses a named style (see ``docx_styles``), so nothing carries a
hand-set font size, shading or border. Under an APA caption ("**Table 1**" on
its own line, the *Title in Title Case* on the next, both in Word's Caption
style with a real SEQ field) comes the table, then "*Note.*" with what the
numbers mean, what a theme's count includes and who the cited participants
are. The project name and export date go into the document's properties.

The page is portrait when the table fits, landscape otherwise; column
widths follow their content, and the header row repeats on every page. A
row is kept on one page when its estimated height is at most a fifth of the
page (so that, with the estimate a fifth short, it still takes at most a
quarter); a taller row is cut between paragraphs into pieces of at most that
height, each continuing piece under its theme's name with "(continued)".
A piece that cannot be cut that small (one long quote) may break across pages
where it stands, so no page is left more than a quarter empty for a row
kept whole. Quotes in Arabic or Hebrew are set right
to left. A portrait codebook appendix follows unless left out.

Each cell holds what ``content`` asks for: ``rating`` and ``summary`` (the
researchers' framework judgement: "**Strong.** summary"), ``quotes``
(pinned exemplar quotes first, then with ``quotes_per_cell`` the first
passages) and ``counts`` (the measure; rolled up by default, so a theme's
count includes its sub-codes' passages).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.measures import MEASURES
from crosscase.exchange.reports import docx_text
from crosscase.exchange.reports.cells import xml_safe
from crosscase.exchange.reports.docx_styles import (
    LINE,
    TABLE_PT,
    TABLE_STYLE,
    define_styles,
    theme_style,
)
from crosscase.exchange.reports.report_data import (
    CONTENT,
    ReportData,
    coders_sentence,
    gather,
    write_private,
)
from crosscase.services.codebook import CodeNode
from crosscase.services.segments import Segment

if TYPE_CHECKING:
    from lxml import etree
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project

A4_LONG, A4_SHORT = Mm(297), Mm(210)
MARGIN = Mm(25.4)  # APA: one inch
PT_PER_MM = 72 / 25.4
CELL_MARGIN_PT = 8.5  # left + right cell margins of the table style (2 x 85 twips)
#: no page may be left more than this share empty for a row kept whole
GAP_SHARE = 0.25
#: a row (or a piece of one) is kept on one page only when its estimated height is at
#: most this share of the page: the estimate may be short by a fifth (other fonts,
#: emoji, right-to-left shaping) and a kept row still fits in a quarter of the page
KEEP_SHARE = GAP_SHARE / 1.25
CONTINUED = " (continued)"

_MINOR = frozenset(
    "a an and as at but by for in nor of off on or per so the to up via vs yet with".split()
)


# -- the plan of a table: paragraphs per cell, widths, pieces of rows ----------------


@dataclass
class Para:
    """One paragraph of a cell: a style and its runs (text, character style)."""

    style: str
    runs: list[tuple[str, str | None]]
    rtl: bool = False

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass
class Row:
    label: list[Para]
    cells: list[list[Para]]
    header: bool = False


@dataclass
class TablePlan:
    """Everything a table needs before it is written: rows, widths (points), orientation."""

    header: Row
    rows: list[Row]
    landscape: bool = False
    widths: list[float] = field(default_factory=list)
    centred: bool = False  # counts only: the numbers centred under their heading


def export_docx(
    project: Project | Session,
    out: Path,
    *,
    measure: str = "segments",
    cols: str | ColumnSpec = "cases",
    content: Iterable[str] = CONTENT,
    rollup: bool = True,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    title: str | None = None,
    quotes_per_cell: int = 0,
    table_number: int = 1,
    appendix: bool = True,
    drop_empty: bool = False,
    transpose: bool = False,
    max_quote_words: int | None = None,
    citations: str = "short",
    charts: Sequence[str] = (),
    coder_ids: list[int] | None = None,
) -> Path:
    """Write the report to ``out`` (readable by its owner only) and return the path;
    ``charts`` (kinds of :mod:`crosscase.exchange.charts`) follow the table as figures.
    With ``coder_ids`` only those coders' codings are counted and quoted (the charts,
    which count everyone's, are then refused)."""
    if charts and coder_ids is not None:
        from crosscase.domain.errors import UsageError

        raise UsageError("charts count every coder's codings: leave out the charts or "
                         "the coder choice")
    data = gather(
        project, measure=measure, cols=cols, content=content, rollup=rollup,
        code_ids=code_ids, case_ids=case_ids, quotes_per_cell=quotes_per_cell,
        drop_empty=drop_empty, citations=citations, max_quote_words=max_quote_words,
        coder_ids=coder_ids,
    )
    figures = None
    if charts:
        from crosscase.exchange import charts as charts_module

        def figures(d: DocxDocument) -> None:
            width, _ = usable_pt(landscape=False)
            charts_module.add_figures(d, project, list(charts), width_pt=width,
                                      measure=measure, cols=cols, rollup=rollup,
                                      code_ids=code_ids, case_ids=case_ids)

    doc = build_document(data, title=title, table_number=table_number, appendix=appendix,
                         transpose=transpose, figures=figures)
    return write_private(Path(out), lambda p: doc.save(str(p)))


def default_title(data: ReportData) -> str:
    mx = data.matrix
    if mx.spec.by == "cases":
        across = "the cases"
    elif mx.spec.by == "documents":
        across = "the documents"
    else:
        across = f"{mx.spec.scope} {mx.spec.attribute}"
    present = {
        "summary": any(c.summary for c in data.cells.values()),
        "rating": any(c.rating for c in data.cells.values()),
        "quotes": data.any_quotes,
    }
    framework = [w for w in ("summary", "rating", "quotes") if data.shows(w) and present[w]]
    if framework:
        parts = {"summary": "summaries", "rating": "ratings", "quotes": "exemplar quotes"}
        listed = [parts[w] for w in framework]
        said = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
        return f"Themes across {across}: {said}"
    return f"{MEASURES[mx.measure].label} for each code across {across}"


def title_case(text: str) -> str:
    """APA title case: major words capitalised, minor words (of three letters or fewer)
    lower case unless first, last or after a colon; words with a capital are kept."""
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        after_colon = i > 0 and words[i - 1].endswith(":")
        core = w.strip("\"'“”‘’()")
        if not core or any(ch.isupper() for ch in core) or not core[0].isalpha():
            out.append(w)
        elif core.lower() in _MINOR and 0 < i < len(words) - 1 and not after_colon:
            out.append(w)
        else:
            k = w.index(core[0])
            out.append(w[:k] + w[k].upper() + w[k + 1:])
    return " ".join(out)


# -- document ---------------------------------------------------------------


def new_report(data_name: str, title: str, exported: str, *, theme_levels: int) -> DocxDocument:
    """A document with the report styles and properties (the heading lines live here)."""
    doc = new_document()
    define_styles(doc, theme_levels=theme_levels)
    props = doc.core_properties
    props.title = xml_safe(title)
    props.author = ""
    props.last_modified_by = ""
    props.subject = xml_safe(data_name)
    props.comments = f"Cross-case comparison exported {exported} from Crosscase"
    props.keywords = ""
    return doc


def build_document(
    data: ReportData, *, title: str | None = None, table_number: int = 1,
    appendix: bool = True, transpose: bool = False,
    figures: Callable[[DocxDocument], None] | None = None,
) -> DocxDocument:
    base = min((r.depth for r in data.rows), default=0)
    levels = max((r.depth - base for r in data.rows), default=0) + 1
    chosen = title or default_title(data)
    exported = f"{data.exported.day} {data.exported:%B %Y}"
    doc = new_report(data.project_name, chosen, exported, theme_levels=levels)
    plan = plan_matrix(data, transpose=transpose)
    section = doc.sections[0]
    fit(plan)
    page(section, landscape=plan.landscape)
    footer_page_number(section)
    caption(doc, table_number, chosen)
    write_table(doc, plan, section)
    note(doc, note_sentences(data))
    if figures is not None:  # charts as numbered figures, after the table
        figures(doc)
    if appendix:
        _appendix(doc, data)
    return doc


def page(section: Section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = A4_LONG if landscape else A4_SHORT
    section.page_height = A4_SHORT if landscape else A4_LONG
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def usable_pt(landscape: bool) -> tuple[float, float]:
    """Width and height (points) inside the margins."""
    long_, short = 297 * PT_PER_MM, 210 * PT_PER_MM
    margin = 2 * 25.4 * PT_PER_MM
    return ((long_ if landscape else short) - margin, (short if landscape else long_) - margin)


def _append(parent: etree._Element, child: etree._Element) -> None:
    """``parent.append(child)``: lxml takes any element, while its stubs type
    ``append`` as taking the parent's own element class (``CT_R``, ``CT_TcPr``)."""
    parent.append(child)


def _field(paragraph: Paragraph, instruction: str, shown: str, style: str | None = None) -> None:
    """A complex field (``SEQ``, ``PAGE``) with its current result."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        if style:
            run._r.style = style_id(style)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        _append(run._r, el)

    char("begin")
    instr = paragraph.add_run()
    if style:
        instr._r.style = style_id(style)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    _append(instr._r, text)
    char("separate")
    shown_run = paragraph.add_run(shown)
    if style:
        shown_run._r.style = style_id(style)
    char("end")


def footer_page_number(section: Section) -> None:
    footer = section.footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _field(p, "PAGE", "1")


def caption(doc: DocxDocument, number: int, title: str, *, label: str = "Table") -> None:
    """APA: "Table 1" (or "Figure 1") in bold on its own line, the title in italic
    title case below it."""
    first = styled(doc.add_paragraph(), "Caption")
    _runs(first, f"{label} ", "Table Number")
    _field(first, f"SEQ {label} \\* ARABIC", str(number), style="Table Number")
    second = styled(doc.add_paragraph(), "Caption")
    _runs(second, title_case(xml_safe(title)), "Table Title")


def style_id(name: str) -> str:
    """The id python-docx gives a style of this name ("Table Text" -> "TableText");
    setting ids directly spares a search of every style for each paragraph and run."""
    return name.replace(" ", "")


def styled(p: Paragraph, name: str) -> Paragraph:
    p._p.style = style_id(name)
    return p


def _runs(p: Paragraph, text: str, style: str | None = None) -> None:
    """``text`` as runs, those in Arabic or Hebrew marked right to left."""
    for piece, rtl in docx_text.direction_runs(text):
        run = p.add_run(piece)
        if style:
            run._r.style = style_id(style)
        if rtl:
            rpr = run._r.get_or_add_rPr()
            _append(rpr, OxmlElement("w:rtl"))


def note(doc: DocxDocument, sentences: Sequence[str]) -> None:
    p = styled(doc.add_paragraph(), "Table Note")
    _runs(p, "Note.", "Note Label")
    _runs(p, " " + xml_safe(" ".join(sentences)))


# -- the matrix as rows of paragraphs ------------------------------------------------


def quote_paragraph(seg: Segment, citations: str, max_words: int | None) -> Para:
    """A quote in quotation marks, its citation after it, the period after the
    parenthesis (APA: a run-in quote's closing period moves after the citation)."""
    text = re.sub(r"\n\s*\n+", "\n", seg.text.strip())
    text, _cut = docx_text.shorten(text, max_words)
    cite = seg.citation(citations)
    rtl = docx_text.is_rtl(text)
    if cite:
        if text.endswith(".") and not text.endswith("..."):
            text = text[:-1]
        if rtl:  # the citation keeps its own direction inside a right-to-left paragraph
            cite = docx_text.LRI + cite + "." + docx_text.PDI
        else:
            cite += "."
    runs: list[tuple[str, str | None]] = [("\u201c" + xml_safe(text) + "\u201d", None)]
    if cite:
        runs.append((" ", None))
        runs.append((xml_safe(cite), "Table Citation"))
    return Para("Table Quote RTL" if rtl else "Table Quote", runs, rtl=rtl)


def cell_paragraphs(data: ReportData, code_id: int, key: int | str) -> list[Para]:
    rc = data.cell(code_id, key)
    if data.content == ("counts",):
        return [Para("Table Text", [(data.matrix.text(code_id, key), None)])]
    out: list[Para] = []
    rating = rc.rating if data.shows("rating") else None
    summary = rc.summary if data.shows("summary") else ""
    if rating or summary:
        runs: list[tuple[str, str | None]] = []
        if rating:
            runs.append((rating[:1].upper() + rating[1:] + ".", "Table Rating"))
            if summary:
                runs.append((" ", None))
        if summary:
            runs.append((xml_safe(summary), None))
        out.append(Para("Table Text", runs))
    if data.shows("quotes"):
        out.extend(quote_paragraph(q, data.citations, data.max_quote_words) for q in rc.quotes)
    if data.shows("counts"):
        out.append(Para("Table Count", [(rc.count_text, None)]))
    if not out:
        out.append(Para("Table Text", [("\u2013", None)]))
        data.dashes = True
    return out


def plan_matrix(data: ReportData, *, transpose: bool = False) -> TablePlan:
    mx = data.matrix
    only_counts = data.content == ("counts",)
    label = data.row_heading or ("Code" if not data.framework or only_counts else "Theme")
    base = min((r.depth for r in data.rows), default=0)
    if not transpose:
        heads = [label] + [c.name for c in mx.cols]
        rows = [
            Row([Para(theme_style(r.depth - base), [(xml_safe(r.name), None)])],
                [cell_paragraphs(data, r.code_id, c.key) for c in mx.cols])
            for r in data.rows
        ]
    else:
        heads = [mx.spec.text[:1].upper() + mx.spec.text[1:] if mx.spec.by != "cases"
                 else "Case"] + [r.name for r in data.rows]
        rows = [
            Row([Para("Table Theme 1", [(xml_safe(c.name), None)])],
                [cell_paragraphs(data, r.code_id, c.key) for r in data.rows])
            for c in mx.cols
        ]
    header = Row([Para("Table Heading", [(xml_safe(heads[0]), None)])],
                 [[Para("Table Heading", [(xml_safe(h), None)])] for h in heads[1:]],
                 header=True)
    return TablePlan(header, rows, centred=only_counts)


def _words_width(paras: Iterable[Para], bold: bool = False) -> float:
    longest = max((docx_text.longest_word(p.text) for p in paras), default=1)
    return docx_text.word_width(longest, TABLE_PT, bold=bold) + CELL_MARGIN_PT


def _natural(paras: Iterable[Para]) -> float:
    """Width (points) the paragraphs would take on one line each."""
    most = max((len(p.text) for p in paras), default=1)
    return most * TABLE_PT * 0.5 + CELL_MARGIN_PT + 6


def fit(plan: TablePlan) -> None:
    """Orientation and column widths: portrait when the table fits, else landscape;
    the first column narrows when the others need room; no word breaks in a header."""
    n = len(plan.header.cells)
    first_paras = plan.header.label + [p for r in plan.rows for p in r.label]
    first_min = max(_words_width(first_paras, bold=True), 60.0)
    first_want = min(max(_natural(first_paras), first_min), 170.0)
    col_min, col_want = [], []
    for j in range(n):
        paras = [p for r in plan.rows for p in r.cells[j]]
        head = plan.header.cells[j]
        least = max(_words_width(head, bold=True), _words_width(paras), 36.0)
        text = sum(len(p.text) for p in paras) / max(len(plan.rows), 1)
        want = min(_natural(paras), 150.0) if text < 60 else 150.0
        col_min.append(least)
        col_want.append(max(want, least))
    portrait, _ = usable_pt(False)
    plan.landscape = (first_want + sum(col_want) > portrait
                      and first_min + 0.8 * sum(col_want) > portrait)
    width, _ = usable_pt(plan.landscape)
    if not n:
        plan.widths = [width]
        return
    # the first column gives way when the others need room, down to its longest word
    first = min(max(width - sum(col_want), first_min), first_want)
    first = min(first, max(first_min, width * 0.3))
    rest = width - first
    if plan.centred or rest / n >= max(col_min):
        cols = [rest / n] * n
    elif sum(col_min) >= rest:
        cols = [rest * m / sum(col_min) for m in col_min]
    else:
        # every column gets its least width, the rest of the room by what it wants
        spare = rest - sum(col_min)
        extra = [max(w - m, 0.0) + 1.0 for w, m in zip(col_want, col_min, strict=True)]
        cols = [m + spare * e / sum(extra) for m, e in zip(col_min, extra, strict=True)]
    plan.widths = [first, *cols]


def _para_height(p: Para, width: float) -> float:
    after = {"Table Quote": 3.0, "Table Quote RTL": 3.0, "Table Text": 2.0}.get(p.style, 0.0)
    size = TABLE_PT - 1 if p.style == "Table Count" else TABLE_PT
    return docx_text.height(p.text, width - CELL_MARGIN_PT, size, after_pt=after, line=LINE)


def _height(paras: list[Para], width: float) -> float:
    return sum(_para_height(p, width) for p in paras) + 4.0


def pieces(plan: TablePlan, page_height: float) -> list[tuple[Row, bool]]:
    """Each row, or the pieces of a row taller than ``KEEP_SHARE`` of the page, with
    whether to keep it on one page; continuing pieces repeat the theme with "(continued)".
    Only a row or piece whose estimated height is within the share is kept whole: a
    taller one (a quote longer than the share by itself) breaks across pages."""
    limit = page_height * KEEP_SHARE
    out: list[tuple[Row, bool]] = []
    for row in plan.rows:
        heights = [_height(c, w) for c, w in zip(row.cells, plan.widths[1:], strict=True)]
        if max(heights + [_height(row.label, plan.widths[0])]) <= limit:
            out.append((row, True))
            continue
        # as few pieces as keep each within the limit, the cells' text spread evenly
        count = max(2, math.ceil(max(heights) / limit))
        chunks: list[list[list[Para]]] = []
        for cell, w, total in zip(row.cells, plan.widths[1:], heights, strict=True):
            target = max(total / count, 1.0)
            parts: list[list[Para]] = [[]]
            used = 4.0
            for p in cell:
                h = _para_height(p, w)
                even = used + h / 2 > target and len(parts) < count
                if parts[-1] and (even or used + h > limit):  # never past the limit
                    parts.append([])
                    used = 4.0
                parts[-1].append(p)
                used += h
            chunks.append(parts)
        count = max(len(c) for c in chunks)
        for i in range(count):
            cells = [c[i] if i < len(c) else [] for c in chunks]
            label = row.label if i == 0 else [
                Para(p.style, [*p.runs, (CONTINUED, None)], p.rtl) for p in row.label]
            tall = max(_height(c, w) for c, w in zip(cells, plan.widths[1:], strict=True))
            out.append((Row(label, cells), tall <= limit))
    return out


def _row_props(tr: etree._Element, *, header: bool = False, keep: bool = True) -> None:
    tr_pr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    if keep:
        cant = OxmlElement("w:cantSplit")
        _append(tr_pr, cant)
    if header:
        _append(tr_pr, OxmlElement("w:tblHeader"))


def _write_paras(cell_paras: list[Para], cell: object, centred: bool) -> None:
    from docx.table import _Cell

    assert isinstance(cell, _Cell)
    for i, spec in enumerate(cell_paras or [Para("Table Text", [])]):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        styled(p, spec.style)
        if centred and spec.style in ("Table Text", "Table Heading"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if spec.rtl or (spec.style.startswith("Table Theme") or spec.style == "Table Heading") \
                and docx_text.is_rtl(spec.text):
            if spec.style != "Table Quote RTL":
                ppr = p._p.get_or_add_pPr()
                _append(ppr, OxmlElement("w:bidi"))
        for text, style in spec.runs:
            _runs(p, text, style)


def write_table(doc: DocxDocument, plan: TablePlan, section: Section) -> Table:
    _, height = usable_pt(plan.landscape)
    body = pieces(plan, height)
    table: Table = doc.add_table(rows=1 + len(body), cols=len(plan.widths), style=TABLE_STYLE)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _append(tbl_pr, layout)
    twips = [int(w * 20) for w in plan.widths]
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        gc.set(qn("w:w"), str(w))
    rows = [(plan.header, True)] + body
    for tr, (row, keep) in zip(table.rows, rows, strict=True):
        _row_props(tr._tr, header=row.header, keep=keep)
        cells = tr.cells
        for c, width in zip(cells, plan.widths, strict=True):
            c.width = Pt(width)
        _write_paras(row.label, cells[0], False)
        for cell, paras in zip(cells[1:], row.cells, strict=True):
            _write_paras(paras, cell, plan.centred)
    return table


# -- the note -------------------------------------------------------------------


def participant_legend(quotes: Iterable[Segment]) -> str:
    """"P2 = manager, manager interview (Case A)": who each short citation names."""
    seen: dict[str, set[str]] = {}
    for q in quotes:
        who = q.participant or q.speaker
        if not who:
            continue
        what = ", ".join(x for x in (q.role, q.document) if x) + f" ({q.case})"
        seen.setdefault(who, set()).add(what)
    if not seen:
        return ""
    parts = [f"{who} = {'; '.join(sorted(whats))}" for who, whats in seen.items()]
    return "Participants: " + "; ".join(parts) + "."


def note_sentences(data: ReportData) -> list[str]:
    mx = data.matrix
    sentences: list[str] = []
    if data.shows("counts"):
        sentences.append(mx.definition)
        if data.sub_counts:
            sentences.append(
                "Where a theme has sub-codes, \u201cincl. sub-codes\u201d gives its count "
                "with the passages of all its sub-codes.")
    else:
        sentences.append(mx.spec.description)
    if data.coders:
        sentences.append(coders_sentence(data.coders))
    if data.shows("rating"):
        scale = ", ".join(data.scale)
        sentences.append(
            "Ratings are the researchers' judgement across all coded segments of the case, "
            "including those coded with a theme's sub-codes, "
            f"on the scale {scale} (lowest first)."
        )
    if data.shows("summary"):
        sentences.append("Summaries are the researchers' own.")
    quotes = data.cited() if data.shows("quotes") else []
    if quotes:
        how = []
        if data.any_pinned:
            how.append("exemplar quotes chosen by the researchers come first")
        if data.quotes_per_cell:
            how.append(
                f"cells are filled up to {data.quotes_per_cell} quotes with the first coded "
                "passages in document order"
            )
        if data.max_quote_words:
            how.append(f"quotes longer than {data.max_quote_words} words are shortened (\u2026)")
        if data.citations == "short":
            lead = "Quotes are cited by participant (or document) and paragraph (¶) or page"
        elif data.citations == "full":
            lead = "Quotes are cited by case, document, speaker, and paragraph (¶) or page"
        else:
            lead = "Quotes are shown without citations"
        sentences.append(lead + ("; " + "; ".join(how) if how else "") + ".")
        if data.citations == "short":
            legend = participant_legend(quotes)
            if legend:
                sentences.append(legend)
    if data.dashes or mx.values.isna().to_numpy().any():
        sentences.append("\u2013 = nothing recorded.")
    return sentences


# -- the codebook appendix ------------------------------------------------------


def _appendix(doc: DocxDocument, data: ReportData) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    page(section, landscape=False)
    doc.add_paragraph("Appendix. Codebook", style="Heading 1")
    doc.add_paragraph(
        "Each code with its definition, inclusion and exclusion criteria and an example; "
        "sub-codes are indented under their parent code.")
    shown = {r.code_id for r in data.rows}
    keep = set(shown)
    for cid in shown:  # with the parents of the codes shown, for context
        parent = data.nodes[cid].parent if cid in data.nodes else None
        while parent is not None:
            keep.add(parent)
            parent = data.nodes[parent].parent
    for node in data.nodes.values():
        if node.id in keep:
            _code_entry(doc, node)


def _code_entry(doc: DocxDocument, node: CodeNode) -> None:
    indent = Mm(6) * node.depth
    head = styled(doc.add_paragraph(), "Heading 2")
    head.paragraph_format.left_indent = indent
    _runs(head, xml_safe(node.path.replace("/", " / ")))
    for label, text in (
        ("Definition", node.definition), ("Include", node.inclusion),
        ("Exclude", node.exclusion), ("Example", node.example),
    ):
        if not text.strip():
            continue
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = indent + Mm(4)
        _runs(p, f"{label}. ", "Note Label")
        _runs(p, xml_safe(text.strip()))
