"""Change: one plain, immutable, serialisable value per command."""

from __future__ import annotations

import json

import pytest

from crosscase.domain.changes import Change, Kind


def test_values_are_normalised_to_plain_frozen_values() -> None:
    ch = Change("Apply code", {"codings": [3, 4]}, reshaped={"codings"},  # type: ignore[dict-item,arg-type]
                documents=[7], codes=(1,), initiator="tester")  # type: ignore[arg-type]
    assert ch.changed == {Kind.CODINGS: frozenset({3, 4})}
    assert ch.reshaped == frozenset({Kind.CODINGS})
    assert ch.documents == frozenset({7}) and ch.codes == frozenset({1})
    with pytest.raises(TypeError):
        ch.changed[Kind.CODES] = frozenset()  # type: ignore[index]
    with pytest.raises(AttributeError):
        ch.label = "other"  # type: ignore[misc]
    assert hash(ch) == hash(Change("Apply code", {Kind.CODINGS: frozenset({4, 3})},
                                   frozenset({Kind.CODINGS}), frozenset({7}), frozenset({1}),
                                   "tester"))


def test_questions_listeners_ask() -> None:
    ch = Change("Delete code", {Kind.CODES: frozenset({5}), Kind.CODINGS: frozenset({9})},
                reshaped=frozenset({Kind.CODES}), documents=frozenset({2}))
    assert ch.kinds == {Kind.CODES, Kind.CODINGS}
    assert ch.touches(Kind.CASES, Kind.CODINGS) and not ch.touches(Kind.CASES)
    assert ch.ids(Kind.CODES) == {5} and ch.ids(Kind.CASES) == frozenset()
    assert ch.reshapes(Kind.CODES) and not ch.reshapes(Kind.CODINGS)
    assert ch.affects_document(2) and not ch.affects_document(3)
    anything = Change("Load codebook", {Kind.CODES: None, Kind.CODINGS: None})
    assert anything.ids(Kind.CODES) is None
    assert anything.reshapes(Kind.CODES)  # "any may have changed" includes the shape
    assert anything.affects_document(12345)


def test_direction_is_checked_and_reversed() -> None:
    with pytest.raises(ValueError, match="direction"):
        Change("x", direction="sideways")
    do = Change("x", {Kind.CASES: frozenset({1})})
    assert do.reversed().direction == "undo"
    assert do.reversed().reversed().direction == "redo"
    moved = do.with_direction("redo", initiator="ana")
    assert (moved.direction, moved.initiator, moved.changed) == ("redo", "ana", do.changed)


def test_merge_unions_ids_and_any_wins() -> None:
    a = Change("a", {Kind.CODES: frozenset({1}), Kind.CODINGS: frozenset({10})},
               reshaped=frozenset({Kind.CODES}), documents=frozenset({4}), codes=frozenset({1}))
    b = Change("b", {Kind.CODINGS: frozenset({11}), Kind.FRAMEWORK: frozenset({2})},
               reshaped=frozenset({Kind.CODINGS}), documents=frozenset({5}), codes=frozenset({2}))
    c = Change("c", {Kind.CODES: None})
    merged = Change.merge("both", [a, b], initiator="tester", direction="undo")
    assert merged.changed == {Kind.CODES: {1}, Kind.CODINGS: {10, 11}, Kind.FRAMEWORK: {2}}
    assert merged.reshaped == {Kind.CODES, Kind.CODINGS}
    assert (merged.documents, merged.codes) == ({4, 5}, {1, 2})
    assert (merged.label, merged.initiator, merged.direction) == ("both", "tester", "undo")
    assert Change.merge("x", [a, c, a]).ids(Kind.CODES) is None  # None stays None
    assert Change.merge("none", []).kinds == frozenset()


def test_json_round_trip_is_exact_and_plain() -> None:
    ch = Change("Import 2 documents", {Kind.DOCUMENTS: frozenset({8, 3}), Kind.CODES: None},
                reshaped=frozenset({Kind.DOCUMENTS}), documents=frozenset({8}),
                initiator="Ana Ruiz", direction="redo")
    text = ch.to_json()
    data = json.loads(text)
    assert data["changed"] == {"codes": None, "documents": [3, 8]}
    assert data["reshaped"] == ["documents"] and data["direction"] == "redo"
    assert Change.from_json(text) == ch
    assert Change.from_dict(ch.to_dict()) == ch
