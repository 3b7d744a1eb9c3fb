"""Hostile PDFs: decompression bombs and pages that would cost without bound are
refused with one line naming the file and the page, quickly and in bounded memory."""

from __future__ import annotations

import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from crosscase.domain.errors import ImportRefused
from crosscase.io.importers import extract, parallel, pdfread


def build_pdf(contents: list[bytes], *, filters: list[bytes | None] | None = None) -> bytes:
    """A PDF by hand: one page per content stream (given decoded, unless a filter is
    named, then given encoded), Helvetica as F1."""
    filters = filters or [None] * len(contents)
    n = len(contents)
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objs.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n))
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, (content, filt) in enumerate(zip(contents, filters, strict=True)):
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        extra = b" /Filter /%s" % filt if filt else b""
        objs.append(
            b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        xref,
    )
    return bytes(out)


def text_page(line: str) -> bytes:
    return b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % line.encode("latin-1")


def flate_bomb(size: int) -> bytes:
    """FlateDecode data that inflates to ``size`` bytes of spaces."""
    z = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [z.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(z.flush())
    return b"".join(parts)


def refusal(data: bytes, name: str = "hostile.pdf") -> str:
    with pytest.raises(ImportRefused) as exc:
        extract(Path(name), data=data)
    return str(exc.value)


def test_a_flate_bomb_is_refused_naming_the_file_and_page_in_bounded_memory() -> None:
    data = build_pdf(
        [text_page("First page."), flate_bomb(200 * 1024 * 1024)],
        filters=[None, b"FlateDecode"],
    )
    assert len(data) < 400_000  # a few hundred kilobytes that would inflate to 200 MiB
    tracemalloc.start()
    try:
        message = refusal(data, "bomb.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.startswith("bomb.pdf: page 2: ")
    assert "64 MiB" in message and "stream" in message
    assert "\n" not in message
    assert peak < 100 * 1024 * 1024


def test_streams_that_together_inflate_past_the_document_limit_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdfread, "MAX_PDF_STREAM_BYTES", 3 * 1024 * 1024)
    monkeypatch.setattr(pdfread, "MAX_PDF_DECODED_BYTES", 5 * 1024 * 1024)
    pages = [b"BT /F1 12 Tf 72 700 Td (Page.) Tj ET " + b" " * (2 * 1024 * 1024)] * 4
    data = build_pdf([zlib.compress(p) for p in pages], filters=[b"FlateDecode"] * 4)
    message = refusal(data)
    assert message.startswith("hostile.pdf: page 3: ") and "for one PDF" in message


@pytest.mark.parametrize("kind", ["RunLengthDecode", "ASCIIHexDecode"])
def test_other_filters_are_bounded_too(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.setattr(pdfread, "MAX_PDF_STREAM_BYTES", 1024 * 1024)
    if kind == "RunLengthDecode":
        encoded = b"\x81 " * 20_000 + b"\x80"  # 128 spaces per two bytes: 2.5 MiB
    else:
        encoded = (b" " * (3 * 1024 * 1024)).hex().encode() + b">"
    message = refusal(build_pdf([encoded], filters=[kind.encode()]))
    assert message.startswith("hostile.pdf: page 1: ") and "1 MiB" in message


def test_a_page_of_one_enormous_string_is_refused_quickly() -> None:
    content = b"BT /F1 12 Tf 72 700 Td (" + b"A" * 4_000_000 + b") Tj ET"
    data = build_pdf(
        [text_page("Fine."), zlib.compress(content)], filters=[None, b"FlateDecode"]
    )
    start = time.perf_counter()
    message = refusal(data, "string.pdf")
    assert time.perf_counter() - start < 30
    assert message.startswith("string.pdf: page 2: ") and "200,000 characters" in message


def test_a_page_that_runs_too_much_content_is_refused() -> None:
    content = b"q Q\n" * (9 * 1024 * 1024 // 4)
    message = refusal(build_pdf([zlib.compress(content)], filters=[b"FlateDecode"]))
    assert message.startswith("hostile.pdf: page 1: ") and "8 MiB of content" in message


def test_a_form_drawn_over_and_over_counts_each_time() -> None:
    # a form of 100 KiB drawn 100 times is 10 MiB of content for the page
    form = b"q Q\n" * 25_600
    page = b"/X1 Do\n" * 100
    data = build_pdf([page])
    # give the page a form XObject: rewrite the resources and append the form object
    data = data.replace(
        b"/Resources << /Font << /F1 3 0 R >> >>",
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >>",
    )
    head, _, _ = data.partition(b"xref\n")
    obj = (
        b"6 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length %d >>\n"
        b"stream\n" % len(form) + form + b"\nendstream\nendobj\n"
    )
    body = head + obj
    offsets = [body.index(b"%d 0 obj\n" % i) for i in range(1, 7)]
    xref = len(body)
    body += b"xref\n0 7\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    message = refusal(bytes(body))
    assert message.startswith("hostile.pdf: page 1: ") and "content" in message


def test_thousands_of_scattered_words_are_read_in_plain_order_not_for_minutes() -> None:
    words = [f"w{i}" for i in range(1500)]
    content = b"BT /F1 4 Tf " + b"".join(
        b"1 0 0 1 %d %d Tm (%s) Tj " % ((i * 37) % 560 + 20, (i * 53) % 740 + 20, w.encode())
        for i, w in enumerate(words)
    ) + b" ET"
    start = time.perf_counter()
    result = extract(Path("scatter.pdf"), data=build_pdf([content]))
    assert time.perf_counter() - start < 30
    assert sorted(result.text.split()) == sorted(words)


def test_decoding_outside_an_import_is_pdfminers_own() -> None:
    from pdfminer.high_level import extract_text

    pdfread.install()
    data = build_pdf([zlib.compress(text_page("Plain pdfminer."))], filters=[b"FlateDecode"])
    import io

    assert extract_text(io.BytesIO(data)).strip() == "Plain pdfminer."


def test_a_limit_passed_in_a_worker_process_names_the_page() -> None:
    pages = [text_page(f"Page {i} of the report.") for i in range(10)]
    pages[8] = zlib.compress(b"BT /F1 12 Tf 72 700 Td (" + b"A" * 400_000 + b") Tj ET")
    filters: list[bytes | None] = [None] * 10
    filters[8] = b"FlateDecode"
    data = build_pdf(pages, filters=filters)
    with parallel.workers(1) as pool:
        message = refusal(data, "long.pdf")
        assert pool.processes == 1
    assert message.startswith("long.pdf: page 9: ")
