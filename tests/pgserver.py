"""A throw-away PostgreSQL server for the test run.

``PostgresServer().start()`` runs ``initdb`` into a fresh private temporary
folder and starts ``postgres`` on a free port of 127.0.0.1, tuned for speed
rather than durability (no fsync). ``stop()`` stops it and removes the folder;
it also runs at interpreter exit, so an interrupted run leaves no server behind.

Local (Unix socket) connections are trusted; TCP connections must give a
password (scram-sha-256). The superuser is ``postgres`` with a random password
that ``url()`` fills in.

PostgreSQL refuses to run as root: as root the folder belongs to the
``postgres`` user (Debian's package creates it) and the server programs run
under ``runuser -u postgres --``.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

PROGRAMS = ("initdb", "pg_ctl", "postgres")
DEBIAN_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
HOW_TO_INSTALL = "`make test` installs them, or run: sudo apt-get install -y postgresql"

# Settings for a disposable server: durability off, room for many test connections.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class PostgresError(RuntimeError):
    """The test server could not be found, started or used; the message says why."""


def _has_programs(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in PROGRAMS)


def _version_key(bindir: Path) -> tuple[int, ...]:
    """(15,) for /usr/lib/postgresql/15/bin, (9, 6) for .../9.6/bin; () if not a version."""
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return ()


#: in a server's folder: the process id of the test run that started it
RUN_FILE = "run.pid"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None.

    ``pg_config --bindir`` first (on Debian it may come from libpq-dev alone and
    name a folder without the server), then the newest /usr/lib/postgresql/*/bin.
    """
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=30, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and _has_programs(Path(out)):
            return Path(out)
    candidates = [d for d in DEBIAN_ROOT.glob("*/bin") if _version_key(d) and _has_programs(d)]
    return max(candidates, key=_version_key, default=None)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


