"""The node adapter: transport with retries and failover (``node``), typed reads
(``reads``), result types (``types``) and node errors mapped into our family (``errors``).

Only this package (and the rest of ``lucid_payments.tron``) imports tronpy.
"""
