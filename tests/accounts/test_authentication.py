from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from lucid_payments.accounts.models import ApiKey, Client, Customer
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_revoke
from tests.accounts.conftest import KeyedClient

pytestmark = pytest.mark.django_db


def _assert_error_shape(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict)
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]


def test_request_without_a_key_is_401_in_the_error_shape(customer: Customer) -> None:
    response = APIClient().get(f"/api/v1/customers/{customer.pk}")
    assert response.status_code == 401
    _assert_error_shape(response.json(), "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lp_test_00000000_" + "A" * 43,  # well formed, unknown
        "Bearer not-a-key",
        "Bearer",
        "Bearer a b",
        "Basic dXNlcjpwdw==",  # other schemes are not ours: anonymous, so 401
    ],
)
def test_unknown_or_malformed_key_is_401(customer: Customer, header: str) -> None:
    response = APIClient().get(f"/api/v1/customers/{customer.pk}", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    _assert_error_shape(response.json(), "not_authenticated")


def test_revoked_key_is_401(customer: Customer, keyed_client: KeyedClient) -> None:
    api = keyed_client(customer.client)
    assert api.get(f"/api/v1/customers/{customer.pk}").status_code == 200
    api_key_revoke(api_key=api.api_key)
    response = api.get(f"/api/v1/customers/{customer.pk}")
    assert response.status_code == 401
    _assert_error_shape(response.json(), "not_authenticated")


def test_key_of_an_inactive_client_is_401(customer: Customer, keyed_client: KeyedClient) -> None:
    api = keyed_client(customer.client)
    Client.objects.filter(pk=customer.client_id).update(is_active=False)
    assert api.get(f"/api/v1/customers/{customer.pk}").status_code == 401


def test_key_without_the_views_scope_is_403_insufficient_scope(
    customer: Customer, keyed_client: KeyedClient
) -> None:
    api = keyed_client(customer.client, scopes=[Scope.WALLETS, Scope.USDT])
    response = api.get(f"/api/v1/customers/{customer.pk}")
    assert response.status_code == 403
    _assert_error_shape(response.json(), "insufficient_scope")
    assert "payouts" in response.json()["error"]["message"]


def test_key_with_the_scope_is_let_in(customer: Customer, keyed_client: KeyedClient) -> None:
    api = keyed_client(customer.client, scopes=[Scope.PAYOUTS])
    assert api.get(f"/api/v1/customers/{customer.pk}").status_code == 200


def test_use_records_last_used_at_at_most_once_a_minute(
    customer: Customer, keyed_client: KeyedClient
) -> None:
    api = keyed_client(customer.client)
    api_key: ApiKey = api.api_key
    assert api_key.last_used_at is None
    api.get(f"/api/v1/customers/{customer.pk}")
    first = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first is not None
    api.get(f"/api/v1/customers/{customer.pk}")
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at == first  # no write per request

    long_ago = timezone.now() - timedelta(hours=1)
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=long_ago)
    api.get(f"/api/v1/customers/{customer.pk}")
    refreshed = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert refreshed is not None and refreshed > long_ago


def test_a_request_with_a_recently_used_key_sends_no_update_of_it(
    customer: Customer, keyed_client: KeyedClient
) -> None:
    api = keyed_client(customer.client)
    api.get(f"/api/v1/customers/{customer.pk}")
    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"/api/v1/customers/{customer.pk}").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('UPDATE "accounts_apikey"')]


def test_throttle_limits_each_key_separately(
    customer: Customer, keyed_client: KeyedClient, settings: pytest.FixtureRequest
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "3/min"},
    }
    busy = keyed_client(customer.client)
    quiet = keyed_client(customer.client)
    url = f"/api/v1/customers/{customer.pk}"
    assert [busy.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = busy.get(url)
    assert response.status_code == 429
    _assert_error_shape(response.json(), "throttled")
    assert "Retry-After" in response
    assert quiet.get(url).status_code == 200
