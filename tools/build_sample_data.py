"""Build the Word and PDF files of the sample data from their plain-text sources.

The plain-text transcripts in ``sample_data/case_*/`` are committed as they are.
Transcripts that ship as Word files and the organisational documents that ship
as PDFs are written from ``sample_data/_src/*.txt``:

* Word sources: one paragraph per line. A line starting with ``# `` is a
  heading. A line starting with a speaker label (``Interviewer: ...``) gets
  the label in bold, as transcription services usually deliver it; the
  paragraph text is unchanged.
* PDF sources: ``# `` title, ``## `` heading, ``### `` subheading, ``- ``
  bullet item; other paragraphs are separated by blank lines.

The output is deterministic (fixed timestamps inside the files), so running
the script again without changing a source leaves the files byte-identical.

Run from the repository root with the project's virtual environment::

    .venv/bin/python tools/build_sample_data.py          # build
    .venv/bin/python tools/build_sample_data.py --check  # build, then verify the PDFs' text
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
SRC = SAMPLE / "_src"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Fixed timestamp written into every generated file.
STAMP = dt.datetime(2024, 4, 2, 9, 0, 0, tzinfo=dt.UTC)

# source name -> (output path relative to sample_data, document title)
DOCX = {
    "A-manager-interview": (
        "case_a_millbrook/A-manager-interview.docx",
        "Millbrook Works, manager interview",
    ),
    "A-service-users-interview": (
        "case_a_millbrook/A-service-users-interview.docx",
        "Millbrook Works, joint interview with two members",
    ),
    "B-connector-interview": (
        "case_b_tandem/B-connector-interview.docx",
        "Tandem Circles, connector interview",
    ),
    "B-service-user-interview": (
        "case_b_tandem/B-service-user-interview.docx",
        "Tandem Circles, member interview",
    ),
}
PDF = {
    "A-annual-report-2023": (
        "case_a_millbrook/A-annual-report-2023.pdf",
        "Millbrook Works Annual Report 2022–23 (extract)",
    ),
    "B-board-paper-2024": (
        "case_b_tandem/B-board-paper-2024.pdf",
        "Tandem Circles Board Paper 4/2024",
    ),
}

_LABEL = re.compile(r"^((?:\[\d{2}:\d{2}:\d{2}\] )?[A-Z][A-Za-z0-9 ]{0,30}?): ")


def read_source(name: str) -> str:
    text = (SRC / f"{name}.txt").read_text(encoding="utf-8")
    return text.replace("\r\n", "\n")


# --------------------------------------------------------------------------- Word


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so that builds are repeatable."""
    out = io.BytesIO()
    stamp = STAMP.timetuple()[:6]
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def build_docx(name: str, out: Path, title: str) -> None:
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    props = doc.core_properties
    props.title = title
    props.author = "Crosscase sample data"
    props.last_modified_by = "Crosscase sample data"
    props.comments = "Fictional sample data written for the Crosscase demo."
    props.created = STAMP.replace(tzinfo=None)
    props.modified = STAMP.replace(tzinfo=None)
    props.revision = 1

    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)

    for line in read_source(name).split("\n"):
        if not line.strip():
            continue
        if line.startswith("# "):
            doc.add_heading(line[2:].strip(), level=1)
            continue
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(6)
        m = _LABEL.match(line)
        if m:
            label = para.add_run(m.group(1) + ":")
            label.bold = True
            para.add_run(line[m.end() - 1 :])  # keep the space after the colon
        elif line.startswith("Fictional sample data"):
            run = para.add_run(line)
            run.italic = True
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        else:
            run = para.add_run(line)
            run.italic = True

    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(_normalise_zip(buf.getvalue()))


def docx_text(path: Path) -> str:
    """The document's text as Crosscase reads it: paragraph texts joined by newlines."""
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


# --------------------------------------------------------------------------- PDF


def _blocks(text: str) -> list[tuple[str, str]]:
    """Split a PDF source into (kind, text) blocks."""
    blocks: list[tuple[str, str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for line in text.split("\n"):
        s = line.strip()
        if not s:
            flush()
        elif s.startswith("### "):
            flush()
            blocks.append(("h3", s[4:]))
        elif s.startswith("## "):
            flush()
            blocks.append(("h2", s[3:]))
        elif s.startswith("# "):
            flush()
            blocks.append(("h1", s[2:]))
        elif s.startswith("- "):
            flush()
            blocks.append(("li", s[2:]))
        elif s.startswith("Fictional sample data"):
            flush()
            blocks.append(("notice", s))
        else:
            para.append(s)
    flush()
    return blocks


def build_pdf(name: str, out: Path, title: str) -> None:
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("DejaVu", size=8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Report(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(STAMP)
    pdf.set_title(title)
    pdf.set_author("Crosscase sample data")
    pdf.set_subject("Fictional sample data written for the Crosscase demo")
    pdf.set_creator("Crosscase sample data build")
    pdf.set_producer("fpdf2")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.alias_nb_pages()
    pdf.add_page()

    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, text in _blocks(read_source(name)):
        pdf.set_text_color(0, 0, 0)
        if kind == "notice":
            pdf.set_font("DejaVu", "I", 7)
            pdf.set_text_color(90, 90, 90)
            pdf.multi_cell(width, 3.4, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif kind == "h1":
            pdf.set_font("DejaVu", "B", 16)
            pdf.multi_cell(width, 8, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "h2":
            if pdf.get_y() > pdf.h - 50:  # keep a heading with its first lines
                pdf.add_page()
            pdf.ln(3)
            pdf.set_font("DejaVu", "B", 12.5)
            pdf.multi_cell(width, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "h3":
            if pdf.get_y() > pdf.h - 45:
                pdf.add_page()
            pdf.ln(1)
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.multi_cell(width, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.5)
        elif kind == "li":
            pdf.set_font("DejaVu", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(5, 5.1, "•")
            pdf.multi_cell(width - 9, 5.1, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
        else:
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(width, 5.1, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.6)
    pdf.output(str(out))


def pdf_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


_FOOTER = re.compile(r"\s*\bPage \d+ of \d+\s*\f?")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_pdf(name: str, out: Path) -> list[str]:
    """Every source block must come out of the PDF, in order, whitespace aside."""
    problems: list[str] = []
    # Page footers interrupt paragraphs that run over a page break.
    extracted = _squash(_FOOTER.sub(" ", pdf_text(out)))
    pos = 0
    for _kind, text in _blocks(read_source(name)):
        want = _squash(text)
        at = extracted.find(want, pos)
        if at < 0:
            problems.append(f"{out.name}: not found in reading order: {want[:70]!r}")
        else:
            pos = at + len(want)
    return problems


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="verify the PDFs' extracted text after building"
    )
    args = parser.parse_args(argv)

    for name, (rel, title) in DOCX.items():
        out = SAMPLE / rel
        build_docx(name, out, title)
        source = "\n".join(line for line in read_source(name).split("\n") if line.strip())
        source = "\n".join(line.removeprefix("# ") for line in source.split("\n"))
        if docx_text(out) != source:
            print(f"{rel}: Word text differs from its source", file=sys.stderr)
            return 1
        print(f"wrote {rel}")
    problems: list[str] = []
    for name, (rel, title) in PDF.items():
        out = SAMPLE / rel
        build_pdf(name, out, title)
        print(f"wrote {rel}")
        if args.check:
            problems += check_pdf(name, out)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
