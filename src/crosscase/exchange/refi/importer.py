"""Read REFI-QDA files: a QDPX project into a new project, a QDC codebook into an open one.

The import is lenient about what real programs write (namespaces, file and
folder names, GUID spelling, flattened code names, missing source files, the
way positions are counted) and strict about safety: see :mod:`.archive` and
:func:`.qdexml.parse_xml`. The new project is built in a temporary file beside
the target and renamed into place only when it is complete, so a refused or
failed import leaves nothing behind.

Every selection is checked before it becomes a coding: its positions are read
the way the writing program counted them (see :mod:`.positions`), carried over
to the stored text, and compared with the selection's quoted text where the
file gives one. A selection that does not land cleanly is reported, never
imported at a wrong place.
"""

from __future__ import annotations

import codecs
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

from sqlalchemy import insert, select

from crosscase.db.models import (
    Base,
    Case,
    Coder,
    Document,
    DocumentSet,
    DocumentSetMember,
    ProjectInfo,
    utcnow,
)
from crosscase.db.project import Project
from crosscase.domain.errors import CrosscaseError, ImportRefused, ProjectOpenError, UsageError
from crosscase.domain.extract import Extracted
from crosscase.domain.progress import Progress
from crosscase.exchange.files import move_new_project_into_place, remove_project_files
from crosscase.exchange.refi import codes as code_tree
from crosscase.exchange.refi.archive import Archive, Limits
from crosscase.exchange.refi.positions import (
    OFFSET_CHOICES,
    READINGS,
    SourceText,
    claimed_matches,
    reading_for_origin,
    squash,
    verdict,
)
from crosscase.exchange.refi.qdexml import (
    attr,
    guid_key,
    kid,
    kid_text,
    kids,
    local,
    parse_xml,
    valid_guid,
)
from crosscase.exchange.refi.report import CodebookReport, ImportReport
from crosscase.services import attributes, documents

UNASSIGNED_CASE = "Unassigned"
_VAR_TYPES = {"text": "text", "boolean": "boolean", "integer": "number", "float": "number",
              "date": "date", "datetime": "text"}
_MEDIA = {"picturesource": "picture", "audiosource": "audio", "videosource": "video"}


# ---------------------------------------------------------------------------------------
# Project import


