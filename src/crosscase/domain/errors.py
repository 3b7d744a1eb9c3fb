"""Errors a user can cause and understand.

Every error raised for a user carries one line that names what went wrong;
the CLI prints it as is and maps the class to an exit code.
"""

from __future__ import annotations


class CrosscaseError(Exception):
    """Base for every error meant for a person, not a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(CrosscaseError):
    """The command was asked for something that does not make sense."""

    exit_code = 2


class ProjectOpenError(CrosscaseError):
    """The project file cannot be opened (locked, newer, not a project)."""

    exit_code = 3


class ProjectLocked(ProjectOpenError):
    pass


class SchemaTooNew(ProjectOpenError):
    pass


class NotAProject(ProjectOpenError):
    pass


class ImportRefused(CrosscaseError):
    """One input file cannot be imported; the reason is for the user."""


class PasswordRequired(ImportRefused):
    """The file can be imported with the right password (the workbench asks for it)."""


class NotFound(CrosscaseError):
    """A named document, code, case or coding does not exist."""

    exit_code = 2


class SpanError(CrosscaseError):
    """A span does not fit its document, or its text does not match."""

    exit_code = 2


class Cancelled(CrosscaseError):
    """Long work was cancelled by the user; what was committed stays."""
