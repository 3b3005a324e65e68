"""Bad input never crashes the devnet: every endpoint fuzzed over real HTTP with hypothesis.

The oracle is what java-tron does with garbage: answer HTTP 200 with a JSON body — an
`{"Error": "class <java class> : <message>"}` or a broadcast error code — and keep serving.
The devnet turns an unexpected Python exception into `{"Error": "class
java.lang.RuntimeException : <PythonType>"}` and logs it on the `devnet` logger; this module
listens to that logger, so a handler bug counts as a crash even though no traceback reaches
the client. A hung handler shows up as a client timeout. The control API (`/devnet/*`) must
answer 200, 400 `{"error": ...}` or 404.

Crashes found and not yet fixed go in KNOWN_CRASHES, each with a strict-xfail regression
test below, so fixing it flips that test to XPASS (a failure) — then delete the xfail mark
and its KNOWN_CRASHES entry. The fuzz tests tolerate only those known signatures and fail on
anything new. The seven found so far are fixed; their regression tests must pass.

Budget: `DEVNET_FUZZ_EXAMPLES` hypothesis examples per fuzz test (default 15, which keeps
this module well under 30 s). For a real hunt:

    DEVNET_FUZZ_EXAMPLES=1500 .venv/bin/pytest tests/devnet/test_bad_input_fuzz.py -p no:randomly
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import socket
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st
from tronpy.keys import PrivateKey

from devnet.testing import RunningDevnet, running_devnet
from devnet.txcodec import (
    ADDRESS,
    BOOL,
    CONTRACT_SCHEMAS,
    HEX,
    INT,
    RESOURCE,
    TYPE_URL_PREFIX,
    VOTES,
)

FUZZ_EXAMPLES = int(os.environ.get("DEVNET_FUZZ_EXAMPLES", "15"))
REQUEST_TIMEOUT_S = 20  # a hang guard, not a performance assertion
fuzz_settings = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=FUZZ_EXAMPLES <= 15,  # the normal suite is reproducible; big hunts explore
)

JAVA_ERROR = re.compile(r"^class [A-Za-z_$][\w.$]* : ", re.DOTALL)
PYTHON_LEAK = re.compile(r"^class java\.lang\.RuntimeException : [A-Z]\w*(Error|Exception)$")

CONTROL_ENDPOINTS = [
    ("GET", "accounts"),
    ("GET", "status"),
    ("POST", "faucet"),
    ("POST", "mine"),
    ("POST", "snapshot"),
    ("POST", "revert"),
    ("GET", "faults"),
    ("POST", "faults"),
    ("DELETE", "faults"),
    ("POST", "fork"),
]


# ---- crash detection -----------------------------------------------------------------------
@dataclass(frozen=True)
class Crash:
    """An exception the server caught at its last line of defence (a handler bug)."""

    type_name: str
    message: str
    traceback: str


@dataclass(frozen=True)
class KnownCrash:
    name: str
    type_name: str
    message: re.Pattern[str]

    def matches(self, crash: Crash) -> bool:
        return crash.type_name == self.type_name and bool(self.message.search(crash.message))


# Crashes found by this module and not yet fixed; each gets a strict-xfail regression test
# (`@xfail_crash(name)`) until its fix flips it to XPASS. Empty: every one found so far is
# fixed and its regression test below must pass.
KNOWN_CRASHES: list[KnownCrash] = []


class CrashLog(logging.Handler):
    """Collects every exception the devnet logs while serving (it logs one per handler bug)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.crashes: list[Crash] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            self.crashes.append(
                Crash(
                    type(exc).__name__,
                    str(exc),
                    "".join(traceback.format_exception(*record.exc_info)),
                )
            )

    def take(self) -> list[Crash]:
        taken, self.crashes = self.crashes, []
        return taken


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    crashes: list[Crash]

    def json(self) -> Any:
        return json.loads(self.text)


class Probe:
    """Raw HTTP against a running devnet (http.client: any method, path, header or body)."""

    def __init__(self, chain: RunningDevnet, crash_log: CrashLog) -> None:
        self.chain = chain
        self.crash_log = crash_log
        host, port = chain.server.server_address[:2]
        self.host, self.port = str(host), int(port)

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        self.crash_log.take()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return Answer(response.status, text, self.crash_log.take())
        finally:
            connection.close()

    def post_json(self, path: str, body: Any) -> Answer:
        return self.send("POST", path, json.dumps(body).encode())


def unknown_crashes(answer: Answer) -> list[Crash]:
    return [c for c in answer.crashes if not any(k.matches(c) for k in KNOWN_CRASHES)]


def describe(request: str, answer: Answer) -> str:
    tracebacks = "\n".join(crash.traceback for crash in answer.crashes)
    return f"{request}\n-> HTTP {answer.status} {answer.text[:500]}\n{tracebacks}"


