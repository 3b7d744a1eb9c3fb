"""Start-up cost of the command line, against the SQLAlchemy floor, side by side in one run.

    .venv/bin/python benchmarks/bench_startup.py            # 21 rounds, writes docs
    .venv/bin/python benchmarks/bench_startup.py --quick    # 5 rounds, no docs written

Every ``crosscase`` command pays Python's start-up plus its imports before it
does any work. The floor is what any SQLAlchemy program that reads a project
must pay: ``python -c "import sqlalchemy.orm"`` plus one SQLite query on the
same project file. Each round runs, one after the other, the floor,
``crosscase docs P``, ``crosscase code P DOC CODE --start 0 --end 10`` (on a
fresh copy of P, so every run writes a coding), ``crosscase new N`` (a new
file every run) and ``crosscase --help``, so a busy machine slows all of them
alike. A command's cost is the CPU time (user + system) of its process, taken
from ``getrusage(RUSAGE_CHILDREN)`` before and after; the table gives medians
over the rounds and each median's ratio to the floor's. One more run of each
under ``python -X importtime`` counts the modules it loads and notes the
heavy libraries among them. The results go to docs/PERFORMANCE-startup.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from machine import machine  # benchmarks/machine.py

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "PERFORMANCE-startup.md"
SAMPLE = ROOT / "sample_data" / "case_a_millbrook" / "A-staff-interview.txt"
DOC = "A-staff-interview"
CODE = "Co-production/Co-design"
GOAL_READ = 1.25  # docs and code, times the floor
GOAL_NEW = 2.0
# Children run as an installed Crosscase does: from bytecode caches (pip writes them on
# install, an editable install on its first run), even where PYTHONDONTWRITEBYTECODE is set.
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CROSSCASE_DEBUG")}
HEAVY = ("alembic", "pandas", "numpy", "pdfminer", "docx", "openpyxl", "PySide6", "lxml", "mako")


@dataclass
class Measure:
    name: str
    shown: str  # the command as the table shows it
    argv: list[str]
    before: list[str] | None = None  # set-up run before each measured run (not measured)
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    modules: int = 0
    heavy: list[str] = field(default_factory=list)


def crosscase_exe() -> str:
    exe = Path(sys.executable).parent / "crosscase"
    if not exe.exists():
        sys.exit(f"{exe}: not found; install Crosscase into this virtualenv first")
    return str(exe)


def run_child(argv: list[str], cwd: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        sys.exit(f"{' '.join(argv)}: exit {r.returncode}\n{r.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def imported(argv: list[str], cwd: Path) -> tuple[int, list[str]]:
    """How many modules a run loads, and which heavy libraries among them."""
    exe, *rest = argv
    if exe != sys.executable:  # the console script: run it under the same interpreter
        rest = [exe, *rest]
    r = subprocess.run([sys.executable, "-X", "importtime", *rest], cwd=cwd, env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    names = [line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines()
             if line.startswith("import time:") and "|" in line and "cumulative" not in line]
    tops = {n.split(".")[0] for n in names}
    return len(names), [h for h in HEAVY if h in tops]


def setup(work: Path, exe: str) -> Path:
    project = work / "P.crosscase"
    for argv in ([exe, "new", str(project)],
                 [exe, "import", str(project), str(SAMPLE), "--case", "Millbrook", "--quiet"]):
        subprocess.run(argv, cwd=work, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return project


def measures(work: Path, exe: str, project: Path) -> list[Measure]:
    copy = work / "Pc.crosscase"
    fresh = work / "N.crosscase"
    floor_code = ("import sqlalchemy.orm, sqlite3; "
                  f"sqlite3.connect({str(project)!r}).execute('SELECT count(*) FROM document').fetchone()")
    code_args = [str(copy), DOC, CODE, "--start", "0", "--end", "10"]
    in_process = "import sys; from crosscase.cli.main import main; sys.exit(main({!r}))"
    return [
        Measure("floor", '`python -c "import sqlalchemy.orm"` + one SQLite query',
                [sys.executable, "-c", floor_code]),
        Measure("docs", "`crosscase docs P`", [exe, "docs", str(project)]),
        Measure("code", f"`crosscase code P {DOC} {CODE} --start 0 --end 10`",
                [exe, "code", *code_args], before=["copy", str(project), str(copy)]),
        Measure("new", "`crosscase new N`", [exe, "new", str(fresh)], before=["remove", str(fresh)]),
        Measure("help", "`crosscase --help`", [exe, "--help"]),
        Measure("python", '`python -c "pass"`', [sys.executable, "-c", "pass"]),
        # context: how much of the difference is the collector pause
        Measure("floor-paused", "the floor with the collector off (`gc.disable()` first)",
                [sys.executable, "-c", "import gc; gc.disable(); " + floor_code]),
        Measure("docs-unpaused", "`crosscase docs P` without the pause (`main([...])` called with arguments)",
                [sys.executable, "-c", in_process.format(["docs", str(project)])]),
        Measure("code-unpaused", "`crosscase code ...` without the pause",
                [sys.executable, "-c", in_process.format(["code", *code_args])],
                before=["copy", str(project), str(copy)]),
    ]


def prepare(step: list[str] | None) -> None:
    if step is None:
        return
    action, *paths = step
    if action == "remove":
        for suffix in ("", "-wal", "-shm"):
            Path(paths[0] + suffix).unlink(missing_ok=True)
    elif action == "copy":
        for suffix in ("-wal", "-shm"):
            Path(paths[1] + suffix).unlink(missing_ok=True)
        shutil.copyfile(paths[0], paths[1])


def run(rounds: int) -> tuple[list[Measure], str]:
    exe = crosscase_exe()
    with tempfile.TemporaryDirectory(prefix="crosscase-startup-") as tmp:
        work = Path(tmp)
        project = setup(work, exe)
        ms = measures(work, exe, project)
        for m in ms:  # warm the file cache and write the bytecode caches, unmeasured
            prepare(m.before)
            run_child(m.argv, work)
        for _ in range(rounds):
            for m in ms:
                prepare(m.before)
                cpu, wall = run_child(m.argv, work)
                m.cpu.append(cpu)
                m.wall.append(wall)
        for m in ms:
            prepare(m.before)
            m.modules, m.heavy = imported(m.argv, work)
        versions = library_versions()
    return ms, versions


def library_versions() -> str:
    from importlib import metadata

    out = []
    for dist in ("SQLAlchemy", "alembic"):
        try:
            out.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(out)


def report(ms: list[Measure], rounds: int, versions: str) -> str:
    by = {m.name: m for m in ms}
    floor = statistics.median(by["floor"].cpu)
    goals = {"docs": GOAL_READ, "code": GOAL_READ, "new": GOAL_NEW}
    lines = [
        "## Start-up (command line)",
        "",
        f"Measured {date.today().isoformat()} on {machine()}; {versions}.",
        "",
        f"Reproduce: `.venv/bin/python benchmarks/bench_startup.py` ({rounds} rounds, writes this "
        "section to docs/PERFORMANCE-startup.md).",
        "",
        "Project P: the default codebook and one transcript "
        f"(`{SAMPLE.relative_to(ROOT)}`). CPU = user + system time of the process, median of "
        f"{rounds} rounds run side by side; ratio = that median over the floor's.",
        "",
        "| command | CPU (s) | ratio to floor | goal | wall (s) | modules loaded | heavy libraries loaded |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    verdicts = []
    for m in ms:
        cpu = statistics.median(m.cpu)
        ratio = cpu / floor
        goal = goals.get(m.name)
        goal_text = ""
        if goal is not None:
            met = ratio <= goal
            goal_text = f"≤ {goal:g}x: {'met' if met else 'not met'}"
            verdicts.append(f"- `crosscase {m.name}`: {ratio:.2f}x the floor, goal ≤ {goal:g}x "
                            f"({'met' if met else 'not met'}).")
        heavy = ", ".join(m.heavy) if m.heavy else "none"
        lines.append(f"| {m.shown} | {cpu:.3f} | {ratio:.2f} | {goal_text} | "
                     f"{statistics.median(m.wall):.3f} | {m.modules} | {heavy} |")
    lines += [
        "",
        "Goals:",
        "",
        *verdicts,
        "",
        "Notes: every process runs from bytecode caches, as an installed Crosscase does "
        "(the script unsets PYTHONDONTWRITEBYTECODE for them). A command run as the program holds Python's cyclic garbage collector off while "
        "it loads its modules (SQLAlchemy included) and turns it back on, with what was loaded "
        "frozen out of its sight, once the project is open (`crosscase.cli.common`); the floor "
        "runs with the collector on, as any plain script does. The last three rows show what "
        "that pause is worth: the floor with the collector off, and `docs` and `code` through "
        "`main([...])` called with arguments, which leaves the collector alone. "
        "`modules loaded` counts what `python -X importtime` reports for one run. alembic loads "
        "only when a project needs a migration; `new` writes the tables and the head revision "
        "itself. CPU time is steadier than wall-clock time on a shared machine, but the medians "
        "still move by several per cent from run to run; compare the ratios, which were "
        "measured side by side.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--quick", action="store_true", help="5 rounds, print only")
    ap.add_argument("--out", type=Path, default=DOCS)
    args = ap.parse_args(argv)
    rounds = 5 if args.quick else args.rounds
    ms, versions = run(rounds)
    text = report(ms, rounds, versions)
    print(text)
    if not args.quick:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
