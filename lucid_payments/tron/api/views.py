"""tron-client views: one per operation, thin (parse, call a query or service, shape)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.errors import InvalidInput, Unprocessable
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.schema import Operations
from lucid_payments.tron import addresses
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.api import queries
from lucid_payments.tron.api.serializers import (
    AccountOutput,
    AddressValidateInput,
    AddressValidateOutput,
    BlockOutput,
    BroadcastInput,
    BroadcastOutput,
    NetworkStatusOutput,
    TransactionOutput,
)
from lucid_payments.tron.outgoing.relay import ClientTransaction, relay_signed_transaction

API = Operations("tron")
# The relay's status for a transaction already submitted through the platform by someone
# else: it was passed to the node again, but our tracking of it is not the caller's to see.
UNTRACKED = "untracked"
# Reads answer 400 for a malformed path value and 503 when the node does not answer.
READ_ERRORS = (400, 404, 503)


class NetworkStatusView(APIView):
    required_scope = Scope.TRON

    @API(
        "network_status",
        "Head, solidified head, scanner position, node version, chain parameters",
        NetworkStatusOutput,
        errors=(503,),
    )
    def get(self, request: Request) -> Response:
        return Response(NetworkStatusOutput(queries.network_status(get_node())).data)


class BlockDetailView(APIView):
    required_scope = Scope.TRON

    @API("block_retrieve", "A block and its transactions", BlockOutput, errors=READ_ERRORS)
    def get(self, request: Request, number: int) -> Response:
        return Response(BlockOutput(queries.block_detail(get_node(), number)).data)


class AccountDetailView(APIView):
    required_scope = Scope.TRON

    @API(
        "account_retrieve",
        "Balance, staked TRX and resources of an address",
        AccountOutput,
        errors=(400, 503),
        parameters=(
            OpenApiParameter("address", str, OpenApiParameter.PATH, description="T… or 41…"),
        ),
    )
    def get(self, request: Request, address: str) -> Response:
        return Response(AccountOutput(queries.account_detail(get_node(), address)).data)


class TransactionDetailView(APIView):
    required_scope = Scope.TRON

    @API(
        "transaction_retrieve",
        "A transaction on chain, with our status if we sent, relayed or saw it",
        TransactionOutput,
        errors=READ_ERRORS,
        parameters=(
            OpenApiParameter("txid", str, OpenApiParameter.PATH, description="64 hex chars"),
        ),
        description="Chain facts for any caller. `platform` is our status as far as it is the "
        "caller's: a transaction relayed by this client or sent on its behalf, transfers "
        "at addresses watched for this client. Otherwise null; a transaction that is not "
        "on chain and not the caller's is 404.",
    )
    def get(self, request: Request, txid: str) -> Response:
        client_id = request_principal(request).client_id
        detail = queries.transaction_detail(get_node(), txid, client_id=client_id)
        return Response(TransactionOutput(detail).data)


class BroadcastView(IdempotentMixin, APIView):
    required_scope = Scope.TRON

    @API(
        "transaction_broadcast",
        "Relay a transaction the client signed",
        {202: BroadcastOutput},
        errors=(503,),
        request=BroadcastInput,
        description="Checked first: raw_data_hex parses, txID (if given) is its sha256, raw_data "
        "serializes to exactly raw_data_hex, the one signature recovers to the owner, "
        "and the expiration is ahead of the node's head (at most 24 h). Then stored and "
        "broadcast; we keep re-sending it until it is in a solidified block or expired. "
        "202 with accepted=false means the node did not answer: it is stored and will be "
        "re-sent. A node refusal is 422 with code node_<the node's code, lower case>. "
        "The same transaction already submitted through the platform by someone else is "
        "sent to the node again and answered with status `untracked`: only the client "
        "that submitted it first sees our status of it.",
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = BroadcastInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        result = relay_signed_transaction(
            ClientTransaction(
                raw_data=data["raw_data"],
                raw_data_hex=data["raw_data_hex"],
                signatures=data["signature"],
                txid=data.get("txID", ""),
            ),
            client=principal.client,
            node=get_node(),
            now=timezone.now(),
            actor=principal.actor,
        )
        outcome = result.outcome
        if outcome is not None and not outcome.accepted:
            raise Unprocessable(
                f"The node refused the transaction: {outcome.code}: {outcome.message}",
                code=f"node_{outcome.code.lower()}",
            )
        body = {
            "txid": result.txid,
            "status": result.outgoing.status if result.tracked else UNTRACKED,
            "accepted": outcome is not None or result.outgoing.status != "signed",
            "node_code": "" if outcome is None else outcome.code,
            "node_message": "" if outcome is None else outcome.message,
        }
        return Response(BroadcastOutput(body).data, status=202)


class AddressValidateView(APIView):
    required_scope = Scope.TRON

    @API(
        "address_validate",
        "Is this a TRON address? Its base58 and hex forms",
        AddressValidateOutput,
        request=AddressValidateInput,
    )
    def post(self, request: Request) -> Response:
        payload = AddressValidateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            base58 = addresses.normalize_address(payload.validated_data["address"])
        except InvalidInput:
            body: dict[str, object] = {"valid": False, "base58": None, "hex": None}
        else:
            body = {"valid": True, "base58": base58, "hex": addresses.to_hex(base58)}
        return Response(AddressValidateOutput(body).data)