def remember(request: str, answer: Answer, *, crashes: list[Crash] | None = None) -> None:
    """Attach the exchange to a failing hypothesis example (outside one: a no-op)."""
    if currently_in_test_context():
        note(describe(request, answer))
        for crash in crashes or []:
            event(f"known crash: {crash.type_name}")


def assert_answered_like_a_node(request: str, answer: Answer) -> None:
    """A TRON API answer: 200 + JSON (404 JSON for an unknown path), java-style errors."""
    remember(request, answer, crashes=answer.crashes)
    assert not unknown_crashes(answer), describe(request, answer)
    assert answer.status in (200, 404), describe(request, answer)
    parsed = json.loads(answer.text)
    if isinstance(parsed, dict) and "Error" in parsed:
        assert JAVA_ERROR.match(parsed["Error"]), describe(request, answer)
        if not answer.crashes:
            assert not PYTHON_LEAK.match(parsed["Error"]), describe(request, answer)


def assert_answered_like_control(request: str, answer: Answer) -> None:
    remember(request, answer, crashes=answer.crashes)
    assert not unknown_crashes(answer), describe(request, answer)
    if answer.crashes:  # a known crash: the catch-all answered 200 with a java-style Error
        return
    assert answer.status in (200, 400, 404), describe(request, answer)
    parsed = json.loads(answer.text)
    if answer.status != 200:
        assert isinstance(parsed.get("error"), str), describe(request, answer)


def assert_still_serving(probe: Probe) -> None:
    block = probe.send("POST", "/wallet/getnowblock", b"{}").json()
    assert block["block_header"]["raw_data"]["number"] >= 0
    assert probe.send("GET", "/devnet/status").json()["head"]["number"] >= 0


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def crash_log() -> Iterator[CrashLog]:
    handler = CrashLog()
    logger = logging.getLogger("devnet")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def watch_socket_errors(chain: RunningDevnet, crash_log: CrashLog) -> None:
    """socketserver prints an exception that escapes the request handler to stderr, past
    the devnet logger; record those too. A client hanging up mid-answer is not a crash."""
    report = chain.server.handle_error

    def record_then_report(request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, (BrokenPipeError, ConnectionResetError)):
            crash_log.crashes.append(Crash(type(exc).__name__, str(exc), traceback.format_exc()))
        report(request, client_address)

    chain.server.handle_error = record_then_report  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def shared_chain(crash_log: CrashLog) -> Iterator[RunningDevnet]:
    """One chain for all examples: starting a node per example would eat the time budget."""
    with running_devnet() as running:
        watch_socket_errors(running, crash_log)
        yield running


@pytest.fixture(scope="module")
def probe(shared_chain: RunningDevnet, crash_log: CrashLog) -> Probe:
    return Probe(shared_chain, crash_log)


@pytest.fixture
def fresh_probe(crash_log: CrashLog) -> Iterator[Probe]:
    with running_devnet() as running:
        watch_socket_errors(running, crash_log)
        yield Probe(running, crash_log)


def wallet_paths(chain: RunningDevnet) -> list[str]:
    """Every TRON API path the node routes (read from the server, so new ones are fuzzed)."""
    return sorted(f"/{prefix}/{name}" for prefix, name in chain.server.wallet.routes)


# ---- strategies ----------------------------------------------------------------------------
ACCOUNT_HEX = "41eb28beca50d2ebbe2658430252fef2931d7325c5"  # replaced by real ones at run time
INT64_EDGES = [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 2**256, -1, 0, 10**400]
NASTY_NUMBER_TEXT = ["--5", "-", "²", "١٢", " 7 ", "0x10", "1e3", "1.5", "", "NaN", "९"]
BAD_ADDRESSES = [
    "T" + "1" * 33,  # base58 alphabet, checksum wrong
    "TMEMwVQtet1e4Bm36woZYtS1HRvYyFtwEs",  # the token with its last letter's case flipped
    "T0OIl" + "1" * 29,  # characters outside base58
    "41" + "zz" * 20,
    "42" + "00" * 20,
    "41" + "00" * 19,
    "41" + "00" * 21,
    "0x41" + "00" * 20,
    "T",
    "",
]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(INT64_EDGES),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(NASTY_NUMBER_TEXT + BAD_ADDRESSES),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def hex_text(draw: st.DrawFn, size: int) -> str:
    return draw(st.binary(min_size=size, max_size=size)).hex()


