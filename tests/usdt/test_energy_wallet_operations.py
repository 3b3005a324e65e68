"""The energy wallet is the operator's: ``manage.py energy_wallet`` and the admin create
it and stake for energy; tenants cannot create one; its delegations and our transfers are
browsable in the admin."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client as WebClient

from lucid_payments.tron.models import OutgoingTransaction
from tests.tron.conftest import DevnetHandle
from usdt.energy.wallet import energy_wallet_get
from usdt.models import EnergyDelegation, UsdtTransfer
from wallets.models.fees import TransactionFee
from wallets.models.wallets import Wallet, WalletKind

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("energy_wallet", *args, stdout=out)
    return out.getvalue()


def test_the_command_explains_itself() -> None:
    from django.core.management import load_command_class

    command = load_command_class("usdt", "energy_wallet")
    usage = command.create_parser("manage.py", "energy_wallet").format_help()
    for action in ("create", "freeze", "unfreeze", "status"):
        assert action in usage


@pytest.mark.devnet
def test_create_freeze_and_status_through_the_command(devnet: DevnetHandle) -> None:
    with pytest.raises(CommandError, match="no energy wallet"):
        _run("freeze", "--trx", "10")
    assert "created" in _run("create")
    with pytest.raises(CommandError, match="exists already"):
        _run("create")
    wallet = energy_wallet_get()
    assert wallet is not None and wallet.client_id is None and wallet.kind == WalletKind.ENERGY
    assert "not activated yet" in _run("status")

    output = _run("freeze", "--trx", "10", "--reference", "f-1")
    assert "Recording the freeze of 10 TRX" in output and "Recorded as outgoing" in output
    again = _run("freeze", "--trx", "10", "--reference", "f-1")  # a retry: nothing new
    assert again.split("outgoing transaction")[1] == output.split("outgoing transaction")[1]
    outgoing = OutgoingTransaction.objects.get(reference="f-1")
    assert outgoing.contract_type == "FreezeBalanceV2Contract" and outgoing.client_id is None
    with pytest.raises(CommandError, match="Stake at least 1 TRX"):
        _run("unfreeze", "--trx", "0")


def test_a_tenant_cannot_create_an_energy_wallet(usdt_api: tuple[Any, Any]) -> None:
    _, api = usdt_api
    response = api.post("/api/v1/wallets", {"kind": "energy"}, format="json")
    assert response.status_code == 400
    assert not Wallet.objects.filter(kind=WalletKind.ENERGY).exists()


def test_the_admin_creates_the_energy_wallet_and_records_a_freeze() -> None:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    response = web.post("/admin/usdt/energywallet/add/", {"label": "energy"})
    assert response.status_code == 302, response.content
    wallet = energy_wallet_get()
    assert wallet is not None
    listing = web.get("/admin/usdt/energywallet/")
    assert listing.status_code == 200 and wallet.address in listing.content.decode()
    response = web.post(
        "/admin/usdt/energywallet/",
        {"action": "freeze", "_selected_action": [wallet.pk], "trx": "25", "index": 0},
    )
    assert response.status_code == 302
    outgoing = OutgoingTransaction.objects.get(contract_type="FreezeBalanceV2Contract")
    assert outgoing.owner_address == wallet.address
    for model in (UsdtTransfer, EnergyDelegation, TransactionFee):
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert web.get(url).status_code == 200, url
