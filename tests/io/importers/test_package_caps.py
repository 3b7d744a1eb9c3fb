"""docx and odt packages: the XML parsed and the total read are capped, and
a refusal says which limit it met."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from import_fixtures import docx_package, odt_package, p

from crosscase.domain import limits
from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import archive, extract
from crosscase.io.importers.archive import Package


def refused(name: str, data: bytes) -> str:
    with pytest.raises(ImportRefused) as info:
        extract(Path(name), data=data)
    message = str(info.value)
    assert "\n" not in message and message.startswith(name + ": ")
    return message


def test_limits_are_set_in_domain_limits() -> None:
    assert archive.MAX_XML_BYTES == limits.PACKAGE_MAX_XML_BYTES
    assert archive.MAX_TOTAL_BYTES == limits.PACKAGE_MAX_TOTAL_BYTES
    assert archive.MAX_MEMBER_BYTES == limits.PACKAGE_MAX_MEMBER_BYTES
    assert archive.MAX_TOTAL_RATIO == limits.PACKAGE_MAX_TOTAL_RATIO
    assert limits.PACKAGE_MAX_XML_BYTES <= limits.PACKAGE_MAX_MEMBER_BYTES


def test_docx_xml_over_the_xml_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = docx_package(p("word " * 100_000))
    monkeypatch.setattr(archive, "MAX_XML_BYTES", 100_000)
    message = refused("long.docx", data)
    assert "word/document.xml" in message and "limit for one XML part" in message


def test_odt_xml_over_the_xml_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "<text:p>" + "word " * 100_000 + "</text:p>"
    data = odt_package(body)
    monkeypatch.setattr(archive, "MAX_XML_BYTES", 100_000)
    message = refused("long.odt", data)
    assert "content.xml" in message and "limit for one XML part" in message


def test_docx_under_the_limits_still_imports() -> None:
    assert "word " in extract(Path("fine.docx"), data=docx_package(p("word " * 1000))).text


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_package_total_read_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    parts = {f"part{n}.bin": os.urandom(60_000) for n in range(5)}
    pkg = Package(_zip(parts), "many.docx", "docx")
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 200_000)
    for n in range(3):
        assert pkg.read(f"part{n}.bin") is not None
    with pytest.raises(ImportRefused, match="limit for all parts of a document"):
        pkg.read("part3.bin")


def test_package_total_compression_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts that each pass the per-part ratio (small ones are exempt) add up."""
    parts = {f"part{n}.xml": b"\0" * (1 << 20) for n in range(6)}
    pkg = Package(_zip(parts), "bomb.docx", "docx")
    monkeypatch.setattr(archive, "TOTAL_RATIO_APPLIES_ABOVE", 4 << 20)
    with pytest.raises(ImportRefused, match="limit on the compression of a whole document"):
        for n in range(6):
            pkg.read(f"part{n}.xml")