def plausible_values(chain: RunningDevnet) -> st.SearchStrategy[Any]:
    """Values a field might legitimately hold, so fuzzing also reaches deep code paths."""
    accounts = chain.accounts
    return st.one_of(
        st.sampled_from([a.address for a in accounts] + [a.hex for a in accounts]),
        st.sampled_from([chain.token_address, chain.node.world.token.address.hex()]),
        st.integers(min_value=-3, max_value=5_000_000),
        hex_text(32),
        st.sampled_from(
            [
                "transfer(address,uint256)",
                "balanceOf(address)",
                "approve(address,uint256)",
                "transferFrom(address,address,uint256)",
                "allowance(address,address)",
                "totalSupply()",
                "decimals()",
                "name()",
                "noSuchFunction(uint8)",
                "balanceOf(address",
                "bälanceOf(address)",
                "ENERGY",
                "BANDWIDTH",
                "TRON_POWER",
                "true",
                "false",
            ]
        ),
    )


FIELD_NAMES = [
    "address",
    "value",
    "num",
    "startNum",
    "endNum",
    "id_or_num",
    "detail",
    "visible",
    "owner_address",
    "to_address",
    "amount",
    "contract_address",
    "function_selector",
    "parameter",
    "data",
    "call_value",
    "fee_limit",
    "call_token_value",
    "token_id",
    "Permission_id",
    "raw_data",
    "raw_data_hex",
    "txID",
    "signature",
    "permission",
    "fromAddress",
    "toAddress",
    "type",
]

# Endpoints that must stay in the fuzzed set (wallet_paths reads the routes from the server;
# this guards against a resource read being dropped or renamed without anyone noticing).
RESOURCE_ENDPOINTS = [
    "getdelegatedresourcev2",
    "getdelegatedresourceaccountindexv2",
    "getcandelegatedmaxsize",
    "getchainparameters",
    "getenergyprices",
    "getbandwidthprices",
]


def request_bodies(chain: RunningDevnet) -> st.SearchStrategy[Any]:
    field_value = st.one_of(json_values, plausible_values(chain))
    return st.one_of(
        st.dictionaries(st.sampled_from(FIELD_NAMES), field_value, max_size=6),
        json_values,
    )


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from(
        [
            b"{",
            b'{"num": 1',
            b'{"num": 1}}',
            b"{'num': 1}",
            b'{"num": 1, "num": "x"}',
            b"\xef\xbb\xbf{}",
            b"\xff\xfe{\x00}\x00",
            b"null",
            b"[]",
            b'"text"',
            b"NaN",
            b"-Infinity",
            b"1e999999",
            b'{"num": 1e999999}',
            b'{"visible": "TRUE", "address": null}',
            b"[" * 50_000 + b"]" * 50_000,
            b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        ]
    ),
)

query_strings = st.one_of(
    st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"),
        max_size=80,
    ),
    st.lists(st.tuples(st.sampled_from(FIELD_NAMES), st.text(max_size=20)), max_size=5).map(
        lambda pairs: "&".join(f"{k}={_percent(v)}" for k, v in pairs)
    ),
    st.sampled_from(
        [
            "visible=maybe",
            "visible=true&visible=false",
            "visible",
            "num=%zz",
            "num=%00",
            "value=%ff%fe",
            "id_or_num=%C2%B2",
            "&&&==&=",
            "num[]=1",
            "detail=1&detail=yes",
        ]
    ),
)


def _percent(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# ---- fuzzing: the TRON API -----------------------------------------------------------------
def test_resource_reads_are_among_the_fuzzed_endpoints(probe: Probe) -> None:
    fuzzed = set(wallet_paths(probe.chain))
    for name in RESOURCE_ENDPOINTS:
        assert f"/wallet/{name}" in fuzzed
        if name != "getchainparameters":  # java-tron has no solidity twin of that one
            assert f"/walletsolidity/{name}" in fuzzed


def test_every_wallet_endpoint_answers_json_bodies_like_a_node(probe: Probe) -> None:
    chain = probe.chain

    @fuzz_settings
    @given(path=st.sampled_from(wallet_paths(chain)), body=request_bodies(chain))
    def run(path: str, body: Any) -> None:
        answer = probe.post_json(path, body)
        assert_answered_like_a_node(f"POST {path} {json.dumps(body)[:300]}", answer)

    run()
    assert_still_serving(probe)


def test_resource_reads_answer_fuzzed_bodies_like_a_node(probe: Probe) -> None:
    chain = probe.chain
    paths = [p for p in wallet_paths(chain) if p.rsplit("/", 1)[1] in RESOURCE_ENDPOINTS]
    field_value = st.one_of(json_values, plausible_values(chain), st.sampled_from([0, 1, 2, "1"]))
    fields = st.sampled_from(["fromAddress", "toAddress", "owner_address", "type", "value"])

    @fuzz_settings
    @given(
        path=st.sampled_from(paths),
        body=st.dictionaries(fields, field_value, max_size=4),
        visible=st.sampled_from([None, True, False, "true"]),
    )
    def run(path: str, body: dict[str, Any], visible: Any) -> None:
        if visible is not None:
            body = {**body, "visible": visible}
        answer = probe.post_json(path, body)
        assert_answered_like_a_node(f"POST {path} {json.dumps(body)[:300]}", answer)

    run()
    assert_still_serving(probe)


def test_every_wallet_endpoint_answers_malformed_bodies_like_a_node(probe: Probe) -> None:
    @fuzz_settings
    @given(
        path=st.sampled_from(wallet_paths(probe.chain)),
        body=raw_bodies,
        content_type=st.sampled_from(
            ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
        ),
    )
    def run(path: str, body: bytes, content_type: str) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        answer = probe.send("POST", path, body, headers)
        assert_answered_like_a_node(f"POST {path} {body[:200]!r}", answer)

    run()
    assert_still_serving(probe)


def test_every_wallet_endpoint_answers_odd_query_strings_like_a_node(probe: Probe) -> None:
    @fuzz_settings
    @given(path=st.sampled_from(wallet_paths(probe.chain)), query=query_strings)
    def run(path: str, query: str) -> None:
        answer = probe.send("GET", f"{path}?{query}")
        assert_answered_like_a_node(f"GET {path}?{query}", answer)

    run()
    assert_still_serving(probe)


path_segments = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#?"),
    max_size=30,
)


