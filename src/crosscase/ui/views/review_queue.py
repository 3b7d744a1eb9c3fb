"""The review queue: two coders' disagreements decided one key at a time.

Each disagreement (one coder coded a passage the other did not, or both did
with different boundaries) shows its passage twice, side by side, each with
one coder's segments highlighted. One key decides it: 1 accepts coder A's
coding, 2 coder B's, U their union, I their intersection, R recodes the
union with the code chosen under "Recode to", S skips. A decision is a
:class:`~crosscase.commands.consensus.ResolveDisagreement` on the undo
stack: it writes the consensus coder's codings with the optional reason, and
Ctrl+Z takes it back. The header shows the two coders' agreement and, once
decisions are made, the consensus coder's agreement with each.
"""

from __future__ import annotations

import html

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crosscase.analysis.agreement import AgreementReport, agreement, double_coded
from crosscase.analysis.disagreements import BOUNDARIES, ONLY_A, ONLY_B, Disagreement, disagreements
from crosscase.commands.consensus import DECISIONS, DEFAULT_CONSENSUS, ResolveDisagreement
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import CrosscaseError
from crosscase.ui.context import ProjectContext
from crosscase.ui.workers import run_task

#: key -> decision ("skip" writes nothing)
KEYS: dict[int, str] = {
    Qt.Key.Key_1: "a", Qt.Key.Key_2: "b", Qt.Key.Key_U: "union",
    Qt.Key.Key_I: "intersection", Qt.Key.Key_R: "recode", Qt.Key.Key_S: "skip",
}
CONTEXT_CHARS = 120


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


