"""Writing an export safely: never over a project, never half a file.

Every file an export writes goes through :func:`replacing`: the target is
checked first (:func:`check_target`), the content goes to a temporary file
beside it, created readable by its owner only, and only a complete file is
renamed into place. A failed, cancelled or killed export leaves the target as
it was; a killed one may leave the temporary file, whose name always has the
form ``.NAME.crosscase-part-XXXXXXXX`` (:data:`PART_MARK`), so it can be
recognised and removed later.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from crosscase.domain.errors import ProjectOpenError, UsageError

#: what the name of every temporary export file holds: ``.NAME`` + this + 8 random characters
PART_MARK = ".crosscase-part-"
SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = {"-wal": "write-ahead log", "-shm": "shared-memory file", "-journal": "journal"}
_MAX_NAME_IN_PART = 180  # file names are limited to 255 bytes


def is_part_file(path: Path) -> bool:
    """Whether ``path`` is named as a temporary export file."""
    name = Path(path).name
    return name.startswith(".") and PART_MARK in name


def _refuse(out: Path, what: str) -> UsageError:
    return UsageError(
        f"{out.name}: is {what}; an export never writes over a project, choose another file name"
    )


def _has_alembic_table(path: Path) -> bool | None:
    """Whether the SQLite file at ``path`` has Crosscase's revision table (None: cannot tell)."""
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        con = sqlite3.connect(uri, uri=True, timeout=0.5)
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        row = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        return row is not None
    except sqlite3.Error:
        return None
    finally:
        con.close()


def check_target(out: Path) -> Path:
    """Refuse an export target that is a folder, has no folder, is not a regular
    file, or is a project or one of a project's own files (its lock, its
    write-ahead log, shared memory or journal, a backup: any SQLite database).
    """
    out = Path(out)
    name = out.name
    if not name:
        raise UsageError(f"{out}: give a file name")
    if not out.parent.exists():
        raise UsageError(f"{out.parent}: no such folder")
    if name.startswith(".") and name.endswith(".crosscase.lock"):
        raise _refuse(out, f"the lock file of the project {name[1:-len('.lock')]}")
    for suffix, what in _SIDE_FILES.items():
        base = out.with_name(name[: -len(suffix)]) if name.endswith(suffix) else None
        if base is not None and (base.suffix == ".crosscase" or base.is_file()):
            raise _refuse(out, f"the {what} of the project {base.name}")
    try:
        st = out.stat()
    except FileNotFoundError:
        return out
    except OSError as exc:
        raise UsageError(f"{name}: cannot be checked ({exc.strerror or 'unreadable'})") from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{out}: is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{name}: is not a regular file; give the name of a file to write")
    try:
        with out.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        head = b""
    if head == SQLITE_MAGIC:
        ours = _has_alembic_table(out)
        raise _refuse(out, "a Crosscase project" if ours is not False else "a database file")
    return out


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` (owner-only from creation), renamed to
    ``out`` when the block completes, removed if it fails."""
    out = check_target(Path(out))
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{out.name[:_MAX_NAME_IN_PART]}{PART_MARK}", suffix="", dir=out.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o600)  # the writer may have replaced the file
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


# -- new projects built under a temporary name ------------------------------------


def move_new_project_into_place(tmp: Path, out: Path) -> None:
    """Give a project built at ``tmp`` its final name ``out``, never overwriting a
    file that appeared at ``out`` meanwhile (a link is made, then ``tmp`` goes)."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise ProjectOpenError(f"{out.name}: already exists; choose another name") from None
    except OSError:
        if out.exists():
            raise ProjectOpenError(f"{out.name}: already exists; choose another name") from None
        os.replace(tmp, out)
        return
    os.unlink(tmp)


def remove_project_files(path: Path) -> None:
    """A project file and SQLite's and Crosscase's files beside it, where they exist."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
              path.with_name(path.name + "-journal"), path.with_name(f".{path.name}.lock")):
        with suppress(OSError):
            p.unlink()
