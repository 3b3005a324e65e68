"""Every process's OpenAPI document generates without a warning (what
``manage.py spectacular --fail-on-warn`` checks), lists only that process's own API, and
documents the error body and the API key scheme on every API operation."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

# Process settings module -> the packages whose views it may serve under /api/v1/.
# DESIGN.md's process table: one slice of the API per process, the admin serves none.
PROCESS_APPS: dict[str, tuple[str, ...]] = {
    "tron_client": ("lucid_payments.tron.",),
    "payout_router": ("lucid_payments.accounts.", "payouts."),
    "wallet_manager": ("wallets.",),
    "usdt_manager": ("usdt.",),
    "trx_staking": ("staking.",),
    "payment_gateway": ("gateway.",),
    "admin": (),
}
API_PREFIX = "/api/v1/"
# Every API operation needs a key (401) with a scope (403).
ERRORS_EVERY_API_OPERATION_HAS = {"401", "403"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _urlconf(process: str) -> str:
    return str(importlib.import_module(f"lucid_payments.settings.{process}").ROOT_URLCONF)


@pytest.fixture
def warnings_as_errors() -> Iterator[None]:
    """drf-spectacular counts warnings and errors process-wide; start each schema clean."""
    GENERATOR_STATS.reset()
    yield
    GENERATOR_STATS.reset()


def _generate(process: str) -> tuple[dict[str, Any], SchemaGenerator]:
    generator = SchemaGenerator(urlconf=_urlconf(process))
    schema = generator.get_schema(request=None, public=True)
    problems = {**GENERATOR_STATS._warn_cache, **GENERATOR_STATS._error_cache}
    assert not GENERATOR_STATS, f"{process}: schema warnings/errors: {sorted(problems)}"
    return schema, generator


def _api_operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        if path.startswith(API_PREFIX):
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    yield path, method, operation


@pytest.mark.parametrize("process", sorted(PROCESS_APPS))
def test_each_process_schema_generates_without_warnings(
    process: str, warnings_as_errors: None
) -> None:
    schema, _ = _generate(process)
    assert schema["openapi"].startswith("3.")


@pytest.mark.parametrize("process", sorted(PROCESS_APPS))
def test_each_process_documents_only_its_own_api(process: str, warnings_as_errors: None) -> None:
    _, generator = _generate(process)
    allowed = PROCESS_APPS[process]
    foreign = sorted(
        f"{method} {path} ({view.__class__.__module__})"
        for path, _regex, method, view in generator._get_paths_and_endpoints()
        if path.startswith(API_PREFIX) and not view.__class__.__module__.startswith(allowed or "-")
    )
    assert foreign == [], f"{process} serves another process's API: {foreign}"


def test_no_api_path_is_served_by_two_processes(warnings_as_errors: None) -> None:
    owners: dict[str, list[str]] = {}
    for process in PROCESS_APPS:
        schema, _ = _generate(process)
        for path in schema["paths"]:
            if path.startswith(API_PREFIX):
                owners.setdefault(path, []).append(process)
    shared = {path: names for path, names in owners.items() if len(names) > 1}
    assert shared == {}


@pytest.mark.parametrize("process", sorted(PROCESS_APPS))
def test_every_api_operation_documents_its_errors_and_the_key(
    process: str, warnings_as_errors: None
) -> None:
    schema, _ = _generate(process)
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in _api_operations(schema):
        where = f"{process}: {method.upper()} {path}"
        responses = operation["responses"]
        missing = ERRORS_EVERY_API_OPERATION_HAS - set(responses)
        assert not missing, f"{where} does not document {sorted(missing)}"
        if "requestBody" in operation or any(
            p["in"] in ("path", "query") for p in operation.get("parameters", [])
        ):
            # Input can be wrong: a 400 (or 404 for a path that names nothing).
            assert {"400", "404"} & set(responses), f"{where} documents no 400/404"
        for status, response in responses.items():
            if int(status) >= 400:
                body = response["content"]["application/json"]["schema"]
                assert body == error_ref, f"{where} {status} is not the error body"
        assert operation.get("security") == [{"ApiKeyAuth": []}], f"{where} has no key scheme"


def test_the_api_key_scheme_is_bearer_with_the_key_format() -> None:
    schema, _ = _generate("tron_client")
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "lp_live_" in scheme["description"] and "lp_test_" in scheme["description"]
