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

# contract type name -> (ContractType number, its fields)
CONTRACT_FIELDS: dict[str, tuple[int, tuple[Field, ...]]] = {
    "TransferContract": (
        1,
        (("owner_address", 1, ADDRESS), ("to_address", 2, ADDRESS), ("amount", 3, INT)),
    ),
    "VoteWitnessContract": (
        4,
        (("owner_address", 1, ADDRESS), ("votes", 2, VOTES), ("support", 3, BOOL)),
    ),
    "WithdrawBalanceContract": (13, (("owner_address", 1, ADDRESS),)),
    "TriggerSmartContract": (
        31,
        (
            ("owner_address", 1, ADDRESS),
            ("contract_address", 2, ADDRESS),
            ("call_value", 3, INT),
            ("data", 4, HEX),
            ("call_token_value", 5, INT),
            ("token_id", 6, INT),
        ),
    ),
    "FreezeBalanceV2Contract": (
        54,
        (("owner_address", 1, ADDRESS), ("frozen_balance", 2, INT), ("resource", 3, RESOURCE)),
    ),
    "UnfreezeBalanceV2Contract": (
        55,
        (("owner_address", 1, ADDRESS), ("unfreeze_balance", 2, INT), ("resource", 3, RESOURCE)),
    ),
    "WithdrawExpireUnfreezeContract": (56, (("owner_address", 1, ADDRESS),)),
    "DelegateResourceContract": (
        57,
        (
            ("owner_address", 1, ADDRESS),
            ("resource", 2, RESOURCE),
            ("balance", 3, INT),
            ("receiver_address", 4, ADDRESS),
            ("lock", 5, BOOL),
            ("lock_period", 6, INT),
        ),
    ),
    "UnDelegateResourceContract": (
        58,
        (
            ("owner_address", 1, ADDRESS),
            ("resource", 2, RESOURCE),
            ("balance", 3, INT),
            ("receiver_address", 4, ADDRESS),
        ),
    ),
    "CancelAllUnfreezeV2Contract": (59, (("owner_address", 1, ADDRESS),)),
}
CONTRACT_NAMES: dict[int, str] = {number: name for name, (number, _) in CONTRACT_FIELDS.items()}
