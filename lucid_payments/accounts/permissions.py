"""Permission classes: API key scopes (the default for every API view) and the customer
checks the payout router applies before it moves money.

Customer checks are object permissions: a view loads the customer through a selector that
takes the caller's client, then calls ``self.check_object_permissions(request, customer)``
(generic views do this in ``get_object``). The object may be a ``Customer`` or anything
with a ``customer`` attribute (a payout, say).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from lucid_payments.accounts.authentication import ApiPrincipal
from lucid_payments.accounts.models import Customer
from lucid_payments.accounts.selectors import customer_is_kyc_verified
from lucid_payments.core.errors import Forbidden, NotFound


class HasRequiredScope(BasePermission):
    """An API key whose scopes include the view's ``required_scope``.

    Without a key the answer is 401 (DRF turns a refusal of an unauthenticated request into
    NotAuthenticated); with a key that lacks the scope it is 403 ``insufficient_scope``. A
    view that forgot to declare its scope is a bug, refused loudly rather than opened to
    every key.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.user, ApiPrincipal):
            return False
        required = getattr(view, "required_scope", None)
        if required is None:
            raise ImproperlyConfigured(
                f"{type(view).__name__} must declare required_scope (a Scope value)."
            )
        if not request.user.api_key.has_scope(required):
            raise Forbidden(
                f"This API key does not have the '{required}' scope.", code="insufficient_scope"
            )
        return True


def _customer_of(request: Request, obj: Any) -> Customer:
    customer = obj if isinstance(obj, Customer) else getattr(obj, "customer", None)
    if not isinstance(customer, Customer):
        raise ImproperlyConfigured(f"{type(obj).__name__} has no customer to check.")
    principal = request.user
    # Defence in depth: the selector already filtered by client; a slip there must still
    # not let one tenant act on another's customer.
    if not isinstance(principal, ApiPrincipal) or customer.client_id != principal.client_id:
        raise NotFound("No such customer.", code="customer_not_found")
    return customer


class IsKycVerified(BasePermission):
    """The customer is active and has an approved KYC application that has not expired."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        customer = _customer_of(request, obj)
        if customer.status != Customer.Status.ACTIVE:
            raise Forbidden("The customer is blocked.", code="customer_blocked")
        if not customer_is_kyc_verified(customer=customer):
            raise Forbidden(
                "The customer has no approved, unexpired KYC verification.", code="kyc_required"
            )
        return True


class V0Allowed(BasePermission):
    """The customer may use the V0 (no KYC) route: it must be active, not blocked."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        customer = _customer_of(request, obj)
        if customer.status != Customer.Status.ACTIVE:
            raise Forbidden("The customer is blocked.", code="customer_blocked")
        return True
