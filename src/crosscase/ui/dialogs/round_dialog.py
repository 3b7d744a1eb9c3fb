"""Reliability rounds in the workbench: open one on a seeded, stratified sample
(:class:`OpenRoundDialog`), and once it is closed, its coders' agreement over its
documents (:class:`RoundAgreementDialog`, the table the review queue shows)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.domain.errors import UsageError
from crosscase.services import coders as coder_service
from crosscase.services import rounds
from crosscase.services.rounds import RoundInfo
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.dialogs.buttons import action_buttons
from crosscase.ui.workers import Task, run_task

if TYPE_CHECKING:
    from crosscase.analysis.agreement import AgreementReport

AGREEMENT_COLUMNS = ["Code", "Segments", "%", "Kappa", "Alpha", "Alpha 95% CI", "u-alpha",
                     "(k)u-alpha"]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def fill_agreement_table(table: QTableWidget, report: AgreementReport) -> None:
    """Per code, then all codes pooled: segments per coder, percent, Cohen's kappa and
    Krippendorff's alpha with its interval, over every character in scope; then the
    unitized u-alpha (the code's segments against the uncoded rest; pooled: the codes
    as values of one variable) and the code's (k)u-alpha among all codes in scope
    (pooled: cu-alpha, the codes given the segments)."""
    names = list(report.coders)
    table.setColumnCount(len(AGREEMENT_COLUMNS))
    table.setHorizontalHeaderLabels(
        [AGREEMENT_COLUMNS[0], f"Segments {'/'.join(names)}", *AGREEMENT_COLUMNS[2:]])
    table.setRowCount(len(report.codes) + 1)
    for r, code in enumerate(report.codes):
        ch = code.characters
        u = code.unitized
        per_value = None if u is None else u.per_value.get(code.path)
        values = [code.path, "/".join(str(code.segments_per_coder.get(n, 0)) for n in names),
                  _fmt(ch.percent), _fmt(ch.kappa), _fmt(ch.alpha), _ci(ch.ci95.get("alpha")),
                  _fmt(None if u is None else u.u_alpha), _fmt(per_value)]
        for c, v in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(v))
    ov = report.overall["characters"]
    pooled = report.unitized
    for c, v in enumerate(["All codes (pooled)", "", _fmt(ov.percent), _fmt(ov.kappa),
                           _fmt(ov.alpha), _ci(ov.ci95.get("alpha")),
                           _fmt(None if pooled is None else pooled.u_alpha),
                           "cu " + _fmt(None if pooled is None else pooled.cu_alpha)]):
        table.setItem(len(report.codes), c, QTableWidgetItem(v))
    table.resizeColumnsToContents()


class OpenRoundDialog(QDialog):
    """Name, share, stratum, seed and coders of a new round; :meth:`command` is the
    :class:`OpenRound` to push once accepted."""

    def __init__(self, known: list[str], current: str, taken: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open reliability round")
        self.taken = set(taken)
        note = QLabel(
            "A seeded sample of documents is drawn for double coding. While the round is "
            "open, each coder in it sees only their own codings in its documents; closing "
            "it shows their agreement.")
        note.setWordWrap(True)
        n = len(self.taken) + 1
        while f"round{n}" in self.taken:
            n += 1
        self.name = QLineEdit(f"round{n}")
        self.name.selectAll()
        self.share = QSpinBox()
        self.share.setRange(1, 100)
        self.share.setValue(20)
        self.share.setSuffix(" %")
        self.share.setToolTip("The share of documents drawn (of each case's, if stratified); "
                              "at least one document per case")
        self.stratified = QCheckBox("Stratified by case (each case gets its share)")
        self.stratified.setChecked(True)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_147_483_647)
        self.seed.setValue(1)
        self.seed.setToolTip("The same seed draws the same sample: say it in the methods")
        self.coders = QListWidget()
        self.coders.setAccessibleName("Coders in the round")
        self.coders.setToolTip("Tick who double-codes the sample (Space ticks the current one)")
        for name in sorted({*known, current} - {""}, key=str.casefold):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name == current
                               else Qt.CheckState.Unchecked)
            self.coders.addItem(item)
        self.coders.setMaximumHeight(140)
        self.others = QLineEdit()
        self.others.setPlaceholderText("Coders not in the project yet, separated by commas")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("roundMessage")

        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Share:", self.share)
        form.addRow("", self.stratified)
        form.addRow("Seed:", self.seed)
        form.addRow("Coders:", self.coders)
        form.addRow("Also:", self.others)
        buttons, self.open_button = action_buttons(self, "Open round", self._check)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(form, 1)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def chosen_coders(self) -> list[str]:
        """The ticked coders, then those typed, each once."""
        names = [self.coders.item(i).text() for i in range(self.coders.count())
                 if self.coders.item(i).checkState() == Qt.CheckState.Checked]
        names += [n.strip() for n in self.others.text().split(",") if n.strip()]
        return list(dict.fromkeys(names))

    def command(self) -> OpenRound:
        return OpenRound(self.name.text().strip(), share=self.share.value() / 100,
                         seed=self.seed.value(),
                         stratum="case" if self.stratified.isChecked() else "none",
                         coders=self.chosen_coders())

    def _check(self) -> None:
        name = self.name.text().strip()
        if not name:
            self._refuse("Give the round a name.", self.name)
            return
        if name in self.taken:
            self._refuse(f"There is already a round '{name}'.", self.name)
            return
        try:
            for coder in self.chosen_coders():
                coder_service.checked_name(coder)
        except UsageError as exc:
            self._refuse(exc.message, self.others)
            return
        if len(self.chosen_coders()) < 2:
            self._refuse("Tick two or more coders: agreement compares coders.", self.coders)
            return
        self.accept()

    def _refuse(self, text: str, widget: QWidget) -> None:
        self.message.setText(text)
        widget.setFocus()


class RoundAgreementDialog(QDialog):
    """A round's agreement: its coders over its documents, computed off the GUI thread."""

    #: (coder a, coder b): open the review queue on these two
    review_requested = Signal(str, str)

    def __init__(self, context: ProjectContext, info: RoundInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.report: AgreementReport | None = None
        self.setWindowTitle(f"Agreement: round {info.name}")
        self.resize(720, 420)
        state = "open" if info.is_open else "closed"
        self.title = QLabel(
            f"<b>Round {html.escape(info.name)}</b> ({state}): "
            f"{html.escape(', '.join(info.coders) or 'no coders')} over "
            f"{len(info.documents)} document(s), {info.share:.0%} drawn "
            f"{'by case' if info.stratum == 'case' else 'over all'}, seed {info.seed}. "
            "Every character of these documents is a unit; intervals are bootstrap 95%.")
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, len(AGREEMENT_COLUMNS))
        self.table.setHorizontalHeaderLabels(AGREEMENT_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Agreement per code")
        self.note = QLabel("Computing the agreement…")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.review_button = QPushButton("Review disagreements")
        self.review_button.setAutoDefault(False)
        self.review_button.setEnabled(len(info.coders) >= 2)
        self.review_button.clicked.connect(self._review)
        buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.note)
        lay.addWidget(buttons)
        self.task: Task | None = None
        self._compute(context)

    @property
    def ready(self) -> bool:
        """The computation has ended (with a table or a reason)."""
        return self.task is None

    def _compute(self, context: ProjectContext) -> None:
        project, info = context.project, self.info
        if len(info.coders) < 2:
            self.note.setText("Agreement needs two or more coders in the round.")
            return

        def compute() -> AgreementReport:
            from crosscase.analysis.agreement import agreement

            with project.session() as s:
                return agreement(s, info.coders, document_ids=info.documents or None,
                                 bootstrap=200)

        def done(report: AgreementReport) -> None:
            self.task = None
            if shiboken6.isValid(self.table):
                self.report = report
                fill_agreement_table(self.table, report)
                self.note.setText(
                    f"{report.overall['characters'].units:,} characters compared.")

        def failed(message: str) -> None:
            self.task = None
            if shiboken6.isValid(self.note):
                self.note.setText(f"Agreement could not be computed: {message}")

        self.task = run_task(compute, done, failed)

    def _review(self) -> None:
        a, b = self.info.coders[:2]
        self.review_requested.emit(a, b)
        self.accept()


