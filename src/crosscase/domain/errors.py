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


class ProjectDamaged(NotAProject):
    """The file is a project (or was one) but SQLite cannot read it whole."""


class NotARegularFile(NotAProject):
    """A folder, named pipe, device, socket or symbolic-link loop was given as the project."""


class ProjectReadOnly(ProjectOpenError):
    """The project (or its folder) cannot be written; it can still be read."""


class ProjectBusy(ProjectOpenError):
    """Another program (not Crosscase) holds SQLite's lock on the file."""


class UpgradeFailed(ProjectOpenError):
    """An older project could not be upgraded; the file is left as it was."""


class UnsafeLockFile(ProjectOpenError):
    """The lock file's place holds a symbolic link or a folder."""


class DiskFull(CrosscaseError):
    """The disk (or the user's quota) is full; what was being written is rolled back."""


class StaleWrite(CrosscaseError):
    """A row was changed by someone else since it was read; the write was refused."""


class PermissionRefused(CrosscaseError):
    """A shared project's server refused the write: the user's role does not allow it."""


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
