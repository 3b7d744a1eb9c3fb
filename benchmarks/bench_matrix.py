"""Matrix and Word export at scale.

Generates a project of 500 codes, 100 cases, 1,000 documents and 200,000
codings (bulk inserts straight into a new project file), times the matrix
for every measure, and the Word export of 60 codes x 2 cases with three
quotes per cell. Writes the results as Markdown.

    .venv/bin/python benchmarks/bench_matrix.py [--out docs/PERFORMANCE-matrix.md]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from machine import machine  # benchmarks/machine.py
from sqlalchemy import func, insert, select

from crosscase.db.models import (
    Attribute,
    Case,
    CaseValue,
    Code,
    Coding,
    Document,
    FrameworkCell,
    FrameworkPin,
    Paragraph,
    Participant,
    ParticipantValue,
    Turn,
)
from crosscase.db.project import Project, create_project, open_project
from crosscase.services.documents import word_count

CODES = 500
CASES = 100
DOCS_PER_CASE = 10
CODINGS = 200_000
WORDS_PER_DOC = 3_000
SPEAKERS_PER_CASE = 6
GOAL_MATRIX = 0.5
GOAL_DOCX = 3.0

VOCAB = (
    "the service users we people work staff café shop farm caravan council members "
    "furniture leaflets conservation income trading mission social enterprise "
    "practitioner review meeting relationship support care choice control decide "
    "together design deliver budget commissioner contract grant volunteers community "
    "garden training skills confidence week morning always never sometimes really "
    "think know said told because then when what déjà naïve coöperate Ünal café–bar ½ "
    "3rd 42 2024"
).split()


def _text(rng: np.random.Generator, words: int) -> tuple[str, list[tuple[int, int]], list[int]]:
    """Synthetic transcript text: paragraphs of turns; returns text, paragraph spans, speakers."""
    picks = rng.integers(0, len(VOCAB), size=words)
    lengths = rng.integers(20, 90, size=words // 20 + 1)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    speakers: list[int] = []
    pos = 0
    i = 0
    for n in lengths:
        if i >= words:
            break
        speaker = int(rng.integers(0, SPEAKERS_PER_CASE))
        body = f"P{speaker + 1}: " + " ".join(VOCAB[k] for k in picks[i : i + int(n)]) + "."
        i += int(n)
        parts.append(body)
        spans.append((pos, pos + len(body)))
        speakers.append(speaker)
        pos += len(body) + 2
    return "\n\n".join(parts), spans, speakers


def generate(path: Path, seed: int = 7) -> Path:
    """A project file of benchmark size at ``path`` (fast Core inserts)."""
    rng = np.random.default_rng(seed)
    project = create_project(path, name="Benchmark")
    try:
        with project.transaction() as s:
            # codes: 25 themes x 19 sub-codes (500 codes, two levels)
            code_rows = []
            cid = 0
            for t in range(25):
                cid += 1
                parent = cid
                code_rows.append({"id": parent, "parent_id": None, "name": f"Theme {t + 1}",
                                  "position": t, "definition": f"Theme {t + 1} definition."})
                for c in range(19):
                    cid += 1
                    code_rows.append({"id": cid, "parent_id": parent,
                                      "name": f"Code {t + 1}.{c + 1}", "position": c,
                                      "definition": "A sub-code."})
            s.execute(insert(Code), code_rows)
            s.execute(insert(Case), [{"id": i + 1, "name": f"Case {i + 1:03d}", "position": i}
                                     for i in range(CASES)])
            s.execute(insert(Attribute), [
                {"id": 1, "scope": "case", "name": "sector", "type": "text", "position": 0},
                {"id": 2, "scope": "participant", "name": "role", "type": "text", "position": 0},
            ])
            sectors = ["care", "housing", "employment", "health"]
            s.execute(insert(CaseValue), [{"case_id": i + 1, "attribute_id": 1,
                                           "value": sectors[i % 4]} for i in range(CASES)])
            roles = ["manager", "staff", "service user", "practitioner"]
            parts = []
            for c in range(CASES):
                for k in range(SPEAKERS_PER_CASE):
                    parts.append({"id": c * SPEAKERS_PER_CASE + k + 1, "case_id": c + 1,
                                  "name": f"P{k + 1}"})
            s.execute(insert(Participant), parts)
            s.execute(insert(ParticipantValue), [{"participant_id": p["id"], "attribute_id": 2,
                                                  "value": roles[p["id"] % 4]} for p in parts])
            docs, paras, turns, codings = [], [], [], []
            per_doc = CODINGS // (CASES * DOCS_PER_CASE)
            code_ids = np.arange(1, CODES + 1)
            doc_id = 0
            for c in range(CASES):
                for d in range(DOCS_PER_CASE):
                    doc_id += 1
                    text, spans, speakers = _text(rng, WORDS_PER_DOC)
                    docs.append({
                        "id": doc_id, "case_id": c + 1, "name": f"Interview {d + 1}",
                        "format": "txt", "text": text,
                        "sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "chars": len(text), "words": word_count(text), "position": d,
                    })
                    for n, (a, b) in enumerate(spans, 1):
                        paras.append({"document_id": doc_id, "number": n, "start": a, "end": b})
                        speaker = c * SPEAKERS_PER_CASE + speakers[n - 1] + 1
                        turns.append({"document_id": doc_id, "start": a, "end": b,
                                      "participant_id": speaker})
                    starts = rng.integers(0, len(text) - 400, size=per_doc)
                    lens = rng.integers(40, 400, size=per_doc)
                    codes = rng.choice(code_ids, size=per_doc)
                    spans = zip(starts.tolist(), lens.tolist(), codes.tolist(), strict=True)
                    for a, ln, code in spans:
                        codings.append({"document_id": doc_id, "code_id": code, "start": a,
                                        "end": a + ln, "snippet": text[a : a + ln]})
            s.execute(insert(Document), docs)
            s.execute(insert(Paragraph), paras)
            s.execute(insert(Turn), turns)
            s.execute(insert(Coding), codings)
    finally:
        project.close()
    return path


def _time(fn: object, repeat: int = 3) -> tuple[float, float]:
    """(first run, median of the following runs) in seconds."""
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return times[0], statistics.median(times[1:])


def _pin_quotes(project: Project, code_ids: list[int], case_ids: list[int], per_cell: int) -> None:
    with project.transaction() as s:
        nxt = (s.scalar(select(func.max(FrameworkCell.id))) or 0) + 1
        for code in code_ids:
            for case in case_ids:
                ids = s.scalars(
                    select(Coding.id).join(Document, Document.id == Coding.document_id)
                    .where(Coding.code_id == code, Document.case_id == case)
                    .order_by(Coding.id).limit(per_cell)
                ).all()
                s.execute(insert(FrameworkCell), [{"id": nxt, "code_id": code, "case_id": case,
                                                   "summary": "A two-sentence summary of what "
                                                   "the case shows for this code. It is rated.",
                                                   "rating": "moderate"}])
                if ids:
                    s.execute(insert(FrameworkPin), [{"cell_id": nxt, "coding_id": i,
                                                      "position": k} for k, i in enumerate(ids)])
                nxt += 1


def _with_covering_index(path: Path, workdir: Path) -> list[str]:
    """Warm times with and without a covering index on the coding spans."""
    import shutil
    import sqlite3

    from crosscase.analysis.matrix import compute_matrix

    copy = workdir / "bench-indexed.crosscase"
    shutil.copy(path, copy)
    con = sqlite3.connect(copy)
    con.execute('CREATE INDEX IF NOT EXISTS ix_coding_code_span '
                'ON coding (code_id, document_id, start, "end")')
    con.commit()
    con.close()
    rows = []
    for m in ("segments", "share", "words"):
        warm = []
        for f in (path, copy):
            with open_project(f) as project:
                warm.append(_time(lambda project=project, m=m: compute_matrix(
                    project, measure=m, rollup=True))[1])
        rows.append(f"| {m} | {warm[0]:.3f} | {warm[1]:.3f} |")
    return rows



def run(out: Path | None, workdir: Path) -> str:
    from crosscase.analysis.matrix import MEASURES, compute_matrix
    from crosscase.exchange.reports.docx_report import export_docx

    path = workdir / "bench.crosscase"
    t0 = time.perf_counter()
    generate(path)
    gen = time.perf_counter() - t0
    lines = [
        "# Matrix and Word export performance",
        "",
        f"Measured {date.today().isoformat()} on {machine()}.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/bench_matrix.py`",
        "",
        (f"Project: {CODES} codes (25 themes x 19 sub-codes), {CASES} cases, "
         f"{CASES * DOCS_PER_CASE:,} documents of about {WORDS_PER_DOC:,} words, "
         f"{CODINGS:,} codings; generated in {gen:.1f} s."),
        "",
        "First run = the first matrix after opening the project (it also builds the",
        "word index that `words`, and `rate` or `share` by participant attribute, use);",
        "warm = median of the next three runs. On a machine busy with other work the",
        "times vary from run to run by up to a third.",
        "",
        f"| matrix | columns | roll-up | first run (s) | warm (s) | goal {GOAL_MATRIX} s |",
        "|---|---|---|---:|---:|---|",
    ]
    with open_project(path) as project:
        for cols in ("cases", "documents", "role"):
            for rollup in (False, True):
                if cols != "cases" and rollup:
                    continue
                for m in MEASURES:
                    first, warm = _time(
                        lambda m=m, cols=cols, rollup=rollup: compute_matrix(
                            project, cols=cols, measure=m, rollup=rollup
                        )
                    )
                    ok = "met" if warm < GOAL_MATRIX else "**missed**"
                    lines.append(f"| {m} | {cols} | {'yes' if rollup else 'no'} | "
                                 f"{first:.3f} | {warm:.3f} | {ok} |")
                    print(lines[-1], file=sys.stderr)
        code_ids = list(range(1, 61))
        case_ids = [1, 2]
        _pin_quotes(project, code_ids, case_ids, 3)
        docx_out = workdir / "bench.docx"
        first, warm = _time(lambda: export_docx(
            project, docx_out, measure="segments", cols="cases", code_ids=code_ids,
            case_ids=case_ids, content=("counts", "summary", "rating", "quotes"),
        ))
    ok = "met" if warm < GOAL_DOCX else "**missed**"
    index_rows = _with_covering_index(path, workdir)
    lines += [
        "",
        "Most of each matrix is reading the coding rows from SQLite into numpy; grouping,",
        "roll-up, distinct passages and the union of spans are array operations. A covering",
        "index on `coding (code_id, document_id, start, end)` (not in the schema yet) lets",
        "SQLite read the rows without the snippets:",
        "",
        "| matrix (cases, rolled up) | warm without index (s) | warm with index (s) |",
        "|---|---:|---:|",
        *index_rows,
    ]
    lines += [
        "",
        f"| Word export | first run (s) | warm (s) | goal {GOAL_DOCX} s |",
        "|---|---:|---:|---|",
        (f"| 60 codes x 2 cases, counts, summary, rating, 3 pinned quotes per cell, "
         f"codebook appendix | {first:.3f} | {warm:.3f} | {ok} |"),
        "",
    ]
    text = "\n".join(lines)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/PERFORMANCE-matrix.md"))
    parser.add_argument("--keep", type=Path, help="keep the generated project in this folder")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(run(args.out, args.keep))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print(run(args.out, Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
