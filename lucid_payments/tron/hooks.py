"""The one place domain apps hear about transfers to and from watched addresses.

    from lucid_payments.tron.hooks import TransferEvent, transfer_subscribe

    @transfer_subscribe
    def on_transfer(event: TransferEvent) -> None:
        if event.status == "final":
            ...  # credit the ledger

Contract:
- A handler is called INSIDE the database transaction that records the status change
  (``seen``, ``final`` or ``dropped``). Whatever it writes commits or rolls back with that
  change, so a transfer is credited exactly once, atomically with becoming final. If a
  handler raises, the whole scanner batch rolls back and is retried later.
- Handlers must not call the network or do slow work; enqueue follow-ups with
  ``transaction.on_commit``.
- Money is credited only on ``final``. ``seen`` is for "payment detected" displays.
  ``dropped`` means a fork removed the transfer before it was final; a re-included
  transaction is reported ``seen`` again (with its new block) and later ``final``.
- One transfer is one (network, txid, index); ``transfer_id`` is ``ChainTransfer.pk``.

A handler with per-row database work can take the events in bulk instead, and look up
once for all of them what it would otherwise query per event:

    @transfer_subscribe_batch
    def on_transfers(events: Sequence[TransferEvent]) -> None:
        ...

It gets the same events under the same contract, as lists in chain order: a block's
events together (while catching up, a block carries hundreds), or those of one status
change (finality or a fork).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lucid_payments.core.snapshots import snapshot
from lucid_payments.tron.models import ChainTransfer


@dataclass(frozen=True, slots=True)
class TransferEvent:
    status: str  # "seen" | "final" | "dropped" (TransferStatus values)
    transfer_id: int
    network: str
    txid: str
    index: int
    asset: str  # "TRX" | "TRC20"
    token_contract: str  # base58 contract for TRC20, "" for TRX
    from_address: str  # base58
    to_address: str  # base58
    amount: int  # SUN or token base units
    block_number: int
    block_id: str

    @classmethod
    def of(cls, transfer: ChainTransfer) -> TransferEvent:
        return snapshot(cls, transfer, transfer_id=transfer.pk)


TransferHandler = Callable[[TransferEvent], None]
TransferBatchHandler = Callable[[Sequence[TransferEvent]], None]

_handlers: list[TransferHandler] = []
_batch_handlers: list[TransferBatchHandler] = []


def transfer_subscribe(handler: TransferHandler) -> TransferHandler:
    """Register ``handler`` for every transfer status change; usable as a decorator.

    Subscribe at import time of your app (``AppConfig.ready``). Subscribing the same
    function twice has no effect.
    """
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def transfer_subscribe_batch(handler: TransferBatchHandler) -> TransferBatchHandler:
    """Register ``handler`` for lists of transfer events (see the module's docstring)."""
    if handler not in _batch_handlers:
        _batch_handlers.append(handler)
    return handler


def transfer_unsubscribe(handler: TransferHandler | TransferBatchHandler) -> None:
    for handlers in (_handlers, _batch_handlers):
        if handler in handlers:
            handlers.remove(handler)  # type: ignore[arg-type]


def publish_transfer_events(events: Sequence[TransferEvent]) -> None:
    """Called by the scanner inside its transaction, in chain order; not for domain apps."""
    if not events:
        return
    for event in events:
        for handler in list(_handlers):
            handler(event)
    for batch_handler in list(_batch_handlers):
        batch_handler(events)


def has_subscribers() -> bool:
    return bool(_handlers or _batch_handlers)
