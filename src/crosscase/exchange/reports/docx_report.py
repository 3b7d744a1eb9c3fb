"""The comparison table as a Word document a journal would accept with light editing.

Layout: an A4 landscape section holds the wide table, under a numbered
caption ("Table 1. ...", a real SEQ field so Word renumbers it when pasted
into a paper) and over a note that defines the measure. The header row is
shaded and repeats on every page; the code hierarchy is shown by indentation.
A portrait section follows with the codebook as an appendix.

Each cell holds what ``content`` asks for: ``counts`` (the measure),
``rating`` and ``summary`` (the researchers' framework judgement: "**Strong.**
summary"), and ``quotes`` (pinned exemplar quotes in quotation marks, each
with its citation, then, with ``quotes_per_cell``, the first coded segments).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.measures import MEASURES
from crosscase.exchange.reports.cells import xml_safe
from crosscase.exchange.reports.report_data import CONTENT, ReportData, gather, write_private
from crosscase.services.codebook import CodeNode

if TYPE_CHECKING:
    from lxml import etree
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project

FONT = "Times New Roman"
BODY_PT = 11
TABLE_PT = 9
HEADER_FILL = "D9D9D9"
RULE = "808080"
A4_LONG, A4_SHORT = Mm(297), Mm(210)
MARGIN = Mm(20)
INDENT_PER_LEVEL = Mm(3.5)
#: rows whose largest cell is shorter than this stay on one page
KEEP_ROW_CHARS = 1500


def export_docx(
    project: Project | Session,
    out: Path,
    *,
    measure: str = "segments",
    cols: str | ColumnSpec = "cases",
    content: Iterable[str] = CONTENT,
    rollup: bool = False,
    code_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    title: str | None = None,
    quotes_per_cell: int = 0,
    table_number: int = 1,
    appendix: bool = True,
) -> Path:
    """Write the report to ``out`` (readable by its owner only) and return the path."""
    data = gather(
        project, measure=measure, cols=cols, content=content, rollup=rollup,
        code_ids=code_ids, case_ids=case_ids, quotes_per_cell=quotes_per_cell,
    )
    doc = build_document(data, title=title, table_number=table_number, appendix=appendix)
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


# -- document ---------------------------------------------------------------


def build_document(
    data: ReportData, *, title: str | None = None, table_number: int = 1, appendix: bool = True
) -> DocxDocument:
    doc = new_document()
    _styles(doc)
    props = doc.core_properties
    props.title = xml_safe(title or default_title(data))
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.subject = xml_safe(data.project_name)
    props.keywords = ""

    section = doc.sections[0]
    _page(section, landscape=True)
    _footer_page_number(section)

    heading = doc.add_paragraph(xml_safe(data.project_name) or "Comparison", style="Title")
    heading.paragraph_format.space_after = Pt(2)
    sub = doc.add_paragraph(style="Subtitle")
    sub.add_run(f"Cross-case comparison, exported {data.exported.day} "
                f"{data.exported:%B %Y}")
    _caption(doc, table_number, xml_safe(title or default_title(data)))
    _table(doc, data, section)
    _note(doc, data)
    if appendix:
        _appendix(doc, data)
    return doc


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, size, bold, italic in (
        ("Title", 16, True, False), ("Subtitle", 11, False, True),
        ("Heading 1", 14, True, False), ("Heading 2", 12, True, False),
        ("Caption", BODY_PT, False, False),
    ):
        st = doc.styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = bold
        st.font.italic = italic
        st.font.color.rgb = RGBColor(0, 0, 0)
        st_rpr = st.element.get_or_add_rPr()
        for extra in ("w:spacing", "w:kern"):  # letter-spaced subtitles look odd in a paper
            el = st_rpr.find(qn(extra))
            if el is not None:
                st_rpr.remove(el)
        for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            f = st_rpr.find(qn("w:rFonts"))
            if f is not None and f.get(qn(theme_attr)) is not None:
                del f.attrib[qn(theme_attr)]
        st.paragraph_format.space_before = Pt(12 if name.startswith("Heading") else 0)
        st.paragraph_format.space_after = Pt(6)
    title_borders = doc.styles["Title"].element.find(qn("w:pPr"))
    if title_borders is not None:
        bdr = title_borders.find(qn("w:pBdr"))
        if bdr is not None:
            title_borders.remove(bdr)


def _page(section: Section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = A4_LONG if landscape else A4_SHORT
    section.page_height = A4_SHORT if landscape else A4_LONG
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _append(parent: etree._Element, child: etree._Element) -> None:
    """``parent.append(child)``: lxml takes any element, while its stubs type
    ``append`` as taking the parent's own element class (``CT_R``, ``CT_TcPr``)."""
    parent.append(child)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (``SEQ``, ``PAGE``) with its current result."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        _append(run._r, el)

    char("begin")
    instr = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    _append(instr._r, text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _footer_page_number(section: Section) -> None:
    footer = section.footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(p, "PAGE", "1")


def _caption(doc: DocxDocument, number: int, title: str) -> None:
    p = doc.add_paragraph(style="Caption")
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True
    lead = p.add_run("Table ")
    lead.bold = True
    _field(p, "SEQ Table \\* ARABIC", str(number))
    for run in p.runs[1:]:
        run.bold = True
    dot = p.add_run(". ")
    dot.bold = True
    p.add_run(title)


def _borders(table: Table) -> None:
    """Horizontal rules only, as journals set tables: a light rule between rows."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge, size, color in (
        ("top", 8, "000000"), ("bottom", 8, "000000"), ("insideH", 2, RULE),
        ("left", 0, "auto"), ("right", 0, "auto"), ("insideV", 0, "auto"),
    ):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), color)
        borders.append(el)
    _append(tbl_pr, borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _append(tbl_pr, layout)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("bottom", 40), ("left", 80), ("right", 80)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _append(tbl_pr, margins)


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _append(tc_pr, shd)


def _rule_below(cell: _Cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "8")
    bottom.set(qn("w:space"), "0")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    _append(tc_pr, borders)


def _repeat_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    _append(tr_pr, el)
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    _append(tr_pr, cant)


def _keep_row_together(row: _Row) -> None:
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    _append(row._tr.get_or_add_trPr(), cant)


def _row_chars(data: ReportData, code_id: int) -> int:
    """A rough size of the row's largest cell, to keep short rows on one page."""
    most = 0
    for col in data.matrix.cols:
        rc = data.cell(code_id, col.key)
        size = len(rc.summary) + sum(len(q.text) + 60 for q in rc.quotes) + 40
        most = max(most, size)
    return most


def _para(cell: _Cell, first: list[bool], *, size: float = TABLE_PT) -> Paragraph:
    """The cell's next paragraph (its first, empty one is used first)."""
    if first[0]:
        first[0] = False
        p: Paragraph = cell.paragraphs[0]
    else:
        p = cell.add_paragraph()
    p.paragraph_format.space_after = Pt(2)
    return p


def _run(p: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
         size: float = TABLE_PT) -> None:
    r = p.add_run(xml_safe(text))
    r.font.size = Pt(size)
    if bold:
        r.bold = True
    if italic:
        r.italic = True


def _table(doc: DocxDocument, data: ReportData, section: Section) -> None:
    mx = data.matrix
    rows, cols = mx.rows, mx.cols
    table = doc.add_table(rows=1 + len(rows), cols=1 + len(cols))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    page, left, right = section.page_width, section.left_margin, section.right_margin
    assert page is not None and left is not None and right is not None  # set by _page
    usable = page - left - right
    only_counts = data.content == ("counts",)
    first_w: int = Mm(60) if not only_counts else Mm(75)
    if len(cols) == 0:
        first_w = usable
    rest = int((usable - first_w) / max(len(cols), 1))
    widths = [first_w] + [rest] * len(cols)
    grid = table._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(int(w / 635)))  # EMU -> twentieths of a point

    base_depth = min((r.depth for r in rows), default=0)
    parents = {n.parent for n in data.nodes.values() if n.parent is not None}
    for ri, tr in enumerate(table.rows):
        cells = tr.cells
        for c, w in zip(cells, widths, strict=True):
            c.width = w
        if ri == 0:
            _repeat_header(tr)
            label = "Code" if not data.framework or only_counts else "Theme"
            heads = [label] + [c.name for c in cols]
            for i, (cell, text) in enumerate(zip(cells, heads, strict=True)):
                _shade(cell, HEADER_FILL)
                _rule_below(cell)
                p = cell.paragraphs[0]
                p.paragraph_format.keep_with_next = True
                if i and only_counts:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(p, text, bold=True)
            continue
        row = rows[ri - 1]
        if _row_chars(data, row.code_id) < KEEP_ROW_CHARS:
            _keep_row_together(tr)
        p = cells[0].paragraphs[0]
        p.paragraph_format.left_indent = INDENT_PER_LEVEL * (row.depth - base_depth)
        _run(p, row.name, bold=row.code_id in parents and row.depth == base_depth)
        for cell, col in zip(cells[1:], cols, strict=True):
            _fill(cell, data, row.code_id, col.key, only_counts)