def test_unknown_paths_and_methods_get_an_answer(probe: Probe) -> None:
    @fuzz_settings
    @given(
        method=st.sampled_from(["GET", "POST", "DELETE", "OPTIONS", "PUT", "HEAD", "PATCH"]),
        path=st.one_of(
            st.lists(path_segments, max_size=4).map(lambda parts: "/" + "/".join(parts)),
            st.sampled_from(
                [
                    "/wallet/",
                    "/wallet",
                    "/walletsolidity/broadcasttransaction",
                    "/wallet/GETNOWBLOCK",
                    "//wallet//getnowblock",
                    "/wallet/getnowblock/extra",
                    "/wallet/%67etnowblock",
                    "/devnet/",
                    "/devnet/mine/1",
                    "/walletpbft/getnowblock",
                    "/wallet/getnowblock%00",
                ]
            ),
        ),
    )
    def run(method: str, path: str) -> None:
        answer = probe.send(method, path)
        remember(f"{method} {path}", answer)
        assert not unknown_crashes(answer), describe(f"{method} {path}", answer)
        # http.server answers methods it does not route (PUT, PATCH, HEAD) with its own 501.
        assert answer.status in (200, 400, 404, 501), describe(f"{method} {path}", answer)
        if answer.status in (200, 404) and method != "HEAD" and answer.text:
            json.loads(answer.text)

    run()
    assert_still_serving(probe)


# ---- fuzzing: transactions -----------------------------------------------------------------
def _signature(key_hex: str, txid: str) -> str:
    return PrivateKey(bytes.fromhex(key_hex)).sign_msg_hash(bytes.fromhex(txid)).hex()


class ChainView:
    """What the strategies need from a running chain, with a short repr for failure reports."""

    def __init__(self, chain: RunningDevnet) -> None:
        self.chain = chain

    def __repr__(self) -> str:
        return f"ChainView({self.chain.url})"


def field_values(view: ChainView) -> dict[str, st.SearchStrategy[Any]]:
    """Well-formed values for each kind of contract field (txcodec's kinds), near the edges
    that matter: balances, zero, negative, int64 limits, the token, witnesses, self."""
    chain = view.chain
    addresses = [a.hex for a in chain.accounts] + [a.address for a in chain.accounts]
    addresses += [chain.node.world.token.address.hex(), "41" + "00" * 20]
    witnesses = [w.address.hex() for w in chain.node.witness_keys[:3]]
    amounts = st.one_of(
        st.integers(min_value=1, max_value=100_000_000),
        st.integers(min_value=-2, max_value=3_000_000_000_000),
        st.sampled_from([2**63 - 1, -(2**63), 1_000_000_000_000_000]),
    )
    recipient = "00" * 12 + chain.accounts[3].hex[2:]
    calldata = st.sampled_from(
        [
            "a9059cbb" + recipient.rjust(64, "0") + f"{1_000_000:064x}",  # transfer
            "a9059cbb" + recipient.rjust(64, "0") + "f" * 64,  # transfer 2^256 - 1
            "095ea7b3" + recipient.rjust(64, "0") + f"{5:064x}",  # approve
            "23b872dd" + recipient.rjust(64, "0") * 2 + f"{1:064x}",  # transferFrom
            "70a08231" + recipient.rjust(64, "0"),  # balanceOf
            "a9059cbb",  # transfer without arguments
            "deadbeef",
            "",
        ]
    )
    return {
        ADDRESS: st.sampled_from(addresses),
        INT: amounts,
        BOOL: st.booleans(),
        HEX: calldata,
        RESOURCE: st.sampled_from(["ENERGY", "BANDWIDTH", "TRON_POWER", 0, 1, 2]),
        VOTES: st.lists(
            st.fixed_dictionaries(
                {"vote_address": st.sampled_from(witnesses + addresses[:2]), "vote_count": amounts}
            ),
            max_size=3,
        ),
    }


