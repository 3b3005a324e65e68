"""Who a ledger account belongs to, as a value the services can take and compare."""

from __future__ import annotations

from dataclasses import dataclass

from wallets.models.ledger import OwnerType


@dataclass(frozen=True)
class LedgerOwner:
    """The platform, a client, or a customer of a client.

    ``client_id`` is the tenant allowed to see the owner's accounts: the client itself, or
    the customer's client; ``None`` for the platform.
    """

    type: OwnerType
    id: int
    client_id: int | None

    @classmethod
    def platform(cls) -> LedgerOwner:
        return cls(OwnerType.PLATFORM, 0, None)

    @classmethod
    def client(cls, client_id: int) -> LedgerOwner:
        return cls(OwnerType.CLIENT, client_id, client_id)

    @classmethod
    def customer(cls, customer_id: int, *, client_id: int) -> LedgerOwner:
        return cls(OwnerType.CUSTOMER, customer_id, client_id)

    @property
    def is_tenant(self) -> bool:
        """Clients and customers: their balances may never go below zero."""
        return self.type != OwnerType.PLATFORM

    def __str__(self) -> str:
        return "platform" if self.type == OwnerType.PLATFORM else f"{self.type} {self.id}"
