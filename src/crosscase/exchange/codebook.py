"""A codebook file read into plain entries for :class:`LoadCodebook`.

Loading a codebook is one undoable command whatever the file: our JSON form
(a list of codes with ``children``) or a REFI-QDA codebook (a ``.qdc``, or
the codebook inside a ``.qdpx``). The file is read here, above the commands,
and the command gets only plain values; :func:`report` then says what the
load did, code by code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crosscase.commands.codebook import CodebookEntry, LoadCodebook, entries_from_nested
from crosscase.domain.errors import ImportRefused
from crosscase.exchange.refi import codes as code_tree
from crosscase.exchange.refi.archive import Archive, Limits
from crosscase.exchange.refi.qdexml import kid, kids, local, parse_xml
from crosscase.exchange.refi.report import CodebookReport
from crosscase.services import codebook


@dataclass
class CodebookFile:
    """What a codebook file holds, and what could not be read from it."""

    source: Path
    entries: list[CodebookEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def command(self) -> LoadCodebook:
        return LoadCodebook(self.entries, source=self.source.name)


def _head(file: Path) -> bytes:
    """The first bytes of ``file``, or one line saying why it cannot be read."""
    try:
        with file.open("rb") as fh:
            return fh.read(64)
    except FileNotFoundError:
        raise ImportRefused(f"{file.name}: no such file") from None
    except IsADirectoryError:
        raise ImportRefused(f"{file.name}: is a folder, not a codebook file") from None
    except OSError as exc:
        raise ImportRefused(f"{file.name}: cannot be read ({exc.strerror})") from None


def read_codebook(file: Path, *, limits: Limits | None = None) -> CodebookFile:
    """Read our JSON codebook or a REFI-QDA one, told apart by their first byte."""
    file = Path(file)
    head = _head(file).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"[", b"{"):
        book = CodebookFile(file, entries_from_nested(codebook.read_codebook_file(file)))
        if not book.entries:
            book.notes.append("the file holds no codes")
        return book
    return read_refi(file, limits or Limits())


def read_refi(file: Path, limits: Limits) -> CodebookFile:
    """A REFI-QDA codebook: a ``.qdc``, or the codebook inside a ``.qdpx``."""
    if _head(file).startswith(b"PK"):
        with Archive(file, limits) as arc:
            root = parse_xml(arc.qde(), f"{file.name} ({arc.qde_name})")
    else:
        size = file.stat().st_size
        cap = min(limits.max_total_bytes, limits.max_xml_bytes)
        if size > cap:
            raise ImportRefused(
                f"{file.name}: {size:,} bytes of XML is over the {cap:,}-byte limit for a "
                "codebook; not loaded"
            )
        root = parse_xml(file.read_bytes(), file.name)
    kind = local(root.tag)
    if kind == "codebook":
        codes_el = kid(root, "Codes")
    elif kind == "project":
        book_el = kid(root, "CodeBook")
        codes_el = kid(book_el, "Codes") if book_el is not None else None
    else:
        raise ImportRefused(
            f"{file.name}: is not a REFI-QDA codebook (its root element is <{kind or '?'}>)"
        )
    book = CodebookFile(file)
    if codes_el is None or not kids(codes_el, "Code"):
        book.notes.append("the file holds no codes")
        return book
    for spec in code_tree.read_specs(codes_el, book.notes, source=file.name):
        book.entries.append(CodebookEntry(
            path=spec.path, color=spec.color, memo=spec.memo, guid=spec.guid,
            **{k: v for k, v in spec.fields.items() if k in ("definition", "inclusion",
                                                            "exclusion", "example")},
        ))
    sets = kid(root, "Sets")
    if kind == "codebook" and sets is not None and kids(sets, "Set"):
        book.skipped.append(f"{len(kids(sets, 'Set'))} code set(s): Crosscase has no code sets")
    return book


def report(book: CodebookFile, command: LoadCodebook) -> CodebookReport:
    """What loading ``book`` through ``command`` did (after the command ran)."""
    return CodebookReport(
        book.source, added=list(command.added), updated=list(command.updated),
        unchanged=list(command.unchanged), skipped=list(book.skipped), notes=list(book.notes),
    )
