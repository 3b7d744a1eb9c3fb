"""Write a project as REFI-QDA: a QDPX project archive or a QDC codebook.

What goes where (REFI-QDA 1.5):

- coders -> ``Users``; codes -> ``CodeBook`` (nested, with colours; definition,
  inclusion, exclusion and example as a labelled ``Description``);
- case and document attributes -> ``Variables`` with ``VariableValue`` on the
  ``Case`` or the source;
- cases -> ``Case`` with ``SourceRef`` to their documents and the case memo as
  ``Description`` (a Case cannot point to a Note);
- documents -> ``TextSource`` with the stored text as ``sources/GUID.txt``
  (UTF-8, no BOM, ``\\n`` line endings: exactly what offsets count), plus the
  original ``.docx`` as ``richTextPath``; PDFs -> ``PDFSource`` with the
  original and a text ``Representation``;
- codings -> ``PlainTextSelection`` (code points) with one ``Coding`` per code;
  Word comments kept with a document -> a selection with a Note and no coding;
- memos -> ``Notes``, referred to by ``NoteRef`` from what they annotate;
- document sets -> ``Sets`` with ``MemberSource``.

An export only reads the project (it works on a read-only project and while
another program holds SQLite's write lock): a row's GUID is the one it holds
where that is valid and unique, else one derived from the project and the
row, the same in every export (:func:`export_guids`).

What the standard cannot carry is listed in the :class:`ExportReport`. The
archive is written to a temporary file beside ``out`` and renamed into place
only once it is complete and its ``project.qde`` validates against the schema.
"""

from __future__ import annotations

import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from lxml import etree
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crosscase import __version__
from crosscase.db.models import (
    Annotation,
    Attribute,
    Base,
    Case,
    CaseValue,
    Code,
    Coder,
    Coding,
    Document,
    DocumentSet,
    DocumentSetMember,
    DocumentValue,
    Event,
    FrameworkCell,
    FrameworkPin,
    Page,
    Participant,
    ParticipantValue,
    ProjectInfo,
    Turn,
)
from crosscase.db.project import Project
from crosscase.domain.errors import CrosscaseError, UsageError
from crosscase.domain.progress import Progress
from crosscase.exchange.files import check_target, replacing
from crosscase.exchange.refi import describe, guids
from crosscase.exchange.refi.qdexml import (
    CODEBOOK_NS,
    PROJECT_NS,
    schema_errors,
    valid_guid,
    xml_safe,
)
from crosscase.exchange.refi.report import ExportReport
from crosscase.services import attributes, codebook

ORIGIN = f"Crosscase {__version__}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_INTERNAL_FILE = 2**31 - 1  # REFI-QDA 8.5: the largest internal file
SNIPPET_NAME_CHARS = 120
_TYPES = {"text": "Text", "boolean": "Boolean", "date": "Date"}


