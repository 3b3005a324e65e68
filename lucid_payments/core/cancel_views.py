"""Cancelling one of the caller's objects (an invoice, a payout): the one way such a view
answers."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.core.idempotency import IdempotentMixin


# Comments, not a docstring: drf-spectacular would print a view's docstring in the document.
class CancelView(IdempotentMixin, APIView):
    # POST on the object's cancel URL, without a body: ``cancelled`` finds the object among
    # the caller's own (another client's is a 404), cancels it through its service and
    # returns the object's body, answered 200 as its retrieve would answer it.
    idempotency_required = False  # cancelling twice is a 409 the second time anyway

    def cancelled(self, request: Request, object_id: str) -> Any:
        raise NotImplementedError

    def post(self, request: Request, **path: str) -> Response:
        (object_id,) = path.values()
        return Response(self.cancelled(request, object_id))
