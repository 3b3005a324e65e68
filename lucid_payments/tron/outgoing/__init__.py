"""Outgoing transactions: build, sign and store before broadcast; broadcast; track to final.

Domain apps call ``services.outgoing_create`` (database only, safe inside their own
transaction) with a ``contracts`` call and a reference, then follow the status through
``hooks.outgoing_subscribe``. Workers drive each transaction with ``services.outgoing_process``.
"""
