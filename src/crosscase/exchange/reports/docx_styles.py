"""The named Word styles every exported table uses, with an APA 7 look by default.

A journal template restyles the tables by redefining these styles, so the
writers set no font, size, shading or border on a run, paragraph or cell
where a style can say it. The default look follows APA 7: Times New Roman,
rules only above and below the header row and under the last row, no
shading, no vertical rules and no rules between body rows.

Styles (paragraph unless marked):
    Crosscase Table        table style: the rules, cell margins, header bold
    Table Heading          header cells (never broken inside a word)
    Table Theme 1..n       theme names, indented one step per level
    Table Text             cell text: summaries, counts in a counts-only table
    Table Quote            a quote with its citation
    Table Quote RTL        the same, right to left
    Table Count            the count under a cell's text
    Table Note             the note under the table
    Table Rating           character: the rating that leads a summary
    Table Citation         character: a quote's citation
    Table Number           character: "Table 1" in the caption
    Table Title            character: the title in the caption
    Note Label             character: "Note." in the note
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle

FONT = "Times New Roman"
BODY_PT = 12
TABLE_PT = 10
NOTE_PT = 10
INDENT_PER_LEVEL = Mm(3.5)
TABLE_STYLE = "Crosscase Table"
#: line height of table text, as a multiple of its size (used to estimate row heights)
LINE = 1.15


def _fonts(style: BaseStyle) -> None:
    """One font for every script (Latin, complex scripts such as Arabic and Hebrew, East Asian)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme_attr)) is not None:
            del fonts.attrib[qn(theme_attr)]


def _size_cs(style: BaseStyle, points: float) -> None:
    """The complex-script size too (Arabic and Hebrew text uses ``w:szCs``)."""
    rpr = style.element.get_or_add_rPr()
    el = rpr.find(qn("w:szCs"))
    if el is None:
        el = OxmlElement("w:szCs")
        rpr.append(el)
    el.set(qn("w:val"), str(int(points * 2)))


def _paragraph_style(doc: DocxDocument, name: str, base: str, *, size: float,
                     bold: bool = False, italic: bool = False, after: float = 0,
                     before: float = 0, indent: int = 0, keep_next: bool = False) -> None:
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles[base]
    st.quick_style = True
    st.font.size = Pt(size)
    _size_cs(st, size)
    st.font.bold = bold
    st.font.italic = italic
    pf = st.paragraph_format
    pf.space_after = Pt(after)
    pf.space_before = Pt(before)
    pf.line_spacing = 1.0
    if indent:
        pf.left_indent = indent
    if keep_next:
        pf.keep_with_next = True
    st.element.get_or_add_pPr()


def _character_style(doc: DocxDocument, name: str, *, bold: bool = False,
                     italic: bool = False) -> None:
    st = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    st.quick_style = True
    st.font.bold = bold
    st.font.italic = italic


def _table_style(doc: DocxDocument) -> None:
    """Three rules: above and below the header, under the last row; nothing else."""
    st = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    st.base_style = doc.styles["Normal Table"]
    st.quick_style = True
    rule = 'w:val="single" w:sz="8" w:space="0" w:color="000000"'
    none = 'w:val="nil"'
    el = st.element
    el.append(parse_xml(
        f"<w:tblPr {nsdecls('w')}>"
        '<w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/>'
        "<w:tblBorders>"
        f"<w:top {rule}/><w:left {none}/><w:bottom {rule}/><w:right {none}/>"
        f"<w:insideH {none}/><w:insideV {none}/>"
        "</w:tblBorders>"
        "<w:tblCellMar>"
        # no top margin and a hairline at the bottom: the paragraphs' own spacing
        # separates rows (larger cell margins left a blank line under every row)
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="20" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar>"
        "</w:tblPr>"
    ))
    el.append(parse_xml(
        f"<w:tcPr {nsdecls('w')}><w:vAlign w:val=\"top\"/></w:tcPr>"
    ))
    el.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
        "<w:rPr><w:b/><w:bCs/></w:rPr>"
        "<w:tblPr/>"
        "<w:trPr><w:tblHeader/></w:trPr>"
        f"<w:tcPr><w:tcBorders><w:top {rule}/><w:bottom {rule}/></w:tcBorders>"
        "<w:vAlign w:val=\"bottom\"/></w:tcPr>"
        "</w:tblStylePr>"
    ))


def define_styles(doc: DocxDocument, *, theme_levels: int = 3) -> None:
    """Add the report's styles to ``doc`` (a new document from python-docx's template)."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _size_cs(normal, BODY_PT)
    _fonts(normal)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, size, bold, italic in (
        ("Title", 14, True, False), ("Heading 1", 12, True, False),
        ("Heading 2", 12, True, True), ("Caption", BODY_PT, False, False),
    ):
        st = doc.styles[name]
        _fonts(st)
        st.font.size = Pt(size)
        _size_cs(st, size)
        st.font.bold = bold
        st.font.italic = italic
        st.font.color.rgb = RGBColor(0, 0, 0)
        rpr = st.element.get_or_add_rPr()
        for extra in ("w:spacing", "w:kern"):
            found = rpr.find(qn(extra))
            if found is not None:
                rpr.remove(found)
        ppr = st.element.get_or_add_pPr()
        bdr = ppr.find(qn("w:pBdr"))
        if bdr is not None:
            ppr.remove(bdr)
        pf = st.paragraph_format
        pf.space_before = Pt(12 if name.startswith("Heading") else 0)
        pf.space_after = Pt(6)
    caption = doc.styles["Caption"].paragraph_format
    caption.space_after = Pt(0)
    caption.keep_with_next = True
    caption.line_spacing = 2.0  # APA: the caption double-spaced above the table
    _paragraph_style(doc, "Table Text", "Normal", size=TABLE_PT, after=2)
    _paragraph_style(doc, "Table Heading", "Table Text", size=TABLE_PT, bold=True,
                     keep_next=True)
    for level in range(1, max(theme_levels, 1) + 1):
        _paragraph_style(doc, f"Table Theme {level}", "Table Text", size=TABLE_PT,
                         indent=INDENT_PER_LEVEL * (level - 1))
    _paragraph_style(doc, "Table Quote", "Table Text", size=TABLE_PT, after=3)
    _paragraph_style(doc, "Table Quote RTL", "Table Quote", size=TABLE_PT, after=3)
    bidi = OxmlElement("w:bidi")
    doc.styles["Table Quote RTL"].element.get_or_add_pPr().append(bidi)
    _paragraph_style(doc, "Table Count", "Table Text", size=TABLE_PT - 1, italic=True)
    _paragraph_style(doc, "Table Note", "Normal", size=NOTE_PT, before=6)
    _character_style(doc, "Table Rating", bold=True)
    _character_style(doc, "Table Citation")
    _character_style(doc, "Table Number", bold=True)
    _character_style(doc, "Table Title", italic=True)
    _character_style(doc, "Note Label", italic=True)
    _table_style(doc)


def theme_style(depth: int) -> str:
    """The theme-name style for a code ``depth`` levels below the table's top level."""
    return f"Table Theme {depth + 1}"
