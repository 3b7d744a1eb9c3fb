"""Agreement at the issue's size: 50 codes x 5 coders over 200,000 characters.

Generates a project of 20 documents of 10,000 characters, 50 codes and 5
coders, each coder coding every code about three times per document around a
shared set of passages (boundaries shifted at random, some passages left out,
some added), then times ``analysis.agreement.agreement`` for all five coders
and for a pair, with the default 1,000 bootstrap samples and without, and
without Krippendorff's unitized family to show what the family costs. Writes
Markdown.

    .venv/bin/python benchmarks/bench_agreement.py [--out docs/PERFORMANCE-agreement.md]
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from datetime import date
from pathlib import Path

from machine import machine, main_in_temp_folder  # benchmarks/machine.py
from sqlalchemy import insert

from crosscase.db.models import Base, Case, Code, Coder, Document
from crosscase.db.project import create_project, open_project

CODES, CODERS, DOCS, CHARS = 50, 5, 20, 10_000
PASSAGES = 3  # per code and document
GOAL = 2.0


def generate(path: Path, seed: int = 1) -> int:
    rng = random.Random(seed)
    project = create_project(path)
    words = "trust café shop service users practitioners income support weekly choose".split()
    with project.transaction() as s:
        case = Case(name="Case")
        s.add(case)
        s.flush()
        texts = []
        for d in range(DOCS):
            text = ""
            while len(text) < CHARS:
                text += rng.choice(words) + (" " if rng.random() > 0.1 else "\n")
            text = text[:CHARS]
            texts.append(text)
            s.add(Document(case_id=case.id, name=f"doc {d}", format="txt", text=text,
                           sha256=hashlib.sha256(text.encode()).hexdigest(), chars=len(text)))
        s.add_all([Code(name=f"Code {c}", position=c) for c in range(CODES)])
        s.add_all([Coder(name=f"coder {k}") for k in range(CODERS)])
    rows = []
    for d in range(DOCS):
        text = texts[d]
        for c in range(CODES):
            for _ in range(PASSAGES):
                start = rng.randrange(0, CHARS - 400)
                end = start + rng.randrange(40, 300)
                for k in range(CODERS):
                    if rng.random() < 0.15:
                        continue  # this coder missed it
                    a = max(0, start + rng.randrange(-20, 21))
                    b = min(CHARS, max(a + 1, end + rng.randrange(-20, 21)))
                    rows.append({"document_id": d + 1, "code_id": c + 1, "coder_id": k + 1,
                                 "start": a, "end": b, "snippet": text[a:b]})
            if rng.random() < 0.3:  # one coder's passage nobody else saw
                a = rng.randrange(0, CHARS - 200)
                rows.append({"document_id": d + 1, "code_id": c + 1,
                             "coder_id": rng.randrange(CODERS) + 1, "start": a, "end": a + 120,
                             "snippet": text[a:a + 120]})
    with project.transaction() as s:
        s.execute(insert(Base.metadata.tables["coding"]), rows)
    project.close()
    return len(rows)


def _time(fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def run(out: Path | None, workdir: Path) -> str:
    from crosscase.analysis.agreement import agreement

    path = workdir / "agreement.crosscase"
    t0 = time.perf_counter()
    codings = generate(path)
    gen = time.perf_counter() - t0
    names = [f"coder {k}" for k in range(CODERS)]
    results = []
    with open_project(path, readonly=True) as p, p.session() as s:
        for label, coders, boot, unitized in (
            ("5 coders, 1,000 bootstrap samples", names, 1000, True),
            ("5 coders, no bootstrap", names, 0, True),
            ("5 coders, no bootstrap, without the unitized family", names, 0, False),
            ("2 coders, 1,000 bootstrap samples", names[:2], 1000, True),
        ):
            seconds = _time(lambda c=coders, b=boot, u=unitized: agreement(
                s, c, bootstrap=b, unitized=u))
            results.append((label, seconds))
    family = results[1][1] - results[2][1]
    lines = [
        "# Agreement performance",
        "",
        f"Measured {date.today().isoformat()} on {machine()}.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/bench_agreement.py`",
        "",
        (f"Project: {DOCS} documents of {CHARS:,} characters ({DOCS * CHARS:,} in all), "
         f"{CODES} codes, {CODERS} coders, {codings:,} codings (each coder codes each code about "
         f"{PASSAGES} times per document around shared passages, boundaries shifted up to 20 "
         f"characters, 15% left out, some passages one coder's alone); generated in {gen:.1f} s."),
        "",
        "Each time is `analysis.agreement.agreement` from the database to every code's presence, "
        "segment and character coefficients, Krippendorff's unitized family (per code, and over "
        "all 50 codes as the values of one variable) and the pooled ones, best of 3, warm.",
        "",
        f"| computation | seconds | goal ({GOAL:g} s) |",
        "|---|---|---|",
    ]
    for label, seconds in results:
        goal = ("met" if seconds < GOAL else "not met") if label.startswith("5 coders, 1,000") else ""
        lines.append(f"| {label} | {seconds:.2f} | {goal} |")
    lines += [
        "",
        f"The unitized family (u-alpha, |u-alpha, cu-alpha, (k)u-alpha) for 50 codes x "
        f"{CODERS} coders over {DOCS * CHARS:,} characters takes {family:.2f} s of that "
        "(the difference of the two rows without bootstrap); it has no bootstrap interval.",
    ]
    text = "\n".join(lines) + "\n"
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    docs = Path(__file__).resolve().parent.parent / "docs"
    return main_in_temp_folder(run, __doc__, docs / "PERFORMANCE-agreement.md", argv)


if __name__ == "__main__":
    sys.exit(main())
