"""django-q entry points of the wallets app (thin: each calls one service)."""

from __future__ import annotations

from django.conf import settings

from wallets.fee_receipts import transaction_fee_record, transaction_fees_catch_up


def transaction_fee_record_task(outgoing_id: int) -> None:
    transaction_fee_record(outgoing_id=outgoing_id)


def transaction_fees_catch_up_task() -> int:
    return transaction_fees_catch_up(network=settings.TRON_NETWORK)