class PostgresServer:
    """One private PostgreSQL server; see the module's docstring."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir
        self.port: int | None = None
        self.password = secrets.token_urlsafe(24)
        self.base: Path | None = None
        self._as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None

    # -- paths -----------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self._base / "data"

    @property
    def socket_dir(self) -> Path:
        return self._base / "sock"

    @property
    def log_file(self) -> Path:
        return self._base / "server.log"

    @property
    def _base(self) -> Path:
        if self.base is None:
            raise PostgresError("the PostgreSQL test server is not started")
        return self.base

    # -- running the server programs -------------------------------------------

    def _run(self, program: str, *args: str, check: bool = True,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None
        cmd = [str(self.bindir / program), *args]
        if self._as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        # the server's own folder as working directory: root's may be closed to postgres
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or self._base,
                                stdin=subprocess.DEVNULL, timeout=120)
        if check and result.returncode != 0:
            output = (result.stderr or result.stdout).strip()
            raise PostgresError(f"{program} failed (exit {result.returncode}): {output}")
        return result

    def _make_base(self) -> Path:
        """A new folder that only the server's user can enter."""
        if not self._as_root:
            return Path(tempfile.mkdtemp(prefix="crosscase-pg-"))
        try:
            owner = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresError(
                f"PostgreSQL cannot run as root and there is no '{SUPERUSER}' user; {HOW_TO_INSTALL}"
            ) from None
        if shutil.which("runuser") is None:
            raise PostgresError("PostgreSQL cannot run as root and runuser (util-linux) is missing")
        parent = tempfile.gettempdir()
        if not os.stat(parent).st_mode & 0o001:  # a TMPDIR that others cannot pass through
            parent = "/tmp"
        base = Path(tempfile.mkdtemp(prefix="crosscase-pg-", dir=parent))
        os.chown(base, owner.pw_uid, owner.pw_gid)
        return base

    def _give(self, path: Path) -> None:
        if self._as_root:
            owner = pwd.getpwnam(SUPERUSER)
            os.chown(path, owner.pw_uid, owner.pw_gid)

    # -- life cycle ------------------------------------------------------------

    def start(self) -> None:
        """initdb and start the server; raises PostgresError saying what went wrong."""
        if self.base is not None:
            return
        if self.bindir is None:
            self.bindir = find_bindir()
        if self.bindir is None or not _has_programs(self.bindir):
            raise PostgresError(
                f"PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found; {HOW_TO_INSTALL}"
            )
        self._reap_orphans()
        self.base = self._make_base()
        (self.base / RUN_FILE).write_text(str(os.getpid()), encoding="ascii")
        atexit.register(self.stop)
        try:
            self.socket_dir.mkdir(mode=0o700)
            self._give(self.socket_dir)
            self._initdb()
            try:
                self._start_on(free_port())
            except PostgresError as exc:
                if "in use" not in str(exc):
                    raise
                self._start_on(free_port())  # the port was taken in between: once more
        except BaseException:
            self.stop()
            raise

    def _reap_orphans(self) -> None:
        """Stop and remove the servers of earlier runs that were killed (SIGKILL, a
        timeout) before they could stop their own: atexit never ran for them."""
        parents = {Path(tempfile.gettempdir()), Path("/tmp")}
        for base in (b for parent in parents for b in parent.glob("crosscase-pg-*")):
            try:
                pid = int((base / RUN_FILE).read_text(encoding="ascii"))
            except (OSError, ValueError):
                continue  # not ours, or still being made
            try:
                os.kill(pid, 0)
                continue  # its run is alive: leave it
            except ProcessLookupError:
                pass
            except PermissionError:
                continue  # another user's run
            data = base / "data"
            if (data / "postmaster.pid").exists():
                result = self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(data),
                                   check=False, cwd=base)
                if result.returncode != 0:
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        os.kill(int((data / "postmaster.pid").read_text().split()[0]),
                                signal.SIGQUIT)
            shutil.rmtree(base, ignore_errors=True)

    def _initdb(self) -> None:
        pwfile = self._base / "pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(self.password + "\n")
        self._give(pwfile)
        common = ["-D", str(self.data_dir), "-E", "UTF8", "-U", SUPERUSER,
                  f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256"]
        try:
            result = self._run("initdb", *common, "--locale=C.UTF-8", check=False)
            if result.returncode != 0 and "locale" in (result.stderr + result.stdout).lower():
                shutil.rmtree(self.data_dir, ignore_errors=True)
                self._run("initdb", *common, "--no-locale")
            elif result.returncode != 0:
                output = (result.stderr or result.stdout).strip()
                raise PostgresError(f"initdb failed (exit {result.returncode}): {output}")
        finally:
            pwfile.unlink(missing_ok=True)

    def _start_on(self, port: int) -> None:
        options = [f"-p {port}", f"-k {self.socket_dir}"]
        options += [f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()]
        result = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                           "-l", str(self.log_file), "-o", " ".join(options), check=False)
        if result.returncode != 0:
            log = _tail(self.log_file)
            reason = "port in use" if "already in use" in log else f"exit {result.returncode}"
            raise PostgresError(
                f"PostgreSQL test server did not start on port {port} ({reason}); "
                f"the end of {self.log_file}:\n{log}"
            )
        self.port = port

    def stop(self) -> None:
        """Stop the server (if running) and remove its folder; safe to call twice."""
        if self.base is None:
            return
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        try:
            if (self.data_dir / "postmaster.pid").exists():
                result = self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D",
                                   str(self.data_dir), check=False)
                if result.returncode != 0:
                    self._kill_postmaster()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
            self.port = None
            atexit.unregister(self.stop)

    def _kill_postmaster(self) -> None:
        """Last resort when pg_ctl cannot stop it: SIGQUIT to the pid it recorded."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)

    # -- using it --------------------------------------------------------------

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """postgresql://user:password@127.0.0.1:PORT/database (superuser's password by default)."""
        if self.port is None:
            raise PostgresError("the PostgreSQL test server is not started")
        if password is None and user == SUPERUSER:
            password = self.password
        auth = quote(user, safe="")
        if password is not None:
            auth += ":" + quote(password, safe="")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{quote(database, safe='')}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A new autocommit connection as the superuser to database ``postgres``; close it."""
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def _admin_conn(self) -> psycopg.Connection[tuple[object, ...]]:
        if self._admin is None or self._admin.closed:
            self._admin = self.admin()
        return self._admin

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """Create a database (``t_<n>`` unless named), copied from ``template`` if given.

        A template must have no open connections while it is copied. Returns its URL.
        """
        if name is None:
            name = f"t_{next(self._names)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin_conn().execute(query)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database if it exists, ending its connections first."""
        conn = self._admin_conn()
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE datname = %s AND pid <> pg_backend_pid()", [name])
        query = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        if conn.info.server_version >= 130000:
            query += sql.SQL(" WITH (FORCE)")
        conn.execute(query)
