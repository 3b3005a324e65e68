"""The README stays true: every environment variable the code reads is in its table, every
command of ours is listed, and the two commands and the build command are there."""

from __future__ import annotations

import re
from pathlib import Path

from lucid_payments.stack.services import SERVICES
from tests.deploy.support import REPO

README = (REPO / "README.md").read_text()
CODE_ROOTS = ["lucid_payments", "wallets", "usdt", "staking", "payouts", "gateway"]
READS_VARIABLE = re.compile(
    r"(?:env\.\w+|secret|choice|environ\.get|os\.getenv|environ\.setdefault)"
    r"\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']"
)


def _python_files() -> list[Path]:
    files = [REPO / "tests" / "conftest.py"]
    for root in CODE_ROOTS:
        files += [p for p in (REPO / root).rglob("*.py") if "migrations" not in p.parts]
    return files


def _table_variables() -> set[str]:
    rows = [line for line in README.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}


def test_every_environment_variable_the_code_reads_is_in_the_readme_table() -> None:
    read = {
        (name, path.relative_to(REPO).as_posix())
        for path in _python_files()
        for name in READS_VARIABLE.findall(path.read_text())
    }
    missing = sorted(f"{name} ({where})" for name, where in read if name not in _table_variables())
    assert not missing, f"add these to the README's environment table: {missing}"


def test_every_management_command_of_ours_is_listed() -> None:
    commands = {
        path.stem
        for root in CODE_ROOTS
        for path in (REPO / root).rglob("management/commands/*.py")
        if not path.stem.startswith("_")
    }
    listed = set(re.findall(r"^\| `([a-z_]+)", README, flags=re.MULTILINE))
    assert commands <= listed, f"add to the README's command table: {sorted(commands - listed)}"


def test_the_readme_gives_the_two_commands_the_ports_and_the_multi_arch_build() -> None:
    assert "make up" in README and "make test" in README
    for service in SERVICES:
        assert f"| {service.name} | `{service.settings_module}` | {service.port} |" in README
    assert (
        "docker buildx build --platform linux/arm64,linux/amd64 -f docker/Dockerfile "
        "-t lucid-payments ." in README
    )
