"""Peak memory of an import stays within IMPORT_PEAK_MEMORY_FACTOR times the larger
of the file's size and its text's size (Python allocations, in one process)."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

from crosscase.domain.limits import IMPORT_PEAK_MEMORY_FACTOR
from crosscase.io.importers import extract, parallel

WORDS = (
    "we upcycle furniture deliver leaflets and do conservation work the day service farm "
    "shop café caravan park members decide together with staff what happens next"
).split()


def turns(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    speakers = ["Interviewer", "Manager", "Service user 1"]
    return [
        f"{speakers[i % 3]}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 80)))
        for i in range(n)
    ]


def large_txt(path: Path) -> None:
    path.write_text("\n".join(turns(40_000)) + "\n", encoding="utf-8")


def large_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in turns(6_000):
        document.add_paragraph(line)
    document.save(str(path))


def large_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in turns(1_300):
        pdf.multi_cell(0, 5, line.replace("é", "e"), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.mark.parametrize("make", [large_txt, large_docx, large_pdf], ids=["txt", "docx", "pdf"])
def test_peak_memory_is_a_bounded_multiple_of_the_text(make: object, tmp_path: Path) -> None:
    path = tmp_path / f"big.{make.__name__.split('_')[1]}"  # type: ignore[attr-defined]
    make(path)  # type: ignore[operator]
    with parallel.serial():
        extract(path)  # modules and caches loaded before measuring
        tracemalloc.start()
        try:
            result = extract(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    size = max(path.stat().st_size, len(result.text.encode("utf-8")))
    assert size > 150_000, "the file is meant to be large"
    assert peak <= IMPORT_PEAK_MEMORY_FACTOR * size, (peak / size, size)
