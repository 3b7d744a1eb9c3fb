"""What an importer hands to the core: text plus the structure needed to cite it.

All offsets are code-point indices into ``text``, end exclusive. ``text`` is
already normalised (``\\n`` line endings, no BOM): it is exactly what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, as cited: (Case, Document, ¶12)
    start: int
    end: int


@dataclass(frozen=True)
class Page:
    number: int  # 1-based page label as printed on the PDF page index
    start: int
    end: int


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: int
    end: int
    timestamp: str | None = None


@dataclass(frozen=True)
class AnchoredNote:
    """A note from the source file (e.g. a Word comment) on a passage."""

    start: int
    end: int
    text: str
    author: str | None = None


@dataclass
class Extracted:
    text: str
    format: str  # "txt", "docx", "pdf", "odt", "rtf", "md", "html"
    paragraphs: list[Paragraph] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    notes: list[AnchoredNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def check(self) -> None:
        """Every structure span must lie inside the text."""
        n = len(self.text)
        for group in (self.paragraphs, self.pages, self.turns, self.notes):
            for item in group:
                if not 0 <= item.start <= item.end <= n:
                    raise ValueError(f"{type(item).__name__} {item} lies outside the text")