class RoundCommands(QObject):
    """The Team menu's round commands: each change pushed through ``context.push``
    (one undoable step), then what it did shown."""

    def __init__(self, window: QWidget, context: Callable[[], ProjectContext | None],
                 review: Callable[[str, str], object]) -> None:
        super().__init__(window)
        self.window = window
        self._context = context
        self._review = review
        self.open_dialog: OpenRoundDialog | None = None
        self.agreement_dialog: RoundAgreementDialog | None = None

    def open_round(self) -> OpenRoundDialog | None:
        """Ask for the round's name, share, stratum, seed and coders, then open it."""
        context = self._context()
        if context is None:
            return None
        if self.open_dialog is not None:
            self.open_dialog.raise_()
            return self.open_dialog
        with context.project.session() as s:
            known = [c.name for c in coder_service.listing(s)]
            taken = [r.name for r in rounds.rounds(s)]
        dialog = OpenRoundDialog(known, context.project.coder_name, taken, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_dialog = dialog

        def accepted() -> None:
            command = dialog.command()
            if context.push(command):  # a failure is reported by the context
                n = len(command.document_ids)
                messages.status(self.window, f"Opened reliability round {command.name}: "
                                f"{n} document{'s' * (n != 1)} double-coded blind by "
                                f"{', '.join(command.coder_names)}", 10000)

        def finished(_result: int) -> None:
            if self.open_dialog is dialog:
                self.open_dialog = None

        dialog.accepted.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def close_round(self) -> RoundAgreementDialog | None:
        """Close an open round (asking which if there are several) and show its agreement."""
        context = self._context()
        if context is None:
            return None
        with context.project.session() as s:
            open_rounds = [r.name for r in rounds.rounds(s) if r.is_open]
        if not open_rounds:
            messages.info(self.window, "Close round", "No reliability round is open.")
            return None
        name = open_rounds[0]
        if len(open_rounds) > 1:
            picked = messages.ask_item(self.window, "Close round", "Round to close:", open_rounds)
            if picked is None:
                return None
            name = picked
        if not context.push(CloseRound(name)):
            return None
        messages.status(self.window, f"Closed reliability round {name}; Ctrl+Z opens it again")
        with context.project.session() as s:
            info = rounds.find(s, name)
        return self.show_agreement(context, info)

    def show_agreement(self, context: ProjectContext, info: RoundInfo) -> RoundAgreementDialog:
        if self.agreement_dialog is not None:
            self.agreement_dialog.close()
        dialog = RoundAgreementDialog(context, info, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.review_requested.connect(self._review)
        self.agreement_dialog = dialog

        def finished(_result: int) -> None:
            if self.agreement_dialog is dialog:
                self.agreement_dialog = None

        dialog.finished.connect(finished)
        dialog.open()
        return dialog
