"""Transport to the TRON node: timeouts, retries with backoff, failover across URLs.

Everything the platform sends to a node goes through one ``TronNode``: our own reads
(``post``/``post_list``) and tronpy (``tronpy()``), whose provider is routed through the
same retrying ``request``. A request is retried on HTTP 429/5xx, ``SERVER_BUSY`` and
connection errors or timeouts, moving to the next URL of ``TRON_NODE_URLS`` after each
failure, and finally raises ``NodeUnavailable``. With ``TRON_NODE_PROXY`` set, every
request goes through that proxy. Re-sending is safe for every call we
make: reads are pure and a re-broadcast of the same signed transaction has the same txid
(the node answers ``DUP_TRANSACTION_ERROR``).
"""

from __future__ import annotations

import copy
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

import httpx
from django.conf import settings
from tronpy import Tron
from tronpy.providers import HTTPProvider

from lucid_payments.tron.adapter.errors import NodeBadResponse, NodeRejected, NodeUnavailable

logger = logging.getLogger(__name__)

API_KEY_HEADER = "TRON-PRO-API-KEY"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Codes a node puts in a 200 body that mean "busy, ask again", not "no".
RETRYABLE_NODE_CODES = frozenset({"SERVER_BUSY"})

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_CONNECT_TIMEOUT_S = 3.0
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_BACKOFF_BASE_S = 0.2
DEFAULT_BACKOFF_MAX_S = 5.0
# Remembered facts per node before the memory starts afresh.
MEMORY_ENTRIES = 10_000
T = TypeVar("T")


