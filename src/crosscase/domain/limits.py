"""Every limit Crosscase sets on what it reads, in one place.

Real files never come near these; hostile or broken ones do, and each limit
turns what would be a crash, a hang or a memory blow-up into one clear line
that names the file and the limit.
"""

from __future__ import annotations

#: levels of codes below the top of a codebook (QDPX, QDC, JSON, or made by hand);
#: real codebooks use three or four
MAX_CODE_DEPTH = 64

MiB = 1024**2
GiB = 1024**3

# -- files of rows ------------------------------------------------------------------

#: a ``code --from`` file (CSV or JSON rows); a million rows take about 100 MiB
MAX_ROWS_FILE_BYTES = 256 * MiB

# -- archives: QDPX projects and QDC codebooks (exchange/refi/archive.py) ----------------

#: everything read from one QDPX archive together, uncompressed (the project
#: file and every source); an archive that declares more is refused before reading
QDPX_MAX_TOTAL_BYTES = 1 * GiB
#: the project XML (``project.qde``) or a codebook (``.qdc``) parsed into memory;
#: a tree in memory takes ten to twenty times its XML's size
QDPX_MAX_XML_BYTES = 64 * MiB
#: one large member may unpack to at most this many times its packed size ...
QDPX_MAX_RATIO = 200.0
#: ... unless it is this small (small members compress well and are harmless)
QDPX_RATIO_EXEMPT_BYTES = 1 * MiB
#: the whole archive may unpack to at most this many times its packed size, once
#: it unpacks to more than QDPX_TOTAL_RATIO_ABOVE (many small members that each
#: pass the member check add up)
QDPX_MAX_TOTAL_RATIO = 100.0
QDPX_TOTAL_RATIO_ABOVE = 32 * MiB
#: files in one archive
QDPX_MAX_MEMBERS = 200_000

# -- document packages: docx, odt (io/importers/archive.py) --------------------------

#: one member of a document package, uncompressed
PACKAGE_MAX_MEMBER_BYTES = 256 * MiB
#: all members read from one package together, uncompressed
PACKAGE_MAX_TOTAL_BYTES = 512 * MiB
#: one XML part parsed into memory (``word/document.xml``, ``content.xml``);
#: a 1,000-page book's document.xml is about 20 MiB
PACKAGE_MAX_XML_BYTES = 64 * MiB
#: a member over PACKAGE_RATIO_APPLIES_ABOVE may unpack to at most this many
#: times its packed size
PACKAGE_MAX_RATIO = 200
PACKAGE_RATIO_APPLIES_ABOVE = 8 * MiB
#: the members read together may unpack to at most this many times their packed
#: size, once they unpack to more than PACKAGE_TOTAL_RATIO_ABOVE
PACKAGE_MAX_TOTAL_RATIO = 100
PACKAGE_TOTAL_RATIO_ABOVE = 32 * MiB


def size_text(n: int) -> str:
    """A byte count as a person reads it: ``64 MiB``, ``1 GiB``, ``512 KiB``."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value >= 10 or value.is_integer() else f"{value:.1f} {unit}"
    return f"{n} bytes"

#: seconds a command waits for SQLite's lock while another program (a database
#: browser, a sync client) holds it, before saying the project is busy; Crosscase's
#: own writers hold it for milliseconds
LOCK_WAIT_SECONDS = 3.0

#: seconds the workbench waits between tries while another program holds the lock
BUSY_RETRY_SECONDS = 2.0

#: a temporary file of Crosscase's own naming (an export's or an import's ``.part``,
#: a report's ``.tmp``) that no process holds a lock on is removed on the next run once
#: it is this many seconds old; a killed import's temporary project, whose lock shows
#: that nobody writes it, is removed at once
STALE_TEMPORARY_SECONDS = 600

# --- PDF (crosscase.io.importers.pdf) ----------------------------------------------

#: bytes one PDF stream may decode to (FlateDecode, LZW, RunLength, ASCII85 ...);
#: a dense page's content is well under 1 MiB, an embedded CJK font some 20 MiB
MAX_PDF_STREAM_BYTES = 64 * MiB
#: bytes all the streams of one PDF may decode to, together, in one process
MAX_PDF_DECODED_BYTES = 256 * MiB
#: bytes of content (page and form streams, each time a form is drawn) one page may run;
#: pdfminer interprets about half a mebibyte of operators a second
MAX_PDF_PAGE_CONTENT_BYTES = 8 * MiB
#: characters on one page; a dense page of small print has some 6,000
MAX_PDF_PAGE_CHARS = 200_000
#: lines, curves, rectangles and images on one page
MAX_PDF_PAGE_GRAPHICS = 200_000
#: text boxes on one page that pdfminer orders by its hierarchical grouping (whose work
#: grows with the cube of their number); a page with more is read in plain top-to-bottom,
#: left-to-right order of its boxes instead
MAX_PDF_PAGE_TEXT_BOXES = 400

# --- parallel extraction (crosscase.io.importers.parallel) --------------------------

#: a PDF with at least this many pages is laid out in worker processes
PARALLEL_PDF_MIN_PAGES = 8
#: worker processes at most (one fewer than the machine's cores, the importing process
#: being the last one)
MAX_IMPORT_WORKERS = 8

# --- memory -------------------------------------------------------------------------

#: peak Python memory of one file's extract() (in one process) is at most this many times
#: the larger of the file's size and its extracted text's size in UTF-8
#: (tests/io/importers/test_import_memory.py). Text and Word files need about 5; a PDF
#: about 18 at 50 pages, less as it grows, most of it one page's layout, which the page
#: limits above bound
IMPORT_PEAK_MEMORY_FACTOR = 24
