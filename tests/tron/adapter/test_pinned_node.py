"""A pinned node answers from one URL or not at all; its failures move the node on."""

from __future__ import annotations

import pytest

from lucid_payments.tron.adapter.errors import NodeUnavailable
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.reads import node_info
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.devnet

DEAD_URL = "http://127.0.0.1:9"  # the discard port: connecting is refused at once


def _fast_node(*urls: str) -> TronNode:
    return TronNode(list(urls), max_attempts=3, sleep=lambda _: None)


def test_a_pinned_view_never_fails_over_but_moves_its_node_on(devnet: DevnetHandle) -> None:
    node = _fast_node(DEAD_URL, devnet.url)
    pinned = node.pinned()

    with pytest.raises(NodeUnavailable):
        node_info(pinned)

    assert pinned.url == DEAD_URL  # it stayed where it was pinned
    assert node.url == devnet.url.rstrip("/")  # the next pin starts on a healthy URL
    assert node_info(node.pinned()).head.number >= 0


def test_a_pinned_view_keeps_to_its_url_through_503s(devnet: DevnetHandle) -> None:
    node = _fast_node(devnet.url, DEAD_URL)
    pinned = node.pinned()
    devnet.faults(http_error={"status": 503, "requests": 2})

    assert node_info(pinned).head.number >= 0  # retried on the same URL, not the dead one
    assert pinned.url == devnet.url.rstrip("/")


def test_pinning_twice_is_the_same_view_and_closing_it_spares_the_node(
    devnet: DevnetHandle,
) -> None:
    node = _fast_node(devnet.url)
    pinned = node.pinned()

    assert pinned.pinned() is pinned
    pinned.close()
    assert node_info(node).head.number >= 0  # the shared HTTP client is still open
