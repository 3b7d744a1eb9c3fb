"""Guarded access to zip packages (docx, odt) and the XML inside them.

A hostile or broken file must cost neither memory nor time: members are read
with a cap on their uncompressed size and on the compression ratio (a zip
bomb), and XML is parsed without DTDs, entities or network access.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from crosscase.domain import limits
from crosscase.domain.errors import ImportRefused
from crosscase.domain.limits import size_text

# The limits (set in crosscase.domain.limits), read from this module when used:
# no member of a document package we read may unpack to more than this ...
MAX_MEMBER_BYTES = limits.PACKAGE_MAX_MEMBER_BYTES
# ... nor all of them together ...
MAX_TOTAL_BYTES = limits.PACKAGE_MAX_TOTAL_BYTES
# ... nor may one XML part that is parsed ...
MAX_XML_BYTES = limits.PACKAGE_MAX_XML_BYTES
# ... nor may a large member unpack to more than this many times its packed size ...
MAX_RATIO = limits.PACKAGE_MAX_RATIO
RATIO_APPLIES_ABOVE = limits.PACKAGE_RATIO_APPLIES_ABOVE
# ... nor all the members read, together.
MAX_TOTAL_RATIO = limits.PACKAGE_MAX_TOTAL_RATIO
TOTAL_RATIO_APPLIES_ABOVE = limits.PACKAGE_TOTAL_RATIO_ABOVE

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


class Package:
    """A zip package whose members are looked up without regard to case."""

    def __init__(self, data: bytes, name: str, fmt: str) -> None:
        self.name = name
        self.fmt = fmt
        self._read_total = 0
        self._packed_total = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            raise self.corrupt() from None
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._members.setdefault(info.filename.lstrip("/").lower(), info)

    def corrupt(self) -> ImportRefused:
        return ImportRefused(
            f"{self.name}: cannot be read as {self.fmt} (corrupt or truncated file)"
        )

    def bomb(self, member: str, limit: str = "") -> ImportRefused:
        why = f", over {limit}" if limit else ""
        return ImportRefused(
            f"{self.name}: {member} unpacks to far more than a document holds{why} "
            "(a damaged file or a zip bomb); not imported"
        )

    def has(self, member: str) -> bool:
        return member.lstrip("/").lower() in self._members

    def names(self) -> list[str]:
        return [info.filename for info in self._members.values()]

    def read(self, member: str, *, cap: int | None = None) -> bytes | None:
        """The member's bytes, or None if there is no such member; ``cap`` is the
        most this member may hold (the XML limit for a part that is parsed)."""
        info = self._members.get(member.lstrip("/").lower())
        if info is None:
            return None
        if info.flag_bits & 0x1:
            raise ImportRefused(
                f"{self.name}: is password-protected; remove the password and import again"
            )
        declared = info.file_size
        member_cap = MAX_MEMBER_BYTES if cap is None else min(cap, MAX_MEMBER_BYTES)
        member_limit = (f"the {size_text(member_cap)} limit for "
                        + ("one XML part" if member_cap == cap else "one part of a document"))
        total_limit = f"the {size_text(MAX_TOTAL_BYTES)} limit for all parts of a document"
        if declared > member_cap:
            raise self.bomb(info.filename, member_limit)
        if declared > RATIO_APPLIES_ABOVE and declared > MAX_RATIO * max(info.compress_size, 1):
            raise self.bomb(info.filename, f"the {MAX_RATIO}:1 limit on its compression")
        if self._read_total + declared > MAX_TOTAL_BYTES:
            raise self.bomb(info.filename, total_limit)
        cap = min(member_cap, MAX_TOTAL_BYTES - self._read_total)
        try:
            with self._zip.open(info) as fh:
                # The declared size can lie; never read past the cap, whatever it says.
                data = fh.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
            raise self.corrupt() from None
        except RuntimeError:  # encrypted member
            raise ImportRefused(
                f"{self.name}: is password-protected; remove the password and import again"
            ) from None
        if len(data) > cap:
            raise self.bomb(info.filename, member_limit if cap == member_cap else total_limit)
        if len(data) > RATIO_APPLIES_ABOVE and len(data) > MAX_RATIO * max(info.compress_size, 1):
            raise self.bomb(info.filename, f"the {MAX_RATIO}:1 limit on its compression")
        self._read_total += len(data)
        self._packed_total += info.compress_size
        if (self._read_total > TOTAL_RATIO_APPLIES_ABOVE
                and self._read_total > MAX_TOTAL_RATIO * max(self._packed_total, 1)):
            raise self.bomb(
                info.filename, f"the {MAX_TOTAL_RATIO}:1 limit on the compression of a whole document"
            )
        return data

    def xml(self, member: str) -> etree._Element | None:
        """The member parsed as XML (its root element), or None if it is missing."""
        data = self.read(member, cap=MAX_XML_BYTES)
        if data is None:
            return None
        return parse_xml(data, self.name, self.fmt)


def parse_xml(data: bytes, name: str, fmt: str) -> etree._Element:
    """Parse untrusted XML: no DTD is loaded, no entity expanded, nothing fetched."""
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise ImportRefused(
            f"{name}: cannot be read as {fmt} (corrupt or truncated file)"
        ) from None
    if root is None:
        raise ImportRefused(f"{name}: cannot be read as {fmt} (corrupt or truncated file)")
    if root.getroottree().docinfo.doctype:
        # Office packages never carry a DTD; one that does is crafted.
        raise ImportRefused(f"{name}: cannot be read as {fmt} (its XML declares a DTD)")
    return root
