"""Reading a QDPX archive from someone else's machine, defensively.

A QDPX file is a zip of XML and source files. Nothing is ever extracted to
disk: members are read into memory, after the whole archive has been checked.
The archive is refused, with one line naming the reason, if a member's path
climbs out of the archive (``../``, an absolute path, a drive letter), if it
would inflate beyond the limits (a zip bomb), if it is not a zip at all, or if
it holds no ``.qde`` project file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Self

from crosscase.domain import limits
from crosscase.domain.errors import ImportRefused
from crosscase.domain.limits import size_text

GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True)
class Limits:
    """How much an archive may inflate before it is refused as a zip bomb.

    The defaults are set in :mod:`crosscase.domain.limits`.
    """

    max_total_bytes: int = limits.QDPX_MAX_TOTAL_BYTES
    max_ratio: float = limits.QDPX_MAX_RATIO
    ratio_exempt_bytes: int = limits.QDPX_RATIO_EXEMPT_BYTES  # small members compress well
    max_members: int = limits.QDPX_MAX_MEMBERS
    max_xml_bytes: int = limits.QDPX_MAX_XML_BYTES
    max_total_ratio: float = limits.QDPX_MAX_TOTAL_RATIO
    total_ratio_above: int = limits.QDPX_TOTAL_RATIO_ABOVE


_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 * MiB


def _member_path_problem(name: str) -> str | None:
    clean = name.replace("\\", "/")
    if clean.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(clean):
        return "a drive letter"
    if any(part == ".." for part in clean.split("/")):
        return "a path that climbs out of the archive ('..')"
    if "\x00" in clean:
        return "a NUL character in its name"
    return None


class Archive:
    """A checked QDPX archive: its ``.qde`` member and its source files by name."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or Limits()
        self._read_total = 0
        self._zip: zipfile.ZipFile | None = None
        self._loose_qde: bytes | None = None
        self.infos: dict[str, zipfile.ZipInfo] = {}
        self.qde_name = ""
        self._by_base: dict[str, list[str]] = {}
        label = self.path.name
        try:
            with self.path.open("rb") as fh:
                head = fh.read(8)
        except FileNotFoundError:
            raise ImportRefused(f"{label}: no such file") from None
        except IsADirectoryError:
            raise ImportRefused(f"{label}: is a folder, not a QDPX file") from None
        except OSError as exc:
            raise ImportRefused(f"{label}: cannot be read ({exc.strerror})") from None
        if self.path.suffix.lower() == ".qde" and not head.startswith(b"PK"):
            # A bare project file without sources: allowed, its sources are reported missing.
            size = self.path.stat().st_size
            if size > min(self.limits.max_total_bytes, self.limits.max_xml_bytes):
                raise ImportRefused(self._xml_limit(label, size))
            self._loose_qde = self.path.read_bytes()
            if len(self._loose_qde) > self.limits.max_xml_bytes:  # it grew while we looked
                raise ImportRefused(self._xml_limit(label, len(self._loose_qde)))
            self.qde_name = self.path.name
            return
        if not zipfile.is_zipfile(self.path):
            raise ImportRefused(f"{label}: is not a QDPX file (not a zip archive)")
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportRefused(f"{label}: is not a readable zip archive ({exc})") from None
        self._zip = zf
        try:
            self._check(zf)
        except BaseException:
            zf.close()
            raise

    def _check(self, zf: zipfile.ZipFile) -> None:
        label = self.path.name
        infos = zf.infolist()
        if len(infos) > self.limits.max_members:
            raise ImportRefused(f"{label}: holds {len(infos)} files, more than a QDPX file can")
        total = packed = 0
        self.infos = {}
        for info in infos:
            problem = _member_path_problem(info.filename)
            if problem:
                raise ImportRefused(
                    f"{label}: member '{info.filename}' has {problem}; refused for safety"
                )
            if info.flag_bits & 0x1:
                raise ImportRefused(f"{label}: member '{info.filename}' is encrypted")
            total += info.file_size
            packed += info.compress_size
            if total > self.limits.max_total_bytes:
                raise ImportRefused(
                    f"{label}: would unpack to more than {size_text(self.limits.max_total_bytes)}, "
                    "the limit for everything read from one archive; refused as a possible zip bomb"
                )
            if info.file_size > self.limits.ratio_exempt_bytes:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > self.limits.max_ratio:
                    raise ImportRefused(
                        f"{label}: member '{info.filename}' is compressed {ratio:.0f}:1, over the "
                        f"{self.limits.max_ratio:.0f}:1 limit; refused as a possible zip bomb"
                    )
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            self.infos[name] = info
            self._by_base.setdefault(PurePosixPath(name).name.lower(), []).append(name)
        if total > self.limits.total_ratio_above and total > self.limits.max_total_ratio * max(packed, 1):
            raise ImportRefused(
                f"{label}: would unpack to {size_text(total)} from {size_text(packed)}, more than "
                f"{self.limits.max_total_ratio:.0f} times its packed size, the limit for a whole "
                "archive; refused as a possible zip bomb"
            )
        self.qde_name = self._find_qde()
        declared = self.infos[self.qde_name].file_size
        if declared > self.limits.max_xml_bytes:
            raise ImportRefused(self._xml_limit(f"{label} ({self.qde_name})", declared))

    def _xml_limit(self, label: str, size: int | None = None) -> str:
        what = f"{size_text(size)}" if size is not None else "more"
        return (
            f"{label}: the project XML is {what}, over the {size_text(self.limits.max_xml_bytes)} "
            "limit for XML read from an archive; not imported"
        )

    def _find_qde(self) -> str:
        label = self.path.name
        qdes = [n for n in self.infos if n.lower().endswith(".qde")]
        if not qdes:
            raise ImportRefused(f"{label}: holds no .qde project file; not a REFI-QDA project")
        if len(qdes) == 1:
            return qdes[0]
        top = [n for n in qdes if "/" not in n]
        named = [n for n in top if n.lower() == "project.qde"]
        if len(named) == 1:
            return named[0]
        if len(top) == 1:
            return top[0]
        raise ImportRefused(
            f"{label}: holds several .qde project files ({', '.join(sorted(qdes)[:4])}); "
            "cannot tell which to import"
        )

    # -- reading ------------------------------------------------------------------

    def qde(self) -> bytes:
        """The project XML, never more than ``limits.max_xml_bytes`` of it."""
        if self._loose_qde is not None:
            return self._loose_qde
        return self.read(self.qde_name, cap=self.limits.max_xml_bytes)

    def read(self, name: str, *, cap: int | None = None) -> bytes:
        """A member's bytes, read with a running check against the limits
        (and against ``cap``, the most this member may hold)."""
        assert self._zip is not None
        info = self.infos[name]
        label = self.path.name
        parts: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    self._read_total += len(chunk)
                    if cap is not None and got > cap:
                        raise ImportRefused(self._xml_limit(f"{label} ({name})"))
                    if self._read_total > self.limits.max_total_bytes:
                        raise ImportRefused(
                            f"{label}: unpacks to more than {size_text(self.limits.max_total_bytes)}, "
                            "the limit for everything read from one archive; refused as a "
                            "possible zip bomb"
                        )
                    if got > info.file_size:
                        raise ImportRefused(
                            f"{label}: member '{name}' inflates beyond its declared size; "
                            "refused as a possible zip bomb"
                        )
                    parts.append(chunk)
        except ImportRefused:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ImportRefused(f"{label}: member '{name}' is damaged ({exc})") from None
        except (NotImplementedError, RuntimeError) as exc:
            raise ImportRefused(f"{label}: member '{name}' cannot be unpacked ({exc})") from None
        return b"".join(parts)

    def find(self, ref: str | None) -> str | None:
        """The member a source path such as ``internal://GUID.txt`` refers to, if any.

        Lenient: with or without ``internal://``, in ``sources/`` or ``Sources/``
        or at the top, with the file name in any case.
        """
        if not ref:
            return None
        s = ref.strip().replace("\\", "/")
        low = s.lower()
        for scheme in ("internal://", "internal:"):
            if low.startswith(scheme):
                s = s[len(scheme):]
                break
        else:
            if re.match(r"^[a-z][a-z0-9+.-]*://", low):
                return None  # relative://, absolute://, file://: outside the archive
        s = s.lstrip("/")
        if not s:
            return None
        if s in self.infos:
            return s
        candidates = self._by_base.get(PurePosixPath(s).name.lower(), [])
        if not candidates:
            return None
        in_sources = [n for n in candidates if n.lower().startswith("sources/")]
        return (in_sources or candidates)[0]

    def find_by_stem(self, stem: str, suffix: str) -> str | None:
        """A member named ``STEM.SUFFIX`` in any folder and any case."""
        found = self._by_base.get(f"{stem}{suffix}".lower())
        return found[0] if found else None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
