"""Routes and limits: a customer with an approved, unexpired KYC takes the KYC route,
anyone else V0; every limit (per payout, per 24 h per customer, per 24 h per destination
across customers) refuses with a 403 that says what is still allowed and writes nothing.

The destinations are addresses in our custody, so nothing here needs the chain: the
payouts stay queued (no worker runs inside a test transaction) and count as sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.accounts.models import Customer
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from payouts.models import Payout, PayoutSettings
from tests.payouts.conftest import UNIT, Tenant, custody_address_of_another_client, kyc_approved
from wallets.models.ledger import Hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(tenant: Tenant) -> Tenant:
    tenant.fund(Asset.USDT, 1_000_000 * UNIT)
    tenant.fund(Asset.TRX, 1_000_000 * UNIT)
    return tenant


def _refused(response: object, code: str, still: str) -> None:
    assert response.status_code == 403, response.content  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code
    assert error["fields"]["amount"] == [f"At most {still} now."]
    assert still in error["message"]


def _nothing_written(tenant: Tenant, payouts: int) -> None:
    assert Payout.objects.filter(client=tenant.client).count() == payouts
    assert Hold.objects.filter(status="held").count() == payouts


def test_a_customer_without_kyc_takes_v0_and_one_with_kyc_takes_kyc(
    rich: Tenant, custody_destination: str
) -> None:
    plain, verified = rich.customer(), rich.customer(kyc=True)
    first = rich.payout(plain, custody_destination, "1")
    second = rich.payout(verified, custody_destination, "1")
    assert first.status_code == 201 and second.status_code == 201, second.content
    assert first.json()["route"] == "v0" and second.json()["route"] == "kyc"
    assert first.json()["id"].startswith("po_") and first.json()["status"] == "queued"


def test_an_expired_kyc_is_v0_again(rich: Tenant, custody_destination: str) -> None:
    customer = rich.customer()
    application = kyc_approved(customer)
    application.expires_at = timezone.now() - timedelta(seconds=1)
    application.save()
    assert rich.payout(customer, custody_destination, "1").json()["route"] == "v0"


def test_a_v0_payout_over_the_per_payout_limit_is_refused_with_kyc_required(
    rich: Tenant, custody_destination: str
) -> None:
    customer = rich.customer()
    events = Event.objects.count()
    _refused(rich.payout(customer, custody_destination, "1000.000001"), "kyc_required", "1000 USDT")
    _nothing_written(rich, 0)
    assert Event.objects.count() == events
    assert rich.balance(Asset.USDT) == (1_000_000 * UNIT, 0)
    assert rich.payout(customer, custody_destination, "1000").status_code == 201


def test_a_v0_customer_over_its_daily_limit_is_refused(
    rich: Tenant, custody_destination: str
) -> None:
    customer = rich.customer()
    for _ in range(9):
        assert rich.payout(customer, custody_destination, "1000").status_code == 201
    assert rich.payout(customer, custody_destination, "900").status_code == 201
    _refused(rich.payout(customer, custody_destination, "100.5"), "kyc_required", "100 USDT")
    assert rich.payout(customer, custody_destination, "100").status_code == 201
    _refused(rich.payout(customer, custody_destination, "0.000001"), "kyc_required", "0 USDT")
    _nothing_written(rich, 11)


def test_a_kyc_payout_over_its_limits_is_refused_with_limit_exceeded(
    rich: Tenant, custody_destination: str
) -> None:
    customer = rich.customer(kyc=True)
    _refused(rich.payout(customer, custody_destination, "5001"), "limit_exceeded", "5000 USDT")
    for _ in range(10):
        assert rich.payout(customer, custody_destination, "5000").status_code == 201
    _refused(rich.payout(customer, custody_destination, "1"), "limit_exceeded", "0 USDT")
    _nothing_written(rich, 10)


def test_one_withdrawal_split_across_customers_to_one_address_is_caught(
    rich: Tenant, custody_destination: str
) -> None:
    other_destination = custody_address_of_another_client()[1]
    customers = [rich.customer() for _ in range(11)]
    for customer in customers[:10]:
        assert rich.payout(customer, custody_destination, "1000").status_code == 201
    # The eleventh customer has sent nothing, but the address has had its 10,000.
    _refused(rich.payout(customers[10], custody_destination, "1"), "kyc_required", "0 USDT")
    assert rich.payout(customers[10], other_destination, "1").status_code == 201
    # A verified customer has more room, to the same address too.
    verified = rich.customer(kyc=True)
    assert rich.payout(verified, custody_destination, "5000").status_code == 201
    _nothing_written(rich, 12)


def test_the_destination_limit_counts_across_customers_on_the_kyc_route(
    rich: Tenant, custody_destination: str
) -> None:
    PayoutSettings.objects.create(client=rich.client, kyc_daily_usdt=7000 * UNIT)
    first, second = rich.customer(kyc=True), rich.customer(kyc=True)
    assert rich.payout(first, custody_destination, "5000").status_code == 201
    _refused(rich.payout(second, custody_destination, "2500"), "limit_exceeded", "2000 USDT")
    assert rich.payout(second, custody_destination, "2000").status_code == 201


def test_payouts_older_than_24_hours_and_ended_ones_no_longer_count(
    rich: Tenant, custody_destination: str
) -> None:
    PayoutSettings.objects.create(client=rich.client, v0_daily_usdt=1500 * UNIT)
    customer = rich.customer()
    old = rich.payout(customer, custody_destination, "1000").json()
    cancelled = rich.payout(customer, custody_destination, "500").json()
    _refused(rich.payout(customer, custody_destination, "1"), "kyc_required", "0 USDT")
    Payout.objects.filter(public_id=old["id"]).update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    assert rich.post(f"/api/v1/payouts/{cancelled['id']}/cancel").status_code == 200
    assert rich.payout(customer, custody_destination, "1000").status_code == 201


def test_trx_limits_come_from_the_settings(
    rich: Tenant, custody_destination: str, settings: SettingsWrapper
) -> None:
    settings.PAYOUT_V0_LIMIT_TRX = 50
    customer = rich.customer()
    _refused(
        rich.payout(customer, custody_destination, "50.1", asset="TRX"), "kyc_required", "50 TRX"
    )
    assert rich.payout(customer, custody_destination, "50", asset="TRX").status_code == 201


def test_a_client_override_replaces_the_default(rich: Tenant, custody_destination: str) -> None:
    PayoutSettings.objects.create(client=rich.client, v0_per_payout_usdt=10 * UNIT)
    customer = rich.customer()
    _refused(rich.payout(customer, custody_destination, "11"), "kyc_required", "10 USDT")


def test_a_blocked_customer_is_refused(rich: Tenant, custody_destination: str) -> None:
    customer = rich.customer(kyc=True)
    Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.BLOCKED)
    response = rich.payout(customer, custody_destination, "1")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "customer_blocked"
    _nothing_written(rich, 0)


def test_limits_show_what_each_route_still_allows(rich: Tenant, custody_destination: str) -> None:
    customer = rich.customer()
    assert rich.payout(customer, custody_destination, "2500").status_code == 403
    assert rich.payout(customer, custody_destination, "700").status_code == 201

    response = rich.api.get(f"/api/v1/limits?customer_id={customer.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["route"] == "v0"
    assert body["routes"]["v0"]["available"] is True
    assert body["routes"]["kyc"]["available"] is False
    assert body["routes"]["v0"]["USDT"] == {
        "per_payout": {"amount": "1000", "asset": "USDT"},
        "daily": {"amount": "10000", "asset": "USDT"},
        "used": {"amount": "700", "asset": "USDT"},
        "destination_used": None,
        "remaining": {"amount": "1000", "asset": "USDT"},
    }
    assert body["routes"]["kyc"]["USDT"]["remaining"] == {"amount": "5000", "asset": "USDT"}
    assert body["routes"]["v0"]["TRX"]["used"] == {"amount": "0", "asset": "TRX"}

    other = rich.customer()
    shared = rich.api.get(
        f"/api/v1/limits?customer_id={other.pk}&destination={custody_destination}"
    ).json()
    assert shared["routes"]["v0"]["USDT"]["destination_used"]["amount"] == "700"


def test_limits_of_another_clients_customer_are_a_404(
    rich: Tenant, custody_destination: str
) -> None:
    from tests.payouts.conftest import keyed_tenant

    stranger = keyed_tenant().customer()
    response = rich.api.get(f"/api/v1/limits?customer_id={stranger.pk}")
    assert response.status_code == 404
    assert rich.payout(stranger, custody_destination, "1").status_code == 404
