"""A long PDF laid out in worker processes reads exactly as in one process, with
progress per page and a cancel that ends the workers."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from crosscase.domain.errors import Cancelled
from crosscase.domain.progress import Progress
from crosscase.io.importers import extract, parallel
from crosscase.io.importers.pdf import extract_pdf

WORDS = (
    "members decide together with staff what happens next in the day service the farm "
    "shop and the cafe co-production means sharing power and relational work takes time"
).split()


def report_pdf(pages: int = 24) -> bytes:
    """Paragraphs that run over page breaks, a running header and a page-number footer."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=9)
            self.cell(0, 5, "Millbrook Works: annual report", align="R")
            self.ln(10)
            self.set_font("helvetica", size=11)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", size=9)
            self.cell(0, 5, f"Page {self.page_no()}", align="C")
            self.set_font("helvetica", size=11)

    rng = random.Random(5)
    pdf = Report()
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    while pdf.page_no() < pages:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 160)))
        pdf.multi_cell(0, 5, words.capitalize() + ".", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def test_pages_laid_out_in_workers_read_exactly_as_in_one_process() -> None:
    data = report_pdf()
    with parallel.serial():
        alone = extract(Path("report.pdf"), data=data)
    with parallel.workers(1) as pool:
        shared = extract(Path("report.pdf"), data=data)
        assert pool.started  # the pages did go to a worker
    assert shared.text == alone.text
    assert shared.pages == alone.pages
    assert shared.paragraphs == alone.paragraphs
    assert shared.warnings == alone.warnings
    assert len(alone.pages) == 24
    assert "annual report" not in alone.text and "Page 3" not in alone.text


def test_a_long_pdf_starts_and_shuts_down_its_own_workers() -> None:
    data = report_pdf(10)
    with parallel.serial():
        alone = extract(Path("report.pdf"), data=data)
    if parallel.default_processes() == 0:
        pytest.skip("one core: nothing runs in parallel")
    assert extract(Path("report.pdf"), data=data).text == alone.text


def test_progress_counts_every_page() -> None:
    data = report_pdf(12)
    seen: list[tuple[int, int]] = []
    progress = Progress(on_change=lambda p: seen.append((p.done, p.total)))
    with parallel.workers(1), parallel.reporting_pages(progress):
        extract_pdf(data, "report.pdf")
    assert seen[0] == (0, 12) and seen[-1] == (12, 12)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cancel_stops_the_pages_and_ends_the_workers() -> None:
    data = report_pdf(30)
    progress = Progress()
    pids: list[int] = []

    def on_change(p: Progress) -> None:
        pool = parallel.active()
        if pool is not None and pool._pool is not None:
            pids.extend(pool._pool._processes)  # noqa: SLF001 - to see them end
        if p.done >= 4:
            p.cancel()

    progress.on_change = on_change
    with parallel.workers(1) as pool, parallel.reporting_pages(progress):
        with pytest.raises(Cancelled):
            extract_pdf(data, "report.pdf")
        assert not pool.started  # cancel shut the pool down
    assert progress.done < 30
    for pid in set(pids):
        with pytest.raises(OSError):
            os.kill(pid, 0)


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return any(line.startswith("State:") and "Z" in line for line in f)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_workers_end_when_the_importing_process_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from crosscase.io.importers import parallel\n"
        "if __name__ == '__main__':\n"
        "    pool = parallel.Workers(1)\n"
        "    print(pool.submit(os.getpid).result(), flush=True)\n"
        "    time.sleep(60)\n"
    )
    path = tmp_path / "importer.py"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        worker = int(proc.stdout.readline())
        assert not _gone(worker)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.time() + 15
    while time.time() < deadline and not _gone(worker):
        time.sleep(0.1)
    assert _gone(worker), "the worker outlived the process that started it"
