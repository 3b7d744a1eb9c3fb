"""Cyclic garbage is collected on the GUI thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading
from typing import Any

from crosscase.ui import collector


def test_automatic_collection_is_off_and_the_timer_collects(qapp: Any, qtbot: Any) -> None:
    c = collector.install(qapp)
    assert not gc.isenabled()
    assert c.timer.isActive()
    threads: set[str] = set()

    def watch(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            threads.add(threading.current_thread().name)

    gc.callbacks.append(watch)
    try:
        # garbage in cycles, made on a worker thread
        def churn() -> None:
            for _ in range(20000):
                a: list[Any] = []
                a.append(a)

        t = threading.Thread(target=churn, name="worker")
        t.start()
        t.join()
        assert "worker" not in threads  # nothing collected there
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)
        assert threads == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(watch)
