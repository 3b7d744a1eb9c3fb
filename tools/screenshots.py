"""Current pictures of the workbench's main views, for the docs (``make screenshots``).

    python tools/screenshots.py [--out docs/screenshots]

Renders offscreen on the demo project (or, where the demo cannot be built, on
a small project made from the sample transcripts): the coded document, the
codebook with definitions, coded segments, search, the import dialog, the case
tree's menu, the change history, the classification sheet, the cross-case
matrix when it is available, the review queue, the merge, open-round and open-shared dialogs,
co-occurrence and a coding query.
Every picture is of a 1366x768 window, a small laptop's screen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CROSSCASE_CODER", "researcher")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def demo_project(folder: Path) -> Path:
    try:
        from crosscase.demo import build_demo

        return Path(build_demo(folder))
    except Exception as exc:  # noqa: BLE001 - fall back to a small project of our own
        print(f"demo project unavailable ({exc}); using the sample transcripts", file=sys.stderr)
    return small_project(folder)


def small_project(folder: Path) -> Path:
    import random

    from crosscase.commands.coding import ApplyCodings
    from crosscase.services import codebook, documents
    from crosscase.services.coding import CodingSpec
    from crosscase.services.projects import new_project

    path = folder / "Co-production study.crosscase"
    with new_project(path, name="Co-production study") as project:
        for sub, case in (("case_a_millbrook", "Millbrook Works"), ("case_b_tandem", "Tandem")):
            src = ROOT / "sample_data" / sub
            if src.exists():
                documents.import_files(project, [src], case)
        with project.session() as s:
            nodes = list(codebook.tree(s))
            docs = documents.listing(s)
            texts = {d["id"]: documents.text_of(s, d["id"]) for d in docs}
        rnd = random.Random(7)
        specs = []
        for d in docs:
            text = texts[d["id"]]
            for _ in range(20):
                a = rnd.randrange(0, max(1, len(text) - 400))
                a = text.find(" ", a) + 1
                specs.append(CodingSpec(d["id"], rnd.choice(nodes), a, a + rnd.randint(40, 380)))
        ApplyCodings(specs).do(project)
    return path


def settle(app: object) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    for _ in range(5):
        app.processEvents()


def wait_until(app: object, ready: Callable[[], bool], seconds: float = 20.0) -> None:
    """Process events until ``ready()`` (a computation off the GUI thread has shown)."""
    import time

    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    end = time.monotonic() + seconds
    while not ready() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    settle(app)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt

    from crosscase.services import cases, codebook
    from crosscase.ui import messages, theme
    from crosscase.ui.app import SCREENSHOT_SIZE, application, prepare_screenshot
    from crosscase.ui.main_window import MainWindow
    from crosscase.ui.settings import Settings

    messages.interactive = False
    app = application()
    theme.apply_theme(app, "light")
    written: list[Path] = []

    with tempfile.TemporaryDirectory() as tmp:
        project = demo_project(Path(tmp))
        w = MainWindow(Settings(ephemeral=True))
        w.resize(*SCREENSHOT_SIZE)
        w.show()
        settle(app)
        if not w.open_project(project, remember=False):
            return 3

        too_wide: list[str] = []

        def shot(name: str, widget: object = None) -> None:
            settle(app)
            target = widget or w
            if target is w:
                # the laptop's screen: a window that cannot be this narrow is a fault to fix
                w.resize(*SCREENSHOT_SIZE)
                settle(app)
                if w.width() > SCREENSHOT_SIZE[0]:
                    too_wide.append(f"{name} ({w.width()} px)")
            path = out / f"{name}.png"
            target.grab().save(str(path), "PNG")  # type: ignore[attr-defined]
            written.append(path)

        # 1. a coded document, a code chosen in the codebook
        prepare_screenshot(w)
        shot("document")
        layout = w.saveState()  # the everyday arrangement, for the dark picture too

        # 2. the codebook with a code's definition beside it
        ctx = w.context
        assert ctx is not None
        with ctx.project.session() as s:
            counts = codebook.counts(s)
        nodes = ctx.nodes
        current = w.codebook_panel.current_code()
        richest = max((n for n in nodes.values()
                       if n.definition and n.parent is not None and n.id != current
                       and n.depth == 1),
                      key=lambda n: (counts.get(n.id, 0), len(n.definition)))
        # setting up a study: the codebook gets the whole left side (the cases
        # panel is closed), the definition dock the width to read its criteria
        w.cases_dock.hide()
        w.resizeDocks([w.codebook_dock, w.details_dock], [400, 470], Qt.Orientation.Horizontal)
        w.codebook_panel.tree.expandAll()
        w.codebook_panel.select_code(richest.id)
        w.codebook_panel.tree.scrollToTop()
        w.codebook_panel.tree.setFocus()
        settle(app)  # the text reflows to its new width before it scrolls
        view = w.current_document()
        if view is not None:  # beside it, a passage of that code in the open document
            coded = [sp for sp in view.spans if sp.code_id == richest.id]
            if coded:
                view.select_span(coded[0].start, coded[0].start)
                view.refresh_highlights(force=True)
        shot("codebook", w)
        w.cases_dock.show()
        w.restoreState(layout)

        # 3. coded segments of that code, across cases
        parent = nodes[richest.parent] if richest.parent else richest
        w.show_segments(parent.id)
        shot("segments")

        # 4. search with hits in context
        search = w.show_search()
        assert search is not None
        search.pattern.setText("word of mouth")  # type: ignore[attr-defined]
        search.scope.setCurrentIndex(search.scope.findData("sentence"))  # type: ignore[attr-defined]
        search.run()  # type: ignore[attr-defined]
        search.wait()  # type: ignore[attr-defined]
        shot("search")

        # 5. the import dialog, after importing a good and a bad file
        with ctx.project.session() as s:
            case = (cases.case_names(s) or [(0, "Case A")])[0][1]
        files = Path(tmp) / "incoming"
        files.mkdir()
        sample = next((ROOT / "sample_data").rglob("*.txt"), None)
        good = files / "A-volunteer-interview.txt"
        if sample is not None:
            shutil.copy(sample, good)
            text = good.read_text(encoding="utf-8")
            good.write_text(text.replace("Fictional", "Fictional (second copy)"), encoding="utf-8")
        else:
            good.write_text("Interviewer: Hello.\nP9: Hello.\n", encoding="utf-8")
        (files / "Board-minutes-1998.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
        (files / "empty-notes.txt").write_bytes(b"")
        dlg = w.import_documents(sorted(files.iterdir()), case=case)
        assert dlg is not None
        dlg.resize(680, 520)
        dlg.start()  # type: ignore[attr-defined]
        worker = dlg.worker  # type: ignore[attr-defined]
        if worker is not None:
            worker.wait(30000)
        settle(app)
        shot("import", dlg)
        dlg.reject()  # type: ignore[attr-defined]

        # 6. managing cases and documents: the case tree's menu on a document
        from PySide6.QtCore import QTimer
        from PySide6.QtGui import QPainter
        from PySide6.QtWidgets import QApplication, QMenu

        panel = w.cases_panel
        first = next((c for c in panel.model.cases if c.documents), None)
        if first is not None:
            index = panel.model.index_of_document(first.documents[0].id)
            panel.tree.setCurrentIndex(index)
            panel.tree.scrollTo(index)
            w.resize(*SCREENSHOT_SIZE)
            settle(app)

            def grab_with_menu() -> None:
                menu = QApplication.activePopupWidget()
                if not isinstance(menu, QMenu):
                    QTimer.singleShot(50, grab_with_menu)
                    return
                settle(app)
                picture = w.grab()
                painter = QPainter(picture)
                painter.drawPixmap(w.mapFromGlobal(menu.pos()), menu.grab())
                painter.end()
                path = out / "case-menu.png"
                picture.save(str(path), "PNG")
                written.append(path)
                menu.close()

            QTimer.singleShot(100, grab_with_menu)
            panel._context_menu(panel.tree.visualRect(index).center())  # returns when it closes
            settle(app)

        # 7. the change history: who did what, to which document or code (the
        # a second researcher codes a passage; a memo is written and taken back)
        from crosscase.commands.coding import ApplyCodings
        from crosscase.commands.memo import SetMemo
        from crosscase.services.coding import CodingSpec

        if first is not None:
            doc = first.documents[0].id
            ctx.project.coder_name = "ben"
            ctx.push(ApplyCodings([CodingSpec(doc, richest.id, 0, 40)]))
            ctx.project.coder_name = "researcher"
            ctx.push(SetMemo("document", doc, "Check the date with the transcriber"))
            ctx.undo_stack.undo()
        w.details_dock.hide()
        history = w.show_history()
        if history is not None:
            wait_until(app, lambda: not getattr(history, "busy", False))
            history.filter.clearFocus()  # type: ignore[attr-defined]
            shot("history")
            w.close_tab(w.tabs.indexOf(history))
        w.details_dock.show()

        # 8. the cross-case matrix, where the workbench has it
        try:
            import crosscase.ui.views.matrix_view  # noqa: F401

            has_matrix = True
        except ImportError:
            has_matrix = False
        if has_matrix:
            # the matrix wants the width, and lists the codes itself: the docks close
            docks = (w.cases_dock, w.codebook_dock, w.details_dock)
            for dock in docks:
                dock.hide()
            matrix = w.show_matrix()
            if matrix is not None:
                wait_until(app, lambda: not getattr(matrix, "busy", False))
                # rolled up, so parent rows count their sub-codes as the ratings judge them
                matrix.rollup_check.setChecked(True)
                wait_until(app, lambda: not getattr(matrix, "busy", False))
                # a cell open beside it: its quotes and the researchers' judgement
                m = matrix.model.matrix
                drift = next((r.code_id for r in m.rows if r.path.endswith("mission drift")), None)
                if drift is not None and m.cols:
                    matrix.select_cell(drift, m.cols[0].key)
                    settle(app)
                w.resize(*SCREENSHOT_SIZE)
                shot("matrix")
                w.close_tab(w.tabs.indexOf(matrix))
            for dock in docks:
                dock.show()

        # 8b. the review queue: the demo's fictional second coder against the first
        try:
            from crosscase.demo import SECOND_CODER

            docks = (w.cases_dock, w.codebook_dock, w.details_dock)
            for dock in docks:
                dock.hide()
            review = w.show_review("researcher", SECOND_CODER)
            if review is not None:
                rows = getattr(review, "items", [])
                pick = next((i for i, d in enumerate(rows) if d.kind == "boundaries"), 0)
                review.list.setCurrentRow(pick)  # type: ignore[attr-defined]
                w.resize(*SCREENSHOT_SIZE)
                settle(app)
                shot("review-queue")
                w.close_tab(w.tabs.indexOf(review))
            for dock in docks:
                dock.show()
        except (ImportError, AttributeError) as exc:
            print(f"no review queue picture ({exc})", file=sys.stderr)

        # 8c. the classification sheet: participants by their attributes, one row per
        # name, so the interviewer's role is set once for every case
        docks = (w.cases_dock, w.codebook_dock, w.details_dock)
        for dock in docks:
            dock.hide()
        sheet = w.show_classification("participant")
        if sheet is not None:
            sheet.group_check.setChecked(True)  # type: ignore[attr-defined]
            table = sheet.tables["participant"]  # type: ignore[attr-defined]
            table.fit_columns()
            model = table.model()
            last = model.columnCount() - 1
            table.setCurrentIndex(model.index(0, last))
            sheet.new_name.setText("age band")  # type: ignore[attr-defined]
            settle(app)  # the window has grown back to its last size: the laptop's again
            w.resize(*SCREENSHOT_SIZE)
            shot("classification-sheet")
            w.close_tab(w.tabs.indexOf(sheet))
        for dock in docks:
            dock.show()

        # 8d. team coding: File > Merge... with two coders' copies of the project chosen
        merge = w.exchange.merge()
        if merge is not None:
            copies = Path(tmp) / "copies"
            copies.mkdir()
            chosen = []
            for who in ("ana", "ben"):
                copy = copies / f"{project.stem} ({who}).crosscase"
                shutil.copy(project, copy)
                chosen.append(copy)
            merge.add_projects(chosen)  # type: ignore[attr-defined]
            merge.others.setCurrentRow(0)  # type: ignore[attr-defined]
            settle(app)
            shot("merge-dialog", merge)
            merge.reject()  # type: ignore[attr-defined]
            settle(app)

        # 8e. Team > Open reliability round...: the first coder and the demo's fictional
        # second coder ticked, a fifth of each case's documents drawn
        round_dialog = w.rounds.open_round()
        if round_dialog is not None:
            listing = round_dialog.coders
            for i in range(listing.count()):
                item = listing.item(i)
                if item.text() in ("researcher", "Second coder (fictional)"):
                    item.setCheckState(Qt.CheckState.Checked)
            listing.setCurrentRow(0)
            round_dialog.name.setFocus()
            round_dialog.resize(480, round_dialog.height())
            settle(app)
            shot("open-round-dialog", round_dialog)
            round_dialog.reject()
            settle(app)

        # 8e'. File > Open shared project...: a team's server address (no password saved)
        from crosscase.ui.dialogs.open_shared import OpenSharedDialog

        shared = OpenSharedDialog(w, "postgresql://ana@db.example.org/study")
        shared.show()
        shared.password.setFocus()
        settle(app)
        shot("open-shared-dialog", shared)
        shared.reject()
        settle(app)

        # 8f. the co-occurrence tab: which codes meet, with the passages of the pair that
        # meets most often read below the table
        docks = (w.cases_dock, w.codebook_dock, w.details_dock)
        for dock in docks:
            dock.hide()
        co = w.show_cooccurrence()
        if co is not None:
            wait_until(app, lambda: co.settled and co.result is not None)  # type: ignore[attr-defined]
            result = co.result  # type: ignore[attr-defined]
            top = result.pair_list()[:1] if result is not None else []
            if top:
                ids = {r.path: r.code_id for r in result.rows}
                co.show_pair(ids[top[0]["a"]], ids[top[0]["b"]])  # type: ignore[attr-defined]
                wait_until(app, lambda: co.settled and co.passages.count() > 0)  # type: ignore[attr-defined]
            w.resize(*SCREENSHOT_SIZE)
            wait_until(app, lambda: co.settled)  # type: ignore[attr-defined]
            from PySide6.QtWidgets import QSplitter

            for split in co.findChildren(QSplitter):
                if split.orientation() == Qt.Orientation.Vertical:  # table and chart taller
                    split.setSizes([400, 250])
            shot("cooccurrence")
            w.close_tab(w.tabs.indexOf(co))

        # 8g. the query tab: where trading income meets mission drift, with the results
        # in context
        qv = w.show_query()
        if qv is not None:
            done: list[int] = []
            qv.finished.connect(done.append)  # type: ignore[attr-defined]
            qv.expression.setText(  # type: ignore[attr-defined]
                '"Hybridity/Trading income"/* NEAR/30 "Hybridity/Tensions and mission drift"')
            qv.run()  # type: ignore[attr-defined]
            wait_until(app, lambda: bool(done))
            w.resize(*SCREENSHOT_SIZE)
            shot("query")
            w.close_tab(w.tabs.indexOf(qv))
        for dock in docks:
            dock.show()

        # 9. the first picture again, in the dark palette: the same tabs, docks and code
        theme.apply_theme(app, "dark")
        w.set_theme("dark")
        for i in reversed(range(w.tabs.count())):
            if w.tabs.widget(i) not in w.documents.values():
                w.close_tab(i)
        settle(app)
        w.resize(*SCREENSHOT_SIZE)
        settle(app)
        w.restoreState(layout)
        prepare_screenshot(w)
        shot("document-dark")
        theme.apply_theme(app, "light")
        w.close_project()
    for p in written:
        print(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)
    if too_wide:
        print(f"wider than {SCREENSHOT_SIZE[0]} px: {', '.join(too_wide)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
