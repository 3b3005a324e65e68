"""Resolving a set of requirements for another platform from wheels alone, as
``pip download --only-binary=:all: --platform … --python-version … --implementation cp``
does it: the same resolver the image build runs, without the image's machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Debian 12's glibc (the builder and the distroless runtime) down to manylinux2014's.
# pip does not widen a manylinux_2_X platform to older ones by itself.
_GLIBC_MINORS = range(36, 16, -1)
IMAGE_ARCHITECTURES = {"linux/arm64": "aarch64", "linux/amd64": "x86_64"}

_NO_WHEEL = re.compile(r"No matching distribution found for (\S+)")
# What pip says when it cannot talk to the registry at all (as opposed to "no such file").
_UNREACHABLE = re.compile(
    r"NewConnectionError|ConnectTimeout|ReadTimeout|Max retries exceeded|ProxyError|"
    r"SSLError|Temporary failure in name resolution|Name or service not known|"
    r"Network is unreachable|Could not fetch URL"
)


@dataclass(frozen=True)
class Resolution:
    returncode: int
    output: str

    @property
    def without_wheel(self) -> list[str]:
        """The requirements pip found no wheel for (it stops at the first one)."""
        return _NO_WHEEL.findall(self.output)

    @property
    def unreachable(self) -> str | None:
        """pip's line saying the registry could not be reached, if it said so."""
        for line in self.output.splitlines():
            if _UNREACHABLE.search(line):
                return line.strip()
        return None


def manylinux_platforms(arch: str) -> list[str]:
    return [f"manylinux_2_{minor}_{arch}" for minor in _GLIBC_MINORS] + [f"manylinux2014_{arch}"]


def resolve_wheels(
    requirements: list[str],
    *,
    arch: str,
    python_version: str,
    dest: Path,
    index_url: str | None = None,
) -> Resolution:
    """Resolve ``requirements`` and their dependencies for linux/``arch``, wheels only."""
    command = [
        sys.executable, "-m", "pip", "download",
        "--disable-pip-version-check", "--progress-bar", "off",
        "--only-binary=:all:",
        *[option for platform in manylinux_platforms(arch) for option in ("--platform", platform)],
        "--python-version", python_version,
        "--implementation", "cp",
        "--dest", str(dest),
        # Fail fast when offline rather than after the environment's long default timeout.
        "--timeout", "30", "--retries", "2",
    ]  # fmt: skip
    env = dict(os.environ)
    if index_url is not None:
        # Only that index: no configuration files, no find-links from the environment.
        env = {name: value for name, value in env.items() if not name.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
        command += ["--index-url", index_url]
    completed = subprocess.run(
        [*command, *requirements],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Resolution(completed.returncode, completed.stdout + completed.stderr)
