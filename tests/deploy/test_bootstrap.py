"""Development credentials for `make up`, and their refusal in production."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from lucid_payments.accounts.models import ApiKey, Client
from lucid_payments.stack.bootstrap import (
    DEMO_CLIENT_NAME,
    DEV_ADMIN_PASSWORD,
    ensure_dev_admin,
    issue_demo_api_key,
)
from lucid_payments.stack.processes import StackOptions
from lucid_payments.stack.runner import busy_ports

pytestmark = pytest.mark.django_db


def test_the_dev_admin_is_created_once_and_a_changed_password_is_left_alone() -> None:
    first = ensure_dev_admin()
    assert first.password == DEV_ADMIN_PASSWORD
    user = get_user_model().objects.get(username=first.username)
    assert user.is_superuser and user.check_password(DEV_ADMIN_PASSWORD)

    user.set_password("chosen-by-the-operator")
    user.save()
    again = ensure_dev_admin()
    assert again.password is None
    assert get_user_model().objects.filter(username=first.username).count() == 1
    user.refresh_from_db()
    assert user.check_password("chosen-by-the-operator")


def test_each_run_issues_a_fresh_working_key_for_one_demo_client() -> None:
    first = issue_demo_api_key()
    second = issue_demo_api_key()
    assert first.key and second.key and first.key != second.key
    client = Client.objects.get(name=DEMO_CLIENT_NAME)
    keys = ApiKey.objects.filter(client=client)
    assert keys.count() == 2
    assert all(key.revoked_at is None for key in keys)


def test_production_never_gets_development_credentials(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="never created in production"):
        ensure_dev_admin()
    with pytest.raises(ImproperlyConfigured, match="never created in production"):
        issue_demo_api_key()
    assert not get_user_model().objects.exists()
    assert not Client.objects.exists()


def test_up_notices_a_port_that_is_already_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        options = StackOptions(lucid_home=tmp_path, port_offset=port - 8092, start_devnet=False)
        assert port in busy_ports(options)
