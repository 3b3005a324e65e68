"""The SSRF guard: a webhook URL may only reach public addresses (or allowed networks).

The host is resolved at registration and again before every delivery; every address it
resolves to must be allowed, and the delivery then connects to the address that was
checked (``PinnedTarget``), so a DNS answer that changes between the check and the connect
(DNS rebinding) cannot steer the request inside the network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

from lucid_payments.core.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"http": 80, "https": 443}
# Shared address space (carrier-grade NAT) is not private by RFC 1918 but is not public
# either; ipaddress does not count it as private.
_NOT_PUBLIC_EXTRA: tuple[IPNetwork, ...] = (ipaddress.ip_network("100.64.0.0/10"),)


# One message whether the name does not resolve or resolves inside the network: the answer
# must not tell a caller which internal names exist.
_NOT_REACHABLE = (
    "The URL's host must resolve to public addresses only: webhooks are not sent inside "
    "the network."
)


class WebhookUrlNotAllowed(InvalidInput):
    default_code = "webhook_url_not_allowed"


@dataclass(frozen=True)
class PinnedTarget:
    """Where to connect: the checked ``address``, while the request still names ``host``
    (Host header, TLS server name and certificate check)."""

    scheme: str
    host: str
    port: int
    address: str
    path: str  # path and query, as given

    @property
    def connect_url(self) -> str:
        literal = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{literal}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        literal = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS[self.scheme] == self.port
        return literal if default else f"{literal}:{self.port}"


@cache
def _parse_networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _allowed_networks() -> tuple[IPNetwork, ...]:
    return _parse_networks(tuple(settings.WEBHOOK_ALLOWED_CIDRS))


def address_allowed(address: IPAddress) -> bool:
    """Public, or inside a network the operator allowed. An IPv4-mapped IPv6 address is
    judged as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_allowed(address.ipv4_mapped)
    if any(address in network for network in _allowed_networks()):
        return True
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        or any(address in network for network in _NOT_PUBLIC_EXTRA)
        or not address.is_global
    )


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlNotAllowed("The URL is not valid.", fields={"url": [str(exc)]}) from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise WebhookUrlNotAllowed("Only http and https URLs are allowed.")
    if scheme == "http" and not settings.WEBHOOK_ALLOW_HTTP:
        raise WebhookUrlNotAllowed("Plain http is not allowed here; use https.")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlNotAllowed("The URL must not carry credentials.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise WebhookUrlNotAllowed("The URL has no host.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or DEFAULT_PORTS[scheme], path


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise WebhookUrlNotAllowed(_NOT_REACHABLE) from exc
    addresses: list[IPAddress] = []
    for info in infos:
        # Scope ids (fe80::1%eth0) are not part of the address.
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhookUrlNotAllowed(_NOT_REACHABLE)
    return addresses


def webhook_target(url: str) -> PinnedTarget:
    """Check ``url`` now and return where to connect; raises ``WebhookUrlNotAllowed``
    (400 ``webhook_url_not_allowed``) when any address the host resolves to is refused."""
    scheme, host, port, path = _split(url)
    addresses = _resolve(host, port)
    if not all(address_allowed(a) for a in addresses):
        raise WebhookUrlNotAllowed(_NOT_REACHABLE)
    first = addresses[0]
    if isinstance(first, ipaddress.IPv6Address) and first.ipv4_mapped is not None:
        first = first.ipv4_mapped  # connect over IPv4 to the address that was judged
    return PinnedTarget(scheme=scheme, host=host, port=port, address=str(first), path=path)
