"""The SSRF guard: every non-public range is refused, at registration (400
``webhook_url_not_allowed``) and at delivery; WEBHOOK_ALLOWED_CIDRS opens exactly the
networks it names; production refuses plain http unless allowed."""

from __future__ import annotations

import pytest

from gateway.webhooks.models import WebhookEndpoint
from gateway.webhooks.ssrf import PinnedTarget, WebhookUrlNotAllowed, webhook_target
from tests.tron.api.conftest import TenantApiClient

NOT_PUBLIC = [
    "http://127.0.0.1/",  # loopback
    "http://127.8.9.10:8097/",
    "http://10.1.2.3/",  # private
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
    "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
    "http://224.0.0.1/",  # multicast
    "http://239.255.255.250/",
    "http://240.0.0.1/",  # reserved
    "http://255.255.255.255/",
    "http://0.0.0.0/",  # unspecified
    "http://[::1]/",
    "http://[::]/",
    "http://[fc00::1]/",  # unique-local
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",  # link-local
    "http://[ff02::1]/",  # multicast
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://localhost:8097/",  # a name resolving to 127.0.0.1
]


@pytest.fixture
def nothing_allowed(settings: pytest.FixtureRequest) -> None:
    settings.WEBHOOK_ALLOWED_CIDRS = []  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", NOT_PUBLIC)
def test_non_public_destinations_are_refused(url: str, nothing_allowed: None) -> None:
    with pytest.raises(WebhookUrlNotAllowed) as refused:
        webhook_target(url)
    assert refused.value.code == "webhook_url_not_allowed"


@pytest.mark.parametrize(
    "url",
    ["ftp://93.184.216.34/", "file:///etc/passwd", "gopher://93.184.216.34/", "http://", "x"],
)
def test_only_http_and_https_with_a_host(url: str) -> None:
    with pytest.raises(WebhookUrlNotAllowed):
        webhook_target(url)


def test_a_public_address_is_allowed_and_pinned(nothing_allowed: None) -> None:
    assert webhook_target("https://93.184.216.34/hook?x=1") == PinnedTarget(
        scheme="https", host="93.184.216.34", port=443, address="93.184.216.34", path="/hook?x=1"
    )


def test_allowed_cidrs_open_loopback_only(settings: pytest.FixtureRequest) -> None:
    settings.WEBHOOK_ALLOWED_CIDRS = ["127.0.0.0/8"]  # type: ignore[attr-defined]
    assert webhook_target("http://127.0.0.1:9/x").address == "127.0.0.1"
    assert webhook_target("http://[::ffff:127.0.0.2]/").address == "127.0.0.2"
    for url in NOT_PUBLIC:
        if "127." in url or "localhost" in url:
            continue
        with pytest.raises(WebhookUrlNotAllowed):
            webhook_target(url)


def test_production_refuses_plain_http_unless_allowed(settings: pytest.FixtureRequest) -> None:
    settings.WEBHOOK_ALLOW_HTTP = False  # type: ignore[attr-defined]
    with pytest.raises(WebhookUrlNotAllowed):
        webhook_target("http://93.184.216.34/")
    assert webhook_target("https://93.184.216.34/").scheme == "https"


def test_the_pinned_request_names_the_original_host() -> None:
    target = PinnedTarget(
        scheme="https", host="hooks.example.com", port=8443, address="2001:db8::5", path="/a"
    )
    assert target.connect_url == "https://[2001:db8::5]:8443/a"
    assert target.host_header == "hooks.example.com:8443"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://169.254.169.254/", "http://localhost/"]
)
def test_registration_of_a_private_url_is_a_400_and_writes_nothing(
    url: str, gateway_api: TenantApiClient, nothing_allowed: None
) -> None:
    response = gateway_api.post(
        "/api/v1/webhook-endpoints", {"url": url, "events": ["*"]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "webhook_url_not_allowed"
    assert not WebhookEndpoint.objects.exists()
