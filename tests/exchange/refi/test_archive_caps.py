"""Archives that pass the per-member checks but would still blow up memory or
disk: many small members that each expand 1 MiB, a project XML far larger than
any real one. Each is refused quickly, with a line that says which limit."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from crosscase.domain import limits
from crosscase.domain.errors import ImportRefused
from crosscase.exchange.refi import Limits, import_qdpx
from crosscase.exchange.refi.archive import Archive

G = "7A1C2B3D-0000-4000-8000-00000000D001"
QDE = (
    '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
    f'<Sources><TextSource guid="{G}" name="One" plainTextPath="internal://{G}.txt"/></Sources>'
    "</Project>"
)


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def refused(file: Path, tmp_path: Path, **kw: object) -> str:
    out_dir = tmp_path / "projects"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / "new.crosscase"
    t0 = time.monotonic()
    with pytest.raises(ImportRefused) as err:
        import_qdpx(file, out, **kw)  # type: ignore[arg-type]
    assert time.monotonic() - t0 < 10
    message = str(err.value)
    assert "\n" not in message and message.startswith(file.name)
    assert os.listdir(out_dir) == []
    return message


def test_many_small_members_that_each_expand_a_mebibyte(tmp_path: Path) -> None:
    one_mib = b"\0" * limits.MiB  # each passes the member check: not over 1 MiB
    members = {"project.qde": QDE.encode()}
    members.update({f"sources/pad{n:04}.txt": one_mib for n in range(80)})
    qdpx = write_zip(tmp_path / "many.qdpx", members)
    assert qdpx.stat().st_size < 200_000
    message = refused(qdpx, tmp_path)
    assert "times its packed size" in message and "limit for a whole archive" in message


def test_total_read_is_capped_even_when_the_ratio_is_low(tmp_path: Path) -> None:
    rnd = os.urandom(300_000)
    members = {"project.qde": QDE.encode(), f"sources/{G}.txt": rnd, "sources/b.bin": rnd}
    qdpx = write_zip(tmp_path / "big.qdpx", members)
    message = refused(qdpx, tmp_path, limits=Limits(max_total_bytes=500_000))
    assert "limit for everything read from one archive" in message


def test_project_xml_over_the_xml_limit(tmp_path: Path) -> None:
    filler = "<!-- " + "x" * 2_000_000 + " -->"
    qde = QDE.replace("</Project>", filler + "</Project>").encode()
    qdpx = write_zip(tmp_path / "huge.qdpx", {"project.qde": qde})
    message = refused(qdpx, tmp_path, limits=Limits(max_xml_bytes=1 << 20, max_ratio=1e9,
                                                    max_total_ratio=1e9))
    assert "1 MiB limit for XML read from an archive" in message and "project.qde" in message


def test_project_xml_that_lies_about_its_size_is_stopped_at_the_cap(tmp_path: Path) -> None:
    big = (QDE.replace("</Project>", "<!--" + "y" * 3_000_000 + "--></Project>")).encode()
    qdpx = write_zip(tmp_path / "liar.qdpx", {"project.qde": big})
    data = bytearray(qdpx.read_bytes())
    # rewrite the declared uncompressed size in the local and central headers to 1000
    real = len(big).to_bytes(4, "little")
    assert data.count(real) == 2
    data = bytearray(bytes(data).replace(real, (1000).to_bytes(4, "little")))
    qdpx.write_bytes(bytes(data))
    arc = Archive(qdpx, Limits(max_xml_bytes=1 << 20, max_ratio=1e9, max_total_ratio=1e9))
    with pytest.raises(ImportRefused, match="limit|declared size|damaged"):
        arc.qde()
    arc.close()


def test_loose_qde_over_the_xml_limit(tmp_path: Path) -> None:
    qde = tmp_path / "loose.qde"
    qde.write_text(QDE.replace("</Project>", "<!--" + "z" * 300_000 + "--></Project>"))
    message = refused(qde, tmp_path, limits=Limits(max_xml_bytes=100_000))
    assert "limit for XML read from an archive" in message


def test_default_limits_come_from_domain_limits() -> None:
    d = Limits()
    assert d.max_total_bytes == limits.QDPX_MAX_TOTAL_BYTES
    assert d.max_xml_bytes == limits.QDPX_MAX_XML_BYTES
    assert d.max_ratio == limits.QDPX_MAX_RATIO
    assert d.max_total_ratio == limits.QDPX_MAX_TOTAL_RATIO
    assert d.max_members == limits.QDPX_MAX_MEMBERS
