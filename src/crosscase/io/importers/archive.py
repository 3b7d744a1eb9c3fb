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

from crosscase.domain.errors import ImportRefused

# No member of a document package we read may unpack to more than this ...
MAX_MEMBER_BYTES = 256 * 1024 * 1024
# ... nor all of them together ...
MAX_TOTAL_BYTES = 512 * 1024 * 1024
# ... nor may a large member unpack to more than this many times its packed size.
MAX_RATIO = 200
RATIO_APPLIES_ABOVE = 8 * 1024 * 1024

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

    def bomb(self, member: str) -> ImportRefused:
        return ImportRefused(
            f"{self.name}: {member} unpacks to far more than a document holds "
            "(a damaged file or a zip bomb); not imported"
        )

    def has(self, member: str) -> bool:
        return member.lstrip("/").lower() in self._members

    def names(self) -> list[str]:
        return [info.filename for info in self._members.values()]

    def read(self, member: str) -> bytes | None:
        """The member's bytes, or None if there is no such member."""
        info = self._members.get(member.lstrip("/").lower())
        if info is None:
            return None
        if info.flag_bits & 0x1:
            raise ImportRefused(
                f"{self.name}: is password-protected; remove the password and import again"
            )
        declared = info.file_size
        if declared > MAX_MEMBER_BYTES or (
            declared > RATIO_APPLIES_ABOVE and declared > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise self.bomb(info.filename)
        cap = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self._read_total)
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
            raise self.bomb(info.filename)
        if len(data) > RATIO_APPLIES_ABOVE and len(data) > MAX_RATIO * max(info.compress_size, 1):
            raise self.bomb(info.filename)
        self._read_total += len(data)
        return data

    def xml(self, member: str) -> etree._Element | None:
        """The member parsed as XML (its root element), or None if it is missing."""
        data = self.read(member)
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
