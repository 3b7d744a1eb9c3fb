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
