"""Core at real size: batch import, coding, segments and search.

A generated study of 300 transcripts (about 2,000 words each) and 30,000
codings, the size of a large PhD project. Writes a Markdown section to
docs/PERFORMANCE-core.md.

    .venv/bin/python benchmarks/bench_core.py
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from machine import machine  # benchmarks/machine.py

from crosscase.commands.coding import ApplyCodings, RemoveCodings
from crosscase.services import codebook, documents, search, segments
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

WORDS = ("we the service users café farm shop co-production trust practitioners caravan "
         "park commissioning day 😀 𝒳 word of mouth innovation budget review social").split()


def transcript(rng: random.Random, n_words: int = 2000) -> str:
    lines = []
    words = 0
    turn = 0
    while words < n_words:
        k = rng.randint(8, 60)
        speaker = "Interviewer" if turn % 2 == 0 else f"P{rng.randint(1, 9)}"
        lines.append(f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(k)) + ".")
        words += k
        turn += 1
    return "\r\n".join(lines) + "\r\n"


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--codings", type=int, default=30_000)
    ap.add_argument("--out", type=Path, default=Path("docs/PERFORMANCE-core.md"))
    args = ap.parse_args()
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp())
    src = tmp / "files"
    src.mkdir()
    for i in range(args.docs):
        (src / f"interview-{i:03}.txt").write_text(transcript(rng), encoding="utf-8")
    project = new_project(tmp / "big.crosscase")
    rows: list[tuple[str, str, str]] = []

    t_import, report = timed(lambda: documents.import_files(project, [src], "Case A"))
    assert len(report.imported) == args.docs
    rows.append(("import", f"{args.docs} transcripts (~2,000 words each), one transaction each",
                 f"{t_import:.2f} s ({1000 * t_import / args.docs:.1f} ms per file)"))

    with project.session() as s:
        docs = [(d["id"], d["chars"]) for d in documents.listing(s)]
        codes = list(codebook.tree(s))
    specs = []
    for _ in range(args.codings):
        did, n = rng.choice(docs)
        a = rng.randrange(0, n - 200)
        specs.append(CodingSpec(did, rng.choice(codes), a, a + rng.randint(20, 200)))
    cmd = ApplyCodings(specs)
    t_bulk, _ = timed(lambda: cmd.do(project))
    rows.append(("code", f"{args.codings:,} codings in one command", f"{t_bulk:.2f} s"))

    one = CodingSpec(docs[0][0], codes[0], 10, 50)
    single = ApplyCodings([one])
    t_one, _ = timed(lambda: single.do(project))
    rows.append(("code", "apply one coding (commit included)", f"{1000 * t_one:.1f} ms"))
    t_undo, _ = timed(lambda: single.undo(project))
    rows.append(("code", "undo it", f"{1000 * t_undo:.1f} ms"))
    t_rm, _ = timed(lambda: RemoveCodings(cmd.ids[:1000]).do(project))
    rows.append(("code", "remove 1,000 codings", f"{1000 * t_rm:.1f} ms"))

    with project.session() as s:
        t_seg, segs = timed(lambda: segments.fetch(s))
        rows.append(("retrieve", f"all {len(segs):,} segments with ¶ and speaker", f"{t_seg:.2f} s"))
        t_code, segs1 = timed(lambda: segments.fetch(s, code_ids=[codes[5]]))
        rows.append(("retrieve", f"one code's {len(segs1):,} segments", f"{1000 * t_code:.0f} ms"))
        pat = search.compile_pattern("word of mouth")
        t_search, hits = timed(lambda: search.search(s, pat, scope="sentence"))
        rows.append(("search", f"'word of mouth' across all documents, sentence scope ({len(hits):,} hits)",
                     f"{t_search:.2f} s"))
    project.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("memory", "peak resident set of the whole run", f"{peak:.0f} MB"))

    lines = [
        "## Core: import, coding, retrieval, search",
        "",
        f"Measured {date.today().isoformat()} on {machine()}, with "
        "`.venv/bin/python benchmarks/bench_core.py`.",
        f"A generated project: {args.docs} transcripts, the default codebook, "
        f"{args.codings:,} codings.",
        "",
        "| area | what | time |",
        "|---|---|---|",
        *[f"| {a} | {w} | {t} |" for a, w, t in rows],
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
