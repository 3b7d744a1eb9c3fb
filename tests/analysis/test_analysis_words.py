"""Words in a span, counted with numpy, agree with ``re.findall(r"\\w+")`` on the slice."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscase.analysis import words
from crosscase.services.documents import word_count

ALPHABET = st.sampled_from(list("ab Z9_ -.,'\n\té") + ["😀", "𝒳", "\u0301", "ß", "中", "٣", "½",
                                                       "\u200b", "Ⅻ"])


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join), st.data())
def test_count_matches_regex(text: str, data: st.DataObject) -> None:
    assert words.count_in(text, 0, len(text)) == len(re.findall(r"\w+", text))
    assert len(words.boundaries(text)[0]) == word_count(text)
    if text:
        s = data.draw(st.integers(0, len(text) - 1))
        e = data.draw(st.integers(s + 1, len(text)))
        assert words.count_in(text, s, e) == len(re.findall(r"\w+", text[s:e]))


def test_mask_handles_astral_word_characters() -> None:
    text = "𝒳𝒴 😀 ab"
    mask = words.word_mask(text)
    assert mask.tolist() == [ch.isalnum() or ch == "_" for ch in text]


def test_count_spans_across_documents(empty_project) -> None:  # type: ignore[no-untyped-def]
    from crosscase.domain.extract import Extracted
    from crosscase.services import cases, documents

    texts = ["one two three", "αβγ δ", "x"]
    with empty_project.transaction() as s:
        cid = cases.ensure(s, "C")
        ids = [documents.store(s, empty_project, cid, f"d{i}", Extracted(t, "txt"))
               for i, t in enumerate(texts)]
    spans = [(ids[0], 0, 13), (ids[0], 4, 13), (ids[1], 0, 5), (ids[2], 0, 1), (ids[0], 5, 6)]
    with empty_project.session() as s:
        got = words.count_spans(s, np.array([d for d, _, _ in spans]),
                                np.array([a for _, a, _ in spans]),
                                np.array([b for _, _, b in spans]))
        again = words.count_spans(s, np.array([ids[0]]), np.array([0]), np.array([3]))
    by_id = dict(zip(ids, texts, strict=True))
    assert got.tolist() == [len(re.findall(r"\w+", by_id[d][a:b])) for d, a, b in spans]
    assert again.tolist() == [1]
