"""Finding a code by a few letters, naming a code from selected words, and code look-ups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crosscase.db.models import Code
from crosscase.db.project import Project
from crosscase.services import codebook
from crosscase.services.codebook import CodeNode, fuzzy_rank, in_vivo_name


def nodes(*paths: str) -> dict[int, CodeNode]:
    """Code nodes from paths, in the order given, parents listed before children."""
    out: dict[int, CodeNode] = {}
    by_path: dict[str, int] = {}
    for i, path in enumerate(paths, 1):
        parent_path, _, name = path.rpartition("/")
        parent = by_path.get(parent_path) if parent_path else None
        out[i] = CodeNode(i, parent, name, path, path.count("/"), "#000000",
                          "", "", "", "", "", i, [])
        if parent is not None:
            out[parent].children.append(i)
        by_path[path] = i
    return out


def ranked(query: str, tree: dict[int, CodeNode], limit: int = 200) -> list[str]:
    return [tree[i].path for i in fuzzy_rank(query, tree, limit)]


@pytest.fixture
def default_tree(project: Project) -> dict[int, CodeNode]:
    with project.session() as s:
        return codebook.tree(s)


def test_the_documented_examples_on_the_default_codebook(default_tree: dict[int, CodeNode]) -> None:
    assert ranked("co-d", default_tree)[0] == "Co-production/Co-design"
    assert ranked("tin", default_tree)[0] == "Hybridity/Trading income"  # by its initials
    assert ranked("self man", default_tree) == ["Co-production/Self-managed relationships"]


def test_an_empty_query_lists_every_code_in_tree_order(default_tree: dict[int, CodeNode]) -> None:
    assert fuzzy_rank("", default_tree) == list(default_tree)
    assert fuzzy_rank("   ", default_tree, limit=3) == list(default_tree)[:3]


def test_an_exact_name_beats_a_prefix_beats_a_substring() -> None:
    tree = nodes("Trustees", "Distrust", "Relational", "Relational/Trust")
    assert ranked("trust", tree) == ["Relational/Trust", "Trustees", "Distrust"]


def test_case_is_ignored_and_accents_are_kept() -> None:
    tree = nodes("Income", "Income/Café", "Income/Farm shop")
    assert ranked("CAFÉ", tree) == ["Income/Café"]
    assert ranked("farm SHOP", tree)[0] == "Income/Farm shop"


def test_a_query_across_levels_matches_the_path() -> None:
    tree = nodes("Hybridity", "Hybridity/Café", "Innovation", "Innovation/Café culture")
    assert ranked("hyb/caf", tree) == ["Hybridity/Café"]
    assert ranked("innovation/caf", tree) == ["Innovation/Café culture"]


def test_letters_in_order_at_word_starts_find_a_code() -> None:
    tree = nodes("Tensions", "Trading income", "Transactional orientation")
    assert ranked("tin", tree)[0] == "Trading income"
    assert ranked("tor", tree)[0] == "Transactional orientation"


def test_letters_out_of_order_or_absent_find_nothing() -> None:
    tree = nodes("Trust", "Hybridity")
    assert fuzzy_rank("tsurt", tree) == []
    assert fuzzy_rank("zzz", tree) == []


def test_astral_characters_in_names_and_queries() -> None:
    tree = nodes("Money 💷", "Trust 𝒳", "Trust")
    assert ranked("𝒳", tree) == ["Trust 𝒳"]
    assert ranked("💷", tree) == ["Money 💷"]
    assert ranked("trust", tree) == ["Trust", "Trust 𝒳"]


def test_equal_scores_prefer_the_shorter_path_then_tree_order() -> None:
    tree = nodes("A", "A/Wellbeing", "B", "B/Wellbeing", "Wellbeing")
    assert ranked("wellbeing", tree) == ["Wellbeing", "A/Wellbeing", "B/Wellbeing"]


def test_the_limit_cuts_the_ranking_not_the_order() -> None:
    tree = nodes(*(f"Code {n}" for n in range(10)))
    full = fuzzy_rank("code", tree)
    assert len(full) == 10
    assert fuzzy_rank("code", tree, limit=4) == full[:4]


# -- in-vivo code names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("selected", "name"),
    [
        ("  “We do it   together.”\n", "We do it together"),
        ("we upcycle\nfurniture,\tand deliver leaflets", "we upcycle furniture, and deliver leaflets"),
        ("'the café 😀'", "the café 😀"),
        ("(Trust!)", "Trust"),
        ("day service/farm shop", "day service-farm shop"),
        ("𝒳 and/or 𝒴", "𝒳 and-or 𝒴"),
        (" \n ", ""),
    ],
)
def test_in_vivo_name_is_one_clean_line(selected: str, name: str) -> None:
    assert in_vivo_name(selected) == name


def test_a_long_selection_is_cut_at_a_word_with_an_ellipsis() -> None:
    words = "the service users manage their own relationships with practitioners every day"
    name = in_vivo_name(words, limit=40)
    assert name.endswith("…") and len(name) <= 41
    assert words.startswith(name[:-1]) and words[len(name) - 1] == " "


def test_a_long_word_is_cut_hard_and_astral_characters_count_once() -> None:
    name = in_vivo_name("𝒳" * 70, limit=60)
    assert name == "𝒳" * 60 + "…"
    assert in_vivo_name("x" * 60, limit=60) == "x" * 60  # at the limit: kept whole


def test_an_in_vivo_name_is_a_valid_code_name(project: Project) -> None:
    from crosscase.commands.codebook import CreateCode

    cmd = CreateCode(in_vivo_name("“day service / farm shop”\n"))
    cmd.do(project)
    with project.session() as s:
        assert codebook.tree(s)[cmd.id or 0].name == "day service - farm shop"


# -- code_exists ----------------------------------------------------------------------


def test_code_exists(project: Project) -> None:
    with project.session() as s:
        some = s.scalar(select(Code.id).limit(1))
        top = s.scalar(select(func.max(Code.id)))
        assert some is not None and top is not None
        assert codebook.code_exists(s, some)
        assert not codebook.code_exists(s, top + 1)
        assert not codebook.code_exists(s, -1)
