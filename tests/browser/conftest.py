"""Headless Chromium for the admin's browser tests, and logging in as an operator.

Uses Debian's Chromium (``apt-get install chromium``); nothing is downloaded. Without it
the tests skip and say why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser test needs Debian's Chromium at {CHROMIUM}; install it with "
            "`apt-get install chromium` (.ci/run does)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; our ORM calls between
    # browser steps are ordinary blocking calls, which Django would otherwise refuse.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            # Django keys connections by asyncio context, and Playwright's loop makes the
            # test's ORM calls use their own connection: close it here, or it would keep
            # the test database busy when pytest-django drops it.
            connections.close_all()
            chromium.close()


def log_in(browser: Any, base_url: str, user: User) -> Any:
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    return page
