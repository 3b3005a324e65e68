"""The wallets and ledger admin: every page renders for a superuser, nothing about money
or keys can be added, changed or deleted there (the one form adds a platform cold wallet),
and no key material is shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client as WebClient

from lucid_payments.accounts.services import client_create
from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit, ledger_hold, ledger_network_fee
from wallets.models import (
    Hold,
    JournalEntry,
    LedgerAccount,
    PlatformSeed,
    SealedSecret,
    Wallet,
    WalletAddress,
)
from wallets.models.wallets import WalletKind
from wallets.services import wallet_create

pytestmark = pytest.mark.django_db

ALL_MODELS: tuple[type[Model], ...] = (
    Wallet,
    WalletAddress,
    SealedSecret,
    PlatformSeed,
    LedgerAccount,
    JournalEntry,
    Hold,
)
MONEY_MODELS: tuple[type[Model], ...] = (LedgerAccount, JournalEntry, Hold)


@pytest.fixture
def admin_web() -> WebClient:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    return web


@pytest.fixture
def books() -> None:
    """One of everything: a hot wallet (seed, sealed secret, address) and ledger entries
    of every kind that shows in the admin (credit, hold, network fee)."""
    tenant = client_create(name="admin-books")
    wallet_create(kind=WalletKind.HOT, client=tenant, label="payouts")
    owner = LedgerOwner.client(tenant.pk)
    ledger_credit(owner=owner, asset=Asset.TRX, amount=5_000_000, reference="admin:credit")
    ledger_hold(owner=owner, asset=Asset.TRX, amount=1_000_000, reference="admin:hold")
    ledger_network_fee(asset=Asset.TRX, amount=268_000, reference="network-fee:devnet:ab")


def _url(model: type[Model], view: str, pk: int | None = None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return {"changelist": base, "add": f"{base}add/"}.get(view) or f"{base}{pk}/{view}/"


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_view_render_for_a_superuser(
    admin_web: WebClient, books: None, model: type[Model]
) -> None:
    listing = admin_web.get(_url(model, "changelist"))
    assert listing.status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    detail = admin_web.get(_url(model, "change", obj.pk))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert 'name="_save"' not in page  # shown, not editable


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_nothing_can_be_added_changed_or_deleted(
    admin_web: WebClient, books: None, model: type[Model]
) -> None:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    before = model._default_manager.count()

    if model is Wallet:  # only a platform cold wallet, and an empty form adds nothing
        assert admin_web.post(_url(model, "add"), {}).status_code == 200
    else:
        assert admin_web.get(_url(model, "add")).status_code == 403
        assert admin_web.post(_url(model, "add"), {}).status_code == 403
    assert admin_web.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_web.get(_url(model, "delete", obj.pk)).status_code == 403
    assert admin_web.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    bulk = admin_web.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)  # no such action: the list is shown again

    assert model._default_manager.count() == before


def test_money_rows_are_unchanged_after_every_attempt(admin_web: WebClient, books: None) -> None:
    account = LedgerAccount.objects.get(owner_type="platform", bucket="network_fees")
    entry = JournalEntry.objects.get(reference="admin:credit")
    hold = Hold.objects.get(reference="admin:hold")
    for model, obj, fields in (
        (LedgerAccount, account, {"balance": "999", "bucket": "available"}),
        (JournalEntry, entry, {"reference": "rewritten", "kind": "transfer"}),
        (Hold, hold, {"status": "released", "amount": "1"}),
    ):
        assert model in MONEY_MODELS
        assert admin_web.post(_url(model, "change", obj.pk), fields).status_code == 403
    account.refresh_from_db()
    assert account.balance == -268_000
    assert JournalEntry.objects.filter(reference="rewritten").count() == 0
    hold.refresh_from_db()
    assert (hold.status, hold.amount) == ("held", 1_000_000)


def test_journal_entry_page_shows_its_postings(admin_web: WebClient, books: None) -> None:
    entry = JournalEntry.objects.get(reference="network-fee:devnet:ab")
    page = admin_web.get(_url(JournalEntry, "change", entry.pk)).content.decode()
    assert "-268000" in page and "268000" in page.replace("-268000", "")
    assert "Network fees" in admin_web.get(_url(LedgerAccount, "changelist")).content.decode()


def test_sealed_secret_pages_show_metadata_only(admin_web: WebClient, books: None) -> None:
    secret = SealedSecret.objects.order_by("pk").first()
    assert secret is not None
    page = admin_web.get(_url(SealedSecret, "change", secret.pk)).content.decode()
    assert str(secret.public_id) in page
    for sealed in (secret.ciphertext, secret.nonce, secret.wrapped_key, secret.wrap_nonce):
        assert bytes(sealed).hex() not in page
    assert "ciphertext" not in page.lower() and "wrapped_key" not in page


PLATFORM_COLD = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_an_operator_adds_a_platform_cold_wallet_which_is_custody(admin_web: WebClient) -> None:
    from lucid_payments.core.models import AuditEvent
    from wallets.custody import custody_owner

    response = admin_web.post(_url(Wallet, "add"), {"address": PLATFORM_COLD, "label": "vault"})

    assert response.status_code == 302, response.content.decode()[:2000]
    wallet = Wallet.objects.get(address=PLATFORM_COLD)
    assert (wallet.kind, wallet.client_id, wallet.label) == ("cold", None, "vault")
    assert custody_owner(PLATFORM_COLD, network=wallet.network) == LedgerOwner.platform()
    assert AuditEvent.objects.filter(action="wallet.platform_cold_added").count() == 1


def test_the_platform_cold_wallet_form_refuses_bad_and_taken_addresses(
    admin_web: WebClient,
) -> None:
    tenant = client_create(name="admin-cold")
    hot = wallet_create(kind=WalletKind.HOT, client=tenant)
    before = Wallet.objects.count()

    bad = admin_web.post(_url(Wallet, "add"), {"address": "T-not-an-address", "label": ""})
    taken = admin_web.post(_url(Wallet, "add"), {"address": hot.address, "label": ""})

    assert bad.status_code == 200 and "Not a TRON address" in bad.content.decode()
    assert taken.status_code == 200 and "already one of" in taken.content.decode()
    assert Wallet.objects.count() == before
