"""Every command class: ``do`` then ``undo`` restores the database exactly, ``redo`` equals ``do``.

The property runs over generated inputs on one small seeded project (a
codebook tree, two cases, documents with astral characters and emoji,
codings, memos, attributes, framework cells with pinned quotes). Each example
starts from the same bytes: the seeded file is built once per session and
copied into the open project with SQLite's backup API before every example,
which is far faster than creating a project per example. The same runs on a
shared project on the run's PostgreSQL server, whose seeded rows are put
back (ids and sequences included) before every example.

The command classes are discovered by walking ``crosscase.commands``; a class
without a strategy here fails its test, so a new command cannot be forgotten.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pgfixtures import restore, snapshot
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text

import crosscase.commands
from crosscase.commands import attributes as attribute_commands
from crosscase.commands import cases, coding, consensus, framework, memo, rounds
from crosscase.commands import codebook as cb
from crosscase.commands import documents as doc_commands
from crosscase.commands import queries as query_commands
from crosscase.commands.base import Command, Sequence
from crosscase.db.models import MEMO_TARGETS, Participant
from crosscase.db.project import Project, open_project
from crosscase.domain.errors import CrosscaseError
from crosscase.io.importers.text import structure
from crosscase.services import cases as case_service
from crosscase.services import codebook, documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

# -- discovering the command classes -------------------------------------------


def _command_classes() -> list[type[Command]]:
    found: dict[str, type[Command]] = {}
    for info in pkgutil.walk_packages(crosscase.commands.__path__, "crosscase.commands."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, Command)
                and obj is not Command
                and obj.__module__.startswith("crosscase.commands")
                and not obj.__name__.startswith("_")
                and not inspect.isabstract(obj)
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


COMMAND_CLASSES = _command_classes()

# -- the seeded project ---------------------------------------------------------

TEXTS = {
    ("Upcycling 🪑", "manager"): (
        "Interviewer: Tell me 😀 about the café.\n"
        "Manager: The farm shop 𝒳 pays for the day service. Service users upcycle furniture!\n"
        "Interviewer: And the caravan park?\n"
        "Manager: 👩‍🔧 It funds the conservation work, e\u0301 and more.\n"
    ),
    ("Upcycling 🪑", "board minutes"): (
        "The board agreed 𝒳 to open a second café.\n\nIncome from leaflets fell; trust rose 😀.\n"
    ),
    ("Relational care", "service user"): (
        "Interviewer: Who decides?\n"
        "Service user: I manage my own 𝒴 relationships with the practitioners.\n"
        "Practitioner: We co-produce the plan 🤝 together.\n"
    ),
}

CODEBOOK: list[dict[str, Any]] = [
    {"name": "Co-production", "children": [
        {"name": "Service users", "definition": "users shape the service"},
        {"name": "Practitioners"},
    ]},
    {"name": "Innovation", "children": [
        {"name": "Enablers", "children": [{"name": "Money 💷"}]},
        {"name": "Hinders"},
    ]},
    {"name": "Hybridity"},
    {"name": "Trust 𝒳", "memo": "relational orientation"},
]


@dataclass
class Seed:
    """Ids of what the seeded project holds, for the strategies to draw from."""

    codes: list[int] = field(default_factory=list)
    code_names: list[str] = field(default_factory=list)
    code_paths: list[tuple[str, ...]] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)
    case_names: list[str] = field(default_factory=list)
    documents: dict[int, int] = field(default_factory=dict)  # id -> text length
    codings: list[int] = field(default_factory=list)
    #: (code, case, coding) a quote may be pinned to: its code or a code above, its case
    pinnable: list[tuple[int, int, int]] = field(default_factory=list)
    pins: list[tuple[int, int, int]] = field(default_factory=list)
    participants: list[int] = field(default_factory=list)
    attribute_names: list[str] = field(default_factory=list)


MISSING = 10_000  # an id no row has


def _seed(project: Project) -> Seed:
    seed = Seed()
    with project.transaction() as s:
        codebook.add_tree(s, CODEBOOK)
        for (case, name), body in TEXTS.items():
            cid = case_service.ensure(s, case)
            did = documents.store(s, project, cid, name, structure(body, "txt"))
            seed.documents[did] = len(body)
    with project.session() as s:
        nodes = codebook.tree(s)
        seed.codes = list(nodes)
        seed.code_names = [n.name for n in nodes.values()]
        seed.code_paths = [tuple(n.path.split(codebook.SEP)) for n in nodes.values()]
        seed.cases = [cid for cid, _ in case_service.case_names(s)]
        seed.case_names = [name for _, name in case_service.case_names(s)]
        seed.participants = list(s.scalars(select(Participant.id).order_by(Participant.id)))
        code = {n.path: n.id for n in nodes.values()}
    docs = list(seed.documents)
    bodies = list(TEXTS.values())

    def quoted(n: int, path: str, quote: str, memo: str = "") -> CodingSpec:
        start = bodies[n].index(quote)
        return CodingSpec(docs[n], code[path], start, start + len(quote), memo)

    specs = [
        quoted(0, "Co-production/Service users", "Tell me 😀 about the café.", "the café 😀"),
        quoted(0, "Trust 𝒳", "The farm shop 𝒳"),
        quoted(0, "Innovation/Enablers/Money 💷", "The farm shop 𝒳 pays for the day service."),
        quoted(1, "Hybridity", "The board agreed 𝒳 to open a second café."),
        quoted(1, "Trust 𝒳", "trust rose 😀"),
        quoted(2, "Co-production/Practitioners", "I manage my own 𝒴 relationships"),
        quoted(2, "Co-production", "We co-produce the plan 🤝 together."),
    ]
    apply = coding.ApplyCodings(specs)
    apply.do(project)
    seed.codings = list(apply.ids)
    up, rel = seed.cases
    case_of = dict(zip(docs, [up, up, rel], strict=True))
    for spec, coding_id in zip(specs, seed.codings, strict=True):
        above = [c for c in seed.codes if spec.code_id in codebook.descendants(nodes, c)]
        seed.pinnable += [(c, case_of[spec.document_id], coding_id) for c in above]
    seed.pins = [
        (code["Trust 𝒳"], up, seed.codings[1]), (code["Trust 𝒳"], up, seed.codings[4]),
        (code["Co-production"], rel, seed.codings[5]),
    ]
    for cmd in (
        memo.SetMemo("project", 1, "Two social enterprises 𝒳"),
        memo.SetMemo("case", up, "day service, farm shop, café, caravan park"),
        memo.SetMemo("code", code["Hybridity"], "social aims beside business aims"),
        memo.SetMemo("coding", seed.codings[1], "quoted in the paper"),
        memo.SetMemo("participant", seed.participants[0], "founder"),
        cases.SetAttribute("case", up, "sector", "upcycling"),
        cases.SetAttribute("case", rel, "sector", "social care"),
        cases.SetAttribute("case", up, "staff", 12),
        cases.SetAttribute("document", docs[0], "interviewed", date(2024, 3, 1)),
        cases.SetAttribute("participant", seed.participants[0], "paid", True),
        framework.SetFrameworkCell(code["Trust 𝒳"], up, summary="strong 😀 ties", rating="strong"),
        framework.SetFrameworkCell(code["Co-production"], rel, rating="moderate"),
        *(framework.PinQuote(*pin) for pin in seed.pins),
        query_commands.SaveQuery("Trust in cafés 𝒳", '"Trust 𝒳" NEAR/5 "Hybridity"'),
    ):
        cmd.do(project)
    seed.attribute_names = ["sector", "staff", "interviewed", "paid"]
    return seed


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seed]:
    path = tmp_path_factory.mktemp("undo-property") / "seeded.crosscase"
    project = new_project(path, empty=True, name="Two enterprises")
    try:
        seed = _seed(project)
    finally:
        project.close()
    return path, seed


@pytest.fixture(scope="session")
def seeded_server(pg_server: Any) -> tuple[str, Seed, Any]:
    """The same seeded project as a shared project, and a snapshot of its rows."""
    url = pg_server.create_database("undo_property_seed")
    project = new_project(url, empty=True, name="Two enterprises")
    try:
        seed = _seed(project)
        rows = snapshot(project)
    finally:
        project.close()
    return url, seed, rows


class Bench:
    """The open project every example of one test runs on, and how to reset it."""

    def __init__(self, project: Project, seed: Seed, template: Path | None,
                 rows: Any = None) -> None:
        self.project, self.seed, self.template, self.rows = project, seed, template, rows

    def __repr__(self) -> str:
        return f"Bench({self.project.location.rsplit('/', 1)[-1]})"

    def reset(self) -> None:
        """Put the seeded bytes (or, on a server, rows) back into the open project."""
        if self.template is None:
            restore(self.project, self.rows)
            return
        src = sqlite3.connect(f"file:{self.template}?mode=ro", uri=True)
        try:
            with self.project.engine.connect() as conn:
                dest = conn.connection.driver_connection
                assert dest is not None
                src.backup(dest)
        finally:
            src.close()


@pytest.fixture
def bench(request: pytest.FixtureRequest, where: str, tmp_path: Path) -> Iterator[Bench]:
    if where == "server":
        url, seed, rows = request.getfixturevalue("seeded_server")
        project = open_project(url)
        bench = Bench(project, seed, None, rows)
        bench.reset()
        yield bench
        project.close()
        return
    template, seed = request.getfixturevalue("seeded")
    dest = tmp_path / template.name
    shutil.copy(template, dest)
    project = open_project(dest)
    yield Bench(project, seed, template)
    project.close()


# -- comparing whole databases --------------------------------------------------

# The event log is append-only by design: do, undo and redo each add a row
# ("undo CreateCode" and so on), so it can never compare equal; it is left out
# of the comparison after a command ran. A refused command must not log, so
# there the event table is compared too.
APPEND_ONLY = {"event", "change_log"}

# A row's ``version`` counts its updates: undo is an update too, so after
# do + undo a row holds its old content under a higher version. Versions are
# compared only where nothing may have been written (a refused command).
_QUERIES: dict[tuple[Path, bool], dict[str, str]] = {}


def _queries(project: Project, versions: bool) -> dict[str, str]:
    """One ``SELECT`` per table, ordered by its primary key (the schema never changes here)."""
    key = (project.path, versions)
    if key not in _QUERIES:
        insp = sa_inspect(project.engine)
        queries = {}
        for table in sorted(insp.get_table_names()):
            pk = insp.get_pk_constraint(table)["constrained_columns"] or ["rowid"]
            order = ", ".join(f'"{c}"' for c in pk)
            cols = ", ".join(f'"{c["name"]}"' for c in insp.get_columns(table)
                             if versions or c["name"] != "version")
            queries[table] = f'SELECT {cols} FROM "{table}" ORDER BY {order}'
        _QUERIES[key] = queries
    return _QUERIES[key]


def database(project: Project, *, skip: set[str] = APPEND_ONLY,
             versions: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with project.engine.connect() as conn:
        for table, query in _queries(project, versions).items():
            if table not in skip:
                out[table] = [tuple(r) for r in conn.execute(text(query))]
    return out


def test_the_comparison_sees_every_table(bench: Bench) -> None:
    tables = database(bench.project)
    assert {"case", "code", "coding", "document", "framework_cell", "framework_pin",
            "attribute", "case_value", "document_value", "participant_value", "project",
            "paragraph", "turn", "participant", "coder"} <= set(tables)
    assert "event" not in tables
    assert len(tables["coding"]) == 7 and len(tables["framework_pin"]) == 3
    assert sum("𝒳" in str(v) for row in tables["document"] for v in row) >= 2


def test_reset_puts_back_the_seeded_bytes(bench: Bench) -> None:
    before = database(bench.project, skip=set(), versions=True)
    cb.DeleteCode(bench.seed.codes[0]).do(bench.project)
    assert database(bench.project, versions=True) != {k: v for k, v in before.items()
                                                      if k not in APPEND_ONLY}
    bench.reset()
    assert database(bench.project, skip=set(), versions=True) == before


# -- strategies: one per command class -------------------------------------------


class Maker:
    """Builds one command; its repr is what hypothesis prints for a failing example."""

    def __init__(self, cls: type[Command], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.cls, self.args, self.kwargs = cls, args, kwargs

    def __call__(self) -> Command:
        return self.cls(*self.args, **self.kwargs)

    def __repr__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.cls.__name__}({', '.join(parts)})"


_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n"
)


def words(max_size: int = 12) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(_CHARS, max_size=max_size),
        st.sampled_from(["", " ", "𝒳", "😀 café", "a/b", "Trust 𝒳", "Hybridity", "hybridity "]),
    )


def some_id(ids: list[int], *, none: bool = False) -> st.SearchStrategy[int | None]:
    choices: st.SearchStrategy[int | None] = st.sampled_from([*ids, MISSING])
    return st.one_of(st.none(), choices) if none else choices


def subset(options: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=options)


def _make(cls: type[Command], *args: Any, **kwargs: Any) -> Maker:
    return Maker(cls, args, kwargs)


def _build(cls: type[Command], *parts: st.SearchStrategy[Any], **named: st.SearchStrategy[Any]) -> st.SearchStrategy[Maker]:
    return st.tuples(st.tuples(*parts), st.fixed_dictionaries(named)).map(
        lambda an: _make(cls, *an[0], **an[1])
    )


def _spans(seed: Seed) -> st.SearchStrategy[tuple[int, int, int]]:
    """(document, start, end): mostly spans that fit, sometimes ones that do not."""

    @st.composite
    def fits(draw: st.DrawFn) -> tuple[int, int, int]:
        did = draw(st.sampled_from(list(seed.documents)))
        start = draw(st.integers(0, seed.documents[did] - 1))
        return did, start, draw(st.integers(start + 1, seed.documents[did]))

    @st.composite
    def anything(draw: st.DrawFn) -> tuple[int, int, int]:
        did = draw(st.sampled_from([*seed.documents, MISSING]))
        n = seed.documents.get(did, 50)
        start = draw(st.integers(-2, n + 1))
        return did, start, draw(st.integers(start - 1, n + 2))

    return st.one_of(fits(), fits(), fits(), anything())


def _pins(seed: Seed, triples: list[tuple[int, int, int]]) -> st.SearchStrategy[tuple[int, int, int]]:
    """(code, case, coding): mostly ones that make sense, sometimes any three ids."""
    anything = st.tuples(some_id(seed.codes), some_id(seed.cases), some_id(seed.codings))
    return st.one_of(st.sampled_from(triples), st.sampled_from(triples), anything)


def _coding_specs(seed: Seed) -> st.SearchStrategy[list[CodingSpec]]:
    code = st.one_of(st.sampled_from(seed.codes), some_id(seed.codes))
    spec = st.builds(
        lambda span, code, memo: CodingSpec(span[0], code, span[1], span[2], memo),
        _spans(seed), code, words(),
    )
    return st.lists(spec, min_size=1, max_size=3)


SCALE_WORDS = ["absent", "weak", "moderate", "strong", "Strong", "high", "low", "", "😀"]


def _strategies(seed: Seed) -> dict[str, st.SearchStrategy[Maker]]:
    case_name = st.one_of(words(), st.sampled_from(seed.case_names))
    code_name = st.one_of(words(), st.sampled_from(seed.code_names))
    code_fields = {
        "color": st.sampled_from(["#123456", "#ffcc00", ""]),
        "definition": words(), "inclusion": words(), "exclusion": words(),
        "example": words(), "memo": words(),
    }
    attr_value = st.one_of(
        st.none(), words(), st.integers(-5, 5), st.booleans(),
        st.dates(date(2000, 1, 1), date(2030, 1, 1)), st.sampled_from(["12", "yes", "2024-03-01"]),
    )
    owner = {
        "case": seed.cases, "document": list(seed.documents), "participant": seed.participants,
    }
    # ratings in use are "strong" and "moderate": keep them, rename them, or drop them
    scale = st.one_of(
        st.lists(st.sampled_from(SCALE_WORDS), max_size=5),
        st.lists(st.sampled_from(["absent", "weak", "high", "low", "😀 top"]), max_size=3, unique=True)
        .flatmap(lambda extra: st.permutations([*extra, "Moderate", "strong"])),
    )
    rename = st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(SCALE_WORDS), st.sampled_from(SCALE_WORDS), max_size=3),
        st.fixed_dictionaries({"Strong": st.sampled_from(["Moderate", "strong", "high"])}),
    )
    keep = framework._KEEP
    targets = {
        "project": [1], "case": seed.cases, "document": list(seed.documents),
        "participant": seed.participants, "code": seed.codes, "coding": seed.codings,
    }
    memo_target = st.sampled_from([*MEMO_TARGETS, "nothing"]).flatmap(
        lambda kind: st.tuples(st.just(kind), some_id(targets.get(kind, [1])))
    )

    @st.composite
    def set_attribute(draw: st.DrawFn) -> Maker:
        scope = draw(st.sampled_from([*owner, "coding"]))
        return _make(
            cases.SetAttribute, scope, draw(some_id(owner.get(scope, [1]))),
            draw(st.one_of(st.sampled_from(seed.attribute_names), words())),
            draw(attr_value), draw(st.sampled_from([None, "text", "number", "date", "boolean", "colour"])),
        )

    @st.composite
    def attribute_value(draw: st.DrawFn) -> tuple[str, int | None, str, Any]:
        scope = draw(st.sampled_from([*owner, *owner, "coding"]))
        return (
            scope, draw(some_id(owner.get(scope, [1]))),
            draw(st.one_of(st.sampled_from(seed.attribute_names), words())), draw(attr_value),
        )

    attribute_types = st.dictionaries(
        st.tuples(st.sampled_from(list(owner)),
                  st.one_of(st.sampled_from(seed.attribute_names), words(8))),
        st.sampled_from(["text", "number", "date", "boolean", "colour"]), max_size=2,
    )

    @st.composite
    def set_memo(draw: st.DrawFn) -> Maker:
        kind, target = draw(memo_target)
        return _make(memo.SetMemo, kind, target, draw(words()))

    strategies: dict[str, st.SearchStrategy[Maker]] = {
        "CreateCase": _build(
            cases.CreateCase, case_name, some_id(seed.cases, none=True), words()
        ),
        "EditCase": st.tuples(
            some_id(seed.cases),
            subset({"name": case_name, "parent_id": some_id(seed.cases, none=True), "memo": words()}),
        ).map(lambda a: _make(cases.EditCase, a[0], **a[1])),
        "SetAttribute": set_attribute(),
        "SetAttributes": _build(
            attribute_commands.SetAttributes, st.lists(attribute_value(), max_size=4),
            attribute_types,
        ),
        "DeleteCase": _build(cases.DeleteCase, some_id(seed.cases)),
        "RenameDocument": _build(
            doc_commands.RenameDocument, some_id(list(seed.documents)),
            st.one_of(words(), st.sampled_from(["manager", "board minutes", "service user"])),
        ),
        "MoveDocument": _build(
            doc_commands.MoveDocument, some_id(list(seed.documents)), some_id(seed.cases)
        ),
        "DeleteDocument": _build(doc_commands.DeleteDocument, some_id(list(seed.documents))),
        "CreateCode": st.tuples(
            code_name, some_id(seed.codes, none=True), subset(code_fields)
        ).map(lambda a: _make(cb.CreateCode, a[0], a[1], **a[2])),
        "EditCode": st.tuples(
            some_id(seed.codes), subset({"name": code_name, **code_fields})
        ).map(lambda a: _make(cb.EditCode, a[0], **a[1])),
        "MoveCode": _build(
            cb.MoveCode, some_id(seed.codes), some_id(seed.codes, none=True),
            st.one_of(st.none(), st.integers(-1, 6)),
        ),
        "DeleteCode": _build(cb.DeleteCode, some_id(seed.codes)),
        "MergeCodes": _build(cb.MergeCodes, some_id(seed.codes), some_id(seed.codes)),
        "ApplyCodings": _build(coding.ApplyCodings, _coding_specs(seed)),
        "RemoveCodings": _build(
            coding.RemoveCodings,
            st.lists(st.sampled_from([*seed.codings, MISSING]), max_size=4, unique=True),
        ),
        "ResizeCoding": _spans(seed).flatmap(
            lambda span: _build(
                coding.ResizeCoding, some_id(seed.codings), st.just(span[1]), st.just(span[2])
            )
        ),
        "SetFrameworkCell": _build(
            framework.SetFrameworkCell, some_id(seed.codes), some_id(seed.cases),
            summary=st.one_of(st.just(keep), st.none(), words()),
            rating=st.one_of(st.just(keep), st.none(), st.sampled_from(SCALE_WORDS)),
        ),
        "PinQuote": st.tuples(_pins(seed, seed.pinnable), st.one_of(st.none(), st.integers(-1, 3)))
        .map(lambda a: _make(framework.PinQuote, *a[0], a[1])),
        "UnpinQuote": _pins(seed, seed.pins).map(lambda a: _make(framework.UnpinQuote, *a)),
        "SetRatingScale": _build(framework.SetRatingScale, scale, rename),
        "SetMemo": set_memo(),
        "SaveQuery": _build(
            query_commands.SaveQuery,
            st.one_of(words(), st.sampled_from(["Trust in cafés 𝒳", "trust in CAFÉS 𝒳"])),
            st.one_of(words(), st.just('"Trust 𝒳" AND "Co-production"')),
        ),
        "DeleteQuery": _build(
            query_commands.DeleteQuery,
            st.one_of(words(), st.sampled_from(["Trust in cafés 𝒳", "TRUST IN CAFÉS 𝒳"])),
        ),
    }
    strategies["ResolveDisagreement"] = _resolve(seed)
    strategies["OpenRound"] = _open_round()
    strategies["CloseRound"] = st.one_of(
        _build(rounds.CloseRound, st.one_of(words(), st.just("round 1"))),
        # a round opened and closed in one step: the seeded project has none open
        _open_round().map(lambda m: _make(
            Sequence, "open and close", [m(), rounds.CloseRound(m.kwargs.get("name", ""))]
        )),
    )
    strategies["LoadCodebook"] = _build(
        cb.LoadCodebook, st.lists(_codebook_entry(seed), max_size=4), st.sampled_from(["", "codes.qdc"])
    )
    single = dict(strategies)
    strategies["Sequence"] = _sequences(seed, single)
    return strategies


def _resolve(seed: Seed) -> st.SearchStrategy[Maker]:
    """A decision on two coders' spans in one document, mostly spans that fit."""

    @st.composite
    def resolve(draw: st.DrawFn) -> Maker:
        did = draw(st.sampled_from([*seed.documents, MISSING]))
        n = seed.documents.get(did, 40)
        span = st.integers(-1, n).flatmap(lambda s: st.tuples(st.just(s), st.integers(s, n + 1)))
        fitting = st.integers(0, max(n - 1, 0)).flatmap(
            lambda s: st.tuples(st.just(s), st.integers(s + 1, max(n, s + 1))))
        spans_ = st.lists(st.one_of(fitting, fitting, fitting, span), max_size=3)
        return _make(
            consensus.ResolveDisagreement, did, draw(some_id(seed.codes)),
            draw(st.sampled_from([*consensus.DECISIONS, "skip"])), draw(spans_), draw(spans_),
            coders=("Anna", "Ben"),
            consensus=draw(st.sampled_from(["consensus", "Consensus 😀", "", seed_coder()])),
            reason=draw(words()), recode_to=draw(some_id(seed.codes, none=True)),
        )

    return resolve()


