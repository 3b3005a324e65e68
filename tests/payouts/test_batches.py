"""Payout batches without the chain (destinations in our custody): all items accepted and
held or none, the refused item named, schedules released at the UTC boundary and sent in
order, per-item results, completion, the list, idempotency and tenant isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from payouts.approvals import payout_approve
from payouts.batch_models import PayoutBatch, PayoutBatchSchedule
from payouts.batch_release import payout_batch_send, payout_batches_tick
from payouts.batches import batch_release_at
from payouts.models import Payout, PayoutSettings
from payouts.sending import payout_send, payouts_resume
from tests.payouts.conftest import UNIT, Tenant, keyed_tenant, operator

pytestmark = pytest.mark.django_db

BATCHES = "/api/v1/payouts/batches"


def _item(customer_id: int, destination: str, amount: str, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "destination": destination,
        "asset": extra.pop("asset", "USDT"),
        "amount": amount,
        "reference": extra.pop("reference", uuid.uuid4().hex),
        **extra,
    }


def _batch_types(batch_id: str) -> list[str]:
    return list(
        Event.objects.filter(object_id=batch_id).order_by("id").values_list("type", flat=True)
    )


def _nothing_written(tenant: Tenant, funded: int) -> None:
    assert not PayoutBatch.objects.filter(client=tenant.client).exists()
    assert not Payout.objects.filter(client=tenant.client).exists()
    assert tenant.balance(Asset.USDT) == (funded, 0)


def test_an_immediate_batch_holds_every_item_sends_in_order_and_completes(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    PayoutSettings.objects.create(client=tenant.client, fee_usdt=UNIT // 10)
    customer = tenant.customer()
    body = {
        "items": [
            _item(customer.pk, custody_destination, amount, reference=f"r{i}")
            for i, amount in enumerate(["1", "2.5", "3"])
        ]
    }
    first = tenant.post(BATCHES, body, HTTP_IDEMPOTENCY_KEY="batch-1")
    again = tenant.post(BATCHES, body, HTTP_IDEMPOTENCY_KEY="batch-1")

    assert first.status_code == 201, first.content
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    batch = first.json()
    assert batch["id"].startswith("pob_") and batch["schedule"] == "immediate"
    assert batch["status"] == "processing" and batch["item_count"] == 3
    assert batch["totals"] == [{"amount": "6.5", "asset": "USDT"}]
    assert [(i["position"], i["reference"], i["status"]) for i in batch["items"]] == [
        (0, "r0", "queued"),
        (1, "r1", "queued"),
        (2, "r2", "queued"),
    ]
    assert tenant.balance(Asset.USDT) == (100 * UNIT - 6_800_000, 6_800_000)
    assert PayoutBatch.objects.count() == 1 and Payout.objects.count() == 3

    assert payout_batch_send(batch_id=PayoutBatch.objects.get().pk) == 3
    assert payout_batch_send(batch_id=PayoutBatch.objects.get().pk) == 0  # a twin run
    sent = Payout.objects.filter(client=tenant.client).order_by("batch_item__position")
    assert [p.status for p in sent] == ["confirmed"] * 3
    assert [p.confirmed_at for p in sent] == sorted(p.confirmed_at for p in sent)  # in order
    assert payout_batches_tick() == (0, 1)
    assert payout_batches_tick() == (0, 0)

    shown = tenant.api.get(f"{BATCHES}/{batch['id']}").json()
    assert shown["status"] == "completed" and shown["completed_at"]
    assert shown["items_by_status"]["confirmed"] == 3
    assert [i["payout_id"] for i in shown["items"]] == [i["payout_id"] for i in batch["items"]]
    assert _batch_types(batch["id"]) == ["payout_batch.created", "payout_batch.completed"]
    assert tenant.balance(Asset.USDT) == (100 * UNIT - 6_800_000, 0)


def test_one_bad_item_refuses_the_batch_and_names_it(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    customer = tenant.customer()
    items = [_item(customer.pk, custody_destination, "1") for _ in range(5)]
    items[3]["destination"] = "Tnotanaddress"
    items[4]["amount"] = "1.0000001"

    response = tenant.post(BATCHES, {"items": items})

    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"items[3].destination", "items[4].amount"}
    _nothing_written(tenant, 100 * UNIT)


@pytest.mark.parametrize(
    ("trouble", "status", "code", "field"),
    [
        ("over_balance", 422, "insufficient_funds", "items[2]"),
        ("repeated_reference", 400, "reference_repeated", "items[2].reference"),
        ("used_reference", 409, "reference_in_use", "items[2].reference"),
        ("stranger_customer", 400, "customer_not_found", "items[2].customer_id"),
        ("over_v0_limit", 403, "kyc_required", "items[2].amount"),
    ],
)
def test_an_item_refused_by_the_services_refuses_the_batch_and_writes_nothing(
    tenant: Tenant, custody_destination: str, trouble: str, status: int, code: str, field: str
) -> None:
    tenant.fund(Asset.USDT, 100 * UNIT)
    customer = tenant.customer()
    items = [_item(customer.pk, custody_destination, "30") for _ in range(3)]
    if trouble == "over_balance":
        items[2]["amount"] = "40.000001"  # 30 + 30 + 40.000001 > 100
    elif trouble == "repeated_reference":
        items[2]["reference"] = items[0]["reference"]
    elif trouble == "used_reference":
        taken = tenant.payout(customer, custody_destination, "1", reference="taken").json()
        assert tenant.post(f"/api/v1/payouts/{taken['id']}/cancel").status_code == 200
        items[2]["reference"] = "taken"
    elif trouble == "stranger_customer":
        items[2]["customer_id"] = keyed_tenant().customer().pk
    elif trouble == "over_v0_limit":
        PayoutSettings.objects.create(client=tenant.client, v0_daily_usdt=80 * UNIT)

    before = Payout.objects.filter(client=tenant.client).count()
    response = tenant.post(BATCHES, {"items": items})

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and field in error["fields"]
    assert "Item 2" in error["message"]
    assert not PayoutBatch.objects.exists()
    assert Payout.objects.filter(client=tenant.client).count() == before


def test_the_batch_size_and_the_idempotency_key_are_checked(
    tenant: Tenant, custody_destination: str
) -> None:
    customer = tenant.customer()
    item = _item(customer.pk, custody_destination, "1")

    empty = tenant.post(BATCHES, {"items": []})
    too_many = tenant.post(BATCHES, {"items": [item] * 1001})
    bad_schedule = tenant.post(BATCHES, {"items": [item], "schedule": "weekly"})
    no_key = tenant.api.post(BATCHES, {"items": [item]}, format="json")

    assert empty.status_code == 400 and "items" in empty.json()["error"]["fields"]
    assert too_many.status_code == 400 and "items" in too_many.json()["error"]["fields"]
    assert bad_schedule.status_code == 400 and "schedule" in bad_schedule.json()["error"]["fields"]
    assert no_key.status_code == 400
    assert no_key.json()["error"]["code"] == "idempotency_key_required"
    assert not PayoutBatch.objects.exists()


def test_the_next_boundary_is_the_next_utc_hour_or_midnight() -> None:
    at = datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)
    assert batch_release_at(PayoutBatchSchedule.HOURLY, at) == datetime(2026, 4, 1, 0, tzinfo=UTC)
    assert batch_release_at(PayoutBatchSchedule.DAILY, at) == datetime(2026, 4, 1, tzinfo=UTC)
    sharp = datetime(2026, 4, 1, 14, 0, 0, tzinfo=UTC)
    assert batch_release_at(PayoutBatchSchedule.HOURLY, sharp) == sharp + timedelta(hours=1)
    assert batch_release_at(PayoutBatchSchedule.DAILY, sharp) == datetime(2026, 4, 2, tzinfo=UTC)
    assert batch_release_at(PayoutBatchSchedule.IMMEDIATE, sharp) == sharp


def test_an_hourly_batch_is_held_at_once_and_released_at_the_boundary(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 10 * UNIT)
    customer = tenant.customer()
    items = [_item(customer.pk, custody_destination, "4") for _ in range(2)]
    response = tenant.post(BATCHES, {"items": items, "schedule": "hourly"})
    assert response.status_code == 201, response.content
    batch = response.json()
    release_at = PayoutBatch.objects.get().release_at
    assert batch["status"] == "scheduled" and release_at.minute == release_at.second == 0
    assert [i["status"] for i in batch["items"]] == ["scheduled", "scheduled"]
    # Held now: a payout that would overdraw the batch later is refused now.
    assert tenant.balance(Asset.USDT) == (2 * UNIT, 8 * UNIT)
    assert tenant.payout(customer, custody_destination, "3").status_code == 422

    payouts = list(Payout.objects.filter(client=tenant.client).order_by("id"))
    assert payout_send(payout_id=payouts[0].pk) == "scheduled"
    assert payouts_resume() == 0
    assert payout_batches_tick(now=release_at - timedelta(seconds=1)) == (0, 0)
    cancelled = tenant.post(f"/api/v1/payouts/{payouts[1].public_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    assert payout_batches_tick(now=release_at) == (1, 0)
    assert payout_batches_tick(now=release_at) == (0, 0)  # a twin tick
    shown = tenant.api.get(f"{BATCHES}/{batch['id']}").json()
    assert shown["status"] == "processing" and shown["released_at"]
    assert [i["status"] for i in shown["items"]] == ["queued", "cancelled"]
    assert payout_batch_send(batch_id=PayoutBatch.objects.get().pk) == 1
    assert payout_batches_tick(now=release_at) == (0, 1)
    assert tenant.balance(Asset.USDT) == (6 * UNIT, 0)
    assert _batch_types(batch["id"]) == [
        "payout_batch.created",
        "payout_batch.released",
        "payout_batch.completed",
    ]


def test_an_item_above_the_approval_threshold_waits_for_operators(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 1_000 * UNIT)
    PayoutSettings.objects.create(client=tenant.client, approval_threshold_usdt=100 * UNIT)
    customer = tenant.customer(kyc=True)
    items = [_item(customer.pk, custody_destination, a) for a in ("10", "200")]
    batch = tenant.post(BATCHES, {"items": items, "schedule": "daily"}).json()
    assert [i["status"] for i in batch["items"]] == ["scheduled", "awaiting_approval"]
    assert batch["items_by_status"]["awaiting_approval"] == 1

    # Approved before the release, it waits for the release with the batch's others.
    waiting = Payout.objects.get(public_id=batch["items"][1]["payout_id"])
    payout_approve(payout=waiting, operator=operator("alice"))
    waiting.refresh_from_db()
    assert waiting.status == "scheduled" and waiting.outgoing_id is None
    assert payout_batches_tick(now=PayoutBatch.objects.get().release_at) == (1, 0)
    waiting.refresh_from_db()
    assert waiting.status != "scheduled"


def test_the_list_pages_newest_first_and_another_client_sees_nothing(
    tenant: Tenant, custody_destination: str
) -> None:
    tenant.fund(Asset.USDT, 10 * UNIT)
    customer = tenant.customer()
    ids = [
        tenant.post(BATCHES, {"items": [_item(customer.pk, custody_destination, "1")], **s}).json()[
            "id"
        ]
        for s in ({}, {"schedule": "daily"}, {})
    ]

    first = tenant.api.get(f"{BATCHES}?limit=2").json()
    assert [b["id"] for b in first["batches"]] == [ids[2], ids[1]] and first["has_more"]
    assert "items" not in first["batches"][0]
    rest = tenant.api.get(f"{BATCHES}?limit=2&starting_after={first['next_starting_after']}")
    assert [b["id"] for b in rest.json()["batches"]] == [ids[0]]
    assert [b["id"] for b in tenant.api.get(f"{BATCHES}?status=scheduled").json()["batches"]] == [
        ids[1]
    ]
    assert tenant.api.get(f"{BATCHES}?status=lost").status_code == 400

    stranger = keyed_tenant()
    assert stranger.api.get(f"{BATCHES}/{ids[0]}").status_code == 404
    assert stranger.api.get(BATCHES).json()["batches"] == []
    assert stranger.api.get(f"{BATCHES}?starting_after={ids[0]}").status_code == 404
    assert tenant.api.get(f"{BATCHES}/pob_doesnotexist").status_code == 404


def test_operators_see_batches_and_their_items_read_only_in_the_admin(
    tenant: Tenant, custody_destination: str
) -> None:
    from django.contrib.auth.models import User
    from django.test import Client as WebClient

    tenant.fund(Asset.USDT, 10 * UNIT)
    customer = tenant.customer()
    items = [_item(customer.pk, custody_destination, "1") for _ in range(2)]
    batch_id = tenant.post(BATCHES, {"items": items, "schedule": "daily"}).json()["id"]
    batch = PayoutBatch.objects.get(public_id=batch_id)
    web = WebClient()
    web.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))

    listed = web.get("/admin/payouts/payoutbatch/?status__exact=scheduled")
    shown = web.get(f"/admin/payouts/payoutbatch/{batch.pk}/change/")

    assert listed.status_code == 200 and batch_id in listed.content.decode()
    assert shown.status_code == 200
    for payout in Payout.objects.filter(batch_item__batch=batch):
        assert payout.public_id in shown.content.decode()
    assert web.get("/admin/payouts/payoutbatch/add/").status_code == 403
    assert web.post(f"/admin/payouts/payoutbatch/{batch.pk}/delete/").status_code == 403
