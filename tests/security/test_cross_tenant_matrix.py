"""Cross-tenant matrix, generated from the six services' OpenAPI documents: every operation
whose path takes an id is called by another client with the ids of the first tenant's
objects. For a tenant's object the answer is 404 (as for an id that does not exist); for a
public chain fact it is what a stranger gets. Nothing in the database may change.

The ids come from ``cross_tenant_registry.REGISTRY``; a documented path with an id and no
entry there fails the test, so new endpoints cannot skip this matrix. The table of every
call is printed at the end of the run.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from lucid_payments.accounts.models import ApiKey, Client
from lucid_payments.urls.all_services import SERVICES
from tests.security.cross_tenant_registry import REGISTRY, Owned, PublicChain
from tests.security.matrix_report import MatrixRow, matrix_record
from tests.security.tenant_world import TenantWorld, keyed_tenant, tenant_world
from tests.tron.conftest import DevnetHandle

METHODS = ("get", "post", "put", "patch", "delete")
# What a request writes on purpose about its own caller (never the first tenant's rows): the
# key's last use, its rate-limit window, its stored idempotent answer (a 404 is replayed too).
# Rows of the calling clients in these tables are left out of the before/after comparison.
CALLER_ROWS = {
    "accounts_apikey": "client_id = ANY(%(clients)s)",
    "accounts_ratewindow": "ident = ANY(%(rate_idents)s)",
    "core_idempotencyrecord": "scope = ANY(%(scopes)s)",
}


def _operations() -> Iterator[tuple[str, str, str, str]]:
    """(service, urlconf, METHOD, path template) of every operation with a path parameter, in
    every service's document."""
    for service in SERVICES:
        urlconf = str(importlib.import_module(f"lucid_payments.settings.{service}").ROOT_URLCONF)
        schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
        for path, item in schema["paths"].items():
            for method in METHODS:
                operation = item.get(method)
                if operation and any(p["in"] == "path" for p in operation.get("parameters", [])):
                    yield service, urlconf, method.upper(), path


def _snapshot(callers: list[Client]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the callers' own bookkeeping, in a stable order."""
    clients = [caller.pk for caller in callers]
    mine = {
        "clients": clients,
        "scopes": [f"client:{pk}" for pk in clients],
        "rate_idents": [
            f"api_key:{pk}"
            for pk in ApiKey.objects.filter(client__in=clients).values_list("pk", flat=True)
        ],
    }
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            callers_rows = CALLER_ROWS.get(table)
            where = f" WHERE NOT ({callers_rows})" if callers_rows else ""
            cursor.execute(f'SELECT * FROM "{table}"{where}', mine)
            plain = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            rows[table] = sorted(plain, key=repr)
    return rows


def _call(
    api: APIClient, urlconf: str, method: str, path: str, body: dict[str, Any] | None, form: bool
) -> Any:
    with override_settings(ROOT_URLCONF=urlconf):
        if method == "GET":
            return api.get(path)
        return api.generic(
            method,
            path,
            **_encoded(api, body or {}, form),
            HTTP_IDEMPOTENCY_KEY=f"matrix-{method}-{path}",
        )


def _encoded(api: APIClient, body: dict[str, Any], form: bool) -> dict[str, Any]:
    data, content_type = api._encode_data(body, "multipart" if form else "json")  # type: ignore[attr-defined]
    return {"data": data, "content_type": content_type}


@pytest.fixture
def world(devnet: DevnetHandle, settings: Any, tmp_path: Path) -> TenantWorld:
    settings.WEBHOOK_ALLOWED_CIDRS = ["127.0.0.0/8"]
    settings.MEDIA_ROOT = tmp_path / "media"
    return tenant_world(devnet, name="matrix-owner")


def test_every_documented_path_with_an_id_has_a_registry_entry() -> None:
    unregistered = sorted({path for *_, path in _operations() if path not in REGISTRY})
    assert not unregistered, (
        "paths with an id but no entry in tests/security/cross_tenant_registry.py (add one, "
        f"so the cross-tenant matrix covers them): {unregistered}"
    )


@pytest.mark.django_db
@pytest.mark.devnet
def test_another_clients_key_finds_none_of_the_first_tenants_objects(
    world: TenantWorld, request: pytest.FixtureRequest
) -> None:
    operations = list(_operations())
    assert all(path in REGISTRY for *_, path in operations), "see the registry test"
    other, stranger = keyed_tenant("matrix-other"), keyed_tenant("matrix-stranger")
    before = _snapshot([other.client, stranger.client])
    answers = []
    for service, urlconf, method, template in operations:
        entry = REGISTRY[template]
        path = template.format(**entry.path_ids(world.ids))
        form = isinstance(entry, Owned) and entry.multipart
        bodies = entry.bodies if isinstance(entry, Owned) else {}
        body = bodies[method](world.ids) if method in bodies else None
        response = _call(other.api, urlconf, method, path, body, form)
        if isinstance(entry, PublicChain):
            stranger_sees = _call(stranger.api, urlconf, method, path, body, form)
            fine = response.status_code == stranger_sees.status_code == 200 and (
                response.json() == stranger_sees.json()
            )
        else:
            fine = response.status_code == 404
        answers.append((service, urlconf, method, template, path, entry, response, fine))
    after = _snapshot([other.client, stranger.client])

    problems: list[str] = []
    for service, urlconf, method, template, path, entry, response, fine in answers:
        # The owner's own read of the same path, after the comparison: the id was real.
        owner_status = (
            _call(world.tenant.api, urlconf, method, path, None, False).status_code
            if method == "GET"
            else None
        )
        fine = fine and owner_status in (None, 200)
        kind = "public chain" if isinstance(entry, PublicChain) else "owned"
        verdict = "ok" if fine else "LEAK" if response.status_code < 400 else "WRONG"
        matrix_record(
            request.config,
            MatrixRow(service, method, template, kind, response.status_code, owner_status, verdict),
        )
        if not fine:
            problems.append(
                f"{service} {method} {path}: {response.status_code} (owner {owner_status}) "
                f"{response.content[:200]!r}"
            )
    changed = sorted(table for table in before if before[table] != after.get(table))
    assert not problems, "\n".join(problems)
    assert not changed, f"another client's calls changed these tables: {changed}"