def _stamp(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _color(raw: str | None) -> str | None:
    """``#RRGGBB`` or ``#RGB`` as the schema wants; alpha dropped; junk -> None."""
    if not raw:
        return None
    s = raw.strip()
    if not s.startswith("#"):
        s = "#" + s
    hexpart = s[1:]
    if any(c not in "0123456789abcdefABCDEF" for c in hexpart):
        return None
    if len(hexpart) in (3, 6):
        return s
    if len(hexpart) in (4, 8):
        return "#" + hexpart[: len(hexpart) // 4 * 3]
    return None


def _check_target(out: Path) -> None:
    """Refuse a target that is a folder or a project's own file before any work."""
    check_target(out)


@contextmanager
def _replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` (owner-only, ``.NAME.crosscase-part-XXXXXXXX``),
    renamed to ``out`` on success, removed on failure."""
    with replacing(Path(out)) as tmp:
        yield tmp


def export_guids(session: Session) -> dict[tuple[str, int], str]:
    """Every row's REFI-QDA GUID by (table, id), read without writing to the project.

    The stored GUID where it is valid and not already used by an earlier row
    (the importer keeps them lower case without braces); else one derived from
    the project's namespace, the table and the row id, so a row has the same
    GUID in every export without it being stored. An export therefore works on a
    read-only project and while another program holds SQLite's write lock.
    """
    pns = guids.project_namespace(session)
    out: dict[tuple[str, int], str] = {}
    seen: set[str] = set()
    for model in guids.GUID_MODELS:
        table = model.__tablename__
        for row_id, stored in session.execute(select(model.id, model.guid).order_by(model.id)):
            g = valid_guid(stored)
            if g is None or g in seen:
                g = guids.derive(pns, "row", table, row_id)
                n = 0
                while g in seen:
                    n += 1
                    g = guids.derive(pns, "row", table, row_id, n)
            seen.add(g)
            out[(table, row_id)] = g
    return out


class _Writer:
    """Builds the XML of one export in one read session."""

    def __init__(self, session: Session, report: ExportReport, ns: str) -> None:
        self.s = session
        self.report = report
        self.ns = ns
        self.pns = guids.project_namespace(session)
        self.notes: list[etree._Element] = []
        self.replaced = 0
        self.code_guid: dict[int, str] = {}
        self.coder_guid: dict[int, str] = {}
        self.comment_guids: set[str] = set()
        self.gids = export_guids(session)

    def g(self, model: type[Any], row_id: int) -> str:
        return self.gids[(model.__tablename__, row_id)]

    def with_guid(self, model: type[Any], row: Any) -> Any:
        """``row`` (with an ``id``) as a plain namespace whose ``guid`` is its export GUID."""
        return SimpleNamespace(**{**row._asdict(), "guid": self.g(model, row.id)})

    # -- element helpers ------------------------------------------------------------

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def clean(self, text: str) -> str:
        safe, changed = xml_safe(text)
        if changed:
            self.replaced += 1
        return safe

    def el(
        self, parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str | None
    ) -> etree._Element:
        e = etree.SubElement(parent, self.q(tag))
        for k, v in attrs.items():
            if v is not None:
                e.set(k, self.clean(v))
        if text is not None:
            e.text = self.clean(text)
        return e

    def make_note(self, guid: str, name: str, text: str, created: datetime | None) -> str:
        """A Note holding ``text``, kept for the ``<Notes>`` element; returns its GUID."""
        note = etree.Element(self.q("Note"))
        note.set("guid", guid)
        note.set("name", self.clean(name))
        stamp = _stamp(created)
        if stamp is not None:
            note.set("creationDateTime", stamp)
        self.el(note, "PlainTextContent", text)
        self.notes.append(note)
        self.report.counts["note"] += 1
        return guid

    def note(self, owner: etree._Element, guid: str, name: str, text: str, created: datetime | None) -> None:
        """A Note holding ``text`` and a NoteRef to it from ``owner``."""
        self.el(owner, "NoteRef", targetGUID=self.make_note(guid, name, text, created))

    # -- codebook ---------------------------------------------------------------------

    def codes(self, parent: etree._Element, with_notes: bool) -> None:
        nodes = codebook.tree(self.s)
        self.code_guid = {cid: self.g(Code, cid) for cid in self.s.scalars(select(Code.id))}
        bad_colors: list[str] = []
        memos_left = 0

        def write(cid: int, into: etree._Element) -> None:
            nonlocal memos_left
            n = nodes[cid]
            color = _color(n.color)
            if n.color and color is None:
                bad_colors.append(n.path)
            e = self.el(into, "Code", guid=self.code_guid[cid], name=n.name, isCodable="true",
                        color=color)
            desc = describe.render({f: getattr(n, f) for f in describe.FIELDS})
            if desc:
                self.el(e, "Description", desc)
            if n.memo.strip():
                if with_notes:
                    self.note(e, guids.derive(guids.NAMESPACE, "note", "code", self.code_guid[cid]),
                              f"Memo: {n.name}", n.memo, None)
                else:
                    memos_left += 1
            self.report.counts["code"] += 1
            for child in n.children:
                write(child, e)

        for n in nodes.values():
            if n.parent is None:
                write(n.id, parent)
        if bad_colors:
            self.report.leave_out(
                f"colours of {len(bad_colors)} code(s) that are not #RRGGBB "
                f"({', '.join(bad_colors[:5])})"
            )
        if memos_left:
            self.report.leave_out(
                f"memos of {memos_left} code(s): a QDC codebook has no notes "
                "(export a QDPX project to keep them)"
            )

    # -- variables ----------------------------------------------------------------------

    def variables(self, parent: etree._Element) -> dict[int, tuple[str, str, str]]:
        """Variables for case and document attributes: attribute id -> (guid, type, scope)."""
        out: dict[int, tuple[str, str, str]] = {}
        attrs = self.s.execute(
            select(Attribute.id, Attribute.scope, Attribute.name, Attribute.type)
            .order_by(Attribute.scope, Attribute.position, Attribute.id)
        ).all()
        part_attrs = [a for a in attrs if a.scope == "participant"]
        if part_attrs:
            n_values = self.s.scalar(select(func.count()).select_from(ParticipantValue)) or 0
            self.report.leave_out(
                f"{len(part_attrs)} participant attribute(s) with {n_values} value(s) "
                f"({', '.join(a.name for a in part_attrs[:5])}): REFI-QDA has no participants"
            )
        wanted = [a for a in attrs if a.scope in ("case", "document")]
        if not wanted:
            return out
        box = self.el(parent, "Variables")
        for a in wanted:
            if a.type == "number":
                model = CaseValue if a.scope == "case" else DocumentValue
                raws = self.s.scalars(select(model.value).where(model.attribute_id == a.id)).all()
                whole = all(_is_whole(r) for r in raws)
                vtype = "Integer" if whole else "Float"
            else:
                vtype = _TYPES.get(a.type, "Text")
            guid = guids.derive(self.pns, "variable", a.scope, a.id)
            v = self.el(box, "Variable", guid=guid, name=a.name, typeOfVariable=vtype)
            self.el(v, "Description", f"Attribute of {a.scope}s")
            out[a.id] = (guid, vtype, a.scope)
            self.report.counts["variable"] += 1
        return out

    def values(self, owner: etree._Element, rows: list[tuple[int, str]],
               variables: dict[int, tuple[str, str, str]], where: str) -> None:
        for attr_id, raw in rows:
            if attr_id not in variables:
                continue
            guid, vtype, _scope = variables[attr_id]
            text = _value_text(vtype, raw)
            if text is None:
                self.report.leave_out(f"value '{raw}' of {where}: not a valid {vtype}")
                continue
            vv = self.el(owner, "VariableValue")
            self.el(vv, "VariableRef", targetGUID=guid)
            self.el(vv, f"{vtype}Value", text)


def _is_whole(raw: str) -> bool:
    try:
        return Decimal(raw) == Decimal(raw).to_integral_value()
    except (InvalidOperation, ValueError):
        return False


def _value_text(vtype: str, raw: str) -> str | None:
    try:
        if vtype == "Integer":
            return str(int(Decimal(raw)))
        if vtype == "Float":
            d = Decimal(raw)
            if not d.is_finite():
                return None
            return format(d, "f")
        if vtype == "Boolean":
            return {"true": "true", "false": "false"}.get(raw.strip().lower())
        if vtype == "Date":
            from datetime import date

            return date.fromisoformat(raw.strip()).isoformat()
    except (InvalidOperation, ValueError):
        return None
    return raw


# ---------------------------------------------------------------------------------------
# QDPX


def export_qdpx(project: Project, out: Path, *, progress: Progress | None = None) -> ExportReport:
    """Write the whole project as a REFI-QDA project archive (``.qdpx``)."""
    out = Path(out)
    report = ExportReport(out, "qdpx")
    with _replacing(out) as tmp:
        with project.session() as s, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            xml = _ProjectWriter(s, report, zf, progress).build()
            errors = schema_errors(xml, "Project")
            if errors:
                raise CrosscaseError(
                    f"{out.name}: the export does not validate against Project.xsd ({errors[0]})"
                )
            zf.writestr("project.qde", xml)
    return report


class _ProjectWriter(_Writer):
    def __init__(self, session: Session, report: ExportReport, zf: zipfile.ZipFile,
                 progress: Progress | None) -> None:
        super().__init__(session, report, PROJECT_NS)
        self.zf = zf
        self.progress = progress or Progress()

    def build(self) -> bytes:
        s = self.s
        info = s.get(ProjectInfo, 1)
        name = info.name if info else "Crosscase project"
        root = etree.Element(self.q("Project"), nsmap={None: PROJECT_NS, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", f"{PROJECT_NS} "
                 "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd")
        root.set("name", self.clean(name))
        root.set("origin", ORIGIN)
        if info is not None and info.created:
            root.set("creationDateTime", _stamp(info.created) or _now())
        root.set("modifiedDateTime", _now())

        self.users(root)
        if s.scalar(select(func.count()).select_from(Code)):
            book = self.el(root, "CodeBook")
            self.codes(self.el(book, "Codes"), with_notes=True)
        variables = self.variables(root)
        self.cases(root, variables)
        self.sources(root, variables)
        project_note = None
        if info is not None and info.memo.strip():
            project_note = self.make_note(guids.derive(self.pns, "note", "project"),
                                          f"Memo: {name}", info.memo, None)
        if self.notes:
            box = self.el(root, "Notes")
            for n in self.notes:
                box.append(n)
        self.sets(root)
        if project_note is not None:
            self.el(root, "NoteRef", targetGUID=project_note)
        self.left_out()
        if self.replaced:
            self.report.notes.append(
                f"{self.replaced} name(s) or memo(s) held characters XML cannot carry; "
                "they were replaced with \ufffd"
            )
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def users(self, root: etree._Element) -> None:
        coders = self.s.execute(select(Coder.id, Coder.guid, Coder.name).order_by(Coder.id)).all()
        if not coders:
            return
        box = self.el(root, "Users")
        for cid, _stored, name in coders:
            guid = self.g(Coder, cid)
            self.el(box, "User", guid=guid, name=name)
            self.coder_guid[cid] = guid
            self.report.counts["user"] += 1

    def cases(self, root: etree._Element, variables: dict[int, tuple[str, str, str]]) -> None:
        s = self.s
        rows = s.execute(
            select(Case.id, Case.guid, Case.name, Case.memo, Case.parent_id)
            .order_by(Case.position, Case.id)
        ).all()
        if not rows:
            return
        rows = [self.with_guid(Case, r) for r in rows]
        values = attributes.raw_values(s, "case")
        docs: dict[int, list[str]] = defaultdict(list)
        for case_id, doc_id in s.execute(
            select(Document.case_id, Document.id).order_by(Document.position, Document.id)
        ):
            docs[case_id].append(self.g(Document, doc_id))
        names = {r.id: r.name for r in rows}
        nested: list[str] = []
        box = self.el(root, "Cases")
        for r in rows:
            e = self.el(box, "Case", guid=r.guid, name=r.name)
            if r.memo.strip():
                self.el(e, "Description", r.memo)
            self.values(e, values.get(r.id, []), variables, f"case '{r.name}'")
            for g in docs.get(r.id, []):
                self.el(e, "SourceRef", targetGUID=g)
            if r.parent_id is not None and r.parent_id in names:
                nested.append(f"'{r.name}' under '{names[r.parent_id]}'")
            self.report.counts["case"] += 1
        if nested:
            self.report.leave_out(
                f"the case hierarchy ({len(nested)} case(s) inside another: "
                f"{', '.join(nested[:5])})"
                "; every case is exported at the top level"
            )

    def sources(self, root: etree._Element, variables: dict[int, tuple[str, str, str]]) -> None:
        s = self.s
        docs = s.execute(
            select(Document.id, Document.guid, Document.name, Document.format, Document.memo,
                   Document.imported, Document.original_name, Document.original_sha256)
            .join(Case, Case.id == Document.case_id)
            .order_by(Case.position, Case.id, Document.position, Document.id)
        ).all()
        if not docs:
            return
        docs = [self.with_guid(Document, d) for d in docs]
        values = attributes.raw_values(s, "document")
        originals_left: Counter[str] = Counter()
        self.progress.start(len(docs), "Exporting")
        box = self.el(root, "Sources")
        for d in docs:
            text = s.scalar(select(Document.text).where(Document.id == d.id)) or ""
            data = text.encode("utf-8")
            if len(data) > MAX_INTERNAL_FILE:
                self.report.leave_out(f"document '{d.name}': its text is over the 2 GB limit")
                self.progress.advance(d.name)
                continue
            original = s.scalar(select(Document.original).where(Document.id == d.id))
            fmt = (d.format or "").lower()
            txt_path = f"internal://{d.guid}.txt"
            self.zf.writestr(f"sources/{d.guid}.txt", data)
            if fmt == "pdf" and original:
                src = self.el(box, "PDFSource", guid=d.guid, name=d.name,
                              path=f"internal://{d.guid}.pdf",
                              creationDateTime=_stamp(d.imported))
                self._write_original(d, original, ".pdf")
                rep = self.el(src, "Representation",
                              guid=guids.derive(guids.NAMESPACE, "representation", d.guid),
                              name=d.name, plainTextPath=txt_path)
                self.selections(rep, d.id, text, d.guid)
                holder = src
            elif fmt == "docx" and original:
                src = self.el(box, "TextSource", guid=d.guid, name=d.name,
                              richTextPath=f"internal://{d.guid}.docx", plainTextPath=txt_path,
                              creationDateTime=_stamp(d.imported))
                self._write_original(d, original, ".docx")
                self.selections(src, d.id, text, d.guid)
                holder = src
            else:
                src = self.el(box, "TextSource", guid=d.guid, name=d.name,
                              plainTextPath=txt_path, creationDateTime=_stamp(d.imported))
                self.selections(src, d.id, text, d.guid)
                holder = src
                if original and not _same_text(original, text):
                    originals_left[fmt or "unknown"] += 1
            if d.memo.strip():
                self.note(holder, guids.derive(guids.NAMESPACE, "note", "source", d.guid),
                          f"Memo: {d.name}", d.memo, None)
            self.values(holder, values.get(d.id, []), variables, f"document '{d.name}'")
            self.report.counts["source"] += 1
            self.progress.advance(d.name)
        if originals_left:
            kinds = ", ".join(f"{n} .{k}" for k, n in sorted(originals_left.items()))
            self.report.leave_out(
                f"original files of {sum(originals_left.values())} document(s) ({kinds}): "
                "REFI-QDA carries originals only as DOCX or PDF; their text is exported"
            )

    def _write_original(self, d: Any, original: bytes, suffix: str) -> None:
        if len(original) > MAX_INTERNAL_FILE:
            self.report.leave_out(f"original file of '{d.name}': over the 2 GB limit")
            return
        self.zf.writestr(f"sources/{d.guid}{suffix}", original)

    def selections(self, src: etree._Element, document_id: int, text: str, doc_guid: str) -> None:
        s = self.s
        rows = s.execute(
            select(Coding.id, Coding.guid, Coding.code_id, Coding.coder_id, Coding.start,
                   Coding.end, Coding.memo, Coding.created)
            .where(Coding.document_id == document_id)
            .order_by(Coding.start, Coding.end, Coding.id)
        ).all()
        rows = [self.with_guid(Coding, r) for r in rows]
        groups: dict[tuple[int, int], list[Any]] = {}
        for r in rows:
            groups.setdefault((r.start, r.end), []).append(r)
        comments = s.execute(
            select(Annotation.id, Annotation.start, Annotation.end, Annotation.text,
                   Annotation.author)
            .where(Annotation.document_id == document_id)
            .order_by(Annotation.start, Annotation.id)
        ).all()
        items: list[tuple[int, int, int, Any]] = [
            (start, end, 0, g) for (start, end), g in groups.items()
        ]
        items += [(c.start, c.end, 1, c) for c in comments]
        items.sort(key=lambda x: (x[0], x[1], x[2]))
        for start, end, kind, item in items:
            if kind == 0:
                self._coded(src, item, start, end, text)
            else:
                self._comment(src, item, text, doc_guid)

    def _name(self, text: str, start: int, end: int) -> str:
        snippet = text[start:end]
        if len(snippet) > SNIPPET_NAME_CHARS:
            snippet = snippet[: SNIPPET_NAME_CHARS - 1].rstrip() + "…"
        return snippet

    def _coded(self, src: etree._Element, group: list[Any], start: int, end: int, text: str) -> None:
        first = group[0]
        sel_guid = guids.derive(guids.NAMESPACE, "selection", first.guid)
        sel = self.el(src, "PlainTextSelection", guid=sel_guid, name=self._name(text, start, end),
                      startPosition=str(start), endPosition=str(end),
                      creatingUser=self.coder_guid.get(first.coder_id),
                      creationDateTime=_stamp(first.created))
        memos = {r.memo for r in group}
        shared = len(memos) == 1 and next(iter(memos)).strip() != ""
        for r in group:
            c = self.el(sel, "Coding", guid=r.guid, creatingUser=self.coder_guid.get(r.coder_id),
                        creationDateTime=_stamp(r.created))
            self.el(c, "CodeRef", targetGUID=self.code_guid[r.code_id])
            if r.memo.strip() and not shared:
                self.note(c, guids.derive(guids.NAMESPACE, "note", "coding", r.guid),
                          "Memo on a coding", r.memo, r.created)
            self.report.counts["coding"] += 1
        if shared:
            self.note(sel, guids.derive(guids.NAMESPACE, "note", "selection", sel_guid),
                      "Memo on a coding", first.memo, first.created)

    def _comment(self, src: etree._Element, c: Any, text: str, doc_guid: str) -> None:
        sel_guid = guids.derive(guids.NAMESPACE, "comment", doc_guid, c.start, c.end, c.text)
        n = 1
        while sel_guid in self.comment_guids:  # the same comment twice on one passage
            n += 1
            sel_guid = guids.derive(guids.NAMESPACE, "comment", doc_guid, c.start, c.end, c.text, n)
        self.comment_guids.add(sel_guid)
        sel = self.el(src, "PlainTextSelection", guid=sel_guid,
                      name=self._name(text, c.start, c.end),
                      startPosition=str(c.start), endPosition=str(max(c.end, c.start)))
        label = f"Comment by {c.author}" if c.author else "Comment"
        self.note(sel, guids.derive(guids.NAMESPACE, "note", "comment", sel_guid), label, c.text,
                  None)
        self.report.counts["comment"] += 1

    def sets(self, root: etree._Element) -> None:
        s = self.s
        rows = s.execute(
            select(DocumentSet.id, DocumentSet.guid, DocumentSet.name, DocumentSet.memo)
            .order_by(DocumentSet.id)
        ).all()
        if not rows:
            return  # never an empty <Sets/>
        rows = [self.with_guid(DocumentSet, r) for r in rows]
        members: dict[int, list[str]] = defaultdict(list)
        for set_id, doc_id in s.execute(
            select(DocumentSetMember.set_id, Document.id)
            .join(Document, Document.id == DocumentSetMember.document_id)
            .order_by(Document.position, Document.id)
        ):
            members[set_id].append(self.g(Document, doc_id))
        box = self.el(root, "Sets")
        for r in rows:
            e = self.el(box, "Set", guid=r.guid, name=r.name)
            if r.memo.strip():
                self.el(e, "Description", r.memo)
            for g in members.get(r.id, []):
                self.el(e, "MemberSource", targetGUID=g)
            self.report.counts["set"] += 1

    def left_out(self) -> None:
        """Everything in the project the standard has no element for."""
        s = self.s

        def count(model: type[Base], *where: ColumnElement[bool]) -> int:
            q = select(func.count()).select_from(model)
            for w in where:
                q = q.where(w)
            return s.scalar(q) or 0

        cells = count(FrameworkCell)
        if cells:
            pins = count(FrameworkPin)
            self.report.leave_out(
                f"{cells} framework cell(s) (summaries and ratings) and {pins} pinned quote(s)"
            )
        people = count(Participant)
        turns = count(Turn)
        if people or turns:
            self.report.leave_out(
                f"{people} participant(s) and {turns} speaker turn(s): REFI-QDA has no speakers "
                "(Crosscase finds speaker labels in the text again on import)"
            )
        with_pages = s.scalar(select(func.count(func.distinct(Page.document_id)))) or 0
        if with_pages:
            self.report.leave_out(f"page numbers of {with_pages} document(s)")
        n_docs = count(Document)
        if n_docs:
            self.report.leave_out(
                f"paragraph numbering of {n_docs} document(s): only the text is exported "
                "(Crosscase numbers paragraphs again on import)"
            )
        events = count(Event)
        if events:
            self.report.leave_out(f"the project's history of changes ({events} event(s))")


def _same_text(original: bytes, text: str) -> bool:
    """Is the original file just the stored text (so nothing is lost by leaving it out)?"""
    from crosscase.io.importers.text import normalise

    try:
        return normalise(original.decode("utf-8-sig")) == text
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------------------------------
# QDC


def export_qdc(project: Project, out: Path) -> ExportReport:
    """Write the codebook alone as a REFI-QDA codebook (``.qdc``)."""
    out = Path(out)
    _check_target(out)
    with project.session() as s:
        if not s.scalar(select(func.count()).select_from(Code)):
            raise UsageError("the codebook is empty: there is nothing to export")
    report = ExportReport(out, "qdc")
    with project.session() as s:
        w = _Writer(s, report, CODEBOOK_NS)
        root = etree.Element(w.q("CodeBook"), nsmap={None: CODEBOOK_NS, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", f"{CODEBOOK_NS} "
                 "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd")
        root.set("origin", ORIGIN)
        w.codes(w.el(root, "Codes"), with_notes=False)
        if w.replaced:
            report.notes.append(
                f"{w.replaced} name(s) or description(s) held characters XML cannot carry; "
                "they were replaced with \ufffd"
            )
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = schema_errors(xml, "Codebook")
    if errors:
        raise CrosscaseError(
            f"{out.name}: the export does not validate against Codebook.xsd ({errors[0]})"
        )
    with _replacing(out) as tmp:
        tmp.write_bytes(xml)
    return report
