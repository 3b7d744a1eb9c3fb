"""How full each page of a Word report is, as LibreOffice lays it out.

    .venv/bin/python tests/exchange/reports/page_fill.py REPORT.docx [MORE.docx ...]

renders each report with ``soffice --headless --convert-to pdf`` and prints, for
every page, how much of the text area below the lowest line of text is empty;
pages of the table (before the one holding "Note.") that are more than a quarter
empty are marked. The reports' margins are one inch on every side.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARGIN_PT = 72.0  # one inch, as docx_report.MARGIN


@dataclass
class PageFill:
    number: int  # from 1
    empty: float  # share of the text area's height below the lowest text
    note: bool  # the page holds the table's note ("Note. ...")


def render_pdf(docx: Path, outdir: Path) -> Path:
    """The PDF LibreOffice makes of ``docx`` (``soffice`` must be on the path)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("soffice (LibreOffice) is not installed")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
            check=True, capture_output=True, timeout=300)
    return outdir / (docx.stem + ".pdf")


def page_fills(pdf: Path, margin: float = MARGIN_PT) -> list[PageFill]:
    """Per page: the empty share of the text area under the lowest line (the footer,
    which sits in the bottom margin, is not counted as text)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    out: list[PageFill] = []
    for number, layout in enumerate(extract_pages(str(pdf)), 1):
        _, y0, _, y1 = layout.bbox
        top, bottom = y1 - margin, y0 + margin
        lowest = top
        note = False
        for el in layout:
            if not isinstance(el, LTTextContainer):
                continue
            lines = [ln for ln in el if isinstance(ln, LTTextLine)] or [el]
            for ln in lines:
                text = ln.get_text().strip()
                if not text or ln.y0 < bottom - 6:  # the page number in the footer
                    continue
                lowest = min(lowest, ln.y0)
                note = note or text.startswith("Note.")
        out.append(PageFill(number, max(lowest - bottom, 0.0) / (top - bottom), note))
    return out


def table_pages(fills: list[PageFill]) -> list[PageFill]:
    """The pages the table fills before its last one (the one with the note, where
    the table ends by itself and the appendix starts on a new page)."""
    end = next((f.number for f in fills if f.note), len(fills))
    return [f for f in fills if f.number < end]


def gaps(fills: list[PageFill], share: float = 0.25) -> list[int]:
    """Numbers of the table's pages more than ``share`` empty."""
    return [f.number for f in table_pages(fills) if f.empty > share]


def main(paths: list[str]) -> None:
    for name in paths:
        with tempfile.TemporaryDirectory() as out:
            fills = page_fills(render_pdf(Path(name), Path(out)))
        bad = gaps(fills)
        print(f"{name}: {len(fills)} pages, table pages more than a quarter empty: "
              f"{len(bad)} {bad}")
        for f in fills:
            mark = " <" if f.number in bad else ""
            print(f"  page {f.number:3}: {f.empty:5.0%} empty{' (note)' if f.note else ''}{mark}")


if __name__ == "__main__":
    main(sys.argv[1:])
