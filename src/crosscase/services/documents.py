"""Documents: batch import (one transaction per file), listing, lookup."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import Insert, Select, Table, func, insert, select
from sqlalchemy.orm import Session

from crosscase.db.models import (
    Annotation,
    Base,
    Case,
    Coding,
    Document,
    Page,
    Paragraph,
    Participant,
    Turn,
)
from crosscase.db.project import Project
from crosscase.domain.errors import (
    Cancelled,
    CrosscaseError,
    ImportRefused,
    NotFound,
    PasswordRequired,
    UsageError,
)
from crosscase.domain.extract import Extracted
from crosscase.domain.names import clean_name
from crosscase.domain.progress import Progress
from crosscase.io.importers.parallel import counted as text_counts
from crosscase.io.importers.parallel import word_count as word_count  # the services' name for it
from crosscase.services import cases

if TYPE_CHECKING:
    from crosscase.io.importers.parallel import Prepared



@dataclass
class FileResult:
    path: Path
    status: str  # "imported", "skipped", "failed"
    message: str = ""
    document_id: int | None = None
    needs_password: bool = False  # the same file would import with the right password


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def imported(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "imported"]

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "skipped"]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders become every file in them (hidden ones aside), sorted.

    A file of a kind that cannot be imported is kept, so the user is told
    about it by name rather than left to wonder where it went.
    """
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*")
                    if f.is_file()
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                    and not f.name.startswith("~$")  # Word's lock files
                )
            )
        else:
            out.append(p)
    return out


def _unique_name(session: Session, case_id: int, stem: str) -> str:
    taken = set(session.scalars(select(Document.name).where(Document.case_id == case_id)))
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem} ({n})"
    return name


def _plain_insert(model: type[Base]) -> Insert:
    """An INSERT into ``model``'s table that runs as one executemany, without the
    ORM's bookkeeping (paragraphs, pages, turns and notes have no versions and
    no defaults set in Python)."""
    table = model.__table__
    assert isinstance(table, Table)
    return insert(table)


def store(
    session: Session,
    project: Project,
    case_id: int,
    name: str,
    extracted: Extracted,
    *,
    original: bytes | None = None,
    original_name: str | None = None,
    guid: str | None = None,
    counted: tuple[int, str] | None = None,
    original_sha256: str | None = None,
) -> int:
    """Insert one extracted document with its structure, in the caller's transaction.

    ``counted`` is the text's word count and sha256 and ``original_sha256`` that
    of ``original``, where the caller has them already (a batch import has them
    from its worker processes)."""
    extracted.check()
    text = extracted.text
    if counted is None:
        counted = text_counts(text)
    if original is not None and original_sha256 is None:
        original_sha256 = hashlib.sha256(original).hexdigest()
    doc = Document(
        case_id=case_id,
        # a file name may hold bytes that are not UTF-8 or control characters
        name=_unique_name(session, case_id, clean_name(name) or "document"),
        format=extracted.format,
        text=text,
        sha256=counted[1],
        chars=len(text),
        words=counted[0],
        original=original,
        original_name=clean_name(original_name) if original_name is not None else None,
        original_sha256=original_sha256 if original is not None else None,
        position=session.scalar(
            select(func.coalesce(func.max(Document.position) + 1, 0)).where(
                Document.case_id == case_id
            )
        ) or 0,
        guid=guid,
    )
    session.add(doc)
    session.flush()
    did = doc.id
    if extracted.paragraphs:
        session.execute(
            _plain_insert(Paragraph),
            [{"document_id": did, "number": p.number, "start": p.start, "end": p.end}
             for p in extracted.paragraphs],
        )
    if extracted.pages:
        session.execute(
            _plain_insert(Page),
            [{"document_id": did, "number": p.number, "start": p.start, "end": p.end}
             for p in extracted.pages],
        )
    if extracted.turns:
        speakers = {t.speaker for t in extracted.turns}
        known = dict(
            session.execute(
                select(Participant.name, Participant.id).where(
                    Participant.case_id == case_id, Participant.name.in_(speakers)
                )
            ).all()
        )
        for sp in sorted(speakers - set(known)):
            part = Participant(case_id=case_id, name=sp)
            session.add(part)
            session.flush()
            known[sp] = part.id
        session.execute(
            _plain_insert(Turn),
            [{"document_id": did, "participant_id": known[t.speaker], "start": t.start,
              "end": t.end, "timestamp": t.timestamp} for t in extracted.turns],
        )
    if extracted.notes:
        session.execute(
            _plain_insert(Annotation),
            [{"document_id": did, "start": n.start, "end": n.end, "text": n.text,
              "author": n.author} for n in extracted.notes],
        )
    project.log(session, "document.import", document=did, name=doc.name, case=case_id)
    return did


