"""Markdown nested past any parser's limit: flattened, never a word lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from import_fixtures import assert_well_formed

from crosscase.io.importers import extract


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[-+*]|\d+[.)])(?=[ \t]|$)[ \t]?)+", re.MULTILINE)


def spoken_words(markdown: str) -> list[str]:
    """The words of ``markdown`` without its quote and list markers."""
    return words(_MARKERS.sub("", markdown))


CASES = {
    "list": "".join("  " * i + f"- level {i} 😀\n" for i in range(60)) + "\nThe answer after it.\n",
    "quote": "".join(">" * i + f" quote level {i}\n" for i in range(1, 60)) + "\nAnswer 𝒳.\n",
    "mixed": "".join("> - " * i + f"mixed {i}\n" for i in range(1, 60)) + "end\n",
    "numbered": "".join("   " * i + f"1. step {i}\n" for i in range(50)) + "\nDone.\n",
    "tabs": "".join("\t" * i + f"- tab {i}\n" for i in range(80)),
    "one deep line": ">" * 5000 + " deep\n\nafter\n",
}


@pytest.mark.parametrize("label", list(CASES))
def test_every_word_of_deeply_nested_markdown_is_kept(label: str) -> None:
    source = CASES[label]
    result = extract(Path("notes.md"), data=source.encode())
    assert words(result.text) == spoken_words(source)
    assert_well_formed(result)


def test_shallow_nesting_is_read_as_before() -> None:
    source = "- one\n  - two\n    > three\n\nAfter.\n"
    assert extract(Path("n.md"), data=source.encode()).text == "one\ntwo\nthree\nAfter."
