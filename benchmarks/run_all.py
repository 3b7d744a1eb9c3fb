"""Run every benchmark in one go and gather their sections into docs/PERFORMANCE.md.

    make bench        (or: .venv/bin/python benchmarks/run_all.py)

Each script writes its own docs/PERFORMANCE-<area>.md; this script runs them
one after the other on the same machine and joins the sections under the
goals, so the numbers in PERFORMANCE.md were all measured side by side.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCRIPTS = ["bench_core.py", "bench_import.py", "bench_matrix.py", "bench_query.py", "bench_cooccur.py", "bench_agreement.py", "bench_gui.py", "bench_startup.py", "bench_shared.py"]

HEADER = """# Performance

Goals (from the issues), measured by the scripts in `benchmarks/`, never
asserted in the test suite. Re-run all of them with `make bench`; each
section below says when and how it was measured.

| goal | where measured |
|---|---|
| hundreds of transcripts and tens of thousands of codings feel instant | Core |
| import overhead over the bare extraction library < 15%; 5 MB text < 2 s | Import |
| matrix < 0.5 s per measure at 500 codes, 100 cases, 1,000 documents, 200,000 codings; Word export of 60 codes x 2 cases x 3 quotes < 3 s | Matrix |
| a two-code AND query under 0.3 s on the matrix benchmark's project, to segments with text and citations | Query |
| co-occurrence of 50 codes by case < 1 s; any chart rendered < 1 s (same project) | Co-occurrence and charts |
| agreement of 50 codes x 5 coders over 200,000 characters < 2 s | Agreement |
| main window < 1.5 s; 1 MB transcript with 5,000 codings opens and paints < 1 s; applying a code < 100 ms | Workbench |
| `crosscase docs` and `crosscase code` at most 1.25x the CPU time of `import sqlalchemy.orm` plus one SQLite query; `crosscase new` under 2x | Start-up |
| a colleague's coding visible in the other's change stream within 1 s; import, coding, matrix and Word export on the demo project, file and PostgreSQL side by side | Shared projects |

"""


def main() -> int:
    failed = []
    for script in SCRIPTS:
        path = ROOT / "benchmarks" / script
        if not path.exists():
            continue
        print(f"== {script}", flush=True)
        r = subprocess.run([sys.executable, str(path)], cwd=ROOT, check=False)
        if r.returncode:
            failed.append(script)
    assemble()
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


def assemble() -> None:
    parts = [HEADER]
    for area in ("core", "import", "matrix", "query", "cooccur", "agreement", "gui", "startup", "shared"):
        section = DOCS / f"PERFORMANCE-{area}.md"
        if section.exists():
            parts.append(section.read_text(encoding="utf-8").strip() + "\n\n")
    (DOCS / "PERFORMANCE.md").write_text("".join(parts), encoding="utf-8")


if __name__ == "__main__":
    if "--assemble" in sys.argv:
        assemble()
    else:
        sys.exit(main())