def import_files(
    project: Project,
    paths: Iterable[Path],
    case: str,
    *,
    password: str | None = None,
    allow_duplicates: bool = False,
    progress: Progress | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> ImportReport:
    """Import files into ``case``, each in its own transaction.

    A failing file is reported with its reason and the rest go on; a file
    already in the project (same bytes) is skipped unless ``allow_duplicates``.
    Cancelling keeps the files already imported.
    """

    files = expand_paths(paths)
    report = ImportReport()
    progress = progress or Progress()
    progress.start(len(files), "Importing")
    from crosscase.io.importers import parallel

    with parallel.workers() as pool:
        if len(files) > 1:
            pool.ready()  # the worker processes start now, beside the rest of the set-up
        with project.transaction() as s:
            case_id = cases.ensure(s, case)
            case_name = s.scalar(select(Case.name).where(Case.id == case_id)) or case
        # sha256 of the files stored by this batch -> (document, case)
        stored: dict[str, tuple[str, str]] = {}

        def wanted(path: Path, digest: str) -> bool:
            return allow_duplicates or _duplicate_of(project, digest) is None

        # Files are read and extracted ahead of storing, in worker processes where
        # the machine has cores to spare (a long PDF alone: its pages); each is
        # stored here, in order, in its own transaction.
        pages = parallel.LinkedProgress(progress, files[0].name) if len(files) == 1 else None
        with parallel.reporting_pages(pages):
            prepared = parallel.extract_files(
                files, password=password, wanted=wanted, check=progress.check, pool=pool
            )
            try:
                for item in prepared:
                    progress.check()
                    result = _import_one(
                        project, item, case_id, allow_duplicates, stored, case_name
                    )
                    if progress.cancelled and result.status == "failed":
                        raise Cancelled("cancelled by the user")  # (it failed for that)
                    report.results.append(result)
                    if on_result:
                        on_result(result)
                    progress.advance(item.path.name)
            except Cancelled:
                report.cancelled = True
            finally:
                prepared.close()
    if report.imported:
        from crosscase.domain.changes import Change, Kind

        added = frozenset(r.document_id for r in report.imported if r.document_id is not None)
        # the case may be new too (made for this import)
        change = Change(
            f"Import {len(added)} document{'s' if len(added) != 1 else ''}",
            {Kind.DOCUMENTS: added, Kind.CASES: frozenset({case_id})},
            reshaped=frozenset({Kind.DOCUMENTS, Kind.CASES}), initiator=project.coder_name,
        )
        if project.shared:  # the other clients of a shared project hear it too
            with project.transaction() as s:
                project.record(s, change)
        project.publish(change)
    return report


def _duplicate_of(project: Project, digest: str) -> tuple[str, str] | None:
    """(document, case) of a document imported from bytes of sha256 ``digest``, if any."""
    with project.session() as s:
        dup = s.execute(
            select(Document.name, Case.name)
            .join(Case, Case.id == Document.case_id)
            .where(Document.original_sha256 == digest)
        ).first()
    return None if dup is None else (dup[0], dup[1])


def _import_one(
    project: Project,
    item: Prepared,
    case_id: int,
    allow_duplicates: bool,
    stored: dict[str, tuple[str, str]],
    case_name: str,
) -> FileResult:
    """Store one prepared file in its own transaction (``stored``: the files this
    batch has stored so far, by sha256, to skip a second copy)."""
    path = item.path
    try:
        try:
            data = item.read()
        except FileNotFoundError:
            raise ImportRefused(f"{path.name}: no such file") from None
        except IsADirectoryError:
            raise ImportRefused(f"{path.name}: is a folder, not a file") from None
        except OSError as exc:
            raise ImportRefused(f"{path.name}: cannot be read ({exc.strerror})") from None
        digest = item.digest or hashlib.sha256(data).hexdigest()
        if not allow_duplicates:
            # in the project when the file was read, or stored since by this batch
            dup = stored.get(digest) or (None if item.wanted else _duplicate_of(project, digest))
            if dup:
                return FileResult(
                    path, "skipped",
                    f"{path.name}: already imported as '{dup[0]}' in {dup[1]}; skipped",
                )
        extraction = item.extraction()
        with project.transaction() as s:
            did = store(s, project, case_id, path.stem, extraction.extracted, original=data,
                        original_name=path.name, original_sha256=digest,
                        counted=(extraction.words, extraction.text_sha256))
            name = s.scalar(select(Document.name).where(Document.id == did)) or path.stem
        stored.setdefault(digest, (name, case_name))
        return FileResult(path, "imported", f"{path.name}: imported", did)
    except PasswordRequired as exc:
        return FileResult(path, "failed", str(exc), needs_password=True)
    except CrosscaseError as exc:
        return FileResult(path, "failed", str(exc))
    except MemoryError:
        return FileResult(path, "failed", f"{path.name}: too large to import")
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the batch
        from crosscase.services.crash import unexpected

        why = unexpected(exc, where=f"importing a {path.suffix.lower() or 'file'} file")
        return FileResult(path, "failed", f"{path.name}: cannot be imported ({why})")


def resolve(session: Session, spec: str | int) -> int:
    """A document id from an id, a name, or ``Case/Name``."""
    s = str(spec).strip()
    rows = session.execute(select(Document.id).where(Document.name == s)).scalars().all()
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise UsageError(f"several documents are called '{s}'; give 'Case/{s}' or its id")
    if "/" in s:
        case_name, _, doc_name = s.rpartition("/")
        did = session.scalar(
            select(Document.id).join(Case, Case.id == Document.case_id)
            .where(Case.name == case_name, Document.name == doc_name)
        )
        if did is not None:
            return did
    if s.isdigit():
        did = session.scalar(select(Document.id).where(Document.id == int(s)))
        if did is not None:
            return did
    raise NotFound(f"no document '{spec}'")


class DocumentListing(TypedDict):
    """One document in the project's list, as ``crosscase docs --json`` shows it."""

    id: int
    name: str
    case: str
    format: str
    chars: int
    words: int
    sha256: str
    case_id: int


def listing(session: Session) -> list[DocumentListing]:
    q = (
        select(Document.id, Document.name, Case.name.label("case"), Document.format,
               Document.chars, Document.words, Document.sha256, Document.case_id)
        .join(Case, Case.id == Document.case_id)
        .order_by(Case.position, Case.id, Document.position, Document.id)
    )
    return [
        DocumentListing(id=i, name=name, case=case, format=fmt, chars=chars, words=words,
                        sha256=sha, case_id=case_id)
        for i, name, case, fmt, chars, words, sha, case_id in session.execute(q)
    ]


def text_of(session: Session, document_id: int) -> str:
    text = session.scalar(select(Document.text).where(Document.id == document_id))
    if text is None:
        raise NotFound(f"no document {document_id}")
    return text

# -- look-ups for the document view and the case tree -------------------------
@dataclass(frozen=True)
class CodingRow:
    """One coding in a document, in code-point offsets."""

    id: int
    code_id: int
    start: int
    end: int
    memo: str


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    name: str
    case_id: int
    case: str
    format: str
    chars: int
    words: int
    memo: str
    text: str


def document_codings(session: Session, document_id: int) -> list[CodingRow]:
    """Every coding in one document, ordered by start then length (longest first)."""
    c = Coding.__table__.c
    q = (
        select(c.id, c.code_id, c.start, c.end, c.memo)
        .where(c.document_id == document_id)
        .order_by(c.start, c.end.desc(), c.id)
    )
    # runs after every coding change in an open document: plain DB-API rows
    return [CodingRow(*r) for r in _raw_rows(session, q)]


def _raw_rows(session: Session, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as plain tuples straight from the driver, for big result sets on a hot path.

    The statement is compiled by SQLAlchemy for the connection's dialect, so
    the SQL and its parameter style stay portable.
    """
    conn = session.connection()
    compiled = statement.compile(dialect=conn.dialect)
    params: Mapping[str, Any] | tuple[Any, ...] = compiled.params
    if compiled.positional:
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def document_info(session: Session, document_id: int) -> DocumentInfo:
    row = session.execute(
        select(
            Document.id, Document.name, Document.case_id, Case.name, Document.format,
            Document.chars, Document.words, Document.memo, Document.text,
        )
        .join(Case, Case.id == Document.case_id)
        .where(Document.id == document_id)
    ).first()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return DocumentInfo(*row)


def document_exists(session: Session, document_id: int) -> bool:
    return session.scalar(select(Document.id).where(Document.id == document_id)) is not None


def first_coded_document(session: Session) -> int | None:
    """The first document (in tree order) that has at least one coding."""
    q = (
        select(Document.id)
        .join(Case, Case.id == Document.case_id)
        .where(select(Coding.id).where(Coding.document_id == Document.id).exists())
        .order_by(Case.position, Case.id, Document.position, Document.id)
        .limit(1)
    )
    return session.scalar(q)