class TronNode:
    """A client for one logical node reachable at one or more URLs (failover order)."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        api_key: str = "",
        proxy: str = "",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_base_s: float = DEFAULT_BACKOFF_BASE_S,
        backoff_max_s: float = DEFAULT_BACKOFF_MAX_S,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not urls:
            raise ValueError("TronNode needs at least one URL")
        self.urls = [url.rstrip("/") for url in urls]
        self.max_attempts = max(1, max_attempts)
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._sleep = sleep
        self._jitter = jitter
        self._current = 0  # index into urls; sticky while it answers
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            headers[API_KEY_HEADER] = api_key
        # One client for our reads and tronpy's alike, so a proxy (Tor, say) carries every
        # node call; socks5h:// also leaves name resolution to the proxy.
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            proxy=proxy or None,
        )
        self._tron: Tron | None = None
        # Set on views made by ``pinned()``: the node whose failover they report to.
        self._pinned_from: TronNode | None = None
        # Facts callers chose to remember (``remember``/``recall``); shared with views.
        self._memory: dict[Hashable, tuple[float, Any]] = {}

    @classmethod
    def from_settings(cls) -> TronNode:
        return cls(
            list(settings.TRON_NODE_URLS),
            api_key=settings.TRONGRID_API_KEY,
            proxy=getattr(settings, "TRON_NODE_PROXY", ""),
            timeout_s=getattr(settings, "TRON_NODE_TIMEOUT_S", DEFAULT_TIMEOUT_S),
            max_attempts=getattr(settings, "TRON_NODE_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
            backoff_max_s=getattr(settings, "TRON_NODE_BACKOFF_MAX_S", DEFAULT_BACKOFF_MAX_S),
        )

    @property
    def url(self) -> str:
        """The URL currently in use."""
        return self.urls[self._current]

    @property
    def is_pinned(self) -> bool:
        return self._pinned_from is not None

    def pinned(self) -> TronNode:
        """A view that sends every request to the URL in use now and never fails over.

        For decisions built from several reads that must describe one chain: "the
        solidified head is past the expiration" and "the solidified chain does not hold
        the txid" prove a transaction dead only if both come from the same node. With
        failover between the two reads, a lagging second node could miss a transaction
        the first one holds, and we would build and send a second copy. When the pinned
        URL fails, the view gives up (``NodeUnavailable``) and moves this node on to the
        next URL, so the next pin can use a healthy node.
        """
        if self._pinned_from is not None:
            return self
        view = copy.copy(self)  # shares the HTTP client, timeouts and retry policy
        view.urls = [self.url]
        view._current = 0
        view._tron = None
        view._pinned_from = self
        return view

    def close(self) -> None:
        if self._pinned_from is None:  # a view does not own the shared client
            self._client.close()

    # -- remembered answers -----------------------------------------------------------

    def remember(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key`` for ``recall``. Kept per node, so a node rebuilt
        for new settings (or a test's fresh devnet) starts with nothing remembered."""
        if len(self._memory) >= MEMORY_ENTRIES:
            self._memory.clear()  # rare, and only costs reads again
        self._memory[key] = (time.monotonic(), value)

    def recall(self, key: Hashable, *, max_age_s: float) -> Any:
        """What was remembered under ``key`` at most ``max_age_s`` ago, else None."""
        kept = self._memory.get(key)
        if kept is None or time.monotonic() - kept[0] > max_age_s:
            return None
        return kept[1]

    def recall_or_read(self, key: Hashable, *, max_age_s: float, read: Callable[[], T]) -> T:
        """What was remembered under ``key`` at most ``max_age_s`` ago, else ``read()``,
        remembered. ``read`` answers non-None; keys name what they hold, one kind each."""
        kept = self.recall(key, max_age_s=max_age_s)
        if kept is None:
            kept = read()
            self.remember(key, kept)
        return cast(T, kept)

    # -- requests ---------------------------------------------------------------------

    def request(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """POST ``payload`` to ``path`` and return the decoded JSON, whatever its shape.

        Retries transport failures and ``SERVER_BUSY``; does not interpret other errors
        in the body (tronpy's provider needs the raw answer). ``decode`` replaces the
        default JSON decoding of the body's bytes (the scanner decodes big answers
        straight into typed objects); ``SERVER_BUSY`` is then read from the result's
        ``code`` attribute.
        """
        path = path.lstrip("/")
        last_reason = "no attempt made"
        for attempt in range(1, self.max_attempts + 1):
            url = f"{self.urls[self._current]}/{path}"
            try:
                response = self._client.post(url, json=payload or {})
            except httpx.HTTPError as exc:  # connect/read timeouts, refused, reset
                last_reason = f"{type(exc).__name__} from {url}"
            else:
                if response.status_code in RETRYABLE_STATUS:
                    last_reason = f"HTTP {response.status_code} from {url}"
                elif response.status_code != 200:
                    raise NodeBadResponse(f"Node answered HTTP {response.status_code} to {path}.")
                else:
                    body = _decode_json(response, path, decode)
                    code = (
                        body.get("code") if isinstance(body, dict) else getattr(body, "code", None)
                    )
                    if code not in RETRYABLE_NODE_CODES:
                        return body
                    last_reason = f"{code} from {url}"
            self._fail_over()
            if attempt < self.max_attempts:
                delay = self._backoff(attempt)
                logger.info(
                    "node request %s failed (%s); retry %d/%d in %.2fs",
                    path,
                    last_reason,
                    attempt,
                    self.max_attempts - 1,
                    delay,
                )
                self._sleep(delay)
        raise NodeUnavailable(
            f"The TRON node did not answer {path} after {self.max_attempts} attempts "
            f"({last_reason})."
        )

    def post(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """``request`` for endpoints that answer an object; node errors raise ``NodeRejected``."""
        body = self.request(path, payload)
        if not isinstance(body, dict):
            raise NodeBadResponse(f"Node answered {type(body).__name__} to {path}, not an object.")
        raise_for_node_error(body)
        return body

    def post_list(self, path: str, payload: dict[str, Any] | None = None) -> list[Any]:
        """``request`` for endpoints that answer a JSON array (``gettransactioninfobyblocknum``)."""
        body = self.request(path, payload)
        if isinstance(body, dict):
            raise_for_node_error(body)
            if not body:  # some node versions answer {} for "none"
                return []
            raise NodeBadResponse(f"Node answered an object to {path}, not a list.")
        if not isinstance(body, list):
            raise NodeBadResponse(f"Node answered {type(body).__name__} to {path}, not a list.")
        return body

    # -- tronpy -----------------------------------------------------------------------

    def tronpy(self) -> Tron:
        """A tronpy client whose every request goes through this node's retries/failover."""
        if self._tron is None:
            self._tron = Tron(provider=RetryingProvider(self))
        return self._tron

    # -- internals --------------------------------------------------------------------

    def _fail_over(self) -> None:
        if self._pinned_from is not None:
            self._pinned_from._fail_over_from(self.urls[0])
        elif len(self.urls) > 1:
            self._current = (self._current + 1) % len(self.urls)

    def _fail_over_from(self, url: str) -> None:
        # Several pinned views may report one failure; move on only once per URL.
        if self.url == url:
            self._fail_over()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_max_s, self.backoff_base_s * (2 ** (attempt - 1)))
        # "Full jitter": spreads out retries of several workers hitting one busy node.
        return ceiling * (0.5 + 0.5 * self._jitter())


def raise_for_node_error(body: dict[str, Any]) -> None:
    """Raise ``NodeRejected`` if ``body`` is one of the node's error shapes."""
    if "Error" in body:  # {"Error": "class java.lang.X : msg"}
        raise NodeRejected(str(body["Error"]), node_code="ERROR")
    code = body.get("code")
    if isinstance(code, str) and code != "SUCCESS" and body.get("result") is not True:
        raise NodeRejected(decode_node_message(body.get("message", "")), node_code=code)


def decode_node_message(message: object) -> str:
    """Node messages are hex of UTF-8 unless the request was ``visible``; accept both."""
    text = str(message)
    try:
        return bytes.fromhex(text).decode("utf-8")
    except ValueError:
        return text


def _decode_json(
    response: httpx.Response, path: str, decode: Callable[[bytes], Any] | None = None
) -> Any:
    if not response.content and decode is None:
        return {}
    try:
        if decode is not None:
            return decode(response.content or b"{}")
        return json.loads(response.content)  # from bytes: skips a text decode of big blocks
    except ValueError as exc:
        raise NodeBadResponse(f"Node answered {path} with something that is not JSON.") from exc


class RetryingProvider(HTTPProvider):
    """tronpy's provider with every request routed through ``TronNode.request``."""

    def __init__(self, node: TronNode) -> None:
        super().__init__(endpoint_uri=node.url)
        self._node = node

    def make_request(self, method: str, params: Any = None) -> Any:
        return self._node.request(method, params or {})


# -- the process-wide node ------------------------------------------------------------

_node_lock = threading.Lock()
_node: TronNode | None = None
_node_key: tuple[object, ...] | None = None


def _settings_key() -> tuple[object, ...]:
    return (
        tuple(settings.TRON_NODE_URLS),
        settings.TRONGRID_API_KEY,
        getattr(settings, "TRON_NODE_PROXY", ""),
        getattr(settings, "TRON_NODE_TIMEOUT_S", DEFAULT_TIMEOUT_S),
        getattr(settings, "TRON_NODE_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
        getattr(settings, "TRON_NODE_BACKOFF_MAX_S", DEFAULT_BACKOFF_MAX_S),
    )


def get_node() -> TronNode:
    """The process's ``TronNode``, rebuilt if the node settings changed (tests do that)."""
    global _node, _node_key
    key = _settings_key()
    with _node_lock:
        if _node is None or _node_key != key:
            if _node is not None:
                _node.close()
            _node = TronNode.from_settings()
            _node_key = key
        return _node


def reset_node() -> None:
    """Forget the cached node (tests, or after a fork of the worker process)."""
    global _node, _node_key
    with _node_lock:
        if _node is not None:
            _node.close()
        _node = None
        _node_key = None
