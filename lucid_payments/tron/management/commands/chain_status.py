"""``manage.py chain_status``: the node's head and solid block, the scanner's cursor and
lag, watched addresses and transfers by status."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lucid_payments.tron.adapter.errors import NodeUnavailable
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import node_info
from lucid_payments.tron.scanner.status import scanner_status


class Command(BaseCommand):
    help = "Show the node's head and solid block and the scanner's cursor and lag."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        status = scanner_status()
        node = get_node()
        out: dict[str, Any] = {
            "network": settings.TRON_NETWORK,
            "node_url": node.url,
            "scanner_cursor": status.cursor,
            "scanner_updated_at": status.updated_at.isoformat() if status.updated_at else None,
            "watched_addresses": status.watched_addresses,
            "transfers": status.transfers,
        }
        try:
            info = node_info(node)
        except NodeUnavailable as exc:
            out["node_error"] = exc.message
        else:
            out.update(
                head=info.head.number,
                solid=info.solid.number,
                node_version=info.code_version,
                solid_lag=info.head.number - info.solid.number,
                scanner_lag=status.lag(info.head.number),
            )
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
            return
        for key, value in out.items():
            self.stdout.write(f"{key:>20}: {value}")
