"""The chain: the only code that talks to a TRON node (adapter over tronpy), the block
scanner, outgoing transactions and the tron-client API."""
