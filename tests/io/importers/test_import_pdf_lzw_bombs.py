"""PDF bombs the flate tests do not reach: an LZWDecode stream that expands past
the limit, and a bomb inside an object stream or a cross-reference stream, which
pdfminer decodes while opening the document, before any page. Each is refused
with one line naming the file."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from pdfminer.lzw import lzwdecode
from test_import_pdf_limits import build_pdf, flate_bomb

from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import extract, pdfread

MiB = 1024 * 1024


def lzw_encode(data: bytes) -> bytes:
    """``data`` as PDF's LZWDecode reads it (ISO 32000-1, 7.4.4): codes of 9 to 12
    bits, most significant bit first, starting with a clear-table code (256) and
    ending with end-of-data (257). With EarlyChange 1, the default, the code
    after the creation of table entry 511 is the first 10 bits long (1023: 11,
    2047: 12); after entry 4095 a clear-table code starts the table again."""
    out = bytearray()
    acc = n_acc = 0
    width = 9

    def emit(code: int) -> None:
        nonlocal acc, n_acc
        acc = (acc << width) | code
        n_acc += width
        while n_acc >= 8:
            n_acc -= 8
            out.append((acc >> n_acc) & 0xFF)
        acc &= (1 << n_acc) - 1

    table: dict[tuple[int, int], int] = {}  # (prefix code, next byte) -> code
    next_code = 258
    emit(256)
    prefix = -1
    for byte in data:
        if prefix < 0:
            prefix = byte
            continue
        known = table.get((prefix, byte))
        if known is not None:
            prefix = known
            continue
        emit(prefix)
        table[(prefix, byte)] = next_code
        next_code += 1
        if next_code == 1 << width:  # entry 511, 1023, 2047 or 4095 was just made
            if width == 12:
                emit(256)
                table.clear()
                next_code, width = 258, 9
            else:
                width += 1
        prefix = byte
    if prefix >= 0:
        emit(prefix)
    emit(257)
    if n_acc:
        out.append((acc << (8 - n_acc)) & 0xFF)
    return bytes(out)


def refusal(data: bytes, name: str = "hostile.pdf") -> str:
    with pytest.raises(ImportRefused) as exc:
        extract(Path(name), data=data)
    message = str(exc.value)
    assert "\n" not in message and "Error" not in message
    return message


def test_the_lzw_encoder_is_the_one_pdf_describes() -> None:
    # the example of ISO 32000-1, 7.4.4.2: "-----A---B" is 45 258 258 65 259 66 257
    assert lzw_encode(b"-----A---B") == bytes.fromhex("800B6050220C0C8501")
    # pdfminer's decoder reads it back through every code width and table reset
    long_text = bytes(range(256)) * 40 + b"ab" * 30_000 + b" " * 200_000 + bytes(range(7, 250))
    assert lzwdecode(lzw_encode(long_text)) == long_text


def test_an_lzw_bomb_is_refused_naming_the_file_and_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdfread, "MAX_PDF_STREAM_BYTES", 1 * MiB)
    page = b"BT /F1 12 Tf 72 700 Td (Fine.) Tj ET"
    bomb = lzw_encode(b" " * (3 * MiB))
    assert len(bomb) < 40_000  # some 30 KB that would expand to 3 MiB
    data = build_pdf([page, bomb], filters=[None, b"LZWDecode"])
    message = refusal(data, "lzw.pdf")
    assert message.startswith("lzw.pdf: page 2: ") and "1 MiB" in message


def test_an_lzw_stream_within_the_limit_is_read() -> None:
    content = b"BT /F1 12 Tf 72 700 Td (Read through LZW.) Tj ET"
    data = build_pdf([lzw_encode(content)], filters=[b"LZWDecode"])
    assert "Read through LZW." in extract(Path("fine.pdf"), data=data).text


def pdf_with_streams(*, object_stream: bytes | None, xref_filter: bytes = b"FlateDecode",
                     xref_bomb: bytes | None = None) -> bytes:
    """A PDF 1.5 whose catalog and page tree live in an object stream (given
    encoded, FlateDecode) and whose cross-reference table is a stream; either
    may be replaced by a bomb."""
    page = b"BT /F1 12 Tf 72 700 Td (Hidden.) Tj ET"
    inner = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
        b"/BaseFont /Helvetica >> >> >> >>",
    ]
    header, body, pos = b"", b"", 0
    for num, obj in zip((1, 2, 3), inner, strict=True):
        header += b"%d %d " % (num, pos)
        body += obj + b" "
        pos += len(obj) + 1
    decoded = header + body
    encoded = object_stream if object_stream is not None else zlib.compress(decoded)
    out = bytearray(b"%PDF-1.5\n")
    offsets: dict[int, int] = {}
    offsets[4] = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length %d /Filter /FlateDecode >>\n"
            b"stream\n" % (len(header), len(encoded)) + encoded + b"\nendstream\nendobj\n")
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00\x00\x00\x00\xff\xff"]  # 0: free
    rows += [b"\x02" + (4).to_bytes(4, "big") + bytes([i]) for i in range(3)]  # 1-3: in 4
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00" for n in (4, 5)]
    rows += [b"\x01" + xref_at.to_bytes(4, "big") + b"\x00"]  # 6: this stream
    table = xref_bomb if xref_bomb is not None else zlib.compress(b"".join(rows))
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Root 1 0 R /Length %d "
            b"/Filter /%s >>\nstream\n" % (len(table), xref_filter)
            + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def test_the_stream_built_pdf_reads_when_nothing_is_hostile() -> None:
    assert "Hidden." in extract(Path("fine.pdf"), data=pdf_with_streams(object_stream=None)).text


@pytest.mark.parametrize("where", ["object stream", "cross-reference stream",
                                   "cross-reference stream, LZW"])
def test_a_bomb_opened_with_the_document_is_refused_in_one_line_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setattr(pdfread, "MAX_PDF_STREAM_BYTES", 1 * MiB)
    if where == "object stream":
        data = pdf_with_streams(object_stream=flate_bomb(4 * MiB))
    elif where == "cross-reference stream":
        data = pdf_with_streams(object_stream=None, xref_bomb=flate_bomb(4 * MiB))
    else:
        data = pdf_with_streams(object_stream=None, xref_filter=b"LZWDecode",
                                xref_bomb=lzw_encode(b"\x00" * (3 * MiB)))
    message = refusal(data, "opened.pdf")
    assert message.startswith("opened.pdf: ") and "1 MiB" in message, message
