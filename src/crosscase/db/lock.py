"""One writer at a time: an advisory lock held while a project is open.

The lock is an OS file lock on a small file beside the project, so it is
released by the operating system when the process ends, even by SIGKILL:
a crash never leaves a project locked.

The lock file is opened without following a symbolic link (a link planted
there would otherwise have its target created or truncated), and it is
removed while still locked, so a process that opened the old file before it
went away notices (the path no longer names its file) and tries again.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from crosscase.domain.errors import DiskFull, ProjectLocked, ProjectReadOnly, UnsafeLockFile

#: errors that mean the disk or the user's quota is full
FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
#: errors that mean a file or folder cannot be written
READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def lock_path(project: Path) -> Path:
    return project.with_name(f".{project.name}.lock")


class ProjectLock:
    def __init__(self, project: Path) -> None:
        self.project = project
        self.path = lock_path(project)
        self._fd: int | None = None

    def _unsafe(self, what: str) -> UnsafeLockFile:
        return UnsafeLockFile(
            f"{self.project.name}: its lock file {self.path} is {what}; Crosscase does not "
            "use it (remove it, then open the project again)"
        )

    def _open(self) -> int:
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise ProjectReadOnly(f"{self.project.name}: its lock file {self.path} cannot be read "
                                  f"({exc.strerror})") from None
        if st is not None:
            if stat.S_ISLNK(st.st_mode):
                raise self._unsafe("a symbolic link")
            if stat.S_ISDIR(st.st_mode):
                raise self._unsafe("a folder")
            if not stat.S_ISREG(st.st_mode):
                raise self._unsafe("not a regular file")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise self._unsafe("a symbolic link") from None
            if exc.errno == errno.EISDIR:
                raise self._unsafe("a folder") from None
            if exc.errno in FULL:
                raise DiskFull(f"{self.project.name}: the disk is full (cannot create its lock file)") from None
            if exc.errno in READ_ONLY:
                raise ProjectReadOnly(
                    f"{self.project.name}: is read-only (its folder {self.project.parent} cannot be written)"
                ) from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise self._unsafe("not a regular file")
        return fd

    def acquire(self) -> None:
        for _ in range(20):
            fd = self._open()
            try:
                _lock(fd)
            except OSError:
                os.close(fd)
                holder = ""
                try:
                    holder = self.path.read_text().strip()
                except (OSError, UnicodeDecodeError):
                    pass
                who = f" (process {holder})" if holder.isdigit() else ""
                raise ProjectLocked(
                    f"{self.project.name}: is open in another Crosscase window or command{who}; "
                    "close it there first"
                ) from None
            # the holder before us removes the file while it still holds the lock:
            # if the path no longer names the file we locked, lock the new one
            try:
                same = os.path.samestat(os.fstat(fd), os.lstat(self.path))
            except OSError:
                same = False
            if not same:
                _unlock(fd)
                os.close(fd)
                continue
            try:
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
            except OSError:
                pass  # the process id is only a courtesy to the user (a full disk refuses it)
            self._fd = fd
            return
        raise ProjectLocked(f"{self.project.name}: its lock file keeps changing; try again")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            try:
                if os.path.samestat(os.fstat(self._fd), os.lstat(self.path)):
                    os.unlink(self.path)
            except OSError:
                pass
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None


def is_locked(project: Path) -> bool:
    """Whether a Crosscase process holds ``project``'s lock now (the lock file is left alone)."""
    path = lock_path(project)
    try:
        fd = os.open(path, os.O_RDWR | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return False
    try:
        _lock(fd)
    except OSError:
        return True
    else:
        _unlock(fd)
        return False
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, 0)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