@st.composite
def raw_transactions(draw: st.DrawFn, view: ChainView) -> tuple[dict[str, Any], int]:
    """A raw_data JSON near a real one, with some fields mutated; and the owner's account."""
    chain = view.chain
    owner_index = draw(st.integers(min_value=0, max_value=len(chain.accounts) - 1))
    owner = chain.accounts[owner_index]
    type_name = draw(st.sampled_from(sorted(CONTRACT_SCHEMAS)))
    _, schema = CONTRACT_SCHEMAS[type_name]
    kinds = field_values(view)
    value: dict[str, Any] = {"owner_address": owner.hex}
    pristine = draw(st.booleans())  # half well-formed, so execution and rendering are reached
    for name, _number, kind in schema[1:]:
        if pristine or draw(st.booleans()):
            value[name] = draw(kinds[kind])
        elif draw(st.booleans()):
            value[name] = draw(st.one_of(plausible_values(chain), json_values))
    parameter: dict[str, Any] = {"value": value, "type_url": TYPE_URL_PREFIX + type_name}
    contract: dict[str, Any] = {"parameter": parameter, "type": type_name}
    with chain.node.lock:
        reference = chain.node.reference_fields()
    raw_data: dict[str, Any] = {"contract": [contract], **reference}
    targets: dict[str, dict[str, Any]] = {
        "owner_address": value,
        "type_url": parameter,
        "value": parameter,
        "type": contract,
        "parameter": contract,
        "Permission_id": contract,
    }
    raw_keys = ["ref_block_bytes", "ref_block_hash", "expiration", "timestamp", "fee_limit"]
    raw_keys += ["data", "ref_block_num", "scripts", "contract", "extra"]
    mutations = 0 if pristine else draw(st.integers(min_value=0, max_value=3))
    keys = st.sampled_from(raw_keys + list(targets))
    for key in draw(st.lists(keys, min_size=mutations, max_size=mutations, unique=True)):
        targets.get(key, raw_data)[key] = draw(json_values)
    if not pristine and draw(st.booleans()):  # expiration at and around its window's edges
        head_time = chain.node.head.timestamp
        raw_data["expiration"] = head_time + draw(
            st.sampled_from([-1, 0, 1, 86_400_000, 86_400_001, -(10**15)])
        )
    return raw_data, owner_index


SIGNATURE_KINDS = [
    "owner",
    "owner_v27_upper",
    "other_key",
    "twice",
    "none",
    "empty_list",
    "not_a_list",
    "not_strings",
    "bad_hex",
    "short",
    "bad_v",
]


def _signatures(kind: str, chain: RunningDevnet, owner_index: int, txid: str) -> Any:
    owner_key = chain.accounts[owner_index].private_key
    other_key = chain.accounts[(owner_index + 1) % len(chain.accounts)].private_key
    good = _signature(owner_key, txid)
    return {
        "owner": [good],
        "owner_v27_upper": [(good[:128] + f"{int(good[128:], 16) + 27:02x}").upper()],
        "other_key": [_signature(other_key, txid)],
        "twice": [good, good],
        "none": None,
        "empty_list": [],
        "not_a_list": good,
        "not_strings": [1, None, {"r": good}],
        "bad_hex": ["zz" * 65],
        "short": [good[:100]],
        "bad_v": [good[:128] + "05"],
    }[kind]


def test_broadcast_answers_mutated_transactions_like_a_node(probe: Probe) -> None:
    """getsignweight computes the txid (as tronpy asks it to), then broadcast with fuzzed
    signatures, sometimes twice; admitted transactions are mined and served back."""
    chain = probe.chain

    @fuzz_settings
    @given(
        transaction=raw_transactions(ChainView(chain)),
        signature_kind=st.one_of(st.just("owner"), st.sampled_from(SIGNATURE_KINDS)),
        visible=st.sampled_from([None, True, False, "true", "nope", 1]),
        repeat=st.booleans(),
    )
    def run(
        transaction: tuple[dict[str, Any], int], signature_kind: str, visible: Any, repeat: bool
    ) -> None:
        raw_data, owner_index = transaction
        weight_request: dict[str, Any] = {
            "txID": "",
            "raw_data": raw_data,
            "signature": [],
            "permission": None,
        }
        weight = probe.post_json("/wallet/getsignweight", weight_request)
        assert_answered_like_a_node(f"POST /wallet/getsignweight {weight_request}", weight)
        parsed = weight.json()
        txid = parsed.get("transaction", {}).get("transaction", {}).get("txID") or "00" * 32
        body: dict[str, Any] = {
            "txID": txid,
            "raw_data": raw_data,
            "signature": _signatures(signature_kind, chain, owner_index, txid),
        }
        if visible is not None:
            body["visible"] = visible
        for _ in range(2 if repeat else 1):
            answer = probe.post_json("/wallet/broadcasttransaction", body)
            assert_answered_like_a_node(f"POST /wallet/broadcasttransaction {body}", answer)
            outcome = answer.json()
            event(f"broadcast: {outcome.get('code') or outcome.get('result') or 'Error'}")
        if outcome.get("result") is True:
            serve_back(probe, txid)

    run()
    assert_still_serving(probe)


