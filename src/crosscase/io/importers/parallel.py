"""Worker processes for extraction: the pages of a long PDF, the files of a folder.

pdfminer.six and python-docx are pure Python, so one import uses one core.
:class:`Workers` is a pool of worker processes of our own Python (started by
the ``forkserver`` method where there is one, else ``spawn``, never a plain
``fork``: the workbench runs Qt and Python threads, which a forked child
would inherit half-way). :func:`ordered` shares a list of jobs between the
pool and the calling process, which takes jobs itself instead of waiting, and
hands the results back in the order of the jobs, so

* the pages of a PDF of at least
  :data:`~crosscase.domain.limits.PARALLEL_PDF_MIN_PAGES` pages are laid out
  in parallel and merged in page order before running headers are found and
  paragraphs joined over page breaks (the text is the same as read in one
  process), and
* the files of a batch are extracted in parallel while the caller stores
  each in its own transaction, in order (:func:`extract_files`).

The pool has one process fewer than the machine has cores (the calling
process works too), at most :data:`~crosscase.domain.limits.MAX_IMPORT_WORKERS`;
on one core nothing is started. A pool is started on its first job (a batch
import asks for it as the batch begins), so a small import never pays for it. Cancel (through
:class:`~crosscase.domain.progress.Progress`) drops the queued jobs and ends
the worker processes; closing the pool always shuts them down.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from crosscase.domain.errors import Cancelled
from crosscase.domain.extract import Extracted
from crosscase.domain.limits import MAX_IMPORT_WORKERS
from crosscase.domain.progress import Progress

J = TypeVar("J")
R = TypeVar("R")

#: modules the forkserver loads once, so that each worker starts ready to read
_PRELOAD = [
    "crosscase.io.importers",
    "crosscase.io.importers.parallel",
    "crosscase.io.importers.pdf",
    "crosscase.io.importers.pdfread",
    "crosscase.io.importers.word",
    "crosscase.io.importers.text",
]

_in_worker = False
_serial: ContextVar[bool] = ContextVar("crosscase_serial", default=False)
_active: ContextVar[Workers | None] = ContextVar("crosscase_workers", default=None)
_pages_progress: ContextVar[Progress | None] = ContextVar("crosscase_pages", default=None)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_processes() -> int:
    """Worker processes for this machine: one fewer than its cores, at least none."""
    return max(0, min(MAX_IMPORT_WORKERS, cores() - 1))


def _main_imports() -> list[str]:
    """The modules the program's script imports at its top level.

    Each worker runs the script again (not its ``if __name__ == "__main__"``
    part) as it starts, as multiprocessing does for a script; the fork server
    was meant to import the script once for all of them but on Python 3.11 it
    never does, so a worker of the command line or the workbench imported
    their whole stack anew, taking a good part of a second. Imported once in
    the fork server, they are already there when a worker runs the script.
    """
    import ast

    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not path:
        return []
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(200_000))
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return [n for n in names if n != "__main__"]


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD + [n for n in _main_imports() if n not in _PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")


def _init_worker(importer: int) -> None:
    global _in_worker
    _in_worker = True
    # Ctrl-C in a terminal reaches the whole process group: the importing process
    # cancels and ends the workers, which must not print tracebacks of their own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_end_with, args=(importer,), name="crosscase-importer-watch", daemon=True
    ).start()


def _end_with(importer: int) -> None:
    """End this worker when the importing process ends, however it ends.

    A worker waits for jobs on a queue whose both ends it holds, so it would never
    notice that the importing process was killed (SIGKILL, a crash) and would live
    on, keeping the fork server alive too.
    """
    try:
        fd = os.pidfd_open(importer)  # Linux: readable once the process has ended
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        os._exit(0)
    while True:
        time.sleep(1.0)
        try:
            os.kill(importer, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


class Workers:
    """A pool of worker processes, started in the background on the first job offered
    (the caller goes on working alone meanwhile) and shut down by :meth:`close`."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = default_processes() if processes is None else processes
        self._pool: ProcessPoolExecutor | None = None
        self._starter: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def usable(self) -> bool:
        return self.processes > 0 and not _in_worker and not _serial.get()

    @property
    def started(self) -> bool:
        return self._pool is not None

    def ready(self) -> bool:
        """Whether the pool takes jobs now; the first call starts it in the background
        (starting the fork server and a process takes a good part of a second)."""
        if self._ready.is_set():
            return self._pool is not None
        if self._starter is None and self.usable:
            self._starter = threading.Thread(
                target=self._start, name="crosscase-workers", daemon=True
            )
            self._starter.start()
        return False

    def _start(self) -> None:
        try:
            pool = ProcessPoolExecutor(
                self.processes,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
            pool.submit(_nothing).result()
        except Exception:  # noqa: BLE001 - no workers: the caller works alone
            self._ready.set()
            return
        self._pool = pool
        self._ready.set()

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        """Run ``fn(*args)`` in the pool (starting it first, and waiting for that,
        if :meth:`ready` was not asked)."""
        if not self.ready():
            assert self._starter is not None
            self._starter.join()
        if self._pool is None:
            raise RuntimeError("the worker processes could not be started")
        return self._pool.submit(fn, *args)

    def close(self, *, cancel: bool = False) -> None:
        """Shut the pool down: wait for the running jobs, or with ``cancel`` drop
        the queued ones and end the worker processes at once."""
        if self._starter is not None:
            self._starter.join()
        pool, self._pool, self._starter = self._pool, None, None
        self._ready.clear()
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True, cancel_futures=True)
            return
        # ProcessPoolExecutor has no public way to end its processes before 3.14
        known = getattr(pool, "_processes", None)
        processes = list(known.values()) if isinstance(known, dict) else []
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.close(cancel=exc is not None)


