"""Without the embedded package (no aarch64 build), the development database runs on the
machine's own PostgreSQL binaries: the same private server under LUCID_HOME/pg, shared by
every process and stopped by the last one out; with neither, a clean stop that names the
fix. The package is hidden from each child by a sitecustomize that refuses to import it;
this machine's PostgreSQL (Debian's, under /usr/lib/postgresql) is the one started."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from lucid_payments.localdb.binaries import system_postgres_binaries
from lucid_payments.localdb.resolve import INSTALL_COMMAND
from tests.deploy.support import REPO, still_running, wait_until, world_reachable

# An ordinary account (initdb needs a passwd entry for whoever runs it).
UNPRIVILEGED_ACCOUNT = "nobody"
DEV_SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])

HIDE_PGSERVER = '''
import sys

class _NoPgserver:
    """As on a machine where pip found no pgserver wheel: the import fails."""

    def find_spec(self, name, path=None, target=None):
        if name == "pgserver" or name.startswith("pgserver."):
            raise ModuleNotFoundError("No module named 'pgserver'", name=name)
        return None

sys.meta_path.insert(0, _NoPgserver())
'''

# Connects through the settings (which start or join the server), says where and what it
# reached, then holds its handle until told to go.
CLIENT = """
import json, sys
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_postmaster_start_time()::text, current_database()")
    started, database = cursor.fetchone()
try:
    import pgserver  # noqa: F401
    hidden = False
except ImportError:
    hidden = True
print(json.dumps({
    "host": connection.settings_dict["HOST"], "version": connection.pg_version,
    "started": started, "database": database, "pgserver_hidden": hidden,
}), flush=True)
if "--hold" in sys.argv:
    sys.stdin.readline()
