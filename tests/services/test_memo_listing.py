"""Every memo with text, with its case and code, in a stable order."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))
from uihelpers import build_small_project  # noqa: E402

from crosscase.commands.coding import ApplyCodings  # noqa: E402
from crosscase.commands.memo import SetMemo  # noqa: E402
from crosscase.db.project import open_project  # noqa: E402
from crosscase.services import codebook, memo_list  # noqa: E402
from crosscase.services.coding import CodingSpec  # noqa: E402


def test_all_memos(tmp_path: Path) -> None:
    with open_project(build_small_project(tmp_path)) as project:
        with project.session() as s:
            code = codebook.resolve(s, "Hybridity/Trading income")
        applied = ApplyCodings([CodingSpec(1, code, 0, 12)])
        applied.do(project)
        SetMemo("coding", applied.ids[0], "a coding memo").do(project)
        SetMemo("case", 2, "a case memo").do(project)
        SetMemo("code", code, "a code memo").do(project)
        with project.session() as s:
            memos = memo_list.all_memos(s)
        assert [m.kind for m in memos] == ["case", "code", "coding"]
        coding = memos[2]
        assert (coding.code_id, coding.document_id, coding.start, coding.end) == (code, 1, 0, 12)
        assert coding.case == "Millbrook Works" and coding.text == "a coding memo"
        assert memos[1].subject == "Hybridity/Trading income"
