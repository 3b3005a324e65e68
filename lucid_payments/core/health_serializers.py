"""Response shapes of the endpoints every process serves: health and status."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class HealthLiveOutput(serializers.Serializer[Any]):
    status = serializers.CharField(help_text='"ok"')
    service = serializers.CharField(help_text="Which process answered, e.g. wallet-manager")


class HealthReadyOutput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["ok", "unavailable"])
    service = serializers.CharField()
    failures = serializers.DictField(
        child=serializers.CharField(),
        help_text="Per dependency (database, node) that failed, why; empty when ready",
    )


class StatusOutput(serializers.Serializer[Any]):
    service = serializers.CharField(help_text="Which process answered, e.g. wallet-manager")
    version = serializers.CharField(help_text="The platform's version")
    network = serializers.CharField(help_text="devnet, nile, shasta or mainnet")
    head_block = serializers.IntegerField(
        allow_null=True, help_text="The node's head block; null when the node did not answer"
    )
    solid_block = serializers.IntegerField(
        allow_null=True,
        help_text="The node's latest solidified (irreversible) block; null when the node did "
        "not answer",
    )
    scanner_block = serializers.IntegerField(
        allow_null=True, help_text="The last block the scanner recorded; null before its first"
    )
    scanner_lag = serializers.IntegerField(
        allow_null=True,
        help_text="Blocks between the head and the scanner; null when either is unknown",
    )
    queue_depth = serializers.IntegerField(
        allow_null=True,
        help_text="Background tasks waiting for a worker; null when the broker did not answer",
    )
    uptime_seconds = serializers.IntegerField(help_text="Seconds since this process started")
    problems = serializers.DictField(
        child=serializers.CharField(),
        help_text="Why a field is null, per dependency (node, queue); empty when all answered",
    )
