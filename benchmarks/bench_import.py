"""Import speed: Crosscase's extract() against the bare library, on the same files.

    .venv/bin/python benchmarks/bench_import.py            # generate files, run, write docs
    .venv/bin/python benchmarks/bench_import.py --dir DIR  # use DIR/bench.{docx,pdf,txt}
    .venv/bin/python benchmarks/bench_import.py --quick    # smaller files, no docs written

Files (generated unless --dir is given): a Word transcript of about 100 pages
(python-docx), a 100-page PDF (fpdf2; a running header and a "Page N of M"
footer on every page, which extract() leaves out) and a 5 MB plain-text
transcript. Each
is read by ``crosscase.io.importers.extract`` and by the bare library
(pdfminer.six ``extract_text``, python-docx paragraph iteration,
``bytes.decode``), best of 3, side by side in one run; peak memory is measured
in a separate run under tracemalloc (Python allocations, so pdfminer's and
lxml's C buffers are not all counted). The results go to
docs/PERFORMANCE-import.md as a Markdown section.

The bare baselines do less than extract(): python-docx iteration skips tables,
tracked insertions, text boxes, notes and comments, and finds no structure;
``bytes.decode`` neither detects the encoding nor finds paragraphs and turns.
The ratio is what a researcher pays for the structure that makes a quote
citable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from machine import machine  # noqa: E402 - benchmarks/machine.py

from crosscase.io.importers import extract  # noqa: E402

DOCS = ROOT / "docs" / "PERFORMANCE-import.md"
GOAL_OVERHEAD = 0.15
GOAL_TXT_SECONDS = 2.0
GOAL_PDF_PARALLEL = 0.7  # x bare single-process pdfminer, on 2 cores
GOAL_FOLDER_PARALLEL = 0.6  # x importing the files one after another

SPEAKERS = ["Interviewer", "Manager", "Service user 1", "Service user 2", "Support worker"]
WORDS = (
    "we upcycle furniture deliver leaflets and do conservation work the day service farm shop "
    "café caravan park members decide together with staff what happens next social care "
    "practitioners relationship co-production innovation hybridity social aims business aims "
    "relational transactional trust money grants contracts commissioners families plans rota "
    "choice voice board meeting county show kitchen table garden centre plant nursery"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def turn(rng: random.Random, i: int) -> str:
    speaker = SPEAKERS[0] if i % 2 == 0 else rng.choice(SPEAKERS[1:])
    body = " ".join(sentence(rng, rng.randint(6, 18)) for _ in range(rng.randint(1, 5)))
    return f"{speaker}: {body}"


def make_docx(path: Path, pages: int = 100) -> None:
    import docx

    rng = random.Random(1)
    document = docx.Document()
    document.add_heading("Interview transcript: Millbrook Works", 1)
    words = 0
    i = 0
    while words < pages * 450:  # about 450 words fill a page of 11 pt text
        text = turn(rng, i)
        document.add_paragraph(text)
        words += len(text.split())
        i += 1
        if i % 150 == 0:
            table = document.add_table(rows=3, cols=3)
            for r in range(3):
                for c in range(3):
                    table.cell(r, c).text = sentence(rng, 3)
    document.save(str(path))


def make_pdf(path: Path, pages: int = 100) -> None:
    from fpdf import FPDF

    class Report(FPDF):
        """Pages with a running header and a "Page N of M" footer, as reports have."""

        def header(self) -> None:
            self.set_font("helvetica", size=9)
            self.cell(0, 5, "Millbrook Works: interview transcript", align="R")
            self.ln(10)
            self.set_font("helvetica", size=11)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", size=9)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
            self.set_font("helvetica", size=11)

    rng = random.Random(2)
    pdf = Report()
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_font("helvetica", size=11)
    i = 0
    while True:
        if pdf.page_no() > pages or (pdf.page_no() == pages and pdf.get_y() > 260):
            break
        if pdf.page_no() == 0:
            pdf.add_page()
        text = turn(rng, i).replace("é", "e")
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        i += 1
    pdf.output(str(path))


def make_txt(path: Path, size: int = 5_000_000) -> None:
    rng = random.Random(3)
    lines = []
    total = 0
    i = 0
    while total < size:
        ts = f"[{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}] "
        line = ts + turn(rng, i) + "\n"
        lines.append(line)
        total += len(line.encode())
        i += 7
    path.write_text("".join(lines), encoding="utf-8")


# --- the bare libraries -------------------------------------------------------------


def bare_pdf(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def bare_docx(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def bare_txt(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def ours(path: Path) -> str:
    return extract(path).text


def best_of(fn: Callable[[Path], str], path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(fn: Callable[[Path], str], path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


# --- parallel: a long PDF's pages, a folder of interviews -----------------------------


def ours_serial(path: Path) -> str:
    from crosscase.io.importers import parallel

    with parallel.serial():
        return extract(path).text


def import_folder(folder: Path, serial: bool) -> float:
    """Seconds to import every file of ``folder`` into a new project (made untimed)."""
    from crosscase.io.importers import parallel
    from crosscase.services.documents import import_files
    from crosscase.services.projects import new_project

    with tempfile.TemporaryDirectory() as tmp:
        project = new_project(Path(tmp) / "bench.crosscase", empty=True)
        try:
            gc.collect()
            start = time.perf_counter()
            if serial:
                with parallel.serial():
                    report = import_files(project, [folder], "Interviews")
            else:
                report = import_files(project, [folder], "Interviews")
            elapsed = time.perf_counter() - start
            assert len(report.imported) == len(list(folder.iterdir())), report.failed
        finally:
            project.close()
    return elapsed


def parallel_rows(folder: Path, repeat: int, quick: bool) -> list[str]:
    """Side by side in one run: bare pdfminer, extract() in one process and with
    workers on a 50-page PDF; a folder of 20 interviews imported one after another
    and with workers."""
    from crosscase.io.importers import parallel

    pdf = folder / "bench50.pdf"
    make_pdf(pdf, 10 if quick else 50)
    interviews = folder / "interviews"
    interviews.mkdir()
    for i in range(20):
        make_interview(interviews / f"interview-{i + 1:02}.docx", i)

    first = time.perf_counter()
    text_workers = ours(pdf)  # the first in this process also starts the fork server
    first = time.perf_counter() - first
    text_alone = ours_serial(pdf)
    identical = text_workers == text_alone
    t_bare = t_alone = t_workers = float("inf")
    for _ in range(repeat):
        t_bare = min(t_bare, best_of(bare_pdf, pdf, 1))
        t_alone = min(t_alone, best_of(ours_serial, pdf, 1))
        t_workers = min(t_workers, best_of(ours, pdf, 1))
    f_alone, f_workers = folder_times(interviews, repeat)
    n = parallel.default_processes()
    size = sum(f.stat().st_size for f in interviews.iterdir()) / 1e6
    pdf_goal = "met" if t_workers <= GOAL_PDF_PARALLEL * t_bare else "NOT met"
    folder_goal = "met" if f_workers <= GOAL_FOLDER_PARALLEL * f_alone else "NOT met"
    print(
        f"pdf 50 pages: bare {t_bare:.3f} s, one process {t_alone:.3f} s, "
        f"workers {t_workers:.3f} s (first call {first:.3f} s), identical {identical}\n"
        f"folder: one after another {f_alone:.3f} s, workers {f_workers:.3f} s",
        flush=True,
    )
    return [
        "",
        f"### Using the cores ({parallel.cores()} here: {n} worker process"
        f"{'es' if n != 1 else ''} beside the importing one)",
        "",
        "| what | one process (s) | with workers (s) | ratio | goal |",
        "|---|---:|---:|---:|---|",
        f"| {pdf.stat().st_size / 1e6:.2f} MB PDF, {len(text_alone):,} chars, "
        f"{10 if quick else 50} pages: bare pdfminer.six `extract_text` | {t_bare:.3f} | "
        f"{t_workers:.3f} | {t_workers / t_bare:.2f} | ≤ {GOAL_PDF_PARALLEL}x: {pdf_goal} |",
        f"| the same PDF: Crosscase `extract()` in one process | {t_alone:.3f} | "
        f"{t_workers:.3f} | {t_workers / t_alone:.2f} | |",
        f"| the same PDF, the first call in a process (starts the fork server) | | "
        f"{first:.3f} | {first / t_bare:.2f} | |",
        f"| folder of 20 interview docx ({size:.2f} MB), `import_files` one after another "
        f"| {f_alone:.3f} | {f_workers:.3f} | {f_workers / f_alone:.2f} | "
        f"≤ {GOAL_FOLDER_PARALLEL}x: {folder_goal} |",
        "",
        f"Text with workers identical to one process: {'yes' if identical else 'NO'}.",
        "",
        "With workers, `extract()` starts a pool for a PDF of 8 pages or more and "
        "`import_files` one as a batch of two or more files begins; the pool starts in "
        "the background while the importing process goes on alone, then both take pages "
        "(or files) until none are left. Each import here starts its own pool (a fork "
        "from the fork server); only the first in a process also starts the fork server. "
        "A worker reads a file and also counts its words and hashes its text; a folder "
        "import still stores every file in the importing process, one transaction each, "
        "in order: that part does not shrink with more cores. The folder rows alone: "
        "`.venv/bin/python benchmarks/bench_import.py --folder-only --repeat 7`.",
    ]


def folder_times(interviews: Path, repeat: int) -> tuple[float, float]:
    """Best of ``repeat`` for a folder import one file after another and with
    workers, the two interleaved so that machine noise hits both alike."""
    f_alone = f_workers = float("inf")
    for _ in range(repeat):
        f_alone = min(f_alone, import_folder(interviews, serial=True))
        f_workers = min(f_workers, import_folder(interviews, serial=False))
    return f_alone, f_workers


def folder_only(repeat: int) -> int:
    """Only the folder of 20 interviews, side by side (nothing written)."""
    from crosscase.io.importers import parallel

    with tempfile.TemporaryDirectory() as tmp:
        interviews = Path(tmp) / "interviews"
        interviews.mkdir()
        for i in range(20):
            make_interview(interviews / f"interview-{i + 1:02}.docx", i)
        alone, with_workers = folder_times(interviews, repeat)
    print(
        f"folder of 20 interview docx, {parallel.cores()} cores: one after another "
        f"{alone:.3f} s, workers {with_workers:.3f} s, ratio {with_workers / alone:.2f} "
        f"(goal ≤ {GOAL_FOLDER_PARALLEL}x)"
    )
    return 0


def make_interview(path: Path, seed: int) -> None:
    """An hour's interview: about 9,000 words in some 250 speaker turns."""
    import docx

    rng = random.Random(100 + seed)
    document = docx.Document()
    document.add_heading(f"Interview {seed + 1}", 1)
    words = 0
    i = 0
    while words < 9_000:
        text = turn(rng, i)
        document.add_paragraph(text)
        words += len(text.split())
        i += 1
    document.save(str(path))