def seed_coder() -> str:
    """The coder the seeded codings belong to (a consensus may be written as an existing coder)."""
    from crosscase.db.project import _default_coder

    return _default_coder()


def _open_round() -> st.SearchStrategy[Maker]:
    """A round on a sample of the seeded documents (or a refused share, unit or name)."""
    return st.tuples(
        st.one_of(st.just("round 1"), words()),
        st.fixed_dictionaries({
            "share": st.sampled_from([0.2, 0.5, 1.0, 0.0, 1.5]),
            "seed": st.integers(0, 99),
            "unit": st.sampled_from(["document", "document", "paragraph", "page"]),
            "stratum": st.sampled_from(["case", "none"]),
            "coders": st.lists(st.sampled_from(["Anna", "Ben 😀", "tester", " "]), max_size=3),
        }),
    ).map(lambda a: _make(rounds.OpenRound, name=a[0], **a[1]))


def _codebook_entry(seed: Seed) -> st.SearchStrategy[cb.CodebookEntry]:
    name = st.one_of(words(8), st.sampled_from(seed.code_names))
    path = st.one_of(
        st.sampled_from(seed.code_paths),  # already there: updated in place
        st.sampled_from(seed.code_paths).map(lambda p: tuple(x.upper() for x in p)),
        st.tuples(st.sampled_from(seed.code_paths), name).map(lambda a: (*a[0], a[1])),
        st.lists(name, min_size=1, max_size=3).map(tuple),  # missing parents are made
    )
    text = st.one_of(st.just(""), words())
    return st.builds(
        cb.CodebookEntry, path=path, color=st.sampled_from([None, "#AABBCC", "#4c72b0", ""]),
        definition=text, inclusion=text, exclusion=text, example=text, memo=text,
        guid=st.sampled_from([None, "6F9619FF-8B86-D011-B42D-00C04FC964FF"]),
    )


