"""The text around a passage: sentence, paragraph or turn, never the passage itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))
from uihelpers import build_small_project  # noqa: E402

from crosscase.db.project import open_project  # noqa: E402
from crosscase.services import context, documents  # noqa: E402


def test_surrounding_by_scope(tmp_path: Path) -> None:
    with open_project(build_small_project(tmp_path)) as project, project.session() as s:
        text = documents.text_of(s, 1)
        a = text.index("pays for")
        b = a + len("pays for the minibus")
        got = {sc: context.surrounding(s, [(1, a, b)], sc)[(1, a, b)] for sc in context.CONTEXT_SCOPES}
        assert got["none"] == context.Surrounding("", "")
        assert got["sentence"] == context.Surrounding("Trading income from the farm shop ", ".")
        assert got["paragraph"].before == "Manager: Trading income from the farm shop "
        assert got["paragraph"].after == ". Word of mouth again."
        assert got["turn"].after.startswith(". Word of mouth")
        short = context.surrounding(s, [(1, a, b)], "paragraph", limit=5)[(1, a, b)]
        assert short.before.startswith("…") and short.after.endswith("…")
        with pytest.raises(ValueError):
            context.surrounding(s, [(1, a, b)], "chapter")
