"""The private server under ``LUCID_HOME/pg`` run with this machine's own PostgreSQL
binaries: what the embedded package gives elsewhere (trust authentication for local
connections, a Unix socket only, no TCP port), started by the first process that needs
it and stopped when the last one exits.

Processes register their pid in the data directory under a file lock; each one removes
itself at exit, and whoever leaves the list empty stops the server. Pids of processes
that died without cleaning up are dropped whenever the list is touched, so after a killed
``make up`` the server still stops with the next run's last process.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import os
import pwd
import shlex
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from lucid_payments.localdb.binaries import PostgresBinaries
from lucid_payments.localdb.errors import LocalPostgresError

DB_NAME = "lucid"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; Debian's postgresql package creates this account.
SERVER_ACCOUNT = "postgres"
HANDLES_FILE = ".lucid_handles.json"
# sun_path holds 108 bytes on Linux and 104 on macOS, the socket's own name included.
_SOCKET_PATH_MAX = 100
_COMMAND_TIMEOUT_S = 120

# Data directory -> socket directory, for the servers this process has joined.
_joined: dict[Path, Path] = {}


@dataclass(frozen=True)
class _Account:
    """The unprivileged account the server runs as when we are root."""

    uid: int
    gid: int
    name: str


@dataclass(frozen=True)
class _Server:
    pgdata: Path
    binaries: PostgresBinaries
    account: _Account | None

    def run(self, tool: str, *args: str) -> tuple[int, str]:
        """Run one of the server's tools; returns its exit code and output.

        Output goes through a file, not a pipe: the postmaster that ``pg_ctl start``
        leaves behind must not inherit a pipe we wait on."""
        with tempfile.TemporaryFile("w+") as output:
            completed = subprocess.run(  # noqa: S603 - our binaries, our arguments
                [self.binaries.tool(tool), *args],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd="/",
                timeout=_COMMAND_TIMEOUT_S,
                check=False,
                user=self.account.uid if self.account else None,
                group=self.account.gid if self.account else None,
                extra_groups=[] if self.account else None,
            )
            output.seek(0)
            return completed.returncode, output.read()

    def run_or_fail(self, tool: str, *args: str) -> str:
        code, output = self.run(tool, *args)
        if code != 0:
            raise LocalPostgresError(
                f"{tool} ({self.binaries.bin_dir}) failed with exit code {code} for "
                f"{self.pgdata}:\n{output.strip()}{self._log_tail()}"
            )
        return output

    def _log_tail(self) -> str:
        try:
            lines = (self.pgdata / "log").read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\nLast lines of its log:\n" + "\n".join(lines[-15:]) if lines else ""


def _server_account() -> _Account | None:
    """None: the server runs as this user. As root, as the ``postgres`` account."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        raise LocalPostgresError(
            "PostgreSQL will not run as root, and this machine has no 'postgres' account to "
            "run it as. Run this as a normal user, or set DATABASE_URL."
        ) from None
    return _Account(uid=entry.pw_uid, gid=entry.pw_gid, name=entry.pw_name)


def _first_unreachable(path: Path, account: _Account) -> Path | None:
    """The first directory above ``path`` that ``account`` may not pass through."""
    for directory in reversed(path.parents):
        info = directory.stat()
        if info.st_uid == account.uid:
            allowed = info.st_mode & stat.S_IXUSR
        elif info.st_gid == account.gid:
            allowed = info.st_mode & stat.S_IXGRP
        else:
            allowed = info.st_mode & stat.S_IXOTH
        if not allowed:
            return directory
    return None


def _data_version(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "PG_VERSION").read_text().strip())
    except (OSError, ValueError):
        return None


def _choose_binaries(pgdata: Path, candidates: Sequence[PostgresBinaries]) -> PostgresBinaries:
    """The first candidate, unless the data directory already belongs to another major
    version: PostgreSQL cannot open another major version's files."""
    existing = _data_version(pgdata)
    if existing is None:
        return candidates[0]
    for binaries in candidates:
        if binaries.major == existing:
            return binaries
    have = ", ".join(f"{b.major} ({b.bin_dir})" for b in candidates)
    raise LocalPostgresError(
        f"{pgdata} holds a PostgreSQL {existing} database (made by the embedded package, or "
        f"another machine), and this machine has PostgreSQL {have}. Install PostgreSQL "
        f"{existing}'s server, use another LUCID_HOME, or move {pgdata} away (it holds "
        "development data only)."
    )


