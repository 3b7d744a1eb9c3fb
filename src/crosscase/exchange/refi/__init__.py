"""REFI-QDA exchange: QDPX projects and QDC codebooks, written and read.

- :func:`export_qdpx` / :func:`export_qdc` write a project or its codebook,
  valid against the standard's schemas, and report what had to be left out;
- :func:`import_qdpx` builds a new project from a QDPX file, leniently about
  what real programs write and strictly about safety;
- :func:`load_qdc` adds a codebook to an open project.

Names are loaded on first use, so that importing this package (for the
command line's ``--help``, say) costs nothing until an exchange runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "export_qdpx": "export",
    "export_qdc": "export",
    "import_qdpx": "importer",
    "load_qdc": "importer",
    "Limits": "archive",
    "OFFSET_CHOICES": "positions",
    "READINGS": "positions",
    "CodebookReport": "report",
    "ExportReport": "report",
    "ImportReport": "report",
}

__all__ = [
    "OFFSET_CHOICES",
    "READINGS",
    "CodebookReport",
    "ExportReport",
    "ImportReport",
    "Limits",
    "export_qdc",
    "export_qdpx",
    "import_qdpx",
    "load_qdc",
]

if TYPE_CHECKING:
    from crosscase.exchange.refi.archive import Limits
    from crosscase.exchange.refi.export import export_qdc, export_qdpx
    from crosscase.exchange.refi.importer import import_qdpx, load_qdc
    from crosscase.exchange.refi.positions import OFFSET_CHOICES, READINGS
    from crosscase.exchange.refi.report import CodebookReport, ExportReport, ImportReport


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f"crosscase.exchange.refi.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'crosscase.exchange.refi' has no attribute '{name}'")
