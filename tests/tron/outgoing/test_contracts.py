"""Contract calls store every address in one form (lower hex ``41…``), whichever form the
caller wrote it in, so one address is one intent and one set of bytes to sign."""

from __future__ import annotations

import pytest

from lucid_payments.core.errors import InvalidInput
from lucid_payments.tron.addresses import to_hex
from lucid_payments.tron.outgoing.contracts import generic_call

OWNER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
RECEIVER = "TF8h2RjdwccAqJ6WEXPKfpP4TWpAyh7GWV"


@pytest.mark.parametrize("written", [RECEIVER, to_hex(RECEIVER), to_hex(RECEIVER).upper()])
def test_a_delegation_names_its_receiver_in_lower_hex_however_it_was_written(
    written: str,
) -> None:
    call = generic_call(
        contract_type="DelegateResourceContract",
        owner=to_hex(OWNER).upper(),
        parameters={"receiver_address": written, "resource": "ENERGY", "balance": 1_000_000},
    )
    assert call.owner_address == OWNER
    assert call.parameters == {
        "owner_address": to_hex(OWNER),
        "receiver_address": to_hex(RECEIVER),
        "resource": "ENERGY",
        "balance": 1_000_000,
    }


def test_votes_name_their_witnesses_in_lower_hex() -> None:
    call = generic_call(
        contract_type="VoteWitnessContract",
        owner=OWNER,
        parameters={"votes": [{"vote_address": RECEIVER, "vote_count": 3}]},
    )
    assert call.parameters["votes"] == [{"vote_address": to_hex(RECEIVER), "vote_count": 3}]


def test_a_parameter_address_that_is_not_one_is_refused_under_its_own_name() -> None:
    with pytest.raises(InvalidInput) as refused:
        generic_call(
            contract_type="DelegateResourceContract",
            owner=OWNER,
            parameters={"receiver_address": "T-not-an-address", "resource": "ENERGY"},
        )
    assert refused.value.fields == {"receiver_address": ["Not a TRON address."]}