class SequenceMaker(Maker):
    """A :class:`Sequence` of generated steps; ``applied`` adds a step built from an earlier one."""

    def __init__(self, steps: list[Maker], applied: tuple[int, int, int] | None) -> None:
        super().__init__(Sequence, ("steps",), {})
        self.steps, self.applied = steps, applied

    def __call__(self) -> Command:
        steps: list[Any] = [make() for make in self.steps]
        if self.applied is not None:
            did, start, end = self.applied

            def apply_new_code(done: list[Command]) -> Command | None:
                code_id = getattr(done[0], "id", None) if done else None
                if code_id is None:
                    return None
                event("a step built from an earlier step's result")
                return coding.ApplyCodings([CodingSpec(did, code_id, start, end)])

            steps.append(apply_new_code)
        return Sequence("generated steps", steps)

    def __repr__(self) -> str:
        tail = [] if self.applied is None else [f"<apply step 1's code to {self.applied}>"]
        return f"Sequence([{', '.join([*map(repr, self.steps), *tail])}])"


def _sequences(seed: Seed, single: dict[str, st.SearchStrategy[Maker]]) -> st.SearchStrategy[Maker]:
    any_step = st.sampled_from(sorted(single)).flatmap(lambda name: single[name])
    plain = st.lists(any_step, min_size=2, max_size=3).map(lambda steps: SequenceMaker(steps, None))
    # a factory step uses an earlier step's result: create a code, then apply it
    created = st.tuples(single["CreateCode"], st.lists(any_step, max_size=1), _spans(seed)).map(
        lambda a: SequenceMaker([a[0], *a[1]], a[2])
    )
    return st.one_of(plain, created)


