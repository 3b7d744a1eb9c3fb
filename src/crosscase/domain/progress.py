"""A Qt-free progress and cancel object for long work.

The worker calls :meth:`Progress.advance`; a face (CLI bar, Qt dialog) sets
``on_change`` to show it and calls :meth:`cancel` to stop the work between
steps. Work already committed stays committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from crosscase.domain.errors import Cancelled


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    label: str = ""
    on_change: Callable[[Progress], None] | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    def start(self, total: int, label: str = "") -> None:
        self.total, self.done, self.label = total, 0, label
        self._emit()

    def advance(self, label: str = "", steps: int = 1) -> None:
        self.check()
        self.done += steps
        if label:
            self.label = label
        self._emit()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled("cancelled by the user")

    def _emit(self) -> None:
        if self.on_change is not None:
            self.on_change(self)
