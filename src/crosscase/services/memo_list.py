"""Every memo in a project, for browsing: what it sits on, its case and code, where to go.

Memos sit on the project, cases, documents, participants, codes and codings.
:func:`all_memos` lists the ones with text, each with the case and code it
belongs to where that makes sense (a coding's document's case and its code; a
document's or participant's case; a code), so a list can be filtered by kind,
case and code, and with the place a reader jumps to (a coding's passage).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Code, Coding, Document, Participant, ProjectInfo
from crosscase.services import codebook

#: the kinds of memo, in the order a list shows them
MEMO_KINDS = ("project", "case", "document", "participant", "code", "coding")


@dataclass(frozen=True)
class MemoEntry:
    kind: str
    target_id: int
    #: what the memo is on, as a reader names it ("Code Hybridity/Trading income")
    subject: str
    text: str
    case_id: int | None = None
    case: str | None = None
    code_id: int | None = None
    document_id: int | None = None
    #: a coding's passage, in code points
    start: int | None = None
    end: int | None = None


def all_memos(session: Session) -> list[MemoEntry]:
    """The memos with text, by kind (project first, codings last), then by subject.

    A subject names what the memo is on without its kind (the list shows the
    kind in a column of its own): a case's name, a code's path, a coding's
    code, document and quote."""
    nodes = codebook.tree(session)
    out: list[MemoEntry] = []
    for pid, name, memo in session.execute(
            select(ProjectInfo.id, ProjectInfo.name, ProjectInfo.memo).where(ProjectInfo.memo != "")):
        out.append(MemoEntry("project", pid, name, memo))
    cases: dict[int, str] = {cid: name for cid, name in session.execute(select(Case.id, Case.name))}
    for cid, memo in session.execute(select(Case.id, Case.memo).where(Case.memo != "")):
        out.append(MemoEntry("case", cid, cases[cid], memo, cid, cases[cid]))
    for did, name, case_id, memo in session.execute(
            select(Document.id, Document.name, Document.case_id, Document.memo)
            .where(Document.memo != "")):
        out.append(MemoEntry("document", did, name, memo, case_id, cases[case_id],
                             document_id=did))
    for pid, name, case_id, memo in session.execute(
            select(Participant.id, Participant.name, Participant.case_id, Participant.memo)
            .where(Participant.memo != "")):
        out.append(MemoEntry("participant", pid, f"{name} ({cases[case_id]})", memo,
                             case_id, cases[case_id]))
    for code_id, name, memo in session.execute(
            select(Code.id, Code.name, Code.memo).where(Code.memo != "")):
        node = nodes.get(code_id)
        out.append(MemoEntry("code", code_id, node.path if node else name, memo,
                             code_id=code_id))
    rows = session.execute(
        select(Coding.id, Coding.code_id, Coding.document_id, Coding.start, Coding.end,
               Coding.snippet, Coding.memo, Document.name, Document.case_id)
        .join(Document, Document.id == Coding.document_id)
        .where(Coding.memo != "")
    )
    for cid, code_id, doc, start, end, snippet, memo, doc_name, case_id in rows:
        node = nodes.get(code_id)
        quote = " ".join(snippet.split())
        if len(quote) > 60:
            quote = quote[:59] + "…"
        out.append(MemoEntry(
            "coding", cid, f"{node.name if node else code_id} in {doc_name}: “{quote}”",
            memo, case_id, cases[case_id], code_id, doc, start, end,
        ))
    order = {k: i for i, k in enumerate(MEMO_KINDS)}
    out.sort(key=lambda m: (order[m.kind], m.subject.casefold(), m.target_id))
    return out
