"""Outgoing transactions: built, signed and stored before broadcast (owned by C2)."""