def versions() -> str:
    names = ["pdfminer.six", "python-docx", "lxml", "charset-normalizer", "fpdf2"]
    out = []
    for name in names:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="use bench.docx, bench.pdf, bench.txt in DIR")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small files; docs not written")
    parser.add_argument("--no-docs", action="store_true", help="do not write the docs file")
    parser.add_argument(
        "--folder-only", action="store_true",
        help="only the folder of 20 interviews, one after another and with workers",
    )
    args = parser.parse_args(argv)
    if args.folder_only:
        return folder_only(args.repeat)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        files = {
            "docx": folder / "bench.docx",
            "pdf": folder / "bench.pdf",
            "txt": folder / "bench.txt",
        }
        if args.dir is None:
            pages = 10 if args.quick else 100
            print("generating files ...", flush=True)
            make_docx(files["docx"], pages)
            make_pdf(files["pdf"], pages)
            make_txt(files["txt"], 500_000 if args.quick else 5_000_000)
        bare: dict[str, tuple[str, Callable[[Path], str]]] = {
            "docx": ("python-docx: Document(f).paragraphs, p.text", bare_docx),
            "pdf": ("pdfminer.six: high_level.extract_text(f)", bare_pdf),
            "txt": ("bytes.decode('utf-8')", bare_txt),
        }
        rows = []
        for fmt, path in files.items():
            label, fn = bare[fmt]
            result = extract(path)
            desc = (
                f"{path.stat().st_size / 1e6:.2f} MB, {len(result.text):,} chars, "
                f"{len(result.paragraphs):,} ¶, {len(result.turns):,} turns"
                + (f", {len(result.pages)} pages" if result.pages else "")
            )
            print(f"{fmt}: {desc}", flush=True)
            # interleave the two so that machine noise hits both alike
            t_bare = t_ours = float("inf")
            for _ in range(args.repeat):
                t_bare = min(t_bare, best_of(fn, path, 1))
                t_ours = min(t_ours, best_of(ours_serial, path, 1))
            m_bare = peak_mib(fn, path)
            m_ours = peak_mib(ours_serial, path)
            rows.append((fmt, desc, label, t_bare, t_ours, m_bare, m_ours))
            print(
                f"  bare {t_bare:.3f} s   crosscase {t_ours:.3f} s   ratio {t_ours / t_bare:.2f}"
                f"   peak MiB bare {m_bare:.1f} crosscase {m_ours:.1f}",
                flush=True,
            )

        extra = parallel_rows(Path(tmp), args.repeat, args.quick)

    lines = [
        "## Import (crosscase.io.importers)",
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}; {versions()}.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/bench_import.py` (generates the files, "
        f"best of {args.repeat}, writes this section to docs/PERFORMANCE-import.md).",
        "",
        "| file | bare library | bare (s) | Crosscase `extract()`, one process (s) | ratio "
        "| peak MiB bare | peak MiB Crosscase |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for fmt, desc, label, t_bare, t_ours, m_bare, m_ours in rows:
        lines.append(
            f"| {fmt}: {desc} | {label} | {t_bare:.3f} | {t_ours:.3f} | "
            f"{t_ours / t_bare:.2f} | {m_bare:.1f} | {m_ours:.1f} |"
        )
    by_fmt = {r[0]: r for r in rows}
    lines += ["", "Goals:", ""]
    for fmt in ("pdf", "docx"):
        if fmt in by_fmt:
            r = by_fmt[fmt]
            overhead = r[4] / r[3] - 1
            verdict = "met" if overhead < GOAL_OVERHEAD else "NOT met"
            lines.append(
                f"- {fmt}: overhead over the bare library under {GOAL_OVERHEAD:.0%}: "
                f"{overhead:+.0%} ({verdict})."
            )
    if "txt" in by_fmt:
        r = by_fmt["txt"]
        verdict = "met" if r[4] < GOAL_TXT_SECONDS else "NOT met"
        lines.append(
            f"- txt: a 5 MB text imports in under {GOAL_TXT_SECONDS:.0f} s: {r[4]:.2f} s "
            f"({verdict}). Against a bare `bytes.decode` the ratio is large by nature: "
            "extract() also checks the encoding, normalises line endings and finds every "
            "paragraph and speaker turn."
        )
    lines += extra
    lines += [
        "",
        "Notes: times are wall-clock, best of the runs, the two readers interleaved. Peak "
        "memory is a separate run under tracemalloc. pdfminer runs the same layout analysis "
        "in both columns (Crosscase uses `LAParams(all_texts=True)` so that text inside "
        "form XObjects is laid out too; these generated PDFs have none); Crosscase's "
        "column also finds and drops the running header and footer of every page and "
        "joins paragraphs across page breaks. python-docx "
        "iteration reads only top-level paragraphs: no tables, tracked insertions, text "
        "boxes, notes or comments, which Crosscase reads.",
        "",
    ]
    section = "\n".join(lines)
    print()
    print(section)
    if not (args.quick or args.no_docs):
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(section, encoding="utf-8")
        print(f"written to {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
