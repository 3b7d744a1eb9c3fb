"""A stress project for the reports: 117 codes in three levels, four cases whose names
hold markup characters, Arabic, Hebrew and emoji, interviews with 320-word turns in
English, Arabic and Hebrew, ratings on themes whose codings sit on their sub-codes.

    .venv/bin/python tests/exchange/reports/stress.py OUT.crosscase   # build one to look at
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from crosscase.commands.cases import SetAttribute
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.commands.framework import SetFrameworkCell
from crosscase.db.project import Project
from crosscase.domain.extract import Extracted, Paragraph, Turn
from crosscase.services import cases, documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

CASES = ("Case A & <Millbrook> \"Works\"", "حالة ب: الدائرة", "מקרה ג: המעגל", "Case D 🌱 Growers")
THEMES = ("Co-production", "Innovation", "Hybridity", "Relational orientation",
          "Transactional orientation", "Enablers", "Barriers", "Governance", "Outcomes")
SUBS = ("with service users", "with practitioners", "with the community")
LEAVES = ("in design", "in delivery", "in review")
ENGLISH = (
    "we decide what goes in the shop window now and the café runs on members who take the "
    "till; the social worker comes to me for my review meeting. income from the caravan "
    "park pays for the minibus & the <garden> crew. nobody told us \"how\" to do it, we "
    "just did it together 🌱 and it worked."
).split()
ARABIC = ("نحن نقرر ما يوضع في واجهة المتجر الآن والمقهى يعمل بفضل الأعضاء الذين يديرون "
          "الصندوق. الأخصائي الاجتماعي يأتي إلي من أجل اجتماع المراجعة.").split()
HEBREW = ("אנחנו מחליטים מה נכנס לחלון הראווה עכשיו והבית קפה פועל בזכות החברים שמנהלים "
          "את הקופה. העובדת הסוציאלית באה אלי לפגישת הסקירה שלי.").split()
LANGUAGE = (ENGLISH, ARABIC, HEBREW, ENGLISH)
TURN_WORDS = 320


@dataclass
class Stress:
    codes: dict[str, int] = field(default_factory=dict)  # path -> id
    cases: dict[str, int] = field(default_factory=dict)
    themes: list[int] = field(default_factory=list)
    docs: dict[int, str] = field(default_factory=dict)  # id -> text


def _interview(rng: random.Random, vocab: list[str], turns: int) -> Extracted:
    parts: list[str] = []
    paras: list[Paragraph] = []
    tlist: list[Turn] = []
    pos = 0
    for n in range(turns):
        who = ("Interviewer", "P1", "P2", "P3")[n % 4]
        count = 20 if who == "Interviewer" else TURN_WORDS
        body = " ".join(rng.choice(vocab) for _ in range(count)).strip()
        line = f"{who}: {body}."
        parts.append(line)
        paras.append(Paragraph(n + 1, pos, pos + len(line)))
        tlist.append(Turn(who, pos, pos + len(line)))
        pos += len(line) + 2
    return Extracted("\n\n".join(parts), "txt", paragraphs=paras, turns=tlist)


def build_stress(project: Project, seed: int = 7) -> Stress:
    rng = random.Random(seed)
    st = Stress()

    def code(name: str, parent: str | None) -> str:
        path = f"{parent}/{name}" if parent else name
        cmd = CreateCode(name, st.codes[parent] if parent else None,
                         definition=f"Talk about {name.lower()}.")
        cmd.do(project)
        assert cmd.id is not None
        st.codes[path] = cmd.id
        return path

    for theme in THEMES:
        t = code(theme, None)
        st.themes.append(st.codes[t])
        for sub in SUBS:
            s = code(sub[:1].upper() + sub[1:], t)
            for leaf in LEAVES:
                code(leaf[:1].upper() + leaf[1:], s)
    assert len(st.codes) == 117
    with project.transaction() as s:
        for name, vocab in zip(CASES, LANGUAGE, strict=True):
            cid = cases.ensure(s, name)
            st.cases[name] = cid
            ex = _interview(rng, vocab, 8)
            did = documents.store(s, project, cid, f"{name[:6]} interview", ex)
            st.docs[did] = ex.text
    from sqlalchemy import select

    from crosscase.db.models import Participant

    with project.session() as s:
        people = s.execute(select(Participant.id, Participant.name, Participant.case_id)).all()
    roles = {"Interviewer": "researcher", "P1": "manager", "P2": "service user",
             "P3": "practitioner"}
    for n, (pid, name, _case) in enumerate(people, 1):
        SetAttribute("participant", pid, "role", roles.get(name, "other")).do(project)
        if name != "Interviewer":
            SetAttribute("participant", pid, "id", f"P{n}").do(project)
    # codings only on sub-codes and leaves: themes get their counts by roll-up;
    # each coding a whole long turn or a sentence of it
    specs: list[CodingSpec] = []
    leaf_paths = [p for p in st.codes if p.count("/") >= 1]
    for did, text in st.docs.items():
        starts = [0] + [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)]
        ends = [i for i in range(len(text)) if text.startswith("\n\n", i)] + [len(text)]
        for path in leaf_paths:
            if rng.random() < 0.35:
                k = rng.randrange(len(starts))
                start, end = starts[k], ends[k]
                if rng.random() < 0.5:
                    end = min(end, start + rng.randint(40, 200))
                specs.append(CodingSpec(did, st.codes[path], start, end))
    ApplyCodings(specs).do(project)
    scale = ("absent", "weak", "moderate", "strong")
    for theme in st.themes:
        for case in st.cases.values():
            SetFrameworkCell(theme, case, summary="A summary with <markup> & \"quotes\"; "
                             "the researchers' reading of every sub-code.",
                             rating=rng.choice(scale)).do(project)
    return st


def stress_project(path: Path) -> tuple[Project, Stress]:
    p = new_project(path, empty=True)
    return p, build_stress(p)


if __name__ == "__main__":
    project, _ = stress_project(Path(sys.argv[1]))
    project.close()
