"""What the newcomer sees once every process answers: where everything is and how to
get in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from lucid_payments.stack.bootstrap import DemoApiKey, DevAdmin
from lucid_payments.stack.processes import StackOptions
from lucid_payments.stack.services import DEVNET_PORT, SERVICES


@dataclass(frozen=True)
class BannerFacts:
    options: StackOptions
    log_dir: Path
    admin: DevAdmin | None
    api_key: DemoApiKey | None
    # Set when the devnet is not part of this run, saying why.
    devnet_note: str | None
    node_url: str


def _services_table(facts: BannerFacts) -> Table:
    table = Table(title="Lucid Payments is up", title_justify="left", show_lines=False)
    table.add_column("process", no_wrap=True)
    table.add_column("URL", no_wrap=True)
    table.add_column("docs / notes", no_wrap=True)
    options = facts.options
    for service in SERVICES:
        base = options.url(service.port)
        if service.has_api:
            table.add_row(service.name, base, f"{base}/api/docs/")
        else:
            table.add_row(service.name, f"{base}/admin/", _admin_login(facts.admin))
    if facts.devnet_note is None:
        table.add_row(
            "devnet",
            options.url(DEVNET_PORT),
            f"local TRON node; funded accounts: {options.url(DEVNET_PORT)}/devnet/accounts",
        )
    else:
        table.add_row("devnet", "-", facts.devnet_note)
    table.add_row("worker", "-", "qcluster (background tasks)")
    return table


def _admin_login(admin: DevAdmin | None) -> str:
    if admin is None:
        return "no development login (production)"
    if admin.password is None:
        return f"user {admin.username} (password changed since; use yours)"
    return f"user {admin.username} / password {admin.password}"


def _api_key_lines(facts: BannerFacts) -> list[str]:
    api_key = facts.api_key
    if api_key is None:
        return ["No development API key in production: use manage.py create_api_key."]
    if api_key.key is None:
        return [f"No development API key yet: {api_key.note}."]
    payouts = facts.options.url(next(s.port for s in SERVICES if s.name == "payout-router"))
    return [
        f"API key for {api_key.client_name!r} (every scope, shown once): {api_key.key}",
        f'  try: curl -H "Authorization: Bearer {api_key.key}" {payouts}/api/v1/customers/1',
    ]


def print_banner(console: Console, facts: BannerFacts) -> None:
    console.print()
    console.print(_services_table(facts))
    for line in _api_key_lines(facts):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    console.print(f"Chain: {facts.node_url}", soft_wrap=True, markup=False, highlight=False)
    console.print(
        f"Logs: {facts.log_dir}/<process>.log. Press Ctrl-C to stop everything.",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
    console.print()
