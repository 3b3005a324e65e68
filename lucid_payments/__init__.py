"""Lucid Payments: a self-hosted payment platform for the TRON network."""
