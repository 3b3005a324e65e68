"""What the newcomer sees once every process answers: where everything is and how to
get in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

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


def _service_rows(facts: BannerFacts) -> list[tuple[str, str, str]]:
    """(process, URL, docs or notes) for each line of the banner."""
    options = facts.options
    rows = []
    for service in SERVICES:
        base = options.url(service.port)
        if service.has_api:
            rows.append((service.name, base, f"docs {base}/api/docs/"))
        else:
            rows.append((service.name, f"{base}/admin/", _admin_login(facts.admin)))
    if facts.devnet_note is None:
        devnet = options.url(DEVNET_PORT)
        rows.append(("devnet", devnet, f"accounts {devnet}/devnet/accounts"))
    else:
        rows.append(("devnet", "-", facts.devnet_note))
    rows.append(("worker", "-", "qcluster (background tasks)"))
    rows.append(("scanner", "-", "manage.py scan (chain watcher)"))
    return rows


def _service_lines(facts: BannerFacts) -> list[Text]:
    # Plain aligned lines rather than a table: a table squeezed into an 80-column
    # terminal cuts URLs short, and a URL is only useful whole.
    rows = _service_rows(facts)
    name_width = max(len(name) for name, _, _ in rows)
    url_width = max(len(url) for _, url, _ in rows)
    lines = []
    for name, url, note in rows:
        line = Text("  ")
        line.append(name.ljust(name_width), style="bold")
        line.append("  ")
        line.append(url.ljust(url_width), style="cyan")
        line.append(f"  {note}")
        lines.append(line)
    return lines


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
    console.print(Text("Lucid Payments is up", style="bold green"))
    for service_line in _service_lines(facts):
        console.print(service_line, soft_wrap=True, highlight=False)
    for key_line in _api_key_lines(facts):
        console.print(key_line, soft_wrap=True, markup=False, highlight=False)
    console.print(f"Chain: {facts.node_url}", soft_wrap=True, markup=False, highlight=False)
    console.print(
        f"Logs: {facts.log_dir}/<process>.log. Press Ctrl-C to stop everything.",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
    console.print()
