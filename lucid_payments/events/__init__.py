"""Events: the outbox of everything that happens to a client's money.

Domain apps call ``services.event_publish`` inside the transaction that makes the change;
the event commits with it or not at all. Webhook delivery and the events API read them.
"""