def import_qdpx(
    file: Path,
    out: Path,
    offsets: str = "auto",
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """A new project at ``out`` holding what the QDPX ``file`` holds.

    ``offsets`` says how the file counts selection positions: ``auto`` (from
    the program named in the file, confirmed against quoted text) or one of
    :data:`~crosscase.exchange.refi.positions.READINGS`.
    """
    file, out = Path(file), Path(out)
    if offsets not in OFFSET_CHOICES:
        raise UsageError(f"--offsets must be one of {', '.join(OFFSET_CHOICES)}, not '{offsets}'")
    if out.exists():
        raise ProjectOpenError(
            f"{out.name}: already exists; choose another name for the new project"
        )
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    with Archive(file, limits) as arc:
        root = parse_xml(arc.qde(), f"{file.name} ({arc.qde_name})")
        kind = local(root.tag)
        if kind == "codebook":
            raise ImportRefused(
                f"{file.name}: holds a codebook, not a project; load it into a project with "
                "'crosscase codebook PROJECT --load FILE'"
            )
        if kind != "project":
            raise ImportRefused(
                f"{file.name}: {arc.qde_name} is not a REFI-QDA project (its root element is "
                f"<{kind or '?'}>)"
            )
        report = ImportReport(file, out)
        tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
        project: Project | None = None
        try:
            from crosscase.services.projects import new_project

            name = (attr(root, "name") or "").strip() or file.stem
            project = new_project(tmp, empty=True, name=name)
            _Reader(project, arc, root, report, offsets, progress).run()
            project.close()
            project = None
            move_new_project_into_place(tmp, out)
        except BaseException:
            if project is not None:
                project.close()
            remove_project_files(tmp)
            raise
    return report


def _decode(data: bytes, label: str) -> str:
    """The text of a plain-text source file: UTF-8 as the standard says, else detected."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from crosscase.io.importers.text import decode_bytes

        return decode_bytes(data, label)


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _int(raw: str | None) -> int | None:
    try:
        return int((raw or "").strip())
    except ValueError:
        return None


@dataclass
class _Note:
    name: str
    text: str
    used: bool = False


@dataclass
class _Selection:
    el: Element
    start: int | None
    end: int | None
    claimed: str | None
    label: str


@dataclass
class _Var:
    name: str
    type: str
    scope_hint: str | None
    ids: dict[str, int] = field(default_factory=dict)  # scope -> attribute id


class _Reader:
    def __init__(self, project: Project, arc: Archive, root: Element, report: ImportReport,
                 offsets: str, progress: Progress | None) -> None:
        self.project = project
        self.arc = arc
        self.root = root
        self.report = report
        self.offsets = offsets
        self.origin = attr(root, "origin") or ""
        self.preferred = offsets if offsets != "auto" else reading_for_origin(self.origin)
        self.progress = progress or Progress()
        self.notes: dict[str, _Note] = {}
        self.coders: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.vars: dict[str, _Var] = {}
        self.cases: dict[str, int] = {}
        self.case_of_source: dict[str, int] = {}
        self.docs: dict[str, int] = {}
        self.label = arc.path.name
        self.count: Counter[str] = report.counts
        self.duplicates = 0
        self.unchecked = 0
        self.whole = 0

    # -- driver ---------------------------------------------------------------------------

    def run(self) -> None:
        with self.project.transaction() as s:
            self.s = s
            self.read_notes()
            self.read_users()
            self.read_codes()
            self.read_variables()
            self.read_cases()
            self.read_sources()
            self.read_sets()
            self.unused_variables()
            self.read_rest()
            self.project_memo()
            self.finish_notes()
            self.project.log(s, "refi.import", file=self.label,
                             **{k: v for k, v in self.count.items()})

    def finish_notes(self) -> None:
        r = self.report
        if self.offsets == "auto":
            why = f"written by {self.origin}" if self.origin else "the file names no program"
            r.notes.insert(0, f"positions counted as {READINGS[self.preferred]}; {why}; checked "
                              "against quoted text where the file gives it")
        else:
            r.notes.insert(0, f"positions counted as {READINGS[self.offsets]}, as asked")
        if self.unchecked:
            r.note(f"{self.unchecked} selection(s) carried no quoted text to check them against; "
                   "they were imported where their positions put them")
        if self.duplicates:
            r.note(f"{self.duplicates} coding(s) repeated in the file were imported once")
        if self.whole:
            r.note(f"{self.whole} coding(s) of whole sources became codings of the whole text")

    # -- notes and memos ----------------------------------------------------------------

    def read_notes(self) -> None:
        box = kid(self.root, "Notes")
        if box is None:
            return
        for n in kids(box, "Note"):
            key = guid_key(attr(n, "guid"))
            if key is None:
                continue
            text = kid_text(n, "PlainTextContent")
            if not text:
                member = self.arc.find(attr(n, "plainTextPath"))
                if member is not None:
                    data = self.arc.read(member)
                    try:
                        text = _decode(data, member)
                    except CrosscaseError:
                        text = None
            if text is None:
                text = kid_text(n, "Description") or ""
            text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
            self.notes[key] = _Note((attr(n, "name") or "").strip(), text)

    def memo_of(self, el: Element, *, with_description: bool = True) -> str:
        """Description and the Notes that ``el`` points to, as one memo."""
        parts: list[str] = []
        if with_description:
            parts.append(kid_text(el, "Description") or "")
        for ref in kids(el, "NoteRef"):
            key = guid_key(attr(ref, "targetGUID"))
            note = self.notes.get(key or "")
            if note is None:
                continue
            if not note.used:
                self.count["note"] += 1
            note.used = True
            parts.append(note.text)
        return _join(*parts)

    def project_memo(self) -> None:
        memo = self.memo_of(self.root)
        loose = [n for n in self.notes.values() if not n.used and n.text]
        if loose:
            extra = _join(*(f"{n.name}\n{n.text}" if n.name else n.text for n in loose))
            memo = _join(memo, extra)
            self.report.note(
                f"{len(loose)} note(s) not attached to anything imported were added to the "
                "project memo"
            )
            self.count["note"] += len(loose)
        if memo:
            info = self.s.get(ProjectInfo, 1)
            if info is not None:
                info.memo = memo

    # -- users, codes, variables, cases ----------------------------------------------------

    def read_users(self) -> None:
        box = kid(self.root, "Users")
        if box is None:
            return
        taken: set[str] = set()
        for u in kids(box, "User"):
            key = guid_key(attr(u, "guid"))
            if key is None or key in self.coders:
                continue
            name = (attr(u, "name") or attr(u, "id") or f"User {key[:8]}").strip()
            base, n = name, 1
            while name.casefold() in taken:
                n += 1
                name = f"{base} ({n})"
            taken.add(name.casefold())
            coder = Coder(name=name, guid=valid_guid(attr(u, "guid")))
            self.s.add(coder)
            self.s.flush()
            self.coders[key] = coder.id
            self.count["user"] += 1

    def read_codes(self) -> None:
        book = kid(self.root, "CodeBook")
        codes_el = kid(book, "Codes") if book is not None else None
        if codes_el is None:
            return
        notes: list[str] = []
        specs = code_tree.read_specs(
            codes_el, notes, lambda el: self.memo_of(el, with_description=False),
            source=self.label,
        )
        result = code_tree.apply_specs(self.s, specs, update_existing=False)
        self.codes = result.ids
        self.count["code"] += len(result.added) + len(result.created_parents)
        for n in notes:
            self.report.note(n)
        if result.created_parents:
            self.report.note(
                f"parent code(s) made for flattened names: {', '.join(result.created_parents[:5])}"
            )
        folders = sum(1 for sp in specs if not sp.codable)
        if folders:
            self.report.note(f"{folders} code folder(s) (not codable) came in as ordinary codes")

    def read_variables(self) -> None:
        box = kid(self.root, "Variables")
        if box is None:
            return
        for v in kids(box, "Variable"):
            key = guid_key(attr(v, "guid"))
            name = (attr(v, "name") or "").strip()
            if key is None or not name:
                self.report.skip(f"variable '{name or '?'}': it has no name or no GUID")
                continue
            vtype = _VAR_TYPES.get((attr(v, "typeOfVariable") or "text").strip().lower(), "text")
            desc = (kid_text(v, "Description") or "").lower()
            hint = "document" if "attribute of documents" in desc else (
                "case" if "attribute of cases" in desc else None)
            self.vars[key] = _Var(name, vtype, hint)

    def unused_variables(self) -> None:
        """Variables no case or source has a value for still become attributes."""
        for key, var in self.vars.items():
            if not var.ids:
                self.attribute(key, var.scope_hint or "case")

    def attribute(self, key: str, scope: str) -> int | None:
        var = self.vars.get(key)
        if var is None:
            return None
        if scope not in var.ids:
            aid, created = attributes.ensure(self.s, scope, var.name, var.type, None)
            var.ids[scope] = aid
            if created:
                self.count["variable"] += 1
        return var.ids[scope]

    def read_values(self, el: Element, scope: str, owner_id: int, owner: str) -> None:
        for vv in kids(el, "VariableValue"):
            ref = kid(vv, "VariableRef")
            key = guid_key(attr(ref, "targetGUID")) if ref is not None else None
            value_el = next((c for c in vv if local(c.tag).endswith("value")), None)
            if key is None or key not in self.vars:
                self.report.skip(f"a value of {owner}: its variable is not in the file")
                continue
            if value_el is None:
                continue
            raw = "".join(value_el.itertext()).strip()
            if raw == "":
                continue
            var = self.vars[key]
            if var.type == "date" and local(value_el.tag) == "datetimevalue":
                raw = raw[:10]
            aid = self.attribute(key, scope)
            assert aid is not None
            try:
                encoded = attributes.encode(self.s, aid, raw)
                attributes.set_raw(self.s, scope, owner_id, aid, encoded)
            except CrosscaseError as exc:
                self.report.skip(f"value '{raw}' of {owner}: {exc}")

    def read_cases(self) -> None:
        box = kid(self.root, "Cases")
        if box is None:
            return
        taken: set[str] = set()
        selection_refs = code_refs = 0
        for pos, c in enumerate(kids(box, "Case")):
            key = guid_key(attr(c, "guid"))
            name = (attr(c, "name") or "").strip() or f"Case {pos + 1}"
            base, n = name, 1
            while name in taken:
                n += 1
                name = f"{base} ({n})"
            taken.add(name)
            case = Case(name=name, memo=self.memo_of(c), position=pos,
                        guid=valid_guid(attr(c, "guid")))
            self.s.add(case)
            self.s.flush()
            if key:
                self.cases[key] = case.id
            self.count["case"] += 1
            self.read_values(c, "case", case.id, f"case '{name}'")
            for ref in kids(c, "SourceRef"):
                skey = guid_key(attr(ref, "targetGUID"))
                if not skey:
                    continue
                if skey in self.case_of_source:
                    self.report.note(
                        f"a source is in more than one case; it was put in the first "
                        f"(also listed in '{name}')"
                    )
                    continue
                self.case_of_source[skey] = case.id
            selection_refs += len(kids(c, "SelectionRef"))
            code_refs += len(kids(c, "CodeRef"))
        if selection_refs:
            self.report.skip(
                f"{selection_refs} selection(s) assigned to cases: a Crosscase case holds whole "
                "documents"
            )
        if code_refs:
            self.report.skip(
                f"{code_refs} code(s) assigned to cases: Crosscase cases have no codes"
            )

    def unassigned_case(self) -> int:
        key = "\x00unassigned"
        if key not in self.cases:
            name, n = UNASSIGNED_CASE, 1
            while self.s.scalar(select(Case.id).where(Case.name == name)) is not None:
                n += 1
                name = f"{UNASSIGNED_CASE} ({n})"
            case = Case(name=name, position=len(self.cases))
            self.s.add(case)
            self.s.flush()
            self.cases[key] = case.id
            self.count["case"] += 1
            self.report.note(
                f"sources that belong to no case in the file were put in case '{name}'"
            )
        return self.cases[key]

    # -- sources ------------------------------------------------------------------------------

    def read_sources(self) -> None:
        box = kid(self.root, "Sources")
        if box is None:
            return
        items = list(box)
        self.progress.start(len(items), "Importing sources")
        for pos, el in enumerate(items):
            kind = local(el.tag)
            name = (attr(el, "name") or "").strip() or f"Source {pos + 1}"
            try:
                if kind == "textsource":
                    self.text_source(el, name)
                elif kind == "pdfsource":
                    self.pdf_source(el, name)
                elif kind in _MEDIA:
                    extra = " and its transcripts" if kids(el, "Transcript") else ""
                    self.report.skip(
                        f"{_MEDIA[kind]} source '{name}'{extra}{self._lost(el)}: Crosscase holds "
                        "text documents only"
                    )
                else:
                    self.report.skip(f"source '{name}': unknown kind <{kind}>")
            finally:
                self.progress.advance(name)

    def _lost(self, el: Element) -> str:
        n = sum(1 for x in el.iter() if local(x.tag) == "coding")
        return f" ({n} coding(s) with it)" if n else ""

    def _claim_key(self, el: Element, name: str) -> str | None:
        key = guid_key(attr(el, "guid"))
        if key is None:
            self.report.skip(f"source '{name}': it has no GUID{self._lost(el)}")
            return None
        if key in self.docs:
            self.report.skip(f"source '{name}': its GUID repeats another source's{self._lost(el)}")
            return None
        return key

    def _member_text(
        self, ref: str | None, fallbacks: list[str]
    ) -> tuple[str | None, bytes | None, str]:
        """(text, bytes, why-not) of a plain-text file named by ``ref`` or found by name."""
        member = self.arc.find(ref)
        if member is None:
            for stem in fallbacks:
                member = self.arc.find_by_stem(stem, ".txt")
                if member:
                    break
        if member is None:
            if ref and "://" in ref and not ref.lower().startswith("internal:"):
                return None, None, f"its text file '{ref}' is outside the archive"
            where = f"'{ref}'" if ref else "(none named)"
            return None, None, f"its text file {where} is missing from the archive"
        data = self.arc.read(member)
        if not data.strip():
            return None, data, f"its text file '{member}' is empty"
        try:
            return _decode(data, PurePosixPath(member).name), data, ""
        except CrosscaseError as exc:
            return None, data, str(exc)

    def _extract(self, member: str) -> Extracted | None:
        from crosscase.io.importers import extract

        data = self.arc.read(member)
        try:
            return extract(Path(PurePosixPath(member).name), data=data)
        except CrosscaseError:
            return None
        except Exception:  # noqa: BLE001 - a bad embedded file must not stop the import
            return None

    def text_source(self, el: Element, name: str, *, holder: Element | None = None,
                    original_ref: str | None = None, fmt_hint: str | None = None) -> None:
        """A TextSource, or a PDFSource's text ``Representation`` (``holder`` is the PDFSource)."""
        outer = holder if holder is not None else el
        key = self._claim_key(outer, name)
        if key is None:
            return
        raw_guid = (attr(outer, "guid") or "").strip().strip("{}")
        text: str | None = None
        plain_bytes: bytes | None = None
        why = ""
        content = kid_text(el, "PlainTextContent")
        if content and content.strip():
            text = content
        else:
            fallbacks = [raw_guid, (attr(el, "guid") or "").strip().strip("{}"),
                         PurePosixPath(name).stem]
            text, plain_bytes, why = self._member_text(attr(el, "plainTextPath"),
                                                       [f for f in fallbacks if f])
        rich_ref = original_ref if original_ref is not None else attr(el, "richTextPath")
        rich_member = self.arc.find(rich_ref)
        verified_only = False
        if text is None and rich_member is not None:
            extracted = self._extract(rich_member)
            if extracted is not None and extracted.text.strip():
                text = extracted.text
                verified_only = True
                self.report.note(
                    f"source '{name}': {why}; its text was taken from "
                    f"{PurePosixPath(rich_member).name}, and only selections whose quoted text "
                    "matches were imported"
                )
        if text is None:
            if rich_member is None and rich_ref:
                why += f"; its file '{rich_ref}' is missing too"
            self.report.skip(f"source '{name}': {why}{self._lost(outer)}")
            return
        st = SourceText(text)
        if not st.text.strip():
            self.report.skip(f"source '{name}': it holds no text{self._lost(outer)}")
            return

        original: bytes | None = None
        original_name: str | None = None
        fmt = fmt_hint or "txt"
        if rich_member is not None:
            original = self.arc.read(rich_member)
            suffix = PurePosixPath(rich_member).suffix.lower()
            fmt = fmt_hint or suffix.lstrip(".") or "txt"
            original_name = name if name.lower().endswith(suffix) else f"{name}{suffix}"
        elif plain_bytes is not None:
            original = plain_bytes
            original_name = name if name.lower().endswith(".txt") else f"{name}.txt"

        from crosscase.io.importers.text import structure

        extracted = structure(st.text, fmt)
        case_id = self.case_of_source.get(key) or self.unassigned_case()
        did = documents.store(self.s, self.project, case_id, name, extracted, original=original,
                              original_name=original_name, guid=valid_guid(attr(outer, "guid")))
        self.docs[key] = did
        self.count["source"] += 1

        doc = self.s.get(Document, did)
        assert doc is not None
        memo = self.memo_of(outer)
        if holder is not None:
            memo = _join(memo, self.memo_of(el))
        doc.memo = memo
        self.read_values(outer, "document", did, f"source '{name}'")
        self.selections(el, outer, name, did, st, verified_only)

    def pdf_source(self, el: Element, name: str) -> None:
        rep = kid(el, "Representation")
        areas = kids(el, "PDFSelection")
        if areas:
            n = sum(len(kids(a, "Coding")) for a in areas)
            self.report.skip(
                f"{len(areas)} area selection(s) on PDF pages in '{name}' ({n} coding(s)): "
                "Crosscase codes text only"
            )
        # Without a text representation the text is looked for by GUID, then read from the PDF.
        self.text_source(rep if rep is not None else Element("TextSource"), name, holder=el,
                         original_ref=attr(el, "path"), fmt_hint="pdf")

    # -- selections and codings -----------------------------------------------------------

    def selections(self, el: Element, outer: Element, name: str, did: int, st: SourceText,
                   verified_only: bool) -> None:
        sels: list[_Selection] = []
        for sel in kids(el, "PlainTextSelection"):
            claimed = attr(sel, "name")
            label = (claimed or "").strip()
            label = (label[:40] + "…") if len(label) > 41 else label
            sels.append(_Selection(sel, _int(attr(sel, "startPosition")),
                                   _int(attr(sel, "endPosition")), claimed, label))
        reading = self.choose_reading(st, sels, name)
        squashed: str | None = None
        rows: list[dict[str, Any]] = []
        seen: set[tuple[int, int, int, int | None]] = set()
        comments: list[dict[str, Any]] = []

        def where(sp: _Selection) -> str:
            what = f"'{sp.label}'" if sp.label else f"at {sp.start}-{sp.end}"
            n = len(kids(sp.el, "Coding"))
            return f"selection {what} in '{name}'" + (f" ({n} coding(s))" if n else "")

        for sp in sels:
            if sp.start is None or sp.end is None:
                self.report.skip(f"{where(sp)}: its positions are not numbers")
                continue
            span = st.span(sp.start, sp.end, reading) if sp.end > sp.start else None
            if span is None:
                if sp.end < sp.start:
                    reason = "its end comes before its start"
                elif sp.end == sp.start:
                    reason = "it is empty"
                else:
                    reason = (f"positions {sp.start}-{sp.end} do not fit the text "
                              f"({READINGS[reading].split(',')[0]})")
                self.report.skip(f"{where(sp)}: {reason}")
                continue
            start, end = span
            found = st.text[start:end]
            if squashed is None and sp.claimed:
                squashed = squash(st.text)
            v = verdict(sp.claimed, st.text, start, end, squashed)
            if v == "mismatch":
                self.report.skip(
                    f"{where(sp)}: its text is not at {sp.start}-{sp.end} "
                    f"(found '{squash(found)[:40]}')"
                )
                continue
            if verified_only and v != "match":
                self.report.skip(
                    f"{where(sp)}: its position cannot be checked (the plain text it counts in "
                    "is missing, and no quoted text confirms it)"
                )
                continue
            checked = v == "match"
            sel_memo = self.memo_of(sp.el)
            codings = kids(sp.el, "Coding")
            if not codings:
                if sel_memo:
                    author = None
                    for ref in kids(sp.el, "NoteRef"):
                        note = self.notes.get(guid_key(attr(ref, "targetGUID")) or "")
                        if note and note.name.lower().startswith("comment by "):
                            author = note.name[len("comment by "):].strip() or None
                    comments.append({"document_id": did, "start": start, "end": end,
                                     "text": sel_memo, "author": author})
                    self.count["comment"] += 1
                    self.unchecked += not checked
                else:
                    self.report.skip(f"{where(sp)}: it has no code and no note")
                continue
            taken = 0
            for c in codings:
                row = self.coding_row(c, did, start, end, found, sel_memo, where(sp), sp.el)
                if row is None:
                    continue
                k = (row["code_id"], start, end, row["coder_id"])  # two coders' are two
                if k in seen:
                    self.duplicates += 1
                    continue
                seen.add(k)
                rows.append(row)
                taken += 1
            self.unchecked += bool(taken) and not checked
        # Codings of the whole source.
        for c in kids(outer, "Coding") + ([] if outer is el else kids(el, "Coding")):
            row = self.coding_row(c, did, 0, len(st.text), st.text, "", f"'{name}'", outer)
            if row is None:
                continue
            k = (row["code_id"], 0, len(st.text), row["coder_id"])
            if k in seen:
                self.duplicates += 1
                continue
            seen.add(k)
            rows.append(row)
            self.whole += 1
        if rows:
            self.s.execute(insert(Base.metadata.tables["coding"]), rows)
            self.count["coding"] += len(rows)
        if comments:
            self.s.execute(insert(Base.metadata.tables["annotation"]), comments)

    def coding_row(self, c: Element, did: int, start: int, end: int, snippet: str, sel_memo: str,
                   where: str, sel: Element) -> dict[str, Any] | None:
        ref = kid(c, "CodeRef")
        ckey = guid_key(attr(ref, "targetGUID")) if ref is not None else None
        if ckey is None or ckey not in self.codes:
            self.report.skip(f"a coding of {where}: its code is not in the codebook")
            return None
        user = guid_key(attr(c, "creatingUser") or attr(sel, "creatingUser"))
        created = _when(attr(c, "creationDateTime")) or _when(attr(sel, "creationDateTime"))
        return {
            "document_id": did, "code_id": self.codes[ckey],
            "coder_id": self.coders.get(user or ""), "start": start, "end": end,
            "snippet": snippet, "memo": _join(sel_memo, self.memo_of(c)),
            "created": created or utcnow(), "guid": valid_guid(attr(c, "guid")),
        }

    def choose_reading(self, st: SourceText, sels: list[_Selection], name: str) -> str:
        """How one source's positions are counted: as expected, unless its quotes say otherwise."""
        if self.offsets != "auto" or st.plain:
            return self.preferred
        claims: list[tuple[int, int, str]] = []
        for sp in sels:
            if sp.claimed and sp.claimed.strip() and sp.start is not None and sp.end is not None:
                claims.append((sp.start, sp.end, sp.claimed))
        if not claims:
            return self.preferred

        def score(reading: str) -> int:
            n = 0
            for s, e, c in claims:
                span = st.span(s, e, reading)
                if span is not None and claimed_matches(c, st.text[span[0]:span[1]]):
                    n += 1
            return n

        best, best_score = self.preferred, score(self.preferred)
        if best_score == len(claims):
            return best
        for reading in READINGS:
            if reading != self.preferred:
                sc = score(reading)
                if sc > best_score:
                    best, best_score = reading, sc
        if best != self.preferred:
            self.report.note(
                f"source '{name}': positions counted as {READINGS[best]}, which fits its quoted "
                "text better"
            )
        return best

    # -- sets and the rest --------------------------------------------------------------------

    def read_sets(self) -> None:
        box = kid(self.root, "Sets")
        if box is None:
            return
        taken: set[str] = set()
        for st in kids(box, "Set"):
            name = (attr(st, "name") or "").strip() or "Set"
            srcs = [guid_key(attr(m, "targetGUID")) for m in kids(st, "MemberSource")]
            n_codes, n_notes = len(kids(st, "MemberCode")), len(kids(st, "MemberNote"))
            if not srcs and (n_codes or n_notes):
                self.report.skip(
                    f"set '{name}' of {n_codes} code(s) and {n_notes} note(s): Crosscase has sets "
                    "of documents only"
                )
                continue
            if n_codes or n_notes:
                self.report.skip(
                    f"{n_codes} code(s) and {n_notes} note(s) in set '{name}': Crosscase sets "
                    "hold documents only"
                )
            base, n = name, 1
            while name in taken:
                n += 1
                name = f"{base} ({n})"
            taken.add(name)
            ds = DocumentSet(name=name, memo=_join(kid_text(st, "Description") or ""),
                             guid=valid_guid(attr(st, "guid")))
            self.s.add(ds)
            self.s.flush()
            members = {self.docs[k] for k in srcs if k and k in self.docs}
            missing = sum(1 for k in srcs if not k or k not in self.docs)
            if members:
                self.s.execute(insert(DocumentSetMember),
                               [{"set_id": ds.id, "document_id": d} for d in sorted(members)])
            if missing:
                self.report.skip(f"{missing} member(s) of set '{name}': their sources were not "
                                 "imported")
            self.count["set"] += 1

    def read_rest(self) -> None:
        links = kid(self.root, "Links")
        if links is not None and len(kids(links, "Link")):
            self.report.skip(f"{len(kids(links, 'Link'))} link(s) between items: Crosscase has no "
                             "links")
        graphs = kid(self.root, "Graphs")
        if graphs is not None and len(kids(graphs, "Graph")):
            self.report.skip(f"{len(kids(graphs, 'Graph'))} graph(s): Crosscase has no graphs")


# ---------------------------------------------------------------------------------------
# Codebook


def load_qdc(project: Project, file: Path, *, limits: Limits | None = None) -> CodebookReport:
    """Add the codes of a REFI-QDA codebook (``.qdc``, or a ``.qdpx``'s) to ``project``,
    as one undoable :class:`~crosscase.commands.codebook.LoadCodebook`.

    A code whose path is already in the codebook is updated from the file
    (colour, definition, inclusion, exclusion, example) or, if nothing differs,
    left as it is; the report says which.
    """
    from crosscase.exchange.codebook import read_refi, report

    book = read_refi(Path(file), limits or Limits())
    command = book.command()
    if book.entries:
        command.do(project)
    return report(book, command)
