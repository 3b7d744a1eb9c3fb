"""What the workbench remembers between sessions (QSettings, organisation "Crosscase")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "Crosscase"
APPLICATION = "Crosscase"
MAX_RECENT_PROJECTS = 10
MAX_RECENT_CODES = 9


class Settings:
    """Typed access to QSettings; ``ephemeral`` keeps everything in memory (screenshots)."""

    def __init__(self, ephemeral: bool = False) -> None:
        self._memory: dict[str, Any] | None = {} if ephemeral else None
        self._qs = None if ephemeral else QSettings(ORGANISATION, APPLICATION)

    # -- raw -------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        if self._memory is not None:
            return self._memory.get(key, default)
        assert self._qs is not None
        value = self._qs.value(key, default)
        return default if value is None else value

    def set(self, key: str, value: Any) -> None:
        if self._memory is not None:
            self._memory[key] = value
            return
        assert self._qs is not None
        self._qs.setValue(key, value)

    def _json(self, key: str, default: Any) -> Any:
        raw = self.get(key)
        if not raw:
            return default
        try:
            return json.loads(str(raw))
        except ValueError:
            return default

    def sync(self) -> None:
        if self._qs is not None:
            self._qs.sync()

    # -- projects --------------------------------------------------------
    def recent_projects(self) -> list[str]:
        items = self._json("recent/projects", [])
        return [str(p) for p in items if isinstance(p, str)]

    def add_recent_project(self, path: Path | str) -> None:
        """Remember a project file, or a shared project's URL (always without a password)."""
        p = self._project_key(path)
        items = [x for x in self.recent_projects() if x != p]
        self.set("recent/projects", json.dumps([p, *items][:MAX_RECENT_PROJECTS]))

    def remove_recent_project(self, path: str) -> None:
        self.set("recent/projects", json.dumps([x for x in self.recent_projects() if x != path]))

    def _project_key(self, path: Path | str) -> str:
        from crosscase.db.server import is_url, redacted

        if is_url(path):
            return redacted(str(path))
        return str(Path(path).resolve())

    def _project_state(self, path: Path | str) -> dict[str, Any]:
        state = self._json("projects/state", {})
        entry = state.get(self._project_key(path)) if isinstance(state, dict) else None
        return entry if isinstance(entry, dict) else {}

    def _set_project_state(self, path: Path | str, **values: Any) -> None:
        state = self._json("projects/state", {})
        if not isinstance(state, dict):
            state = {}
        entry = state.get(self._project_key(path)) or {}
        entry.update(values)
        state[self._project_key(path)] = entry
        self.set("projects/state", json.dumps(state))

    def last_document(self, path: Path | str) -> int | None:
        value = self._project_state(path).get("document")
        return int(value) if isinstance(value, int) else None

    def set_last_document(self, path: Path | str, document_id: int | None) -> None:
        self._set_project_state(path, document=document_id)

    def recent_codes(self, path: Path | str) -> list[int]:
        value = self._project_state(path).get("codes", [])
        return [int(c) for c in value if isinstance(c, int)][:MAX_RECENT_CODES]

    def set_recent_codes(self, path: Path | str, codes: list[int]) -> None:
        self._set_project_state(path, codes=list(codes)[:MAX_RECENT_CODES])

    # -- who codes on this machine -------------------------------------------
    def coder(self) -> str:
        """The coder chosen on this machine ("" until someone says who they are)."""
        return str(self.get("coder/name", "") or "").strip()

    def set_coder(self, name: str) -> None:
        self.set("coder/name", name.strip())

    # -- appearance ------------------------------------------------------
    def theme(self) -> str:
        value = str(self.get("view/theme", "system"))
        return value if value in ("light", "dark", "system") else "system"

    def set_theme(self, theme: str) -> None:
        self.set("view/theme", theme)

    def zoom(self) -> int:
        try:
            return max(-4, min(12, int(self.get("view/zoom", 0))))
        except (TypeError, ValueError):
            return 0

    def set_zoom(self, steps: int) -> None:
        self.set("view/zoom", int(steps))

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geo = self.get("window/geometry")
        state = self.get("window/state")
        return (
            geo if isinstance(geo, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.set("window/geometry", geometry)
        self.set("window/state", state)

    # -- report choices, per project -----------------------------------------
    def report_choices(self, path: Path | str) -> dict[str, Any]:
        """The Word and Excel export choices last made for this project."""
        value = self._project_state(path).get("report", {})
        return dict(value) if isinstance(value, dict) else {}

    def set_report_choices(self, path: Path | str, choices: dict[str, Any]) -> None:
        self._set_project_state(path, report=dict(choices))
