"""What one command changed, as a plain value.

Every command (and every import) produces exactly one :class:`Change`. The
project delivers it once to its listeners; the workbench's views update in
place from its ids; a shared project will publish the same value to other
clients, so it holds plain values only and round-trips through JSON.

Ids name what changed, by kind. A kind present with ``None`` for its ids
means "any of this kind may have changed" (a codebook loaded from a file, a
REFI-QDA import): listeners reload that kind whole. ``reshaped`` names the
kinds whose members were added, removed or reordered, as opposed to edited
in place: a tree model resets only for those.

``documents`` and ``codes`` are the context a view needs when the changed
rows themselves are gone (a removed coding cannot be looked up to find its
document): the documents whose codings changed, and the codes whose counts
changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The kinds of thing a change touches."""

    CODES = "codes"  # codebook entries: name, colour, definition, memo, place in the tree
    CODINGS = "codings"
    DOCUMENTS = "documents"
    CASES = "cases"
    PARTICIPANTS = "participants"
    MEMOS = "memos"
    ATTRIBUTES = "attributes"
    FRAMEWORK = "framework"  # framework cells, pinned quotes, the rating scale
    PROJECT = "project"  # the project's own name and memo


Ids = frozenset[int] | None


def _ids(values: Iterable[int] | None) -> Ids:
    return None if values is None else frozenset(int(v) for v in values)


@dataclass(frozen=True)
class Change:
    """One command's effect: kinds and ids, label, who and which way."""

    label: str
    changed: Mapping[Kind, Ids] = field(default_factory=dict)
    reshaped: frozenset[Kind] = frozenset()
    documents: frozenset[int] = frozenset()
    codes: frozenset[int] = frozenset()
    initiator: str = ""
    #: "do", "undo" or "redo"
    direction: str = "do"

    def __post_init__(self) -> None:
        # normalise to immutable plain values whatever the caller passed
        object.__setattr__(
            self, "changed", _FrozenMap({Kind(k): _ids(v) for k, v in self.changed.items()})
        )
        object.__setattr__(self, "reshaped", frozenset(Kind(k) for k in self.reshaped))
        object.__setattr__(self, "documents", frozenset(int(d) for d in self.documents))
        object.__setattr__(self, "codes", frozenset(int(c) for c in self.codes))
        if self.direction not in ("do", "undo", "redo"):
            raise ValueError(f"direction must be do, undo or redo, not {self.direction!r}")

    # -- questions listeners ask ------------------------------------------
    @property
    def kinds(self) -> frozenset[Kind]:
        return frozenset(self.changed)

    def touches(self, *kinds: Kind) -> bool:
        return any(k in self.changed for k in kinds)

    def ids(self, kind: Kind) -> Ids:
        """The ids of ``kind`` that changed: empty if none, None if any may have."""
        if kind not in self.changed:
            return frozenset()
        return self.changed[kind]

    def reshapes(self, kind: Kind) -> bool:
        """True when members of ``kind`` were added, removed or reordered (or anything may have)."""
        return kind in self.reshaped or (kind in self.changed and self.changed[kind] is None)

    def affects_document(self, document_id: int) -> bool:
        """Whether a view of ``document_id`` must repaint its codings."""
        if self.touches(Kind.CODINGS) and self.ids(Kind.CODINGS) is None:
            return True
        return document_id in self.documents

    def overlaps(self, other: Change) -> bool:
        """Whether ``other`` touched what this change touched (the same rows of a kind,
        or codings of its codes or in its documents): undoing this after ``other``
        would undo part of ``other`` as well."""
        for kind, mine in self.changed.items():
            theirs = other.changed.get(kind, frozenset())
            if kind in other.changed and (mine is None or theirs is None or mine & theirs):
                return True
        for a, b in ((self, other), (other, self)):
            codes = a.ids(Kind.CODES)
            if b.codes and (codes is None or codes & b.codes):
                return True
            documents = a.ids(Kind.DOCUMENTS)
            if b.documents and (documents is None or documents & b.documents):
                return True
        return False

    # -- building ------------------------------------------------------------
    def reversed(self) -> Change:
        """The same change seen from an undo (or a redo after an undo)."""
        return replace(self, direction="undo" if self.direction != "undo" else "redo")

    def with_direction(self, direction: str, initiator: str | None = None) -> Change:
        return replace(
            self, direction=direction, initiator=self.initiator if initiator is None else initiator
        )

    @staticmethod
    def merge(label: str, changes: Iterable[Change], *, initiator: str = "",
              direction: str = "do") -> Change:
        """One change for several steps (a sequence command)."""
        changed: dict[Kind, set[int] | None] = {}
        reshaped: set[Kind] = set()
        documents: set[int] = set()
        codes: set[int] = set()
        for ch in changes:
            for kind, ids in ch.changed.items():
                if kind in changed and changed[kind] is None:
                    continue
                if ids is None:
                    changed[kind] = None
                else:
                    current = changed.setdefault(kind, set())
                    assert current is not None
                    current.update(ids)
            reshaped |= ch.reshaped
            documents |= ch.documents
            codes |= ch.codes
        frozen: dict[Kind, Ids] = {k: _ids(v) for k, v in changed.items()}
        return Change(
            label, frozen, frozenset(reshaped), frozenset(documents), frozenset(codes),
            initiator, direction,
        )

    # -- plain values ----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "changed": {
                k.value: (None if v is None else sorted(v))
                for k, v in sorted(self.changed.items(), key=lambda kv: kv[0].value)
            },
            "reshaped": sorted(k.value for k in self.reshaped),
            "documents": sorted(self.documents),
            "codes": sorted(self.codes),
            "initiator": self.initiator,
            "direction": self.direction,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            label=str(data["label"]),
            changed={Kind(k): v for k, v in dict(data.get("changed", {})).items()},
            reshaped=frozenset(Kind(k) for k in data.get("reshaped", ())),
            documents=frozenset(data.get("documents", ())),
            codes=frozenset(data.get("codes", ())),
            initiator=str(data.get("initiator", "")),
            direction=str(data.get("direction", "do")),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Change:
        return cls.from_dict(json.loads(text))


class _FrozenMap(dict[Kind, Ids]):
    """A dict that refuses changes, so a Change stays a value."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a Change is immutable")

    __setitem__ = _refuse
    __delitem__ = _refuse
    update = _refuse
    pop = _refuse
    popitem = _refuse  # type: ignore[assignment]
    clear = _refuse
    setdefault = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))
