"""The scanner's typed decoding of blocks and receipts gives exactly what the general
JSON path gives, and falls back to it for shapes its schema does not foresee."""

from __future__ import annotations

import pytest

from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.node import get_node
from tests.tron.conftest import DevnetHandle

RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


@pytest.mark.devnet
def test_typed_reads_equal_the_general_json_path(devnet: DevnetHandle) -> None:
    devnet.faucet(RECIPIENT, trx=1_000_000, usdt=2_000_000)
    devnet.mine()
    devnet.faucet(RECIPIENT, usdt=3_000_000)
    devnet.mine()
    head = devnet.status()["head"]["number"]
    node = get_node()

    general = node.post("wallet/getblockbylimitnext", {"startNum": 1, "endNum": head + 1})
    expected = sorted(
        (b for b in map(reads.parse_block, general["block"]) if b is not None),
        key=lambda b: b.number,
    )
    assert reads.blocks_in_range(node, 1, head + 1) == expected
    assert sum(len(b.transactions) for b in expected) >= 3
    for number in range(1, head + 1):
        raw_infos = node.post_list("wallet/gettransactioninfobyblocknum", {"num": number})
        assert reads.transaction_infos_by_block(node, number) == [
            reads.parse_transaction_info(raw) for raw in raw_infos
        ]
        raw_block = node.post("wallet/getblockbynum", {"num": number})
        assert reads.block_by_number(node, number) == reads.parse_block(raw_block)
    assert reads.block_by_number(node, head + 50) is None


def test_an_unforeseen_shape_takes_the_general_path() -> None:
    # A null where the schema expects text: decoded as plain JSON, judged by the dict path.
    body = reads._decode_block_range(b'{"block": [{"blockID": null}]}')
    assert body == {"block": [{"blockID": None}]}
    # An object where infos were asked for: only {} or an error is typed.
    assert reads._decode_infos(b"{}") == reads._WireInfosError()
    assert reads._decode_infos(b'{"unexpected": 1}') == {"unexpected": 1}
    assert reads._decode_infos(b"[]") == ()


def test_numbers_sent_as_strings_are_read_like_the_dict_path() -> None:
    body = reads._decode_block(
        b'{"blockID": "ab", "block_header": {"raw_data": {"number": "7", "timestamp": "9"}},'
        b' "transactions": [{"txID": "t", "raw_data": {"contract": [{"type": "TransferContract",'
        b' "parameter": {"value": {"amount": "12", "owner_address": "41aa"}}}]},'
        b' "ret": [{"contractRet": "SUCCESS"}]}]}'
    )
    block = reads._block_from_wire(body)
    assert block is not None
    assert (block.number, block.timestamp_ms, block.transactions[0].amount) == (7, 9, 12)
    assert block.transactions[0].succeeded
