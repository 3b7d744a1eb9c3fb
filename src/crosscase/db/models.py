"""Typed SQLAlchemy 2 models: the project file's schema.

Offsets (``start``/``end``) are code-point indices into ``Document.text``,
end exclusive. ``Coding.snippet == Document.text[start:end]`` always holds;
the services check it on every write.

Keep these models portable (SQLite today, PostgreSQL for shared projects):
no SQLite-only types or SQL here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    declared_attr,
    deferred,
    mapped_column,
    relationship,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A row people edit in place (names, memos, definitions, values, judgements).

    ``version`` grows by one on every update of the row. The ORM writes each
    update as ``UPDATE ... WHERE id = ? AND version = <the version read>``, so
    of two writers who read the same version only the first succeeds; the
    second is refused (``crosscase.db.versions``) and nothing is overwritten
    silently, on a shared server as in a file.
    """

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy's declared attribute
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class ProjectInfo(Versioned, Base):
    """One row: the project's own settings."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    memo: Mapped[str] = mapped_column(Text, default="")
    # JSON list of rating labels for framework cells, lowest first.
    rating_scale: Mapped[str] = mapped_column(
        Text, default='["absent", "weak", "moderate", "strong"]'
    )


class Coder(Base):
    __tablename__ = "coder"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    guid: Mapped[str | None] = mapped_column(String(40))
    #: on a shared server: the database login that works as this coder
    login: Mapped[str | None] = mapped_column(String(63), unique=True)
    #: on a shared server: owner, manager, coder or reader
    role: Mapped[str] = mapped_column(String(20), default="coder", server_default="coder")


class Case(Versioned, Base):
    __tablename__ = "case"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"))
    memo: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    guid: Mapped[str | None] = mapped_column(String(40))

    documents: Mapped[list[Document]] = relationship(back_populates="case")


class Document(Versioned, Base):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("case_id", "name", name="uq_document_case_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = deferred(mapped_column(Text))
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the stored text
    chars: Mapped[int] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(Integer, default=0)
    original_name: Mapped[str | None] = mapped_column(String(500))
    original_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    original: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    imported: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    memo: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    guid: Mapped[str | None] = mapped_column(String(40))

    case: Mapped[Case] = relationship(back_populates="documents")


class Paragraph(Base):
    __tablename__ = "paragraph"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_paragraph_doc_start", "document_id", "start"),)


class Page(Base):
    __tablename__ = "page"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_page_doc_start", "document_id", "start"),)


class Participant(Versioned, Base):
    """A speaker in a case's transcripts, with attributes such as role."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("case_id", "name", name="uq_participant_case_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    memo: Mapped[str] = mapped_column(Text, default="")


class Turn(Base):
    __tablename__ = "turn"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[str | None] = mapped_column(String(20))
    __table_args__ = (Index("ix_turn_doc_start", "document_id", "start"),)


class Annotation(Base):
    """A note from the source file (e.g. a Word comment) on a passage."""

    __tablename__ = "annotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))


class Attribute(Versioned, Base):
    """A typed attribute defined for cases, documents or participants."""

    __tablename__ = "attribute"
    __table_args__ = (
        UniqueConstraint("scope", "name", name="uq_attribute_scope_name"),
        CheckConstraint("scope IN ('case', 'document', 'participant')", name="scope"),
        CheckConstraint("type IN ('text', 'number', 'date', 'boolean')", name="type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), default="text")
    position: Mapped[int] = mapped_column(Integer, default=0)


class CaseValue(Versioned, Base):
    __tablename__ = "case_value"
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text)


class DocumentValue(Versioned, Base):
    __tablename__ = "document_value"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text)


class ParticipantValue(Versioned, Base):
    __tablename__ = "participant_value"
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text)


class Code(Versioned, Base):
    __tablename__ = "code"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("code.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    color: Mapped[str] = mapped_column(String(9), default="#4c72b0")
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    guid: Mapped[str | None] = mapped_column(String(40))


class Coding(Versioned, Base):
    __tablename__ = "coding"
    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="span"),
        # the matrix reads codings by code with their span: one index covers it
        Index("ix_coding_code_span", "code_id", "document_id", "start", "end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    snippet: Mapped[str] = mapped_column(Text)
    memo: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    guid: Mapped[str | None] = mapped_column(String(40))


class DocumentSet(Base):
    """A named group of documents (REFI-QDA sets)."""

    __tablename__ = "document_set"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    guid: Mapped[str | None] = mapped_column(String(40))


class DocumentSetMember(Base):
    __tablename__ = "document_set_member"
    set_id: Mapped[int] = mapped_column(
        ForeignKey("document_set.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )


class FrameworkCell(Versioned, Base):
    """The researcher's judgement for one code in one case."""

    __tablename__ = "framework_cell"
    __table_args__ = (UniqueConstraint("code_id", "case_id", name="uq_framework_cell_code_case"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(100))
    #: who wrote the judgement last
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))


class FrameworkPin(Base):
    """An exemplar quote pinned to a framework cell."""

    __tablename__ = "framework_pin"
    cell_id: Mapped[int] = mapped_column(
        ForeignKey("framework_cell.id", ondelete="CASCADE"), primary_key=True
    )
    coding_id: Mapped[int] = mapped_column(
        ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class ReliabilityRound(Base):
    """A sample of documents (or their paragraphs) double-coded to measure agreement."""

    __tablename__ = "reliability_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: what was sampled: "document" or "paragraph"
    unit: Mapped[str] = mapped_column(String(20), default="document")
    share: Mapped[float] = mapped_column(default=0.2)
    #: stratified by: "case" or "" (none)
    stratum: Mapped[str] = mapped_column(String(20), default="case")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: when the round closed; while it is open its coders code blind
    closed: Mapped[datetime | None] = mapped_column(DateTime)


class RoundDocument(Base):
    __tablename__ = "round_document"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("reliability_round.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )


class RoundCoder(Base):
    __tablename__ = "round_coder"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("reliability_round.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True
    )


class SavedQuery(Base):
    """A named coding query, re-runnable."""

    __tablename__ = "saved_query"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    expression: Mapped[str] = mapped_column(Text)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Event(Base):
    """Append-only log of every change: who, what, when."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    coder: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


class ChangeRecord(Base):
    """The change log: every command's :class:`~crosscase.domain.changes.Change`, in
    commit order, so other clients of a shared project can apply it."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    #: the program instance that made it (it ignores its own announcements)
    client: Mapped[str] = mapped_column(String(40), default="")
    #: the change as JSON (``Change.to_json``)
    change: Mapped[str] = mapped_column(Text)


#: a row a memo can sit on
MemoTarget = ProjectInfo | Case | Document | Participant | Code | Coding

#: the things a memo can sit on, by the name the commands and the CLI use
MEMO_TARGETS: dict[str, type[MemoTarget]] = {
    "project": ProjectInfo,
    "case": Case,
    "document": Document,
    "participant": Participant,
    "code": Code,
    "coding": Coding,
}
