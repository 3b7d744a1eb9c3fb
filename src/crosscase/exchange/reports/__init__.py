"""Exports for the paper and for co-authors: Word, Excel, CSV and JSON.

Every file is written readable by its owner only, through a temporary file
that replaces the target only when complete. Heavy libraries load only when
an export runs, so importing this package is cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project

FORMATS = ("docx", "xlsx", "csv", "json")


def export_report(project: Project | Session, out: Path, fmt: str, **options: Any) -> Path:
    """Write the report in ``fmt`` to ``out``.

    ``docx`` and ``xlsx`` take the options of
    :func:`~crosscase.exchange.reports.docx_report.export_docx` and
    :func:`~crosscase.exchange.reports.xlsx_report.export_xlsx`; ``csv`` and
    ``json`` write one matrix (``measure``, ``cols``, ``rollup`` ...).
    """
    from crosscase.domain.errors import UsageError

    kind = str(fmt).lower().lstrip(".")
    if kind == "docx":
        from crosscase.exchange.reports.docx_report import export_docx

        return export_docx(project, Path(out), **options)
    if kind == "xlsx":
        from crosscase.exchange.reports.xlsx_report import export_xlsx

        return export_xlsx(project, Path(out), **options)
    if kind in ("csv", "json"):
        from crosscase.analysis.matrix import compute_matrix
        from crosscase.exchange.reports.matrix_files import write_matrix

        return write_matrix(compute_matrix(project, **options), Path(out), kind)
    raise UsageError(f"cannot export '{fmt}'; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "export_report"]
