"""The demo's fictional second coder: three documents double-coded, made from the first coder's
codings by rule, with disagreements of every kind and an agreement table to show."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from crosscase.analysis.agreement import agreement, double_coded
from crosscase.analysis.disagreements import disagreements
from crosscase.db.project import Project
from crosscase.demo import SAMPLE_DATA, SECOND_CODER

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_file_is_what_the_rule_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_second_coder",
                                                  ROOT / "tools" / "make_second_coder.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    first = [json.loads(line) for line in
             (SAMPLE_DATA / "demo_codings.jsonl").read_text(encoding="utf-8").splitlines() if line]
    committed = [json.loads(line) for line in (SAMPLE_DATA / "demo_codings_second_coder.jsonl")
                 .read_text(encoding="utf-8").splitlines() if line]
    assert tool.second_coder(first) == committed
    assert {r["document"] for r in committed} == set(tool.DOCUMENTS)


def test_two_coders_agree_partly_on_three_documents(demo_project: Project) -> None:
    with demo_project.session() as s:
        from sqlalchemy import select

        from crosscase.db.models import Coder, Coding

        first = s.scalar(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
                         .where(Coder.name != SECOND_CODER).limit(1))
        assert first is not None
        docs = double_coded(s, [first, SECOND_CODER])
        report = agreement(s, [first, SECOND_CODER], document_ids=docs, bootstrap=100)
        found = disagreements(s, (first, SECOND_CODER))
    assert len(docs) == 3
    alpha = report.overall["characters"].alpha
    assert alpha is not None and 0.5 < alpha < 0.95
    assert {d.kind for d in found} == {"only_a", "only_b", "boundaries"}
