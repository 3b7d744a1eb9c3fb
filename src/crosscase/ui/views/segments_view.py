"""Coded segments of one code, grouped by case, each with its citation and a link to its place."""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crosscase.domain.changes import Change, Kind
from crosscase.services import cases, codebook, coders, rounds, segments
from crosscase.services import context as around
from crosscase.services.segments import Segment
from crosscase.ui import theme
from crosscase.ui.context import ProjectContext
from crosscase.ui.flow_layout import wrapping_bar

MAX_SHOWN = 2000


class SegmentsView(QWidget):
    jump_requested = Signal(int, int, int)
    memo_requested = Signal(str, int)

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.code_id: int | None = None
        self.shown: list[Segment] = []
        #: the text around each shown passage, by (document, start, end)
        self.around: dict[tuple[int, int, int], around.Surrounding] = {}

        self.title = QLabel()
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() + 1)
        self.title.setFont(f)
        self.case_box = QComboBox()
        self.case_box.setToolTip("Show the segments of one case only")
        self.case_box.currentIndexChanged.connect(self.refresh)
        #: whose codings: everyone's, mine, or one coder's
        self.coder_box = QComboBox()
        self.coder_box.setObjectName("coderFilter")
        self.coder_box.setToolTip("Show the segments of one coder only")
        self.coder_box.currentIndexChanged.connect(self.refresh)
        self.subcodes = QCheckBox("Include sub-codes")
        self.subcodes.setChecked(True)
        self.subcodes.toggled.connect(self.refresh)
        self.context_box = QComboBox()
        self.context_box.setToolTip("How much of the text around each passage to show, dimmed")
        for key, label in (("none", "No context"), ("sentence", "Sentence around"),
                           ("paragraph", "Paragraph around"), ("turn", "Speaker's turn")):
            self.context_box.addItem(label, key)
        self.context_box.setCurrentIndex(self.context_box.findData("sentence"))
        self.context_box.currentIndexChanged.connect(self.refresh)
        self.count = QLabel()
        self.count.setEnabled(False)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.browser.document().setDocumentMargin(12)

        # the title wraps and the controls wrap onto further rows rather than widen the window
        self.title.setWordWrap(True)
        self.case_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.case_box.setMinimumContentsLength(14)
        self.controls = wrapping_bar(self.count, self.case_box, self.coder_box, self.subcodes,
                                     self.context_box)
        head = QVBoxLayout()
        head.setContentsMargins(12, 8, 8, 4)
        head.addWidget(self.title)
        head.addWidget(self.controls)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(head)
        lay.addWidget(self.browser, 1)

        context.change_applied.connect(self.apply_change)
        context.cases_changed.connect(self._fill_cases)
        context.documents_changed.connect(self._fill_cases)
        self._fill_cases()

    def apply_change(self, change: Change) -> None:
        """Read the segments again only when the change reaches what is listed."""
        if self.code_id is None:
            return
        nodes = self.context.nodes
        scope = set(codebook.descendants(nodes, self.code_id)
                    if self.code_id in nodes else [self.code_id])
        codes = change.ids(Kind.CODES)
        codings = change.ids(Kind.CODINGS)
        if (codes is None or codings is None or scope & codes or scope & change.codes
                or any(sg.id in codings for sg in self.shown)
                or change.touches(Kind.DOCUMENTS, Kind.CASES, Kind.PARTICIPANTS)):
            self.refresh()

    def _fill_cases(self) -> None:
        current = self.case_box.currentData()
        self.case_box.blockSignals(True)
        self.case_box.clear()
        self.case_box.addItem("All cases", None)
        with self.context.project.session() as s:
            for cid, name in cases.case_names(s):
                self.case_box.addItem(name, cid)
        i = self.case_box.findData(current)
        self.case_box.setCurrentIndex(max(0, i))
        self.case_box.blockSignals(False)

    def show_code(self, code_id: int, case_id: int | None = None) -> None:
        self.code_id = code_id
        if case_id is not None:
            i = self.case_box.findData(case_id)
            self.case_box.blockSignals(True)
            self.case_box.setCurrentIndex(max(0, i))
            self.case_box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        nodes = self.context.nodes
        if self.code_id is None or self.code_id not in nodes:
            self.code_id = None
            self.title.setText("Coded segments")
            self.count.setText("")
            self.shown = []
            self.browser.setHtml(
                "<p style='color:gray'>Choose a code in the codebook and press Enter "
                "(or double-click it) to read everything coded with it.</p>"
            )
            return
        node = nodes[self.code_id]
        ids = (codebook.descendants(nodes, self.code_id) if self.subcodes.isChecked()
               else [self.code_id])
        case_id = self.case_box.currentData()
        with self.context.project.session() as s:
            me = self.context.project.coder_name
            names = [c.name for c in coders.listing(s)]
            wanted = [("All coders", ""), ("Only mine", me), *((n, n) for n in names)]
            if [self.coder_box.itemText(i) for i in range(self.coder_box.count())] != [
                    t for t, _ in wanted]:
                current = self.coder_box.currentData()
                self.coder_box.blockSignals(True)
                self.coder_box.clear()
                for text, name in wanted:
                    self.coder_box.addItem(text, name)
                self.coder_box.setCurrentIndex(max(0, self.coder_box.findData(current)))
                self.coder_box.blockSignals(False)
            who = str(self.coder_box.currentData() or "")
            coder_ids = [coders.find(s, who) or -1] if who else None
            # one segment per passage, as the matrix counts them; blind in an open round
            found = segments.fetch(s, code_ids=ids, case_ids=[case_id] if case_id else None,
                                   per_passage=True, coder_ids=coder_ids,
                                   blind=rounds.blind_for(s, me))
            self.shown = found[:MAX_SHOWN]
            self.around = around.surrounding(
                s, [(sg.document_id, sg.start, sg.end) for sg in self.shown],
                str(self.context_box.currentData() or "none"))
        self.title.setText(f"Coded segments: {node.path.replace('/', ' › ')}")
        n_cases = len({sg.case_id for sg in found})
        self.count.setText(
            f"{len(found)} segment{'s' * (len(found) != 1)} in {n_cases} case{'s' * (n_cases != 1)}"
        )
        self.browser.setHtml(self._html(node.color))

    def _html(self, colour: str) -> str:
        nodes = self.context.nodes
        dim = "#9aa0a8" if theme.is_dark() else "#6b7079"
        parts: list[str] = []
        if not self.shown:
            return "<p style='color:gray'>Nothing is coded with this code yet.</p>"
        case = None
        for sg in self.shown:
            if sg.case != case:
                case = sg.case
                n = sum(1 for x in self.shown if x.case_id == sg.case_id)
                parts.append(
                    f"<h3 style='margin-top:14px; margin-bottom:4px'>{html.escape(case)}"
                    f" <span style='color:{dim}; font-weight:normal'>· {n}</span></h3>"
                )
            node = nodes.get(sg.code_id)
            bar = node.color if node else colour
            cite = html.escape(sg.citation().strip("()"))
            sub = ""
            if sg.code_id != self.code_id and node is not None:
                sub = f" · <span style='color:{bar}'>■</span> {html.escape(node.name)}"
            text = html.escape(sg.text).replace("\n", "<br/>")
            ctx = self.around.get((sg.document_id, sg.start, sg.end))
            if ctx is not None and (ctx.before or ctx.after):
                # the passage as it reads in its document: context dimmed, the coded words not
                speaker = (f"<span style='color:{dim}'>{html.escape(sg.speaker)}: </span>"
                           if sg.speaker and not ctx.before.lstrip().startswith(sg.speaker)
                           else "")
                text = (f"{speaker}<span style='color:{dim}'>{_lines(ctx.before)}</span>"
                        f"{text}<span style='color:{dim}'>{_lines(ctx.after)}</span>")
            memo = ""
            if sg.memo:
                memo = (f"<div style='margin-top:4px'><i>Memo:</i> "
                        f"{html.escape(sg.memo)}</div>")
            parts.append(
                "<table width='100%' cellspacing='0' cellpadding='0' style='margin-bottom:10px'>"
                f"<tr><td width='5' bgcolor='{bar}'></td><td width='10'></td><td>"
                f"<div style='color:{dim}'>{cite}{sub} · <a href='seg:{sg.id}'>Go to passage</a>"
                f" · <a href='memo:{sg.id}'>{'Edit memo' if sg.memo else 'Add memo'}</a></div>"
                f"<div style='margin-top:3px'>{text}</div>{memo}</td></tr></table>"
            )
        if len(self.shown) == MAX_SHOWN:
            parts.append(f"<p style='color:{dim}'>Showing the first {MAX_SHOWN}.</p>")
        return "".join(parts)

    def _link(self, url: QUrl) -> None:
        kind, _, value = url.toString().partition(":")
        try:
            sid = int(value)
        except ValueError:
            return
        if kind == "seg":
            sg = next((x for x in self.shown if x.id == sid), None)
            if sg is not None:
                self.jump_requested.emit(sg.document_id, sg.start, sg.end)
        elif kind == "memo":
            self.memo_requested.emit("coding", sid)


def _lines(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")
