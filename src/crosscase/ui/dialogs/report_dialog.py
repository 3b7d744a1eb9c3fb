"""Reports in the workbench: what an exchange did (:class:`ReportDialog`), and the
choices of a Word or Excel report before it is written (:class:`ExportDialog`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crosscase.ui.dialogs.buttons import action_buttons


class ReportDialog(QDialog):
    """A headline, then the report's lines in a read-only, selectable, copyable box."""

    def __init__(self, title: str, headline: str, lines: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(640, 420)
        self.lines = list(lines)

        self.headline = QLabel(headline)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)

        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.setPlainText("\n".join(self.lines))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setToolTip("Copy the whole report to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.close_button = close

        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addWidget(self.body, 1)
        lay.addWidget(buttons)

    def text(self) -> str:
        """The report as shown."""
        return self.body.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


# -- what goes into a Word or Excel report ---------------------------------------------

CITATION_CHOICES = (
    ("short", "Short: (P2, \u00b611), with a legend in the note"),
    ("full", "Full: case, document, speaker, \u00b6 or page"),
    ("none", "None"),
)
#: the choices only the Word report has (Excel keeps quotes whole and cites them in full)
WORD_ONLY = ("drop_empty", "transpose", "max_quote_words", "quotes", "citations", "title",
             "appendix")


class ExportDialog(QDialog):
    """The choices of a Word or Excel report: which codes and cases, roll-up, and for
    Word the table's shape, quotes, citations, title and appendix.

    ``remembered`` holds the choices last made for this project (plain JSON values,
    see :meth:`choices`); codes and cases are ticked in lists, none ticked meaning all.
    """

    def __init__(self, fmt: str, codes: list[tuple[int, str, int]],
                 cases: list[tuple[int, str]], out: Path, *, rollup: bool,
                 remembered: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        word = fmt == "docx"
        self.setWindowTitle("Export Word" if word else "Export Excel")
        self.resize(620, 640)
        r = dict(remembered or {})

        def tick(widget: QListWidget, items: list[tuple[int, str]], chosen: object) -> None:
            wanted = {int(x) for x in chosen if isinstance(x, int)} if isinstance(
                chosen, list) else set()
            for key, text in items:
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if key in wanted
                                   else Qt.CheckState.Unchecked)
                widget.addItem(item)

        self.codes = QListWidget()
        self.codes.setToolTip("Tick themes to export only those; none ticked exports all. "
                              "Space ticks the current one.")
        tick(self.codes, [(cid, "    " * depth + path.rsplit("/", 1)[-1])
                          for cid, path, depth in codes], r.get("codes"))
        for i, (_cid, path, _depth) in enumerate(codes):
            self.codes.item(i).setToolTip(path)
        self.descendants = QCheckBox("With their sub-codes")
        self.descendants.setChecked(bool(r.get("descendants", True)))
        self.cases = QListWidget()
        self.cases.setToolTip("Tick cases to export only those; none ticked exports all")
        tick(self.cases, cases, r.get("cases"))
        self.cases.setMaximumHeight(110)

        self.rollup = QCheckBox("Roll up sub-codes (a theme counts its sub-codes' passages)")
        self.rollup.setChecked(bool(r.get("rollup", rollup)))
        self.drop_empty = QCheckBox("Leave out rows with nothing in any column")
        self.drop_empty.setChecked(bool(r.get("drop_empty", False)))
        self.transpose = QCheckBox("Cases as rows, themes as columns")
        self.transpose.setChecked(bool(r.get("transpose", False)))
        self.quotes = QSpinBox()
        self.quotes.setRange(0, 20)
        self.quotes.setValue(_int(r.get("quotes"), 0, 0, 20))
        self.quotes.setSpecialValueText("pinned only")
        self.quotes.setToolTip("Fill each cell with up to this many quotes, after the pinned ones")
        self.max_words = QSpinBox()
        self.max_words.setRange(0, 2000)
        self.max_words.setSingleStep(10)
        self.max_words.setValue(_int(r.get("max_quote_words"), 0, 0, 2000))
        self.max_words.setSpecialValueText("no limit")
        self.max_words.setToolTip("Cut longer quotes at a sentence or word with an ellipsis")
        self.citations = QComboBox()
        for key, text in CITATION_CHOICES:
            self.citations.addItem(text, key)
        self.citations.setCurrentIndex(max(0, self.citations.findData(r.get("citations", "short"))))
        self.title = QLineEdit(str(r.get("title") or ""))
        self.title.setPlaceholderText("The table's title (a default is made from its content)")
        self.appendix = QCheckBox("Codebook appendix")
        self.appendix.setChecked(bool(r.get("appendix", True)))
        self.out = QLineEdit(str(out))
        self.out.setToolTip("Where the report is written")
        self.browse = QPushButton("Browse\u2026")
        self.browse.setAutoDefault(False)  # Return exports; it never opens a file dialog
        self.browse.clicked.connect(self._browse)

        form = QFormLayout()
        form.addRow("Themes:", self.codes)
        form.addRow("", self.descendants)
        form.addRow("Cases:", self.cases)
        form.addRow("", self.rollup)
        form.addRow("", self.drop_empty)
        form.addRow("", self.transpose)
        form.addRow("Quotes per cell:", self.quotes)
        form.addRow("Quote length (words):", self.max_words)
        form.addRow("Citations:", self.citations)
        form.addRow("Title:", self.title)
        form.addRow("", self.appendix)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(self.browse)
        form.addRow("Save as:", where)
        if not word:
            for w in (self.drop_empty, self.transpose, self.quotes, self.max_words,
                      self.citations, self.title, self.appendix):
                w.setEnabled(False)
                w.setToolTip("Word only: Excel keeps quotes whole and cites them in full")

        buttons, self.export_button = action_buttons(self, "Export", self._export)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("exportMessage")
        lay = QVBoxLayout(self)
        lay.addLayout(form, 1)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    # -- choices -----------------------------------------------------------------------
    @staticmethod
    def _ticked(widget: QListWidget) -> list[int]:
        return [int(widget.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked]

    @property
    def path(self) -> Path:
        text = self.out.text().strip()
        path = Path(text).expanduser()
        if path.suffix.lower() != f".{self.fmt}":
            path = path.with_name(path.name + f".{self.fmt}")
        return path

    def choices(self) -> dict[str, Any]:
        """What to remember for this project: plain JSON values."""
        return {
            "codes": self._ticked(self.codes), "descendants": self.descendants.isChecked(),
            "cases": self._ticked(self.cases), "rollup": self.rollup.isChecked(),
            "drop_empty": self.drop_empty.isChecked(), "transpose": self.transpose.isChecked(),
            "quotes": self.quotes.value(), "max_quote_words": self.max_words.value(),
            "citations": str(self.citations.currentData()), "title": self.title.text().strip(),
            "appendix": self.appendix.isChecked(), f"out_{self.fmt}": str(self.path),
        }

    def _browse(self) -> None:
        label = "Word document (*.docx)" if self.fmt == "docx" else "Excel workbook (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.out.text(), label)
        if path:
            self.out.setText(path)

    def _export(self) -> None:
        if not self.out.text().strip():
            self.message.setText("Say where to save the report.")
            self.out.setFocus()
            return
        if not self.path.parent.is_dir():
            self.message.setText(f"There is no folder {self.path.parent}.")
            self.out.setFocus()
            return
        self.accept()


def report_options(choices: dict[str, Any], fmt: str,
                   descendants: Callable[[int], list[int]]) -> dict[str, Any]:
    """The keyword arguments of :func:`crosscase.exchange.reports.export_report` for the
    dialog's choices (codes expanded to their sub-codes when asked)."""
    codes = [int(c) for c in choices.get("codes") or []]
    if codes and choices.get("descendants", True):
        seen: dict[int, None] = {}
        for c in codes:
            for d in descendants(c):
                seen.setdefault(d, None)
        codes = list(seen)
    cases = [int(c) for c in choices.get("cases") or []]
    options: dict[str, Any] = {
        "code_ids": codes or None, "case_ids": cases or None,
        "rollup": bool(choices.get("rollup", True)),
    }
    if fmt == "docx":
        options.update(
            drop_empty=bool(choices.get("drop_empty")),
            transpose=bool(choices.get("transpose")),
            quotes_per_cell=int(choices.get("quotes") or 0),
            max_quote_words=int(choices.get("max_quote_words") or 0) or None,
            citations=str(choices.get("citations") or "short"),
            title=str(choices.get("title") or "").strip() or None,
            appendix=bool(choices.get("appendix", True)),
        )
    return options


def _int(value: object, default: int, low: int, high: int) -> int:
    return max(low, min(high, value)) if isinstance(value, int) else default