@contextmanager
def workers(processes: int | None = None) -> Iterator[Workers]:
    """A pool for the work inside the block (the readers find it by :func:`active`);
    shut down at the end, its processes ended at once if the block raised."""
    pool = Workers(processes)
    token = _active.set(pool)
    try:
        with pool:
            yield pool
    finally:
        _active.reset(token)


def active() -> Workers | None:
    """The pool of the enclosing :func:`workers` block, if it may be used here."""
    pool = _active.get()
    return pool if pool is not None and pool.usable else None


def may_start() -> bool:
    """Whether a reader with no :func:`active` pool may start one of its own."""
    return not _in_worker and not _serial.get() and default_processes() > 0


@contextmanager
def serial() -> Iterator[None]:
    """Everything inside the block runs in this process (tests that measure memory)."""
    token = _serial.set(True)
    try:
        yield
    finally:
        _serial.reset(token)


@contextmanager
def reporting_pages(progress: Progress | None) -> Iterator[None]:
    """Readers of long documents inside the block report each page to ``progress``
    (and stop when it is cancelled)."""
    token = _pages_progress.set(progress)
    try:
        yield
    finally:
        _pages_progress.reset(token)


def pages_progress() -> Progress | None:
    return _pages_progress.get()


class LinkedProgress(Progress):
    """Progress of one file's pages inside a batch: shown as the batch's label,
    cancelled with the batch."""

    def __init__(self, batch: Progress, name: str) -> None:
        super().__init__()
        self._batch = batch
        self._name = name
        self.on_change = self._forward

    def check(self) -> None:
        self._batch.check()
        super().check()

    def _forward(self, p: Progress) -> None:
        self._batch.label = f"{self._name}: page {p.done} of {p.total}"
        if self._batch.on_change is not None:
            self._batch.on_change(self._batch)


# --- sharing jobs between the pool and this process ---------------------------------


