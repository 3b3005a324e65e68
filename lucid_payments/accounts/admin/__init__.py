"""Django admin for accounts: clients and their keys, customers, and the KYC review queue."""

from lucid_payments.accounts.admin import clients, customers, kyc

__all__ = ["clients", "customers", "kyc"]
