"""The energy policy: every USDT send of ours is paid with staked energy when we have it.

Why here and not in ``staking``: the policy is part of sending USDT (it decides a send's
``fee_limit`` and when the send may go), its rows live in the ``usdt`` app, and the
``staking`` app is the tenants' Stake 2.0 API, built separately; the policy only needs
the platform's energy wallet, which is operated from ``manage.py energy_wallet``.

Any app that sends USDT from one of our addresses (a hot-wallet transfer, a sweep from a
deposit address, a payout) calls, in this order:

1. ``energy_plan_for_usdt_send(sender=, to=, amount=)`` — network reads, outside any
   database transaction: the energy estimate, the chain's energy price, the sender's own
   energy, what the energy wallet can delegate. Returns an ``EnergyPlan`` whose
   ``fee_limit_sun`` the send must use (estimate x price + margin, never a constant) and
   whose ``mode`` is ``delegated``, ``own`` or ``burn``.
2. ``energy_for_usdt_send(plan=, purpose=)`` — database only, inside the caller's
   transaction that records the send; ``purpose`` is the send's outgoing reference.
   In ``delegated`` mode it records the delegation (activating the sender first if it
   does not exist on chain) and the worker sends it; in ``burn`` mode, a sender holding
   less TRX than the send may burn is topped up from its client's fee wallet first.
3. ``energy_ready(purpose=)`` — whether the send may go now: at once in ``own`` mode; in
   ``burn`` mode once any top-up is in a block; in ``delegated`` mode once the
   delegation is in a block, or when it failed (the sender then burns TRX, within the
   same fee_limit). Apps hear the moment it becomes true with
   ``energy_ready_subscribe(prefix, handler)``.
4. ``energy_release(purpose=, send_txid=)`` — database only, when the send ended (final
   or failed): the delegation is reclaimed. Safe to call twice.

``energy_delegations_repair`` (a periodic task) reclaims whatever a crash left open:
delegations whose send ended, delegations older than ``ENERGY_DELEGATION_MAX_AGE_S``,
failed reclaims, and any delegation on chain from the energy wallet that no open record
explains.
"""
