"""What an exchange brought in, wrote out, or had to leave behind.

The standard asks software to tell the user, at import and at export, which
elements were discarded. Every report here keeps counts of what went through
and a line for everything that did not, with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return f"{n} {word[:-1]}ies"
    if word.endswith(("s", "x")):
        return f"{n} {word}es"
    return f"{n} {word}s"


def _summary(counts: Counter[str], order: tuple[str, ...]) -> str:
    keys = [k for k in order if counts.get(k)] + sorted(k for k in counts if k not in order)
    parts = [_plural(counts[k], k) for k in keys if counts[k]]
    return ", ".join(parts) if parts else "nothing"


@dataclass
class ExportReport:
    """What an export wrote and what REFI-QDA could not carry."""

    path: Path
    format: str  # "qdpx" or "qdc"
    counts: Counter[str] = field(default_factory=Counter)
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    ORDER = ("user", "code", "variable", "case", "source", "coding", "comment", "note", "set")

    def leave_out(self, what: str) -> None:
        self.left_out.append(what)

    def lines(self) -> list[str]:
        head = f"Exported {self.path.name} ({self.format.upper()}): "
        out = [head + _summary(self.counts, self.ORDER)]
        out += [f"  {n}" for n in self.notes]
        if self.left_out:
            out.append("Left out (REFI-QDA has no place for them):")
            out += [f"  - {x}" for x in self.left_out]
        return out


@dataclass
class ImportReport:
    """What came in from a QDPX file and what was skipped, with reasons."""

    source: Path
    project: Path | None = None
    counts: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    ORDER = ("user", "code", "variable", "case", "source", "coding", "comment", "note", "set")

    def skip(self, what: str) -> None:
        self.skipped.append(what)

    def note(self, what: str) -> None:
        self.notes.append(what)

    @property
    def ok(self) -> bool:
        """True when nothing in the file had to be skipped."""
        return not self.skipped

    def summary_lines(self) -> list[str]:
        """What came in, and notes on how it was read."""
        target = f" into {self.project.name}" if self.project is not None else ""
        out = [f"Imported {self.source.name}{target}: {_summary(self.counts, self.ORDER)}"]
        out += [f"  {n}" for n in self.notes]
        return out

    def skipped_lines(self) -> list[str]:
        """What was skipped, each with its reason (empty if nothing was)."""
        if not self.skipped:
            return []
        return [f"Skipped ({len(self.skipped)}):", *(f"  - {x}" for x in self.skipped)]

    def lines(self) -> list[str]:
        return self.summary_lines() + self.skipped_lines()


@dataclass
class CodebookReport:
    """What loading a codebook (QDC) into a project did, code by code."""

    source: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.skipped

    def lines(self) -> list[str]:
        head = f"Loaded {self.source.name}: {len(self.added)} added, "
        out = [head + f"{len(self.updated)} updated, {len(self.unchanged)} already there unchanged"]
        out += [f"  {n}" for n in self.notes]
        out += [f"  added: {p}" for p in self.added]
        out += [f"  updated: {p}" for p in self.updated]
        out += [f"  unchanged: {p}" for p in self.unchanged]
        if self.skipped:
            out.append(f"Skipped ({len(self.skipped)}):")
            out += [f"  - {x}" for x in self.skipped]
        return out
