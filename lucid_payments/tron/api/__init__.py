"""The tron-client API (port 8091): network status, blocks, accounts, transactions, relay."""