def _fill(cell: _Cell, data: ReportData, code_id: int, key: int | str,
          only_counts: bool) -> None:
    rc = data.cell(code_id, key)
    first = [True]
    mx = data.matrix
    if only_counts:
        p = _para(cell, first)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, mx.text(code_id, key))
        return
    wrote = False
    rating = rc.rating if data.shows("rating") else None
    summary = rc.summary if data.shows("summary") else ""
    if rating or summary:
        p = _para(cell, first)
        if rating:
            _run(p, rating[:1].upper() + rating[1:] + ".", bold=True)
            if summary:
                _run(p, " ")
        if summary:
            _run(p, summary)
        wrote = True
    if data.shows("quotes"):
        for seg in rc.quotes:
            p = _para(cell, first)
            _run(p, "\u201c" + _quote_text(seg.text) + "\u201d ")
            _run(p, seg.citation())
            wrote = True
    if data.shows("counts"):
        p = _para(cell, first)
        _run(p, rc.count_text, italic=True, size=TABLE_PT - 1)
        wrote = True
    if not wrote:
        p = _para(cell, first)
        _run(p, "\u2013")
        data.dashes = True


def _quote_text(text: str) -> str:
    """The quote's own characters; a paragraph break inside it becomes one line break."""
    return re.sub(r"\n\s*\n+", "\n", text.strip())