def serve_back(probe: Probe, txid: str) -> None:
    """Mine the pending transactions and read them back every way a client would."""
    mined = probe.post_json("/devnet/mine", {"blocks": 1})
    assert mined.status == 200, mined.text
    number = mined.json()["blocks"][0]
    for visible in (False, True):
        for path, body in [
            ("/wallet/getblockbynum", {"num": number}),
            ("/walletsolidity/getblockbynum", {"num": number}),
            ("/wallet/gettransactioninfobyblocknum", {"num": number}),
            ("/wallet/gettransactionbyid", {"value": txid}),
            ("/wallet/gettransactioninfobyid", {"value": txid}),
            ("/wallet/getblockbylimitnext", {"startNum": max(0, number - 1), "endNum": number + 1}),
        ]:
            answer = probe.post_json(path, {**body, "visible": visible})
            assert_answered_like_a_node(f"POST {path} {body} visible={visible}", answer)


# ---- fuzzing: the control API --------------------------------------------------------------
def control_bodies(chain: RunningDevnet) -> st.SearchStrategy[Any]:
    keys = [
        "address",
        "trx",
        "usdt",
        "blocks",
        "id",
        "drop_broadcasts",
        "server_busy",
        "http_error",
        "delay_ms",
        "requests",
        "seconds",
        "status",
    ]
    # Mining is the one control call whose cost grows with a valid input: keep it small.
    value = st.one_of(json_values, plausible_values(chain)).filter(
        lambda v: not (isinstance(v, int) and v > 50)
    )
    return st.one_of(st.dictionaries(st.sampled_from(keys), value, max_size=4), json_values)


def test_control_endpoints_answer_bad_bodies_with_400(probe: Probe) -> None:
    chain = probe.chain

    @fuzz_settings
    @given(
        endpoint=st.sampled_from(CONTROL_ENDPOINTS),
        body=st.one_of(
            control_bodies(chain).map(lambda b: json.dumps(b).encode()),
            raw_bodies.filter(lambda b: len(b) < 1000),
        ),
    )
    def run(endpoint: tuple[str, str], body: bytes) -> None:
        method, name = endpoint
        try:
            answer = probe.send(method, f"/devnet/{name}", body)
            assert_answered_like_control(f"{method} /devnet/{name} {body[:300]!r}", answer)
        finally:  # a fuzzed fault (a long delay, HTTP 503) must not leak into later examples
            probe.send("DELETE", "/devnet/faults")

    run()
    assert_still_serving(probe)


# ---- transport edges -----------------------------------------------------------------------
def test_oversized_body_is_refused_and_the_connection_stays_usable(probe: Probe) -> None:
    body = b'{"num": 1, "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    answer = probe.send("POST", "/wallet/getblockbynum", body)
    assert_answered_like_a_node("POST /wallet/getblockbynum <5 MiB>", answer)
    assert "Error" in answer.json()
    assert_still_serving(probe)


def test_a_stalled_client_does_not_stop_others_being_served(probe: Probe) -> None:
    """A client that promises a body and never sends it holds one thread, not the node."""
    stalled = socket.create_connection((probe.host, probe.port), timeout=REQUEST_TIMEOUT_S)
    try:
        stalled.sendall(
            b"POST /wallet/getnowblock HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"
        )
        assert_still_serving(probe)
    finally:
        stalled.close()
    assert_still_serving(probe)


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connected, never asked anything
        b"POST /wallet/getnowblock HTTP/1.1\r\nHost: x\r\n",  # headers never finished
        b"POST /wallet/getnowblock HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
        b"POST /devnet/mine HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
    ],
    ids=["idle", "headers", "wallet_body", "control_body"],
)
def test_a_stalled_client_is_disconnected_after_the_idle_timeout(
    crash_log: CrashLog, sent: bytes
) -> None:
    """A client that promises more and stalls loses its connection (and the server thread is
    freed) once it has sent nothing for `idle_timeout_s`; nothing is answered, nothing logged
    as a crash. REQUEST_TIMEOUT_S only guards against a hang: the server must close first."""
    with running_devnet(idle_timeout_s=0.2) as running:
        watch_socket_errors(running, crash_log)
        probe = Probe(running, crash_log)
        crash_log.take()
        stalled = socket.create_connection((probe.host, probe.port), timeout=REQUEST_TIMEOUT_S)
        try:
            stalled.sendall(sent)
            received = stalled.recv(65536)  # b"" once the server closes its end
        finally:
            stalled.close()
        assert received == b""
        assert not crash_log.take()
        assert_still_serving(probe)


