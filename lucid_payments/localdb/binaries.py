"""Finding this machine's own PostgreSQL server binaries (``initdb``, ``pg_ctl``,
``postgres``): on ``PATH`` first, then where Debian, Ubuntu and Raspberry Pi OS put them
(``/usr/lib/postgresql/<major>/bin``, which their ``postgresql`` package does not add to
``PATH``)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DISTRIBUTION_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class PostgresBinaries:
    bin_dir: Path
    major: int

    def tool(self, name: str) -> str:
        return str(self.bin_dir / name)


def _major_version(bin_dir: Path) -> int | None:
    try:
        result = subprocess.run(  # noqa: S603 - a binary we found, a fixed argument
            [str(bin_dir / "pg_ctl"), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(result.stdout)
    return int(match.group(1)) if match else None


def _complete(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / tool, os.X_OK) for tool in SERVER_TOOLS)


def system_postgres_binaries(
    *, search_path: str | None = None, distribution_glob: str = DISTRIBUTION_BIN_GLOB
) -> list[PostgresBinaries]:
    """Every usable set, in order of preference: the one on ``search_path`` (default
    ``PATH``) first, then the distribution's, newest major version first."""
    initdb = shutil.which("initdb", path=search_path)
    # /usr/local/bin/initdb may be a link into /usr/lib/postgresql/15/bin: pg_ctl and
    # postgres must come from the same build, so use the directory the link points at.
    on_path = Path(initdb).resolve().parent if initdb else None
    candidates = [on_path] if on_path else []
    candidates += [Path(directory) for directory in glob.glob(distribution_glob)]

    found: list[PostgresBinaries] = []
    for directory in dict.fromkeys(candidates):
        if _complete(directory) and (major := _major_version(directory)) is not None:
            found.append(PostgresBinaries(bin_dir=directory, major=major))
    preferred = [binaries for binaries in found if binaries.bin_dir == on_path]
    others = [binaries for binaries in found if binaries.bin_dir != on_path]
    return preferred + sorted(others, key=lambda binaries: binaries.major, reverse=True)
