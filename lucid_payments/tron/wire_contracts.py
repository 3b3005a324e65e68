"""The contract types we read and write on the wire, with java-tron's field numbers
(protocol/src/main/protos: Tron.proto and core/contract/*.proto).

One table for both codecs that serialize ``Transaction.raw``: the platform's
(``adapter.rawtx``, which computes the txid we sign) and the devnet's (``devnet.txcodec``,
which rebuilds it from the JSON a client sends). Two copies could drift apart, and the
devnet would then agree with a txid the real chain would not. Plain Python with no Django
import, so the devnet can use it.
"""

from __future__ import annotations

TYPE_URL_PREFIX = "type.googleapis.com/protocol."
RESOURCE_CODES: dict[str, int] = {"BANDWIDTH": 0, "ENERGY": 1, "TRON_POWER": 2}

# How each JSON value maps to the wire: a hex address (bytes), other hex data (bytes), an
# integer, a bool, a resource name (enum) or the vote list of VoteWitnessContract.
ADDRESS, HEX, INT, BOOL, RESOURCE, VOTES = "address", "hex", "int", "bool", "resource", "votes"

Field = tuple[str, int, str]  # (JSON key, field number, kind), in field-number order

# The wire kind of each JSON key: one kind per key, whichever contract it is in.
KINDS: dict[str, str] = {
    "owner_address": ADDRESS,
    "to_address": ADDRESS,
    "amount": INT,
    "votes": VOTES,
    "support": BOOL,
    "contract_address": ADDRESS,
    "call_value": INT,
    "data": HEX,
    "call_token_value": INT,
    "token_id": INT,
    "frozen_balance": INT,
    "resource": RESOURCE,
    "unfreeze_balance": INT,
    "balance": INT,
    "receiver_address": ADDRESS,
    "lock": BOOL,
    "lock_period": INT,
}

# contract type name -> (ContractType number, its JSON keys in field-number order). The
# fields of every contract we use are numbered 1, 2, 3, ... without a gap, so the order
# is the numbering.
CONTRACT_KEYS: dict[str, tuple[int, str]] = {
    "TransferContract": (1, "owner_address to_address amount"),
    "VoteWitnessContract": (4, "owner_address votes support"),
    "WithdrawBalanceContract": (13, "owner_address"),
    "TriggerSmartContract": (
        31,
        "owner_address contract_address call_value data call_token_value token_id",
    ),
    "FreezeBalanceV2Contract": (54, "owner_address frozen_balance resource"),
    "UnfreezeBalanceV2Contract": (55, "owner_address unfreeze_balance resource"),
    "WithdrawExpireUnfreezeContract": (56, "owner_address"),
    "DelegateResourceContract": (
        57,
        "owner_address resource balance receiver_address lock lock_period",
    ),
    "UnDelegateResourceContract": (58, "owner_address resource balance receiver_address"),
    "CancelAllUnfreezeV2Contract": (59, "owner_address"),
}

# contract type name -> (ContractType number, its fields)
CONTRACT_FIELDS: dict[str, tuple[int, tuple[Field, ...]]] = {
    name: (number, tuple((key, n, KINDS[key]) for n, key in enumerate(keys.split(), start=1)))
    for name, (number, keys) in CONTRACT_KEYS.items()
}
CONTRACT_NAMES: dict[int, str] = {number: name for name, (number, _) in CONTRACT_FIELDS.items()}
