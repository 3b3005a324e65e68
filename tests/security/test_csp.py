"""Every response carries a Content-Security-Policy: ``default-src 'none'`` for JSON, our
own scripts and styles only (nothing inline) for the admin and the API docs, framing
refused everywhere; a view can set its own. The docs and the admin still work under it
in a real Chromium, with no violation reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.contrib.auth.models import User
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.test import Client as DjangoClient
from django.urls import path
from rest_framework.test import APIClient

from lucid_payments.urls.common import *  # noqa: F403 - error handlers of this test URLconf
from lucid_payments.urls.common import service_urlpatterns
from tests.security.gunicorn_process import GunicornService, gunicorn_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
HEADER = "Content-Security-Policy"
SERVICE_URLCONFS = [
    "lucid_payments.urls.tron_client",
    "lucid_payments.urls.payout_router",
    "lucid_payments.urls.wallet_manager",
    "lucid_payments.urls.usdt_manager",
    "lucid_payments.urls.trx_staking",
    "lucid_payments.urls.payment_gateway",
    "lucid_payments.urls.admin",
]


def _directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def _assert_not_html_policy(policy: str) -> None:
    directives = _directives(policy)
    assert directives["default-src"] == ["'none'"], policy
    assert directives["frame-ancestors"] == ["'none'"], policy
    assert set(directives) <= {"default-src", "frame-ancestors", "base-uri", "form-action"}


def _assert_page_policy(policy: str) -> None:
    directives = _directives(policy)
    assert directives["default-src"] == ["'none'"], policy
    assert directives["script-src"] == ["'self'"], policy
    assert directives["style-src"] == ["'self'"], policy
    assert directives["frame-ancestors"] == ["'none'"], policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


# A stand-in for the coming checkout page: a view that extends the page policy itself.
@csp_update({"script-src": [NONCE], "img-src": ["https://qr.example.com"]})
def _page_with_its_own_policy(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')  # type: ignore[attr-defined]


urlpatterns = [path("pay/demo", _page_with_its_own_policy), *service_urlpatterns([])]


@pytest.mark.django_db
@pytest.mark.parametrize("urlconf", SERVICE_URLCONFS, ids=lambda name: name.rsplit(".", 1)[1])
def test_every_process_sends_a_policy_strict_for_json_and_for_pages(
    urlconf: str, settings: Any
) -> None:
    settings.ROOT_URLCONF = urlconf
    client = APIClient()
    for url in ("/health/live", "/api/schema/", "/no/such/thing", "/api/v1/anything"):
        response = client.get(url)
        assert HEADER in response, f"{urlconf} {url}"
        _assert_not_html_policy(response[HEADER])
    docs = client.get("/api/docs/")
    assert docs["Content-Type"].startswith("text/html")
    _assert_page_policy(docs[HEADER])


@pytest.mark.django_db
@pytest.mark.urls("lucid_payments.urls.admin")
def test_the_admin_gets_the_page_policy() -> None:
    response = DjangoClient().get("/admin/login/")
    assert response.status_code == 200
    _assert_page_policy(response[HEADER])


@pytest.mark.django_db
def test_the_docs_page_has_no_inline_script_or_style() -> None:
    page = APIClient().get("/api/docs/").content.decode()
    assert "<style" not in page
    assert "<script>" not in page  # every script has a src
    script = APIClient().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.urls(__name__)
def test_a_view_can_extend_the_policy_for_itself() -> None:
    response = DjangoClient().get("/pay/demo")
    directives = _directives(response[HEADER])
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert directives["script-src"] == [SELF, f"'nonce-{nonce}'"]
    assert directives["img-src"] == [SELF, "data:", "https://qr.example.com"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.fixture(scope="module")
def payment_gateway(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GunicornService]:
    with gunicorn_service(
        "lucid_payments.settings.payment_gateway", tmp_path_factory.mktemp("gateway")
    ) as service:
        yield service


def test_the_real_server_sends_the_policies(payment_gateway: GunicornService) -> None:
    health = requests.get(f"{payment_gateway.base_url}/health/live", timeout=10)
    _assert_not_html_policy(health.headers[HEADER])
    api = requests.get(f"{payment_gateway.base_url}/api/v1/invoices", timeout=10)
    _assert_not_html_policy(api.headers[HEADER])
    docs = requests.get(f"{payment_gateway.base_url}/api/docs/", timeout=10)
    _assert_page_policy(docs.headers[HEADER])


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (`apt-get install chromium`)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's loop
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            connections.close_all()
            chromium.close()


# Collects every violation the page reports, from the first script on.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _page(browser: Any, base_url: str) -> tuple[Any, list[str]]:
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(15_000)
    context.add_init_script(_RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def _violations(page: Any, console: list[str]) -> list[str]:
    reported: list[str] = page.evaluate("window.__cspViolations")
    return reported + [text for text in console if "Content Security Policy" in text]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_in_chromium_under_the_policy(browser: Any, live_server: Any) -> None:
    page, console = _page(browser, live_server.url)
    response = page.goto("/api/docs/")
    assert response is not None
    _assert_page_policy(response.headers["content-security-policy"])
    # Swagger UI ran: it fetched the document and drew its operations.
    page.wait_for_selector(".opblock-summary-path")
    assert page.locator(".opblock").count() > 10
    assert "Lucid Payments" in page.inner_text(".information-container")
    page.locator(".opblock-summary").first.click()  # expanding an operation works too
    page.wait_for_selector(".opblock-body")
    assert _violations(page, console) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("lucid_payments.urls.admin")
def test_the_admin_works_in_chromium_under_the_policy(browser: Any, live_server: Any) -> None:
    User.objects.create_superuser("csp-operator", password="pw-csp-operator")
    page, console = _page(browser, live_server.url)
    page.goto("/admin/login/")
    page.fill("#id_username", "csp-operator")
    page.fill("#id_password", "pw-csp-operator")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto("/admin/accounts/kycapplication/add/")
    page.wait_for_selector("#id_country")
    page.goto("/admin/auth/user/")
    page.wait_for_selector("#result_list")
    page.click("#toggle-nav-sidebar")  # the admin's own scripts run
    assert _violations(page, console) == []
