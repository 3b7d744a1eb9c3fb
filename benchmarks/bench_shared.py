"""A project file and a shared project on PostgreSQL, side by side, on the demo project.

Starts a private PostgreSQL server (the test suite's ``tests/pgserver.py``: a
temporary folder, a free port of 127.0.0.1, no fsync), builds the demo project
(``crosscase.demo.build_demo``) once as a file and once in a database, and
times on both: importing the demo's documents, one coding, 200 codings in one
command, the cross-case matrix and the Word report; then the live-update
latency of the shared project: client A applies one coding, until client B's
listener publishes it (median and worst of 50). Writes the results as Markdown.

    .venv/bin/python benchmarks/bench_shared.py [--out docs/PERFORMANCE-shared.md]
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from machine import machine, main_in_temp_folder  # benchmarks/machine.py

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pgserver import PostgresServer  # noqa: E402  # tests/pgserver.py

from crosscase import demo  # noqa: E402
from crosscase.db.project import Project, open_project  # noqa: E402
from crosscase.services.projects import new_project  # noqa: E402

SINGLE_RUNS = 20
LATENCY_RUNS = 50
GOAL_LATENCY = 1.0


def _median(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def _first_and_warm(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float]:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0, _median(fn, repeat)


@contextmanager
def _demo_at(location: Path | str) -> Iterator[None]:
    """``build_demo`` makes its project where ``location`` says (a URL for a shared one)."""
    original = demo.new_project

    def made_at(_path: Path | str, **kw: Any) -> Project:
        return original(location, **kw)

    demo.new_project = made_at  # type: ignore[assignment]
    try:
        yield
    finally:
        demo.new_project = original  # type: ignore[assignment]


def _demo_files() -> list[tuple[str, list[Path]]]:
    """The demo's cases and their files, as build_demo finds them."""
    data = demo.SAMPLE_DATA
    manifest = json.loads((data / "cases.json").read_text(encoding="utf-8"))
    cases = []
    for case in manifest["cases"]:
        folder = data / case.get("folder", "")
        files = [folder / d["file"] if not (data / d["file"]).exists() else data / d["file"]
                 for d in case["documents"]]
        cases.append((case["name"], files))
    return cases


def _time_import(location: Path | str) -> tuple[float, int]:
    """Import every demo document into a new, empty project at ``location``."""
    from crosscase.services import documents

    with new_project(location, empty=True) as project:
        t0 = time.perf_counter()
        n = 0
        for case, files in _demo_files():
            report = documents.import_files(project, files, case)
            assert not report.failed, [r.message for r in report.failed]
            n += len(report.imported)
        return time.perf_counter() - t0, n


def _warm_up(workdir: Path) -> None:
    from crosscase.analysis.matrix import compute_matrix
    from crosscase.exchange.reports.docx_report import export_docx

    _time_import(workdir / "warm-up.crosscase")
    with open_project(workdir / "warm-up.crosscase") as project:
        compute_matrix(project)
        export_docx(project, workdir / "warm-up.docx")


