"""Bad input of every kind gets one clear line, never another exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_fixtures import docx_package, make_pdf, make_zip, odt_package, p

from crosscase.domain.errors import ImportRefused
from crosscase.io import importers
from crosscase.io.importers import archive, extract
from crosscase.io.importers.sniff import OLE2_MAGIC

SUPPORTED = "(supported: txt, docx, pdf, odt, rtf, md, html)"


def refused(name: str, data: bytes | None = None, **kwargs: object) -> str:
    with pytest.raises(ImportRefused) as info:
        extract(Path(name), data=data, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(Path(name).name + ": ")
    return message


def ole2(*streams: str) -> bytes:
    """Enough of an OLE2 compound file to be recognised: the signature and directory names."""
    directory = b"".join(s.encode("utf-16-le").ljust(128, b"\0") for s in ("Root Entry", *streams))
    return OLE2_MAGIC + b"\0" * 504 + directory + b"\0" * 512


@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.pdf", "empty.md"])
def test_zero_byte_files(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(b"")
    assert refused(str(tmp_path / name)) == f"{name}: the file is empty (0 bytes)"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert refused(str(tmp_path / "gone.txt")) == "gone.txt: no such file"
    (tmp_path / "dir.txt").mkdir()
    assert refused(str(tmp_path / "dir.txt")) == "dir.txt: is a folder, not a file"


def test_unknown_extension() -> None:
    assert (
        refused("data.xyz", b"some text") == f"data.xyz: .xyz files cannot be imported {SUPPORTED}"
    )
    assert refused("photo.png", b"\x89PNG\r\n\x1a\n....").startswith("photo.png: .png files")


def test_legacy_word_files() -> None:
    expected = "is a Word 97-2003 file; open it in Word and save it as .docx"
    assert refused("old.doc", ole2("WordDocument", "1Table")) == f"old.doc: {expected}"
    assert refused("renamed.docx", ole2("WordDocument")) == f"renamed.docx: {expected}"
    assert refused("renamed.docm", ole2("WordDocument")) == f"renamed.docm: {expected}"


def test_password_protected_docx() -> None:
    message = refused("locked.docx", ole2("EncryptionInfo", "EncryptedPackage"))
    assert (
        message
        == "locked.docx: is password-protected; remove the password in Word and import again"
    )


def test_other_old_office_files() -> None:
    assert "old Microsoft Office" in refused("sheet.doc", ole2("Workbook"))


@pytest.mark.parametrize("name", ["cut.docx", "cut.odt"])
def test_truncated_zips(name: str) -> None:
    data = (
        docx_package(p("x" * 500)) if name.endswith("docx") else odt_package("<text:p>x</text:p>")
    )
    fmt = name.rsplit(".", 1)[1]
    for cut in (len(data) // 2, len(data) - 10, 30):
        message = refused(name, data[:cut])
        assert message == f"{name}: cannot be read as {fmt} (corrupt or truncated file)"


def test_corrupt_member_in_a_zip() -> None:
    data = bytearray(docx_package(p("some words " * 200)))
    start = data.index(b"word/document.xml") + 40  # inside the compressed XML
    data[start : start + 60] = b"\xff" * 60
    assert "cannot be read as docx" in refused("bad.docx", bytes(data))


def test_zip_that_is_not_a_document() -> None:
    plain = make_zip({"notes/readme.txt": "hello"})
    assert refused("archive.pdf", plain) == (
        "archive.pdf: is a zip archive, not a document; unzip it and import the files inside"
    )
    excel = make_zip({"xl/workbook.xml": "<x/>", "[Content_Types].xml": "<x/>"})
    assert "Excel workbook" in refused("book.docx", excel)


def test_wrong_extensions() -> None:
    assert "cannot be read as pdf" in refused("fake.pdf", b"just some text, not a PDF")
    assert "cannot be read as docx" in refused("fake.docx", b"just some text")
    assert "web page (HTML)" in refused("download.pdf", b"<!DOCTYPE html><p>404</p>")
    assert "is a PNG image" in refused("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    assert "audio or video" in refused("talk.txt", b"\0\0\0\x20ftypM4A " + b"\0" * 50)


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 1024 * 1024)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024))
    assert refused(str(big)) == "big.txt: is 2 MB; the limit for one file is 1 MB"
    assert "limit for one file" in refused("big.txt", b"a" * (2 * 1024 * 1024))


def test_zip_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    huge = "<w:p><w:r><w:t>" + "a" * 400_000 + "</w:t></w:r></w:p>"
    data = docx_package(huge * 30)  # 12 MB of XML that packs to a few KB
    monkeypatch.setattr(archive, "RATIO_APPLIES_ABOVE", 1024 * 1024)
    assert "zip bomb" in refused("bomb.docx", data)
    monkeypatch.setattr(archive, "RATIO_APPLIES_ABOVE", 1 << 40)
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 1024 * 1024)
    assert "zip bomb" in refused("bomb.docx", data)


def test_zip_that_lies_about_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(docx_package(p("word " * 100_000)))
    # shrink the declared sizes of word/document.xml in the central directory and local header
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/document.xml")
    real = info.file_size.to_bytes(4, "little")
    data = bytearray(bytes(data).replace(real, (1000).to_bytes(4, "little")))
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 100_000)
    message = refused("liar.docx", bytes(data))
    assert "cannot be read as docx" in message or "zip bomb" in message


def test_text_in_an_undetectable_encoding() -> None:
    noise = bytes((i * 167 + 13) % 256 for i in range(4000))
    message = refused("noise.txt", noise)
    assert "binary data" in message or "encoding cannot be detected" in message


def test_a_file_of_only_white_space() -> None:
    assert refused("blank.txt", b" \n\r\n\t ") == "blank.txt: no text found in the file"


def valid_files() -> dict[str, bytes]:
    return {
        "a.docx": docx_package(p("Interviewer: hello") + p("P1: hi 😀")),
        "a.odt": odt_package("<text:p>Interviewer: hello</text:p><text:p>P1: hi</text:p>"),
        "a.pdf": make_pdf([["Interviewer: hello", "P1: hi"]]),
        "a.rtf": rb"{\rtf1\ansi Interviewer: hello\par P1: hi\par}",
        "a.html": b"<html><body><p>Interviewer: hello</p><p>P1: hi</p></body></html>",
        "a.md": b"# Title\n\nInterviewer: hello\nP1: hi\n",
        "a.txt": "Interviewer: hello\nP1: hi 😀\n".encode(),
    }


VALID = valid_files()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(VALID)),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=8)), min_size=1, max_size=6
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_fuzzed_files_only_ever_give_import_refused(
    name: str, edits: list[tuple[float, bytes]], cut: float | None
) -> None:
    data = bytearray(VALID[name])
    for where, replacement in edits:
        i = int(where * (len(data) - 1))
        data[i : i + len(replacement)] = replacement
    if cut is not None:
        data = data[: int(cut * len(data))]
    try:
        result = extract(Path(name), data=bytes(data))
    except ImportRefused as exc:
        assert str(exc).startswith(name + ": ") and "\n" not in str(exc)
    else:
        result.check()


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=1, max_size=2000), name=st.sampled_from(sorted(VALID)))
def test_random_bytes_under_every_name(data: bytes, name: str) -> None:
    try:
        extract(Path(name), data=data).check()
    except ImportRefused as exc:
        assert str(exc).startswith(name + ": ")


def test_an_unrecognisable_legacy_file_named_doc_is_taken_for_word() -> None:
    from pathlib import Path

    import pytest

    from crosscase.domain.errors import ImportRefused
    from crosscase.io.importers import extract

    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(ImportRefused, match=r"minutes\.doc: is a Word 97-2003 file; .* save it as \.docx"):
        extract(Path("minutes.doc"), data=data)