@dataclass
class Outcome(Generic[R]):
    """A job's result, or what it raised."""

    value: R | None = None
    error: BaseException | None = None

    def get(self) -> R:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def _here(fn: Callable[[J], R], job: J) -> Outcome[R]:
    try:
        return Outcome(fn(job))
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - handed to the caller in order
        return Outcome(error=exc)


def ordered(
    jobs: Sequence[J],
    run_here: Callable[[J], R],
    send: Callable[[J], tuple[Callable[..., R], tuple[Any, ...]]],
    pool: Workers,
    *,
    window: int | None = None,
    check: Callable[[], None] | None = None,
) -> Iterator[Outcome[R]]:
    """Each job's outcome, in the order of ``jobs``.

    The pool runs ``fn(*args)`` for ``fn, args = send(job)``; this process
    runs ``run_here(job)`` on the first job nobody has taken whenever the next
    outcome is not ready, so it never idles while there is work, and the pool
    only speeds things up. At most ``window`` jobs past the next outcome are
    taken (bounding the results held), at most two for each worker are handed
    to the pool at once. ``check`` is called before each job this process takes
    (raise :class:`Cancelled` there to stop: queued jobs are dropped and the
    pool's processes ended). A pool that breaks (a worker killed) leaves its
    jobs to this process.
    """
    n = len(jobs)
    window = n if window is None else max(1, window)
    futures: dict[int, Future[R]] = {}
    here: dict[int, Outcome[R]] = {}
    next_out = 0  # the next outcome to hand back
    next_free = 0  # every job before it is taken
    broken = not pool.usable
    finished = False
    alive = False  # a worker has answered
    dropped: list[Future[R]] = []  # jobs done here while the pool was starting

    def top_up() -> None:
        nonlocal next_free, broken
        if broken or not pool.ready():
            return
        running = sum(1 for f in (*futures.values(), *dropped) if not f.done())
        # two jobs a worker: the next one waits in its queue, as this process notices
        # a finished job only between jobs of its own
        while running < 2 * pool.processes and next_free < min(n, next_out + window + 1):
            if next_free == next_out and next_out not in futures:
                break  # this process takes the next outcome's job itself
            fn, args = send(jobs[next_free])
            try:
                futures[next_free] = pool.submit(fn, *args)
            except (BrokenProcessPool, RuntimeError, OSError):
                broken = True
                return
            next_free += 1
            running += 1

    try:
        while next_out < n:
            if next_out in here:
                yield here.pop(next_out)
                next_out += 1
                continue
            future = futures.get(next_out)
            if not alive:
                alive = any(f.done() and not f.cancelled() for f in (*futures.values(), *dropped))
            if future is not None and future.done():
                del futures[next_out]
                error = future.exception() if not future.cancelled() else None
                if future.cancelled() or isinstance(error, BrokenProcessPool):
                    broken = True
                    if check is not None:
                        check()
                    yield _here(run_here, jobs[next_out])
                elif error is not None:
                    yield Outcome(error=error)
                else:
                    yield Outcome(future.result())
                next_out += 1
                continue
            if check is not None:
                check()
            if next_free == next_out or (
                next_free < min(n, next_out + window + 1) and (broken or future is not None)
            ):
                job = next_free
                next_free += 1
                top_up()
                here[job] = _here(run_here, jobs[job])
                continue
            if not alive:
                # no worker has answered yet (they may still be starting): rather
                # than wait, do the job here too and drop the pool's answer
                assert future is not None
                dropped.append(futures.pop(next_out))
                here[next_out] = _here(run_here, jobs[next_out])
                continue
            top_up()
            pending = [f for f in futures.values() if not f.done()]
            if pending:
                wait(pending, return_when=FIRST_COMPLETED)
        finished = True
    finally:
        for f in (*futures.values(), *dropped):
            f.cancel()
        if not finished and pool.started:
            pool.close(cancel=True)  # cancelled or failed: end the workers now


# --- the files of a batch ----------------------------------------------------------


