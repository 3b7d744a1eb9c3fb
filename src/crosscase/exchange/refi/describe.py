"""A code's definition, inclusion, exclusion and example in one Description.

REFI-QDA gives a code a single free-text Description. Crosscase writes its
four fields there as labelled paragraphs a person can read in any program::

    Definition: Service users contributing ...

    Inclusion: Passages about who takes part ...

    Exclusion: Consultation in which ...

    Example: "It isn't a service they come to ..."

and reads them back from that form, or from common variants of it. A
description with no labels is a definition.
"""

from __future__ import annotations

import re

FIELDS = ("definition", "inclusion", "exclusion", "example")
LABELS = {"definition": "Definition", "inclusion": "Inclusion",
          "exclusion": "Exclusion", "example": "Example"}

_ALIASES = {
    "definition": "definition", "description": "definition", "meaning": "definition",
    "inclusion": "inclusion", "inclusions": "inclusion", "inclusion criteria": "inclusion",
    "include": "inclusion", "includes": "inclusion", "when to use": "inclusion",
    "use when": "inclusion",
    "exclusion": "exclusion", "exclusions": "exclusion", "exclusion criteria": "exclusion",
    "exclude": "exclusion", "excludes": "exclusion", "when not to use": "exclusion",
    "do not use when": "exclusion",
    "example": "example", "examples": "example", "typical example": "example",
    "example quote": "example",
}
_LABEL = re.compile(
    r"^[ \t]*(?P<label>"
    + "|".join(re.escape(a) for a in sorted(_ALIASES, key=len, reverse=True))
    + r")[ \t]*:[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)


def render(fields: dict[str, str]) -> str:
    """The labelled Description for a code's fields (empty fields left out)."""
    parts = [f"{LABELS[f]}: {fields[f].strip()}" for f in FIELDS if (fields.get(f) or "").strip()]
    return "\n\n".join(parts)


def parse(description: str | None) -> dict[str, str]:
    """The four fields from a Description, labelled or not."""
    out = dict.fromkeys(FIELDS, "")
    text = (description or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return out
    matches = list(_LABEL.finditer(text))
    if not matches:
        out["definition"] = text.strip()
        return out
    pieces: dict[str, list[str]] = {f: [] for f in FIELDS}
    before = text[: matches[0].start()].strip()
    if before:
        pieces["definition"].append(before)
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end].strip()
        if value:
            pieces[_ALIASES[m.group("label").lower()]].append(value)
    for f in FIELDS:
        out[f] = "\n\n".join(pieces[f])
    return out