def test_negative_content_length_is_read_as_an_empty_body(probe: Probe) -> None:
    answer = probe.send("POST", "/wallet/getnowblock", b"", {"Content-Length": "-5"})
    assert_answered_like_a_node("POST /wallet/getnowblock Content-Length: -5", answer)
    assert answer.json()["blockID"]


def test_duplicate_broadcast_is_refused_with_dup_transaction_error(fresh_probe: Probe) -> None:
    chain = fresh_probe.chain
    created = fresh_probe.post_json(
        "/wallet/createtransaction",
        {"owner_address": chain.accounts[1].hex, "to_address": chain.accounts[2].hex, "amount": 1},
    ).json()
    created["signature"] = [_signature(chain.accounts[1].private_key, created["txID"])]
    first = fresh_probe.post_json("/wallet/broadcasttransaction", created).json()
    again = fresh_probe.post_json("/wallet/broadcasttransaction", created).json()
    assert first == {"result": True, "txid": created["txID"]}
    assert again["code"] == "DUP_TRANSACTION_ERROR"
    assert bytes.fromhex(again["message"]).decode() == "Dup transaction."


# ---- regressions: crashes found by fuzzing, fixed ------------------------------------------
def assert_java_error_without_crash(answer: Answer, request: str) -> None:
    """What java-tron does with a bad argument: 200 + {"Error": "class … : …"}, no bug."""
    assert not answer.crashes, describe(request, answer)
    assert answer.status == 200, describe(request, answer)
    error = answer.json()["Error"]
    assert JAVA_ERROR.match(error) and not PYTHON_LEAK.match(error), describe(request, answer)


def xfail_crash(name: str) -> pytest.MarkDecorator:
    """Mark the regression test of a KNOWN_CRASHES entry (for crashes found but not fixed)."""
    known = next(k for k in KNOWN_CRASHES if k.name == name)
    return pytest.mark.xfail(
        strict=True,
        reason=f"devnet bug {known.name}: {known.type_name} escapes to the catch-all handler",
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/wallet/getblockbynum", {"num": "²"}),
        ("/wallet/getblockbynum", {"num": "--5"}),
        ("/wallet/gettransactioninfobyblocknum", {"num": "-²"}),
        ("/wallet/getblockbylimitnext", {"startNum": "³", "endNum": 5}),
        ("/wallet/getblock", {"id_or_num": "²"}),
    ],
)
def test_number_field_holding_a_digit_python_cannot_parse_is_a_number_format_error(
    probe: Probe, path: str, body: dict[str, Any]
) -> None:
    answer = probe.post_json(path, body)
    assert_java_error_without_crash(answer, f"POST {path} {body}")
    if path != "/wallet/getblock":  # there a non-number is read as a block id
        assert answer.json()["Error"].startswith("class java.lang.NumberFormatException : ")


def test_number_field_in_another_scripts_digits_is_read_as_java_reads_it(probe: Probe) -> None:
    """Long.parseLong takes any script's decimal digits (Arabic-Indic U+0660 is 0), as int()."""
    answer = probe.post_json("/wallet/getblockbynum", {"num": "\u0660"})
    assert_answered_like_a_node("POST /wallet/getblockbynum {num: U+0660}", answer)
    assert answer.json()["block_header"]["raw_data"].get("number", 0) == 0


@pytest.mark.parametrize("amount", ["²", "--5"])
def test_transaction_amount_python_cannot_parse_is_a_parse_error(probe: Probe, amount: str) -> None:
    chain = probe.chain
    with chain.node.lock:
        reference = chain.node.reference_fields()
    raw_data = {
        "contract": [
            {
                "parameter": {
                    "value": {
                        "owner_address": chain.accounts[1].hex,
                        "to_address": chain.accounts[2].hex,
                        "amount": amount,
                    },
                    "type_url": TYPE_URL_PREFIX + "TransferContract",
                },
                "type": "TransferContract",
            }
        ],
        **reference,
    }
    body = {"raw_data": raw_data, "signature": ["00" * 65]}
    answer = probe.post_json("/wallet/broadcasttransaction", body)
    assert_java_error_without_crash(answer, f"POST /wallet/broadcasttransaction {body}")


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000])
def test_json_nested_past_the_parser_depth_is_a_json_exception(probe: Probe, body: bytes) -> None:
    answer = probe.send("POST", "/wallet/getnowblock", body)
    assert_java_error_without_crash(answer, f"POST /wallet/getnowblock {body[:20]!r}…")
    level = "array level" if body.startswith(b"[") else "object key level"
    assert answer.json()["Error"] == f"class com.alibaba.fastjson.JSONException : {level} > 512"


