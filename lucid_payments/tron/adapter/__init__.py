"""The node adapter: transport with retries, failover and the optional proxy (``node``),
typed reads (``reads`` for blocks and receipts, ``accounts``, ``trc20`` for token reads
and energy estimates, ``resource_prices``), result types (``types``) and node errors
mapped into our family (``errors``).

Only this package (and the rest of ``lucid_payments.tron``) imports tronpy or builds a node
request; other apps call the typed reads (``tests/tron/test_boundary.py`` holds them to it).
"""
