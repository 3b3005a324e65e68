"""One HTTP POST of a signed delivery to a checked, pinned address.

Connects to the address the SSRF guard checked while the request names the URL's host
(Host header, TLS server name and certificate), follows no redirect, gives up after 15 s,
and reads at most the first 1 KB of the answer (a receiver cannot make us buffer more).
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass
from functools import cache

import httpx

from gateway.webhooks.ssrf import PinnedTarget

TIMEOUT_S = 15.0
EXCERPT_BYTES = 1024
USER_AGENT = "LucidPayments-Webhooks/1"


@dataclass(frozen=True)
class SendOutcome:
    status_code: int | None  # None: no answer (connection refused, timeout, TLS)
    latency_ms: int
    excerpt: str  # the first 1 KB of the answer's body
    error: str  # why there was no answer; empty when there was one


def _excerpt(response: httpx.Response) -> str:
    read = bytearray()
    for chunk in response.iter_raw():
        read.extend(chunk)
        if len(read) >= EXCERPT_BYTES:
            break
    return _storable(bytes(read[:EXCERPT_BYTES]).decode("utf-8", errors="replace"))


def _storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a receiver's answer must not make the attempt
    # unrecordable (the delivery would be retried forever with no trace).
    return text.replace("\x00", "\ufffd")


@cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~30 ms of CPU; the context is safe to share. Connections
    # are not: each send opens its own, so a TLS session checked for one host never
    # carries a request for another host on the same address.
    return httpx.create_ssl_context()


def send(*, target: PinnedTarget, body: bytes, headers: dict[str, str]) -> SendOutcome:
    started = time.perf_counter()
    request_headers = {
        **headers,
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    # The TLS server name is the URL's host; an address literal gets none (SNI forbids it).
    extensions = {} if target.host == target.address else {"sni_hostname": target.host}
    # trust_env off: an HTTP(S)_PROXY from the environment would connect somewhere other
    # than the checked address.
    with httpx.Client(
        timeout=TIMEOUT_S, follow_redirects=False, trust_env=False, verify=_tls_context()
    ) as client:
        try:
            with client.stream(
                "POST",
                target.connect_url,
                content=body,
                headers=request_headers,
                extensions=extensions,
            ) as response:
                excerpt = _excerpt(response)
                status = response.status_code
        except httpx.HTTPError as exc:
            elapsed = round((time.perf_counter() - started) * 1000)
            error = _storable(f"{type(exc).__name__}: {exc}"[:EXCERPT_BYTES])
            return SendOutcome(None, elapsed, "", error)
    elapsed = round((time.perf_counter() - started) * 1000)
    return SendOutcome(status, elapsed, excerpt, "")