"""


@pytest.fixture
def hidden_pgserver() -> Iterator[Path]:
    """A directory whose sitecustomize.py makes ``import pgserver`` fail."""
    directory = Path(tempfile.mkdtemp(prefix="lucid-nopgserver-"))
    directory.chmod(0o755)  # also for the unprivileged user
    (directory / "sitecustomize.py").write_text(HIDE_PGSERVER)
    (directory / "sitecustomize.py").chmod(0o644)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def lucid_home() -> Iterator[Path]:
    """A LUCID_HOME that the server's unprivileged account can reach (pytest's own
    temporary directories are private to their user)."""
    root = Path(tempfile.mkdtemp(prefix="lucid-syspg-"))
    root.chmod(0o755)
    yield root / "home"
    shutil.rmtree(root, ignore_errors=True)


def _unprivileged_python() -> Path:
    """A CPython 3.11 another user can run, with this venv's packages on PYTHONPATH (the
    venv's own interpreter may live in root's home)."""
    for candidate in (Path(sys.executable), Path("/usr/bin/python3.11")):
        if candidate.exists() and world_reachable(candidate):
            if world_reachable(DEV_SITE_PACKAGES) and world_reachable(REPO):
                return candidate
    pytest.skip("no Python 3.11, venv and checkout that an unprivileged user can read")


def _env(hidden: Path, home: Path, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_URL", "LUCID_", "PYTEST_", "DJANGO_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(hidden), str(REPO), str(DEV_SITE_PACKAGES)]),
        LUCID_HOME=str(home),
        DJANGO_SETTINGS_MODULE="lucid_payments.settings.admin",
        **extra,
    )
    return env


def _as(uid: int | None) -> dict[str, object]:
    if uid is None:
        return {}
    return {"user": uid, "group": pwd.getpwuid(uid).pw_gid, "extra_groups": []}


def _postmaster(home: Path) -> psutil.Process | None:
    try:
        pid = int((home / "pg" / "postmaster.pid").read_text().split()[0])
        return psutil.Process(pid)
    except (OSError, ValueError, IndexError, psutil.NoSuchProcess):
        return None


@pytest.mark.parametrize("who", ["this user", "an unprivileged user"])
def test_without_the_embedded_package_the_machines_own_postgres_serves_every_process(
    who: str, hidden_pgserver: Path, lucid_home: Path
) -> None:
    binaries = system_postgres_binaries()
    if not binaries:
        pytest.skip(f"no PostgreSQL server binaries on this machine ({INSTALL_COMMAND})")
    uid, python = None, Path(sys.executable)
    if who == "an unprivileged user":
        if os.geteuid() != 0:
            pytest.skip("already unprivileged: the case above covers it")
        try:
            uid = pwd.getpwnam(UNPRIVILEGED_ACCOUNT).pw_uid
        except KeyError:
            pytest.skip(f"no '{UNPRIVILEGED_ACCOUNT}' account on this machine")
        python = _unprivileged_python()
        lucid_home.mkdir()
        os.chown(lucid_home, uid, pwd.getpwuid(uid).pw_gid)
    env = _env(hidden_pgserver, lucid_home)
    command = [str(python), "-c", CLIENT]

    holder = subprocess.Popen(
        [*command, "--hold"], env=env, cwd=lucid_home.parent, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **_as(uid),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stderr is not None
        line = holder.stdout.readline()  # "" when it died instead
        assert line, holder.stderr.read()
        first = json.loads(line)
        assert first["pgserver_hidden"]
        assert first["host"] == str((lucid_home / "pg").resolve())
        assert first["database"] == "lucid"
        assert first["version"] // 10000 == binaries[0].major
        assert (lucid_home / "pg" / "PG_VERSION").read_text().strip() == str(binaries[0].major)
        server = _postmaster(lucid_home)
        assert server is not None
        assert Path(server.exe()).parent == binaries[0].bin_dir
        # Never root: PostgreSQL refuses it, so as root it runs as the postgres account.
        assert server.uids().real != 0

        # A second process joins the running server instead of starting another.
        joined = subprocess.run(
            command, env=env, cwd=lucid_home.parent, capture_output=True, text=True,
            timeout=60, **_as(uid),
        )  # fmt: skip
        assert joined.returncode == 0, joined.stderr
        second = json.loads(joined.stdout)
        assert second["host"] == first["host"] and second["started"] == first["started"]
        assert _postmaster(lucid_home) is not None, "stopped while still in use"
    finally:
        holder.communicate("go\n", timeout=60)
    assert holder.returncode == 0
    # The last process out stopped it.
    assert wait_until(lambda: _postmaster(lucid_home) is None, timeout_s=30)
    assert still_running([server]) == []


def test_a_data_directory_of_another_major_version_is_refused_with_the_way_out(
    hidden_pgserver: Path, lucid_home: Path
) -> None:
    """A var/pg made by the embedded package (PostgreSQL 16) on a machine that now only
    has Debian's 15: a clear stop, not a server that fails to read its files."""
    binaries = system_postgres_binaries()
    if not binaries:
        pytest.skip(f"no PostgreSQL server binaries on this machine ({INSTALL_COMMAND})")
    other = binaries[0].major + 1
    (lucid_home / "pg").mkdir(parents=True)
    (lucid_home / "pg" / "PG_VERSION").write_text(f"{other}\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=_env(hidden_pgserver, lucid_home),
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"holds a PostgreSQL {other} database" in result.stderr
    assert "LUCID_HOME" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (lucid_home / "pg").iterdir()) == ["PG_VERSION"]


def _hiding_command() -> list[str] | None:
    """A command prefix that runs what follows with an empty /usr/lib/postgresql, in a
    mount namespace of its own (so nothing else on the machine sees it); None without
    the tools or the privilege."""
    tools = [shutil.which(tool) for tool in ("unshare", "sh", "mount")]
    if not all(tools) or not Path("/usr/lib/postgresql").is_dir():
        return None
    unshare, sh, mount = (str(tool) for tool in tools)
    hide = f'{mount} -t tmpfs none /usr/lib/postgresql && exec "$@"'
    command = [unshare, "--mount", sh, "-c", hide, "sh"]
    try:
        probe = subprocess.run([*command, sh, "-c", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return command if probe.returncode == 0 else None


def test_with_neither_make_up_stops_at_once_naming_the_install_command(
    hidden_pgserver: Path, lucid_home: Path
) -> None:
    """Debian's binaries hidden too, by a private mount namespace with an empty
    /usr/lib/postgresql and a PATH holding only Python."""
    hiding = _hiding_command()
    if hiding is None:
        pytest.skip("hiding /usr/lib/postgresql needs root and mount namespaces (unshare)")
    env = _env(hidden_pgserver, lucid_home, PATH=str(Path(sys.executable).parent))
    for command in (["-m", "lucid_payments.localdb"], ["manage.py", "up", "--no-devnet"]):
        result = subprocess.run(
            [*hiding, sys.executable, *command],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout + result.stderr
        assert INSTALL_COMMAND in result.stderr
        assert "DATABASE_URL=postgres://" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (lucid_home / "pg").exists()
