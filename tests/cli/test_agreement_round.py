"""``crosscase agreement --round NAME``: the round's documents and, by default, its coders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crosscase.cli.main import main
from crosscase.db.project import open_project
from crosscase.services import rounds

CODE = "Relational orientation/Trust"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_agreement_scoped_to_a_round(demo_file: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    study = tmp_path / "study.crosscase"
    shutil.copy(demo_file, study)
    s_ = str(study)
    run(capsys, "sample", s_, "--share", "0.2", "--seed", "7", "--name", "round1",
        "--coders", "Anna", "Ben", "--coder", "tester")
    with open_project(study, readonly=True) as p, p.session() as s:
        docs = rounds.find(s, "round1").documents
    names = {d["id"]: d["name"] for d in json.loads(run(capsys, "docs", s_, "--json")[1])}
    inside = names[docs[0]]
    outside = next(n for i, n in names.items() if i not in docs)
    for doc in (inside, outside):
        for who, start in (("Anna", "0"), ("Ben", "5")):
            assert run(capsys, "code", s_, doc, CODE, "--start", start, "--end", "80",
                       "--coder", who)[0] == 0
    code, out, _ = run(capsys, "agreement", s_, "--round", "round1", "--json", "--bootstrap", "0")
    assert code == 0
    data = json.loads(out)
    assert data["coders"] == ["Anna", "Ben"]
    assert data["scope"]["documents"] == len(docs) and data["scope"]["round"] == "round1"
    everywhere = json.loads(run(capsys, "agreement", s_, "--coders", "Anna", "Ben", "--json",
                                "--bootstrap", "0")[1])
    # the coding outside the round counts only without --round
    assert data["codes"][0]["segments_per_coder"] == {"Anna": 1, "Ben": 1}
    assert everywhere["codes"][0]["segments_per_coder"] == {"Anna": 2, "Ben": 2}
    code, _, err = run(capsys, "agreement", s_, "--round", "nope")
    assert code == 2 and "nope" in err
    code, _, err = run(capsys, "agreement", s_)
    assert code == 2 and "--round" in err
