"""Python's cyclic garbage collector, run on the GUI thread only.

The collector normally runs in whichever thread happens to allocate past
its threshold. When that is a worker thread (a matrix, a search, an
export) and the garbage holds Qt objects (a closed dialog, a menu, a
widget caught in a reference cycle), Qt destroys them on the wrong thread
and the process can crash. So the workbench turns automatic collection off
and runs the same generational collection from a timer on the GUI thread.
Reference counting (which frees most objects at once) is unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_installed: list[GuiThreadCollector] = []


class GuiThreadCollector(QObject):
    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start(interval_ms)
        gc.disable()

    def collect_due(self) -> int:
        """Collect the generations whose thresholds are passed, as gc itself would."""
        counts = gc.get_count()
        limits = gc.get_threshold()
        generation = -1
        for g in range(3):
            if counts[g] > limits[g]:
                generation = g
        if generation < 0:
            return 0
        return gc.collect(generation)


def install(app: QObject) -> GuiThreadCollector:
    """Once per application: automatic collection off, timed collection on the GUI thread."""
    if not _installed:
        _installed.append(GuiThreadCollector(parent=app))
    return _installed[0]