def _spans(project: Project, count: int, width: int, offset: int) -> list[tuple[int, int, int]]:
    """``count`` spans of ``width`` characters spread over the documents."""
    from sqlalchemy import select

    from crosscase.db.models import Document

    with project.session() as s:
        docs = s.execute(select(Document.id, Document.chars).order_by(Document.id)).all()
    spans = []
    i = 0
    while len(spans) < count:
        doc, chars = docs[i % len(docs)]
        start = (offset + (i // len(docs)) * (width + 7)) % max(1, chars - width)
        spans.append((doc, start, start + width))
        i += 1
    return spans


def _new_code(project: Project, name: str) -> int:
    from crosscase.commands.codebook import CreateCode

    command = CreateCode(name)
    command.do(project)
    assert command.id is not None
    return command.id


def _measure(project: Project, workdir: Path, tag: str) -> dict[str, float]:
    from crosscase.analysis.matrix import compute_matrix
    from crosscase.commands.coding import ApplyCodings
    from crosscase.exchange.reports.docx_report import export_docx
    from crosscase.services.coding import CodingSpec

    result: dict[str, float] = {}
    one = _new_code(project, "Benchmark: one at a time")
    singles = iter(_spans(project, SINGLE_RUNS, 40, 3))

    def apply_one() -> None:
        doc, start, end = next(singles)
        ApplyCodings([CodingSpec(doc, one, start, end)]).do(project)

    result["one"] = _median(apply_one, SINGLE_RUNS)
    many = _new_code(project, "Benchmark: many at once")
    specs = [CodingSpec(d, many, s, e) for d, s, e in _spans(project, 200, 30, 11)]
    command = ApplyCodings(specs)
    t0 = time.perf_counter()
    command.do(project)
    result["many"] = time.perf_counter() - t0
    assert len(command.ids) == 200, len(command.ids)
    result["matrix_first"], result["matrix"] = _first_and_warm(
        lambda: compute_matrix(project, measure="segments", rollup=True))
    out = workdir / f"report-{tag}.docx"
    result["docx_first"], result["docx"] = _first_and_warm(lambda: export_docx(project, out))
    return result


def _latency(url: str) -> tuple[list[float], list[float]]:
    """Client A codes; client B's listener publishes the change. Returns the times from
    the start of A's command to B's publishing, and A's command alone (with its commit)."""
    from crosscase.commands.coding import ApplyCodings
    from crosscase.services.coding import CodingSpec

    a = open_project(url)
    b = open_project(url)
    try:
        code = _new_code(a, "Benchmark: live")
        heard: list[float] = []
        arrived = threading.Event()

        def on_change(_change: object) -> None:
            heard.append(time.perf_counter())
            arrived.set()

        b.subscribe(on_change)
        b.listen()  # type: ignore[attr-defined]
        spans = _spans(a, LATENCY_RUNS + 1, 25, 5)
        # one warm-up: B's listener connects and says LISTEN
        doc, start, end = spans[0]
        ApplyCodings([CodingSpec(doc, code, start, end)]).do(a)
        if not arrived.wait(10):
            raise RuntimeError("the second client never heard the first coding")
        latencies, commands = [], []
        for doc, start, end in spans[1:]:
            arrived.clear()
            heard.clear()
            t0 = time.perf_counter()
            ApplyCodings([CodingSpec(doc, code, start, end)]).do(a)
            t1 = time.perf_counter()
            if not arrived.wait(10):
                raise RuntimeError("the second client did not hear a coding within 10 s")
            latencies.append(heard[0] - t0)
            commands.append(t1 - t0)
            time.sleep(0.02)  # codings a person makes, not a burst
        return latencies, commands
    finally:
        b.close()
        a.close()


def run(out: Path | None, workdir: Path) -> str:
    server = PostgresServer()
    server.start()
    try:
        with server.admin() as admin:
            version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        _warm_up(workdir)  # the importers, the matrix and the report load their modules
        # imports into fresh, empty projects
        import_file, n_docs = _time_import(workdir / "import.crosscase")
        import_shared, _ = _time_import(server.create_database("import_bench"))
        # the demo project, built by build_demo on each engine
        t0 = time.perf_counter()
        path = demo.build_demo(workdir / "file")
        build_file = time.perf_counter() - t0
        url = server.create_database("demo_bench")
        t0 = time.perf_counter()
        with _demo_at(url):
            demo.build_demo(workdir / "unused")
        build_shared = time.perf_counter() - t0
        with open_project(path) as project:
            on_file = _measure(project, workdir, "file")
        with open_project(url) as project:
            on_shared = _measure(project, workdir, "shared")
        latencies, commands = _latency(url)
    finally:
        server.stop()

    def row(what: str, f: float, s: float, unit: str = "s") -> str:
        scale, fmt = (1000.0, "{:.1f}") if unit == "ms" else (1.0, "{:.2f}")
        return (f"| {what} | {fmt.format(f * scale)} {unit} | {fmt.format(s * scale)} {unit} | "
                f"{s / f:.1f}x |")

    worst = max(latencies)
    met = "met" if worst < GOAL_LATENCY else "**missed**"
    lines = [
        "# Shared projects: a project file and PostgreSQL side by side",
        "",
        f"Measured {date.today().isoformat()} on {machine()}, PostgreSQL {version}.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/bench_shared.py` (starts a private",
        "PostgreSQL server from `tests/pgserver.py`, writes this section to",
        "docs/PERFORMANCE-shared.md).",
        "",
        "The demo project, built by `crosscase.demo.build_demo` once as a file and once in a",
        "database of a private server on the same machine (TCP over 127.0.0.1, password",
        "authentication, fsync and synchronous commit off, as the tests run it, while the",
        "file syncs its writes to disk as always); both in",
        "one run. One coding: median of 20 commands, each its own transaction. Matrix",
        "(segments by case, rolled up) and Word report (the whole codebook by case, default",
        "content): median of three warm runs after a first one. The modules they need",
        "are loaded before anything is timed. The machine is shared with other work: times",
        "move by up to a half from run to run, so compare the two columns of one run.",
        "",
        "| task | file (SQLite) | shared (PostgreSQL) | shared / file |",
        "|---|---:|---:|---:|",
        row(f"import the demo's {n_docs} documents into an empty project", import_file,
            import_shared),
        row("build the whole demo project (import, attributes, codings, framework)",
            build_file, build_shared),
        row("apply one coding (commit included)", on_file["one"], on_shared["one"], "ms"),
        row("apply 200 codings in one command", on_file["many"], on_shared["many"], "ms"),
        row("matrix, first run", on_file["matrix_first"], on_shared["matrix_first"], "ms"),
        row("matrix, warm", on_file["matrix"], on_shared["matrix"], "ms"),
        row("Word report, first run", on_file["docx_first"], on_shared["docx_first"]),
        row("Word report, warm", on_file["docx"], on_shared["docx"]),
        "",
        f"Live update (goal: a colleague's coding within {GOAL_LATENCY:.0f} s). Client A",
        "applies one coding; the time runs from the start of A's command until client B's",
        "listener thread has heard the NOTIFY, read the change from the change log and",
        "published it to B's listeners (in the workbench, the views update from there).",
        f"{LATENCY_RUNS} codings, the next 20 ms after the last one arrived. A and B run in",
        "one process here, so B's listener competes with A for Python's interpreter lock",
        "and A's command may take longer than the single coding above.",
        "",
        "| live update | median | worst | goal |",
        "|---|---:|---:|---|",
        (f"| A's coding heard by B | {statistics.median(latencies) * 1000:.1f} ms | "
         f"{worst * 1000:.1f} ms | < {GOAL_LATENCY:.0f} s: {met} |"),
        (f"| of which A's command and commit | {statistics.median(commands) * 1000:.1f} ms | "
         f"{max(commands) * 1000:.1f} ms | |"),
        "",
    ]
    text = "\n".join(lines)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    return main_in_temp_folder(run, __doc__, Path("docs/PERFORMANCE-shared.md"), argv)


if __name__ == "__main__":
    raise SystemExit(main())
