"""The double-entry ledger: who owns which balance, bookings, reads and verification."""
