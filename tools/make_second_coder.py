"""Make the demo's second coder from the first, deterministically (no randomness).

    python tools/make_second_coder.py

The second coder is fictional: a colleague who double-coded three of the
eleven demo documents for a reliability round. Their codings are the first
coder's with disagreements made by rule: every sixth coding from the third
on is left out (only the first coder has it), every sixth from the fifth on
is cut to its first half (boundaries differ), and every ninth from the
eighth on goes to the code of the next coding instead (a different code).
Writes ``sample_data/demo_codings_second_coder.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("A-staff-interview", "B-director-interview", "B-service-user-interview")


def second_coder(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    chosen = [r for r in rows if r["document"] in DOCUMENTS]
    out: list[dict[str, str]] = []
    for i, row in enumerate(chosen):
        if i % 6 == 2:
            continue
        new = dict(row)
        if i % 6 == 4:
            words = row["quote"].split()
            if len(words) >= 8:
                new["quote"] = " ".join(words[: len(words) // 2])
        if i % 9 == 7:
            others = [r["code"] for r in chosen[i + 1:] + chosen[:i] if r["code"] != row["code"]]
            new["code"] = others[0]
        out.append(new)
    return out


def main() -> None:
    src = ROOT / "sample_data" / "demo_codings.jsonl"
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line]
    dest = ROOT / "sample_data" / "demo_codings_second_coder.jsonl"
    dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in second_coder(rows)),
                    encoding="utf-8")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
