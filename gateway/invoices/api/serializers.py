"""Request and response shapes of the invoices API. Amounts are decimal strings with an
asset code at this edge, integer base units inside."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from gateway.invoices.models import (
    Invoice,
    InvoiceException,
    InvoicePayment,
    InvoiceStatus,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from gateway.invoices.selectors import InvoiceView
from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.fields import (
    InputCharField,
    InputChoiceField,
    InputIntegerField,
    StrictCharField,
)
from lucid_payments.core.metadata import MetadataField
from lucid_payments.core.money import Asset, MoneySerializer
from lucid_payments.core.paging import CreatedRange, NewestFirstPage
from lucid_payments.core.representation import represent
from lucid_payments.tron import addresses
from wallets.api.serializers import MoneyOutput, money

MIN_EXPIRES_IN = 60
MAX_EXPIRES_IN = 7 * 24 * 3600


def checkout_url(invoice: Invoice) -> str:
    return f"{str(settings.GATEWAY_PUBLIC_URL).rstrip('/')}/pay/{invoice.public_id}"


class InvoiceCreateInput(serializers.Serializer[Any]):
    amount = StrictCharField(
        required=False,
        trim_whitespace=False,
        help_text='Decimal string in the asset\'s units, e.g. "12.5". Leave it out for a '
        "top-up invoice that accepts any amount.",
    )
    asset = InputChoiceField(choices=Asset.choices)
    customer_id = serializers.IntegerField(
        required=False, min_value=1, help_text="One of your customers (optional)"
    )
    order_id = InputCharField(max_length=128, required=False, default="", allow_blank=True)
    description = InputCharField(max_length=500, required=False, default="", allow_blank=True)
    metadata = MetadataField()
    redirect_url = serializers.URLField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        help_text="Where the checkout page sends the customer once paid (http or https)",
    )
    expires_in = serializers.IntegerField(
        required=False,
        min_value=MIN_EXPIRES_IN,
        max_value=MAX_EXPIRES_IN,
        help_text="Seconds the invoice is payable (60 s to 7 days); your default (15 min "
        "unless configured) when left out",
    )

    def validate_redirect_url(self, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https URLs.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        text = attrs.pop("amount", None)
        if text is None:
            attrs["amount_units"] = None
            return attrs
        money_value = MoneySerializer().run_validation({"amount": text, "asset": attrs["asset"]})
        attrs["amount_units"] = money_value.units
        return attrs


class PaymentOutput(serializers.Serializer[InvoicePayment]):
    txid = serializers.CharField()
    index = serializers.IntegerField(help_text="Position of the transfer in its transaction")
    amount = MoneyOutput()
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    block_number = serializers.IntegerField()
    confirmations = serializers.IntegerField(
        help_text="Blocks on top of it and its own; 0 once dropped"
    )
    seen_at = serializers.DateTimeField()
    late = serializers.BooleanField(help_text="Seen after the invoice expired")
    counted = serializers.BooleanField(
        help_text="False when seen after the monitoring window: credited to you, but it "
        "does not change the invoice"
    )


class CostsOutput(serializers.Serializer[Any]):
    activation = MoneyOutput()
    energy = MoneyOutput()
    bandwidth = MoneyOutput()
    sweep = MoneyOutput()
    total = MoneyOutput()


class SettlementOutput(serializers.Serializer[Any]):
    received = MoneyOutput(help_text="Final payments, credited to your balance")
    refunded = MoneyOutput(help_text="Refunds not failed")
    costs = CostsOutput(
        help_text="What collecting it cost (TRX): filled once its address is swept; zero until then"
    )
    net = MoneyOutput(many=True, help_text="Received less refunds and costs, per asset")


class InvoiceOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="inv_…, also in the checkout URL")
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    exception = serializers.ChoiceField(choices=InvoiceException.choices)
    amount = MoneyOutput(allow_null=True, help_text="null: a top-up invoice (any amount)")
    asset = serializers.ChoiceField(choices=Asset.choices)
    network = serializers.CharField()
    address = serializers.CharField(help_text="The invoice's own address (never reused)")
    checkout_url = serializers.CharField()
    customer_id = serializers.IntegerField(allow_null=True)
    order_id = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    metadata = serializers.DictField()
    redirect_url = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    monitoring_until = serializers.DateTimeField(
        help_text="Payments after expiry count (paid_late) until then"
    )
    paid_at = serializers.DateTimeField(allow_null=True)
    paid_amount = MoneyOutput(help_text="Final payments so far")
    due = MoneyOutput(
        allow_null=True,
        help_text="What is left to send (payments in flight counted); null for a top-up",
    )
    speed_policy = serializers.CharField()
    payments = PaymentOutput(many=True)
    settlement = SettlementOutput()


def invoice_body(view: InvoiceView) -> dict[str, Any]:
    invoice = view.invoice
    asset = Asset(invoice.asset)
    costs = {
        "activation": invoice.cost_activation_sun,
        "energy": invoice.cost_energy_sun,
        "bandwidth": invoice.cost_bandwidth_sun,
        "sweep": invoice.cost_sweep_sun,
        "total": invoice.cost_total_sun,
    }
    net = {asset: invoice.paid_amount - view.refunded}
    net[Asset.TRX] = net.get(Asset.TRX, 0) - invoice.cost_total_sun
    due = None if invoice.amount is None else max(invoice.amount - view.live_total, 0)
    return {
        "id": invoice.public_id,
        "status": invoice.status,
        "exception": invoice.exception,
        "amount": None if invoice.amount is None else money(invoice.amount, asset),
        "asset": asset.value,
        "network": invoice.network,
        "address": invoice.address.address,
        "checkout_url": checkout_url(invoice),
        "customer_id": invoice.customer_id,
        "order_id": invoice.order_id,
        "description": invoice.description,
        "metadata": invoice.metadata,
        "redirect_url": invoice.redirect_url,
        "created_at": invoice.created_at,
        "expires_at": invoice.expires_at,
        "monitoring_until": invoice.monitoring_until,
        "paid_at": invoice.paid_at,
        "paid_amount": money(invoice.paid_amount, asset),
        "due": None if due is None else money(due, asset),
        "speed_policy": invoice.speed_policy,
        "payments": [
            {
                "txid": p.txid,
                "index": p.index,
                "amount": money(p.amount, asset),
                "status": p.status,
                "block_number": p.block_number,
                "confirmations": (
                    0
                    if p.status == PaymentStatus.DROPPED
                    else max(view.head_block - p.block_number + 1, 0)
                ),
                "seen_at": p.seen_at,
                "late": p.late,
                "counted": not p.after_monitoring,
            }
            for p in view.payments
        ],
        "settlement": {
            "received": money(invoice.paid_amount, asset),
            "refunded": money(view.refunded, asset),
            "costs": {name: money(units, Asset.TRX) for name, units in costs.items()},
            "net": [money(units, a) for a, units in net.items()],
        },
    }


def invoice_output(view: InvoiceView) -> dict[str, Any]:
    return represent(InvoiceOutput, invoice_body(view))


class InvoicePageOutput(serializers.Serializer[Any]):
    invoices = InvoiceOutput(many=True)
    has_more = serializers.BooleanField(help_text="Whether older invoices follow")
    next_starting_after = serializers.CharField(
        allow_null=True,
        help_text="Pass as starting_after for the next (older) page; null on the last one",
    )


class InvoiceFilter(CreatedRange, NewestFirstPage):
    """Query parameters of the invoice list; leave one out for no filter."""

    status = InputChoiceField(required=False, choices=InvoiceStatus.choices)
    exception = InputChoiceField(required=False, choices=InvoiceException.choices)
    order_id = InputCharField(required=False, max_length=128)
    customer_id = InputIntegerField(required=False, min_value=1)


class RefundCreateInput(serializers.Serializer[Any]):
    amount = StrictCharField(
        trim_whitespace=False,
        help_text="Decimal string in the invoice's asset; at most what was paid less "
        "earlier refunds",
    )
    to_address = InputCharField(max_length=64, help_text="The TRON address to refund to")

    def validate_to_address(self, value: str) -> str:
        try:
            return addresses.normalize_address(value)
        except InvalidInput:
            raise serializers.ValidationError("Not a TRON address.") from None


class RefundOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="rf_…")
    invoice_id = serializers.CharField()
    status = serializers.ChoiceField(choices=RefundStatus.choices)
    amount = MoneyOutput()
    to_address = serializers.CharField()
    txid = serializers.CharField(allow_blank=True, help_text="Known once signed")
    failure_code = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


def refund_output(refund: Refund) -> dict[str, Any]:
    body = {
        "id": refund.public_id,
        "invoice_id": refund.invoice.public_id,
        "status": refund.status,
        "amount": money(refund.amount, refund.asset),
        "to_address": refund.to_address,
        "txid": refund.txid,
        "failure_code": refund.failure_code,
        "created_at": refund.created_at,
    }
    return represent(RefundOutput, body)


class RefundListOutput(serializers.Serializer[Any]):
    refunds = RefundOutput(many=True)