def _socket_dir(pgdata: Path, account: _Account | None) -> Path:
    """The data directory itself, unless its path is too long for a Unix socket."""
    if len(str(pgdata / ".s.PGSQL.5432")) <= _SOCKET_PATH_MAX:
        return pgdata
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]
    directory = Path(tempfile.gettempdir()) / f"lucid-pg-{digest}"
    directory.mkdir(mode=0o700, exist_ok=True)
    if account is not None:
        os.chown(directory, account.uid, account.gid)
    return directory


def _initialise(server: _Server) -> None:
    pgdata, account = server.pgdata, server.account
    pgdata.mkdir(mode=0o700, exist_ok=True)
    if account is not None:
        blocked = _first_unreachable(pgdata, account)
        if blocked is not None:
            raise LocalPostgresError(
                f"PostgreSQL runs as '{account.name}' (it will not run as root), and "
                f"'{account.name}' may not enter {blocked}. Set LUCID_HOME to a directory "
                "it can reach, run this as a normal user, or set DATABASE_URL."
            )
        os.chown(pgdata, account.uid, account.gid)
    server.run_or_fail(
        "initdb",
        "-D", str(pgdata),
        "-U", SUPERUSER,
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
    )  # fmt: skip


def _running_socket_dir(server: _Server) -> Path | None:
    """Where the running server listens, or None if it is not running."""
    code, _output = server.run("pg_ctl", "status", "-D", str(server.pgdata))
    if code != 0:
        return None
    # postmaster.pid, line 5: the first Unix socket directory.
    lines = (server.pgdata / "postmaster.pid").read_text().splitlines()
    return Path(lines[4]) if len(lines) > 4 and lines[4] else None


def _start(server: _Server) -> Path:
    socket_dir = _socket_dir(server.pgdata, server.account)
    # pg_ctl hands -o to the postmaster through /bin/sh, hence the quoting.
    postgres_options = f"-h '' -k {shlex.quote(str(socket_dir))}"
    server.run_or_fail(
        "pg_ctl", "start",
        "-D", str(server.pgdata),
        "-l", str(server.pgdata / "log"),
        "-w", "-t", "60",
        "-o", postgres_options,
    )  # fmt: skip
    return socket_dir


def _ensure_database(socket_dir: Path) -> None:
    with psycopg.connect(
        host=str(socket_dir), dbname="postgres", user=SUPERUSER, autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
        ).fetchone()
        if exists is None:
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Serialises start, join, leave and stop between the processes of one LUCID_HOME."""
    with open(home / "pg.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but alive
    return True


def _handles(pgdata: Path) -> list[int]:
    try:
        return [int(pid) for pid in json.loads((pgdata / HANDLES_FILE).read_text())]
    except (OSError, ValueError, TypeError):
        return []


def _save_handles(pgdata: Path, pids: list[int]) -> None:
    (pgdata / HANDLES_FILE).write_text(json.dumps(pids))


def _leave(home: Path, server: _Server) -> None:
    """At exit: unregister, and stop the server if nobody else is using it."""
    with _locked(home):
        registered = _handles(server.pgdata)
        if os.getpid() not in registered:
            return  # a forked child inherits this handler but never joined
        others = [pid for pid in registered if pid != os.getpid() and _alive(pid)]
        _save_handles(server.pgdata, others)
        if not others:
            server.run("pg_ctl", "stop", "-D", str(server.pgdata), "-m", "fast", "-w")
    _joined.pop(server.pgdata, None)


def join_system_server(home: Path, candidates: Sequence[PostgresBinaries]) -> Path:
    """Start (or join) the server under ``home/pg`` with the first suitable binaries;
    returns its socket directory. The database ``lucid`` exists when this returns."""
    home.mkdir(parents=True, exist_ok=True)
    pgdata = (home / "pg").resolve()
    if pgdata in _joined:
        return _joined[pgdata]
    with _locked(home):
        server = _Server(
            pgdata=pgdata,
            binaries=_choose_binaries(pgdata, candidates),
            account=_server_account(),
        )
        if _data_version(pgdata) is None:
            _initialise(server)
        socket_dir = _running_socket_dir(server) or _start(server)
        _ensure_database(socket_dir)
        alive = [pid for pid in _handles(pgdata) if _alive(pid) and pid != os.getpid()]
        _save_handles(pgdata, [*alive, os.getpid()])
    atexit.register(_leave, home, server)
    _joined[pgdata] = socket_dir
    return socket_dir
