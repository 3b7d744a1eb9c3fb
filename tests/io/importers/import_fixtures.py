"""Files the importer tests build for themselves: docx, odt, PDF, zips.

Nothing here is read from disk except a system font for PDFs that need
characters outside Latin-1 (tests that need it skip when it is missing).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from crosscase.domain.extract import Extracted

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_STRICT_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --- checks -------------------------------------------------------------------


def para_texts(result: Extracted) -> list[str]:
    return [result.text[p.start : p.end] for p in result.paragraphs]


def turn_texts(result: Extracted) -> list[tuple[str, str]]:
    return [(t.speaker, result.text[t.start : t.end]) for t in result.turns]


def assert_well_formed(result: Extracted) -> None:
    """Every span inside the text, paragraphs numbered 1..n, in order, not overlapping."""
    result.check()
    text = result.text
    assert "\r" not in text and not text.startswith("\ufeff") and "\x00" not in text
    assert [p.number for p in result.paragraphs] == list(range(1, len(result.paragraphs) + 1))
    for group in (result.paragraphs, result.turns, result.pages):
        last = 0
        for item in group:
            assert last <= item.start <= item.end <= len(text)
            last = item.end
    for p in result.paragraphs:
        chunk = text[p.start : p.end]
        assert chunk and chunk == chunk.strip() and "\n" not in chunk


# --- zips -----------------------------------------------------------------------


def make_zip(members: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first is not None:
            content = members[stored_first]
            zf.writestr(
                zipfile.ZipInfo(stored_first),
                content.encode() if isinstance(content, str) else content,
                compress_type=zipfile.ZIP_STORED,
            )
        for name, content in members.items():
            if name == stored_first:
                continue
            zf.writestr(name, content.encode() if isinstance(content, str) else content)
    return buf.getvalue()


def rewrite_zip(data: bytes, member: str, change: Callable[[str], str]) -> bytes:
    """The same zip with one XML member's text changed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: src.read(info) for info in src.infolist()}
    members[member] = change(members[member].decode("utf-8")).encode("utf-8")
    return make_zip(members)  # type: ignore[arg-type]


# --- docx -----------------------------------------------------------------------


def docx_package(
    body: str,
    *,
    comments: str | None = None,
    footnotes: str | None = None,
    endnotes: str | None = None,
    strict: bool = False,
    extra_ns: str = "",
) -> bytes:
    """A minimal .docx around ``body`` (the inside of w:body, with the w: prefix)."""
    w = W_STRICT_NS if strict else W_NS
    rel = REL_STRICT_NS if strict else REL_NS
    ns = (
        f'xmlns:w="{w}" xmlns:r="{rel}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" ' + extra_ns
    )
    parts: dict[str, bytes | str] = {}
    overrides = [
        (
            "/word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
    ]
    rels = []
    for i, (kind, xml, root) in enumerate(
        (
            ("comments", comments, "comments"),
            ("footnotes", footnotes, "footnotes"),
            ("endnotes", endnotes, "endnotes"),
        ),
        start=1,
    ):
        if xml is None:
            continue
        parts[f"word/{kind}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f"<w:{root} {ns}>{xml}</w:{root}>"
        )
        overrides.append(
            (
                f"/word/{kind}.xml",
                f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml",
            )
        )
        rels.append(f'<Relationship Id="rId{i}" Type="{rel}/{kind}" Target="{kind}.xml"/>')
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides)
        + "</Types>"
    )
    parts["_rels/.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    parts["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )
    parts["word/document.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:document {ns}><w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    return make_zip(parts)


def p(*runs: str, style: str | None = None) -> str:
    """A w:p of plain runs (strings) or raw XML (strings starting with '<')."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{''.join(r if r.startswith('<') else run(r) for r in runs)}</w:p>"


def run(text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def python_docx(build: Callable[[object], None]) -> bytes:
    """A .docx written by python-docx; ``build`` gets the Document."""
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --- odt ------------------------------------------------------------------------

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)


def odt_package(
    body: str,
    *,
    mimetype: str = "application/vnd.oasis.opendocument.text",
    manifest_extra: str = "",
) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {ODT_NS}><office:body><office:text>{body}"
        "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{manifest_extra}</manifest:file-entry></manifest:manifest>"
    )
    return make_zip(
        {"mimetype": mimetype, "content.xml": content, "META-INF/manifest.xml": manifest},
        stored_first="mimetype",
    )


# --- pdf ------------------------------------------------------------------------


def make_pdf(
    pages: Iterable[Iterable[str]],
    *,
    unicode_font: bool = False,
    user_password: str | None = None,
    method: str = "RC4",
    gap: float = 5.0,
) -> bytes:
    """One page per item; each string a line; "" leaves a gap (a new paragraph)."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if unicode_font:
        if not DEJAVU.exists():
            pytest.skip("DejaVu Sans is not installed")
        pdf.add_font("dejavu", fname=str(DEJAVU))
    for lines in pages:
        pdf.add_page()
        if unicode_font:
            pdf.set_font("dejavu", size=11)
        else:
            pdf.set_font("helvetica", size=11)
        for line in lines:
            if line:
                pdf.cell(0, gap, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(gap * 3)
    if user_password is not None:
        pdf.set_encryption(
            owner_password="owner-secret",
            user_password=user_password,
            encryption_method=getattr(EncryptionMethod, method),
        )
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    img = Image.new("RGB", (200, 100), "white")
    for x in range(20, 180):
        img.putpixel((x, 50), (0, 0, 0))
    pdf = FPDF()
    pdf.add_page()
    pdf.image(img, x=10, y=10, w=100)
    return bytes(pdf.output())
