"""Errors raised by the wallets app, in the platform's one error family."""

from __future__ import annotations

from lucid_payments.core.errors import ApplicationError, Conflict, Unprocessable


class InsufficientFunds(Unprocessable):
    default_code = "insufficient_funds"


class LedgerConflict(Conflict):
    """A reference was already booked with different postings, or a hold is closed."""

    default_code = "ledger_conflict"


class KeystoreError(ApplicationError):
    """A secret could not be sealed or unsealed. Messages name the secret's public id and
    the key id only, never any key material."""

    status_code = 500
    default_code = "keystore_error"
