"""Check sample_data/demo_codings.jsonl against the sample documents and the default codebook.

For every coding it checks that the code path exists in resources/codebook.json,
that the document is listed in sample_data/cases.json, and that the quote is
found in the document's text:

* .txt is read as UTF-8 with line endings normalised to ``\\n``;
* .docx is the paragraph texts joined by ``\\n``;
* .pdf is pdfminer's extracted text, compared with every run of whitespace
  collapsed to one space on both sides (the app matches PDF quotes the same way).

A quote in a .txt or .docx must lie inside one paragraph, must not start with
the speaker label, and must be unique in its document unless ``occurrence``
says which one is meant. It also reports every leaf code that no coding uses,
and counts per case and per top-level theme.

Run from the repository root::

    .venv/bin/python tools/check_demo_codings.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def code_paths(nodes: list[dict], prefix: str = "") -> tuple[set[str], set[str]]:
    """All code paths, and the leaf paths, of a codebook tree."""
    every: set[str] = set()
    leaves: set[str] = set()
    for node in nodes:
        path = prefix + node["name"]
        every.add(path)
        children = node.get("children") or []
        if children:
            sub_all, sub_leaves = code_paths(children, path + "/")
            every |= sub_all
            leaves |= sub_leaves
        else:
            leaves.add(path)
    return every, leaves


def document_text(path: Path) -> str:
    if path.suffix == ".txt":
        text = path.read_text(encoding="utf-8-sig")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix == ".docx":
        from docx import Document

        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    if path.suffix == ".pdf":
        from pdfminer.high_level import extract_text

        return extract_text(str(path))
    raise ValueError(f"unexpected format: {path}")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def occurrences(haystack: str, needle: str) -> list[int]:
    found = []
    at = haystack.find(needle)
    while at >= 0:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def main() -> int:
    codebook = json.loads((ROOT / "resources" / "codebook.json").read_text(encoding="utf-8"))
    paths, leaves = code_paths(codebook)
    cases = json.loads((SAMPLE / "cases.json").read_text(encoding="utf-8"))["cases"]

    docs: dict[str, tuple[str, Path, set[str]]] = {}  # name -> (case, path, speaker labels)
    for case in cases:
        labels = set(case.get("participants", {}))
        for doc in case["documents"]:
            path = SAMPLE / case["folder"] / doc["file"]
            docs[path.stem] = (case["name"], path, labels)

    texts = {name: document_text(path) for name, (_case, path, _labels) in docs.items()}
    problems: list[str] = []
    per_case: Counter[str] = Counter()
    per_theme: Counter[tuple[str, str]] = Counter()
    per_code: Counter[tuple[str, str]] = Counter()
    used: set[str] = set()
    memos = 0

    lines = (SAMPLE / "demo_codings.jsonl").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"demo_codings.jsonl line {number}"
        row = json.loads(line)
        name, code, quote = row["document"], row["code"], row["quote"]
        if name not in docs:
            problems.append(f"{where}: unknown document {name!r}")
            continue
        if code not in paths:
            problems.append(f"{where}: unknown code {code!r}")
        if row.get("memo"):
            memos += 1
        case, path, labels = docs[name]
        text = texts[name]
        if path.suffix == ".pdf":
            hits = occurrences(squash(text), squash(quote))
        else:
            hits = occurrences(text, quote)
            if "\n" in quote:
                problems.append(f"{where}: quote runs over a paragraph break")
            if any(quote.startswith(label + ":") for label in labels):
                problems.append(f"{where}: quote includes the speaker label")
        k = row.get("occurrence")
        if not hits:
            problems.append(f"{where}: quote not found in {path.name}: {quote[:60]!r}")
        elif k is None and len(hits) > 1:
            problems.append(
                f"{where}: quote occurs {len(hits)} times in {path.name}; give an occurrence"
            )
        elif k is not None and not 1 <= k <= len(hits):
            problems.append(f"{where}: occurrence {k} but the quote occurs {len(hits)} times")
        if quote != quote.strip():
            problems.append(f"{where}: quote starts or ends with whitespace")
        per_case[case] += 1
        per_theme[(code.split("/")[0], case)] += 1
        per_code[(code, case)] += 1
        used.add(code)

    unused = sorted(leaf for leaf in leaves if leaf not in used)
    for leaf in unused:
        problems.append(f"leaf code never used: {leaf}")

    case_names = [c["name"] for c in cases]
    print(f"{sum(per_case.values())} codings, {memos} with memos")
    for case in case_names:
        print(f"  {case}: {per_case[case]}")
    print("per top-level theme: " + " | ".join(case_names))
    for theme in [n["name"] for n in codebook]:
        print(f"  {theme}: " + " | ".join(str(per_theme[(theme, c)]) for c in case_names))
    if "-v" in sys.argv:
        print("per code: " + " | ".join(case_names))
        for code in sorted(paths):
            print(f"  {code}: " + " | ".join(str(per_code[(code, c)]) for c in case_names))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