def test_every_command_class_has_a_strategy(seeded: tuple[Path, Seed]) -> None:
    strategies = _strategies(seeded[1])
    missing = [c.__name__ for c in COMMAND_CLASSES if c.__name__ not in strategies]
    assert not missing, f"command classes with no strategy in {Path(__file__).name}: {missing}"


def test_every_command_class_is_found() -> None:
    names = {c.__name__ for c in COMMAND_CLASSES}
    assert {"CreateCode", "ApplyCodings", "SetMemo", "SetRatingScale", "PinQuote"} <= names
    assert "Command" not in names and not any(n.startswith("_") for n in names)


# -- the property -------------------------------------------------------------------


def _round_trip(bench: Bench, make: Maker) -> None:
    project = bench.project
    exact = database(project, skip=set(), versions=True)
    before = database(project, skip=set())
    try:
        cmd = make()
        cmd.do(project)
    except CrosscaseError:
        # refused: nothing written, not even to the event log or a row's version
        assert database(project, skip=set(), versions=True) == exact
        event("refused")
        return
    event("done")
    done = database(project)
    cmd.undo(project)
    assert database(project) == {k: v for k, v in before.items() if k not in APPEND_ONLY}
    cmd.redo(project)
    assert database(project) == done
    cmd.undo(project)
    assert database(project) == {k: v for k, v in before.items() if k not in APPEND_ONLY}