def _note(doc: DocxDocument, data: ReportData) -> None:
    mx = data.matrix
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    r = p.add_run("Note. ")
    r.italic = True
    r.font.size = Pt(TABLE_PT + 0.5)
    sentences: list[str] = []
    if data.shows("counts"):
        sentences.append(mx.definition)
    else:
        sentences.append(mx.spec.description)
    if data.shows("rating"):
        scale = ", ".join(data.scale)
        sentences.append(
            f"Ratings are the researchers' judgement across all coded segments of the case, "
            f"on the scale {scale} (lowest first)."
        )
    if data.shows("summary"):
        sentences.append("Summaries are the researchers' own.")
    if data.shows("quotes") and data.any_quotes:
        how = []
        if data.any_pinned:
            how.append("exemplar quotes chosen by the researchers come first")
        if data.quotes_per_cell:
            how.append(
                f"cells are filled up to {data.quotes_per_cell} quotes with the first coded "
                "segments in document order"
            )
        lead = "Quotes are cited by case, document, speaker, and paragraph (¶) or page"
        sentences.append(lead + ("; " + "; ".join(how) if how else "") + ".")
    if data.dashes or mx.values.isna().to_numpy().any():
        sentences.append("\u2013 = nothing recorded.")
    r = p.add_run(xml_safe(" ".join(sentences)))
    r.font.size = Pt(TABLE_PT + 0.5)


def _appendix(doc: DocxDocument, data: ReportData) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=False)
    doc.add_paragraph("Appendix. Codebook", style="Heading 1")
    intro = doc.add_paragraph()
    intro.add_run(
        "Each code with its definition, inclusion and exclusion criteria and an example; "
        "sub-codes are indented under their parent code."
    )
    intro.paragraph_format.space_after = Pt(6)
    shown = {r.code_id for r in data.matrix.rows}
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
    head = doc.add_paragraph()
    head.paragraph_format.left_indent = indent
    head.paragraph_format.space_before = Pt(8)
    head.paragraph_format.space_after = Pt(2)
    head.paragraph_format.keep_with_next = True
    r = head.add_run(xml_safe(node.path.replace("/", " / ")))
    r.bold = True
    for label, text in (
        ("Definition", node.definition), ("Include", node.inclusion),
        ("Exclude", node.exclusion), ("Example", node.example),
    ):
        if not text.strip():
            continue
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = indent + Mm(4)
        p.paragraph_format.space_after = Pt(1)
        lead = p.add_run(f"{label}. ")
        lead.italic = True
        p.add_run(xml_safe(text.strip()))
