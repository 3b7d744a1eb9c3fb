"""Hostile and broken files: refused with one clear line, nothing written anywhere."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crosscase.db.project import Project
from crosscase.domain.errors import ImportRefused, ProjectOpenError
from crosscase.exchange.refi import Limits, import_qdpx, load_qdc

G = "7A1C2B3D-0000-4000-8000-00000000D001"
GOOD_QDE = (
    '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
    '<CodeBook><Codes><Code guid="7A1C2B3D-0000-4000-8000-00000000C001" name="Trust" '
    'isCodable="true"/></Codes></CodeBook>'
    f'<Sources><TextSource guid="{G}" name="One" plainTextPath="internal://{G}.txt"/></Sources>'
    "</Project>"
)

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""

PLAIN_DTD = """<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.invalid/project.dtd">
<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>"""


def _raw_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip whose member names are taken as given (zipfile would not clean them)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo("placeholder")
            info.filename = name  # bypass the sanitising in ZipInfo's constructor
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    path.write_bytes(buf.getvalue())
    return path


def _refused(file: Path, out: Path, match: str, **kw: Any) -> ImportRefused:
    before = set(os.listdir(out.parent))
    with pytest.raises(ImportRefused, match=match) as err:
        import_qdpx(file, out, **kw)
    message = str(err.value)
    assert "\n" not in message and file.name in message
    assert not out.exists()
    assert set(os.listdir(out.parent)) == before  # no half-written project, no temp files
    return err.value


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    d = tmp_path / "projects"
    d.mkdir()
    return d / "new.crosscase"


@pytest.mark.parametrize("evil", [
    "../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "C:evil.txt",
    "..\\evil.txt", "sources\\..\\..\\evil.txt",
])
def test_members_that_climb_out_are_refused(evil: str, tmp_path: Path, dest: Path) -> None:
    qdpx = _raw_zip(tmp_path / "slip.qdpx",
                    {"project.qde": GOOD_QDE.encode(), evil: b"owned", f"sources/{G}.txt": b"hi"})
    _refused(qdpx, dest, "refused for safety")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize(("qde", "match"), [
    (BILLION_LAUGHS, "DTD"),
    (EXTERNAL_ENTITY, "DTD"),
    (PLAIN_DTD, "DTD"),
])
def test_xml_with_a_dtd_or_entities_is_refused(qde: str, match: str, tmp_path: Path,
                                               dest: Path, make_qdpx: Callable[..., Path]) -> None:
    qdpx = make_qdpx(tmp_path / "xml.qdpx", qde)
    _refused(qdpx, dest, match)


def test_a_codebook_with_entities_is_refused(tmp_path: Path, empty_project: Project) -> None:
    qdc = tmp_path / "bomb.qdc"
    qdc.write_text(BILLION_LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(ImportRefused, match="DTD"):
        load_qdc(empty_project, qdc)


def test_zip_bomb_over_the_total_limit_is_refused(tmp_path: Path, dest: Path,
                                                  make_qdpx: Callable[..., Path]) -> None:
    qdpx = make_qdpx(tmp_path / "bomb.qdpx", GOOD_QDE, {f"sources/{G}.txt": b"\0" * (3 << 20)})
    err = _refused(qdpx, dest, "zip bomb",
                   limits=Limits(max_total_bytes=1 << 20, max_ratio=10**9))
    assert "more than" in str(err)


def test_zip_bomb_over_the_ratio_limit_is_refused(tmp_path: Path, dest: Path,
                                                  make_qdpx: Callable[..., Path]) -> None:
    qdpx = make_qdpx(tmp_path / "ratio.qdpx", GOOD_QDE, {f"sources/{G}.txt": b"a" * (4 << 20)})
    assert zipfile.ZipFile(qdpx).getinfo(f"sources/{G}.txt").compress_size < (4 << 20) // 200
    _refused(qdpx, dest, "compressed .*:1")


def test_small_well_compressed_members_are_fine(tmp_path: Path, dest: Path,
                                                make_qdpx: Callable[..., Path]) -> None:
    qdpx = make_qdpx(tmp_path / "ok.qdpx", GOOD_QDE, {f"sources/{G}.txt": "Trust. " * 20_000})
    report = import_qdpx(qdpx, dest)
    assert report.ok and report.counts["source"] == 1
    assert sorted(os.listdir(dest.parent)) == ["new.crosscase"]  # nothing else left behind


def test_a_member_that_inflates_beyond_its_header_is_refused(
    tmp_path: Path, dest: Path, make_qdpx: Callable[..., Path]
) -> None:
    qdpx = make_qdpx(tmp_path / "liar.qdpx", GOOD_QDE, {f"sources/{G}.txt": b"x" * 5000})
    data = bytearray(qdpx.read_bytes())
    # Make the central directory claim the text is 10 bytes long.
    with zipfile.ZipFile(qdpx) as zf:
        info = zf.getinfo(f"sources/{G}.txt")
    cd = data.rfind(b"PK\x01\x02")
    while cd != -1:
        name_len = int.from_bytes(data[cd + 28:cd + 30], "little")
        if data[cd + 46:cd + 46 + name_len].decode() == info.filename:
            data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
            break
        cd = data.rfind(b"PK\x01\x02", 0, cd)
    qdpx.write_bytes(bytes(data))
    with pytest.raises(ImportRefused):
        import_qdpx(qdpx, dest)
    assert not dest.exists()


@pytest.mark.parametrize(("content", "match"), [
    (b"this is plain text, not a zip", "not a zip"),
    (b"", "not a zip"),
    (b"PK\x03\x04broken", "not a zip|not a readable zip"),
])
def test_files_that_are_not_zips_are_refused(content: bytes, match: str, tmp_path: Path,
                                             dest: Path) -> None:
    f = tmp_path / "fake.qdpx"
    f.write_bytes(content)
    _refused(f, dest, match)


def test_a_zip_without_a_qde_is_refused(tmp_path: Path, dest: Path) -> None:
    qdpx = _raw_zip(tmp_path / "noqde.qdpx", {"sources/a.txt": b"text", "readme.md": b"x"})
    _refused(qdpx, dest, "no .qde")


def test_a_qde_that_is_not_xml_is_refused(tmp_path: Path, dest: Path,
                                          make_qdpx: Callable[..., Path]) -> None:
    _refused(make_qdpx(tmp_path / "bad.qdpx", b"\x89PNG not xml at all"), dest, "not well-formed")
    _refused(make_qdpx(tmp_path / "empty.qdpx", b""), dest, "empty")


def test_a_qde_that_is_not_a_project_is_refused(tmp_path: Path, dest: Path,
                                                make_qdpx: Callable[..., Path]) -> None:
    _refused(make_qdpx(tmp_path / "html.qdpx", "<html><body/></html>"), dest, "not a REFI-QDA")
    codebook = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'
    _refused(make_qdpx(tmp_path / "cb.qdpx", codebook), dest, "codebook")


def test_several_qde_files_are_refused(tmp_path: Path, dest: Path) -> None:
    qdpx = _raw_zip(tmp_path / "two.qdpx", {"a.qde": GOOD_QDE.encode(), "b.qde": GOOD_QDE.encode()})
    _refused(qdpx, dest, "several")


def test_an_existing_target_is_never_overwritten(
    tmp_path: Path, make_qdpx: Callable[..., Path]
) -> None:
    target = tmp_path / "exists.crosscase"
    target.write_bytes(b"precious")
    qdpx = make_qdpx(tmp_path / "ok.qdpx", GOOD_QDE, {f"sources/{G}.txt": "Trust me."})
    with pytest.raises(ProjectOpenError, match="already exists"):
        import_qdpx(qdpx, target)
    assert target.read_bytes() == b"precious"


def test_a_failure_half_way_leaves_nothing_behind(tmp_path: Path, dest: Path, monkeypatch: Any,
                                                  make_qdpx: Callable[..., Path]) -> None:
    from crosscase.exchange.refi import importer

    def boom(self: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer._Reader, "read_sets", boom)
    qdpx = make_qdpx(tmp_path / "ok.qdpx", GOOD_QDE, {f"sources/{G}.txt": "Trust me."})
    before = set(os.listdir(dest.parent))
    with pytest.raises(RuntimeError, match="disk full"):
        import_qdpx(qdpx, dest)
    assert not dest.exists() and set(os.listdir(dest.parent)) == before


def test_a_missing_file_is_refused_in_one_line(tmp_path: Path, dest: Path) -> None:
    with pytest.raises(ImportRefused, match="no such file"):
        import_qdpx(tmp_path / "nowhere.qdpx", dest)