_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    """Words in ``text``: runs of letters, digits and underscores."""
    return sum(1 for _ in _WORD.finditer(text))


@dataclass
class Extraction:
    """A file's extraction with what storing it needs besides: counted and hashed
    where it was extracted (a worker process, when there is one)."""

    extracted: Extracted
    words: int
    text_sha256: str


def counted(text: str) -> tuple[int, str]:
    """A document text's word count and the sha256 of its UTF-8 (what is stored with it)."""
    return word_count(text), hashlib.sha256(text.encode("utf-8")).hexdigest()


def _extraction(extracted: Extracted) -> Extraction:
    return Extraction(extracted, *counted(extracted.text))


@dataclass
class Prepared:
    """One file of a batch: its bytes (or why they could not be read) and, unless
    it was not wanted, its extraction (or why it was refused)."""

    path: Path
    data: bytes | None = None
    read_error: OSError | None = None
    wanted: bool = True
    outcome: Outcome[Extraction | None] | None = None
    password: str | None = None
    digest: str | None = None  # sha256 of the bytes, once read

    def read(self) -> bytes:
        """The file's bytes, or the :class:`OSError` reading them raised."""
        if self.read_error is not None:
            raise self.read_error
        assert self.data is not None
        return self.data

    def extraction(self) -> Extraction:
        """The extraction (done now if it was not wanted before), or its refusal."""
        if self.outcome is not None:
            result = self.outcome.get()
            if result is not None:
                return result
        from crosscase.io.importers import extract

        return _extraction(extract(self.path, password=self.password, data=self.read()))


def _extract_file(path: str, data: bytes, password: str | None) -> Extraction:
    from crosscase.io.importers import extract

    return _extraction(extract(Path(path), password=password, data=data))


def _nothing() -> None:
    return None


def extract_files(
    paths: Sequence[Path],
    *,
    password: str | None = None,
    wanted: Callable[[Path, str], bool] | None = None,
    check: Callable[[], None] | None = None,
    pool: Workers | None = None,
) -> Generator[Prepared, None, None]:
    """Read and extract ``paths``, in parallel where a usable pool is given, handing
    each back in order. Each file is read (and its sha256 taken) here, when its
    turn to be extracted comes; ``wanted(path, digest)`` says whether it is worth
    extracting (a duplicate is not); ``check`` may raise :class:`Cancelled`
    between files."""
    from crosscase.io.importers import extract

    items: dict[int, Prepared] = {}

    def take(i: int) -> Prepared:
        item = items.get(i)
        if item is None:
            item = items[i] = Prepared(paths[i], password=password)
            try:
                item.data = item.path.read_bytes()
            except OSError as exc:
                item.read_error = exc
            else:
                item.digest = hashlib.sha256(item.data).hexdigest()
                item.wanted = wanted is None or wanted(item.path, item.digest)
        return item

    def run_here(i: int) -> Extraction | None:
        item = take(i)
        if item.read_error is not None or not item.wanted:
            return None
        return _extraction(extract(item.path, password=password, data=item.data))

    def send(i: int) -> tuple[Callable[..., Extraction | None], tuple[Any, ...]]:
        item = take(i)
        if item.read_error is not None or not item.wanted:
            return _nothing, ()
        return _extract_file, (str(item.path), item.data, password)

    if pool is None or not pool.usable or len(paths) < 2:
        for i in range(len(paths)):
            if check is not None:
                check()
            item = take(i)
            item.outcome = _here(run_here, i)
            del items[i]
            yield item
        return
    outcomes = ordered(
        range(len(paths)), run_here, send, pool, window=2 * (pool.processes + 1), check=check
    )
    for i, outcome in enumerate(outcomes):
        item = items.pop(i)
        item.outcome = outcome
        yield item


def document_key(data: bytes) -> str:
    """A name for one document's bytes, for a worker's cache of the opened document."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
