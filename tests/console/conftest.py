"""Operators in the console's roles (groups made by the roles migration)."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from tests.gateway_invoices.conftest import tenant  # noqa: F401 - fixture
from tests.wallets.conftest import test_master_key  # noqa: F401 - fixture


def make_staff(username: str, *roles: str, superuser: bool = False) -> User:
    """A staff member in ``roles`` (group names), logging in with ``pw-<username>``."""
    user = User.objects.create_user(
        username, password=f"pw-{username}", is_staff=True, is_superuser=superuser
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    assert user.groups.count() == len(roles), "a role's group is missing"
    return User.objects.get(pk=user.pk)  # fresh: permissions are cached per instance