def test_json_nested_within_the_parser_depth_is_parsed(probe: Probe) -> None:
    """The depth limit is fastjson's, not Python's recursion limit: 500 levels are JSON."""
    body = b'{"visible": true, "pad": ' + b"[" * 500 + b"]" * 500 + b"}"
    answer = probe.send("POST", "/wallet/getnowblock", body)
    assert_answered_like_a_node("POST /wallet/getnowblock <500 levels>", answer)
    assert answer.json()["blockID"]


def test_control_body_nested_past_the_parser_depth_is_a_400(probe: Probe) -> None:
    answer = probe.send("POST", "/devnet/mine", b"[" * 100_000)
    assert not answer.crashes, describe("POST /devnet/mine [[[…", answer)
    assert answer.status == 400 and "error" in answer.json()


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/wallet/createtransaction", "amount", 2**63),
        ("/wallet/createtransaction", "amount", -(2**63) - 1),
        ("/wallet/triggersmartcontract", "fee_limit", 2**64),
        ("/wallet/triggersmartcontract", "Permission_id", 2**64),
        ("/wallet/triggersmartcontract", "call_value", 2**63),
        ("/wallet/triggersmartcontract", "call_token_value", 2**63),
        ("/wallet/triggersmartcontract", "token_id", 2**63),
    ],
)
def test_node_built_transaction_with_a_number_beyond_int64_is_an_error(
    probe: Probe, path: str, field: str, value: int
) -> None:
    chain = probe.chain
    body: dict[str, Any] = {
        "owner_address": chain.accounts[1].hex,
        "to_address": chain.accounts[2].hex,
        "amount": 1,
        "contract_address": chain.token_address,
        "function_selector": "balanceOf(address)",
        "parameter": "",
        "fee_limit": 1_000_000,
    }
    body[field] = value
    answer = probe.post_json(path, body)
    assert_java_error_without_crash(answer, f"POST {path} {body}")
    assert answer.json()["Error"] == (
        "class org.tron.core.services.http.JsonFormat$ParseException : Couldn't parse integer: "
        f"Number out of range for 64-bit signed integer: {value}"
    )


@pytest.mark.parametrize(
    "path",
    ["/wallet/triggerconstantcontract", "/wallet/triggersmartcontract", "/wallet/estimateenergy"],
)
def test_non_ascii_function_selector_is_an_error(probe: Probe, path: str) -> None:
    chain = probe.chain
    body = {
        "owner_address": chain.accounts[1].hex,
        "contract_address": chain.token_address,
        "function_selector": "bälanceOf(address)",
        "parameter": "",
    }
    answer = probe.post_json(path, body)
    assert not answer.crashes, describe(f"POST {path} {body}", answer)
    assert answer.status == 200


def test_faucet_trx_beyond_int64_is_a_400(probe: Probe) -> None:
    body = {"address": probe.chain.accounts[2].address, "trx": 2**64}
    answer = probe.post_json("/devnet/faucet", body)
    assert not answer.crashes, describe(f"POST /devnet/faucet {body}", answer)
    assert answer.status == 400 and "error" in answer.json()


def test_faucet_usdt_beyond_uint256_is_a_400(probe: Probe) -> None:
    body = {"address": probe.chain.accounts[2].address, "usdt": 2**256}
    answer = probe.post_json("/devnet/faucet", body)
    assert not answer.crashes, describe(f"POST /devnet/faucet {body}", answer)
    assert answer.status == 400 and "error" in answer.json()


def test_non_numeric_content_length_is_a_400(probe: Probe) -> None:
    answer = probe.send("POST", "/wallet/getnowblock", b"{}", {"Content-Length": "abc"})
    assert not answer.crashes, describe("POST /wallet/getnowblock Content-Length: abc", answer)
    assert answer.status == 400


@pytest.mark.parametrize("path", ["/wallet/getsignweight", "/wallet/broadcasttransaction"])
@pytest.mark.parametrize("contract_type", [["TransferContract"], {"a": 1}])
def test_contract_type_that_is_not_a_string_is_a_parse_error(
    probe: Probe, path: str, contract_type: Any
) -> None:
    raw_data = {"contract": [{"type": contract_type, "parameter": {"value": {}}}]}
    body = {"raw_data": raw_data, "signature": ["00" * 65]}
    answer = probe.post_json(path, body)
    assert_java_error_without_crash(answer, f"POST {path} {body}")
    opening = "[" if isinstance(contract_type, list) else "{"
    assert answer.json()["Error"].endswith(f"Expected identifier. -{opening}")