class ReviewQueue(QWidget):
    """Disagreements of coders ``a`` and ``b``, decided into ``consensus``."""

    #: (document id, start, end): show this passage in its document
    passage_requested = Signal(int, int, int)

    def __init__(self, context: ProjectContext, a: str, b: str, *,
                 consensus: str = DEFAULT_CONSENSUS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.coders = (a, b)
        self.consensus = consensus
        self.items: list[Disagreement] = []
        #: row -> the undo stack's command holding its decision, or "skip"
        self._decided: dict[int, object] = {}
        self._labels: dict[int, str] = {}

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            ["Code", f"Segments {a}/{b}", "%", "Kappa", "Alpha", "Alpha 95% CI"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMaximumHeight(170)
        self.consensus_label = QLabel()
        self.consensus_label.setWordWrap(True)

        self.list = QListWidget()
        self.list.setAccessibleName("Disagreements")
        self.list.currentRowChanged.connect(self._show)
        self.list.installEventFilter(self)
        self.left = QTextBrowser()
        self.right = QTextBrowser()
        for browser in (self.left, self.right):
            browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.left_title, self.right_title = QLabel(), QLabel()
        sides = QWidget()
        grid = QHBoxLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        for head, browser in ((self.left_title, self.left), (self.right_title, self.right)):
            col = QVBoxLayout()
            col.addWidget(head)
            col.addWidget(browser)
            grid.addLayout(col)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(sides)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 940])

        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (optional), then Return")
        self.reason.returnPressed.connect(self.list.setFocus)
        self.recode = QComboBox()
        self.recode.setAccessibleName("Recode to")
        self.keys = QLabel(
            f"1 accept {a} · 2 accept {b} · U union · I intersection · R recode · S skip · "
            "Ctrl+Z undo")
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Reason:"))
        bottom.addWidget(self.reason, 2)
        bottom.addWidget(QLabel("Recode to:"))
        bottom.addWidget(self.recode, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(self.consensus_label)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.keys)

        context.change_applied.connect(self._on_change)
        # a closed queue's widgets are gone before the undo stack is cleared
        context.undo_stack.indexChanged.connect(
            lambda _i: self._refresh_marks() if shiboken6.isValid(self.list) else None)
        self.reload()

    # -- data ------------------------------------------------------------------
    def reload(self) -> None:
        with self.context.project.session() as s:
            # only where both coded: elsewhere one coder's codings are not a disagreement
            docs = double_coded(s, self.coders)
            self.items = disagreements(s, self.coders, document_ids=docs)
        self._decided.clear()
        self.recode.clear()
        for node in self.context.nodes.values():
            self.recode.addItem(node.path, node.id)
        self.list.clear()
        for d in self.items:
            self.list.addItem(QListWidgetItem(self._text(d, "")))
        self.title.setText(
            f"<b>{len(self.items)} disagreement(s)</b> between <b>{html.escape(self.coders[0])}</b>"
            f" and <b>{html.escape(self.coders[1])}</b>; decisions are written as the coder "
            f"<b>{html.escape(self.consensus)}</b>.")
        self._fill_agreement()
        if self.items:
            self.list.setCurrentRow(0)
        self.list.setFocus()

    def _text(self, d: Disagreement, mark: str) -> str:
        a, b = self.coders
        kind = {ONLY_A: f"only {a}", ONLY_B: f"only {b}", BOUNDARIES: "boundaries differ"}[d.kind]
        head = f"{mark}  " if mark else ""
        return f"{head}{d.code} — {d.document} ({d.case}), {kind}"

    def _fill_agreement(self) -> None:
        """Recompute the agreement off the GUI thread; the newest result fills the header."""
        self._agreement_run = getattr(self, "_agreement_run", 0) + 1
        run = self._agreement_run
        docs = sorted({d.document_id for d in self.items})
        project, coders, consensus = self.context.project, list(self.coders), self.consensus

        def compute() -> tuple[AgreementReport | None, list[str]]:
            with project.session() as s:
                try:
                    report = agreement(s, coders, bootstrap=200,
                                       document_ids=double_coded(s, coders) or None)
                except CrosscaseError:
                    report = None
                parts = []
                for coder in coders:
                    try:
                        vs = agreement(s, [consensus, coder], document_ids=docs or None,
                                       bootstrap=0)
                    except CrosscaseError:
                        continue
                    ov = vs.overall["characters"]
                    parts.append(f"{html.escape(coder)}: alpha {_fmt(ov.alpha)}, "
                                 f"{_fmt(ov.percent)} agreement")
            return report, parts

        def done(result: tuple[AgreementReport | None, list[str]]) -> None:
            if run == self._agreement_run and shiboken6.isValid(self.table):
                self._show_agreement(*result)

        def failed(message: str) -> None:
            if run == self._agreement_run and shiboken6.isValid(self.consensus_label):
                self.consensus_label.setText(f"Agreement could not be computed: {message}")

        self.agreement_task = run_task(compute, done, failed)

    def _show_agreement(self, report: AgreementReport | None, parts: list[str]) -> None:
        rows = [] if report is None else report.codes
        self.table.setRowCount(len(rows) + (1 if report else 0))
        for r, code in enumerate(rows):
            ch = code.characters
            ci = ch.ci95.get("alpha")
            values = [code.path, "/".join(str(code.segments_per_coder[n]) for n in self.coders),
                      _fmt(ch.percent), _fmt(ch.kappa), _fmt(ch.alpha),
                      "" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"]
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        if report is not None:
            ov = report.overall["characters"]
            ci = ov.ci95.get("alpha")
            for c, v in enumerate(["All codes (pooled)", "", _fmt(ov.percent), _fmt(ov.kappa),
                                   _fmt(ov.alpha),
                                   "" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"]):
                self.table.setItem(len(rows), c, QTableWidgetItem(v))
        self.table.resizeColumnsToContents()
        self.consensus_label.setText(
            "Consensus against each coder (characters, documents in review): " + "; ".join(parts)
            if parts else "No consensus codings yet.")

    def _on_change(self, change: Change) -> None:
        if change.touches(Kind.CODINGS):
            self._fill_agreement()

    # -- showing one -------------------------------------------------------------
    def current(self) -> Disagreement | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        d = self.items[row]
        with self.context.project.session() as s:
            from crosscase.services import documents

            text = documents.text_of(s, d.document_id)
        lo = max(0, d.start - CONTEXT_CHARS)
        hi = min(len(text), d.end + CONTEXT_CHARS)
        for browser, title, coder, spans in (
            (self.left, self.left_title, self.coders[0], d.a_spans),
            (self.right, self.right_title, self.coders[1], d.b_spans),
        ):
            where = ", ".join(f"{s}–{e}" for s, e in spans) or "not coded"
            title.setText(f"<b>{html.escape(coder)}</b>: {where}")
            browser.setHtml(self._marked(text, lo, hi, spans))
        i = self.recode.findData(d.code_id)
        if self.recode.currentIndex() == i or self.recode.currentIndex() < 0:
            self.recode.setCurrentIndex(0 if i != 0 else min(1, self.recode.count() - 1))

    @staticmethod
    def _marked(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
        cuts = sorted({lo, hi, *(max(lo, min(hi, p)) for s in spans for p in s)})
        out = []
        for x, y in zip(cuts, cuts[1:], strict=False):
            piece = html.escape(text[x:y]).replace("\n", "<br>")
            inside = any(s <= x and y <= e for s, e in spans)
            out.append(f'<span style="background:#ffd966">{piece}</span>' if inside else piece)
        prefix = "… " if lo > 0 else ""
        suffix = " …" if hi < len(text) else ""
        return f"<p>{prefix}{''.join(out)}{suffix}</p>"

    # -- deciding ----------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                     Qt.KeyboardModifier.KeypadModifier) \
                    and event.key() in KEYS:
                self.decide(KEYS[event.key()])
                return True
        return super().eventFilter(watched, event)

    def decide(self, decision: str) -> bool:
        """Decide the current disagreement and move to the next undecided one."""
        row = self.list.currentRow()
        d = self.current()
        if d is None:
            return False
        if decision == "skip":
            if row not in self._decided:  # a decision made stays shown
                self._decided[row] = "skip"
                self._labels[row] = "skipped"
        else:
            recode_to = self.recode.currentData() if decision == "recode" else None
            cmd = ResolveDisagreement(
                d.document_id, d.code_id, decision, d.a_spans, d.b_spans,
                coders=self.coders, consensus=self.consensus, reason=self.reason.text(),
                recode_to=recode_to,
            )
            if not self.context.push(cmd):
                return False
            stack = self.context.undo_stack
            self._decided[row] = stack.command(stack.index() - 1)
            a, b = self.coders
            self._labels[row] = {"a": f"✓ {a}", "b": f"✓ {b}"}.get(
                decision, "✓ " + DECISIONS[decision]
                + (f" → {self.recode.currentText()}" if decision == "recode" else ""))
            self.reason.clear()
        self._refresh_marks()
        nxt = next((r for r in range(row + 1, len(self.items)) if r not in self._decided), None)
        if nxt is not None:
            self.list.setCurrentRow(nxt)
        return True

    def decision_of(self, row: int) -> str:
        """The mark shown for a row: "" while undecided."""
        return self._labels.get(row, "") if row in self._decided else ""

    def _refresh_marks(self) -> None:
        stack = self.context.undo_stack
        live = {id(stack.command(i)) for i in range(stack.index())}
        for row, cmd in list(self._decided.items()):
            if cmd != "skip" and id(cmd) not in live:
                del self._decided[row]
        for row, d in enumerate(self.items):
            item = self.list.item(row)
            if item is not None:
                item.setText(self._text(d, self.decision_of(row)))
