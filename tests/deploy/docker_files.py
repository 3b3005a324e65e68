"""Readers for docker/Dockerfile and docker/compose.yaml, so that the tests run the very
command, environment and variables the image and the compose file declare."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.support import REPO

DOCKERFILE = REPO / "docker" / "Dockerfile"
COMPOSE = REPO / "docker" / "compose.yaml"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, value = full.partition(" ")
        instructions.append(Instruction(keyword.upper(), value.strip()))
    return instructions


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    result: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            result.append([])
        result[-1].append(instruction)
    return result


def runtime_stage() -> list[Instruction]:
    return stages(dockerfile_instructions())[-1]


def image_environment(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.value):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(stage: list[Instruction], keyword: str) -> list[str]:
    """The JSON (exec) form of ENTRYPOINT or CMD; raises if it is the shell form."""
    values = [i.value for i in stage if i.keyword == keyword]
    assert values, f"no {keyword} in the runtime stage"
    parsed = json.loads(values[-1])
    assert isinstance(parsed, list) and all(isinstance(part, str) for part in parsed)
    return parsed


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text()))


_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, from ``given``."""

    def replace(match: re.Match[str]) -> str:
        name, op = match["name"], match["op"]
        if given.get(name):
            return given[name]
        if op == ":?":
            raise KeyError(f"compose needs {name}: {match['arg']}")
        return match["arg"] if op == ":-" else ""

    return _VARIABLE.sub(replace, value)


def compose_service_environment(service: str, given: dict[str, str]) -> dict[str, str]:
    environment = compose()["services"][service].get("environment", {})
    return {name: interpolate(str(value), given) for name, value in environment.items()}


def healthcheck_command(stage: list[Instruction]) -> list[str]:
    """The exec-form command of HEALTHCHECK (after its options and ``CMD``)."""
    values = [i.value for i in stage if i.keyword == "HEALTHCHECK"]
    assert values, "no HEALTHCHECK in the runtime stage"
    options, found, command = values[-1].partition("CMD ")
    assert found, "HEALTHCHECK without CMD"
    assert all(option.startswith("--") for option in options.split())
    parsed = json.loads(command)
    assert isinstance(parsed, list) and all(isinstance(part, str) for part in parsed)
    return parsed
