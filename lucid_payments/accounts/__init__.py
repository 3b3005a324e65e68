"""Clients (tenants), API keys, customers and KYC."""