@pytest.mark.parametrize("cls", COMMAND_CLASSES, ids=lambda c: c.__name__)
@settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_undo_restores_and_redo_repeats(bench: Bench, cls: type[Command], data: st.DataObject) -> None:
    strategies = _strategies(bench.seed)
    if cls.__name__ not in strategies:
        pytest.fail(f"{cls.__module__}.{cls.__name__} has no strategy in {Path(__file__).name}")
    bench.reset()
    make = data.draw(strategies[cls.__name__], label=cls.__name__)
    _round_trip(bench, make)


# -- refusals found by the property, kept as plain examples ---------------------------

REFUSED: dict[str, Callable[[Seed], Command]] = {
    "case under a missing parent": lambda seed: cases.CreateCase("New", parent_id=MISSING),
    "case renamed to a name in use": lambda seed: cases.EditCase(
        seed.cases[0], name=seed.case_names[1]
    ),
    "case moved under a missing parent": lambda seed: cases.EditCase(
        seed.cases[0], parent_id=MISSING
    ),
    "case moved under its own sub-case": lambda seed: cases.EditCase(
        seed.cases[0], parent_id=seed.cases[0]
    ),
    "attribute of a missing case": lambda seed: cases.SetAttribute(
        "case", MISSING, "sector", "café"
    ),
    "code moved under a missing parent": lambda seed: cb.MoveCode(seed.codes[0], MISSING),
    "document renamed to a name its case has": lambda seed: doc_commands.RenameDocument(
        list(seed.documents)[0], "board minutes"
    ),
    "document moved to the case it is in": lambda seed: doc_commands.MoveDocument(
        list(seed.documents)[0], seed.cases[0]
    ),
    "document moved to a missing case": lambda seed: doc_commands.MoveDocument(
        list(seed.documents)[0], MISSING
    ),
    "missing case deleted": lambda seed: cases.DeleteCase(MISSING),
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_a_refused_input_is_one_clear_error_and_changes_nothing(bench: Bench, what: str) -> None:
    """A user error is a CrosscaseError (one line, an exit code), not a database error."""
    before = database(bench.project, skip=set(), versions=True)
    with pytest.raises(CrosscaseError):
        REFUSED[what](bench.seed).do(bench.project)
    assert database(bench.project, skip=set(), versions=True) == before
