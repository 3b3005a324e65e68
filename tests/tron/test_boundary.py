"""The tron boundary: ``lucid_payments.tron`` is the only code that talks to a node or
reads chain-level rows. Every other app's source is scanned with ``ast``.

Other apps may import only these parts of ``lucid_payments.tron``:

- ``selectors``: typed reads of chain-level rows (outgoing transactions, transfers seen,
  the scanner's cursor);
- ``adapter.accounts``, ``adapter.delegation``, ``adapter.trc20``,
  ``adapter.resource_prices``, ``adapter.reads``: typed node reads, which build the
  requests themselves; ``adapter.types`` (their results) and ``adapter.errors`` (the
  node's errors, to answer them);
- from ``adapter.node`` only ``get_node`` and ``TronNode`` (to obtain and pass the node
  to those reads), never its request-level API (``request``, ``post``, ``post_list``,
  ``tronpy``, ``raise_for_node_error``, ``RetryingProvider``);
- ``hooks`` (transfer events), ``outgoing.services`` / ``outgoing.contracts`` /
  ``outgoing.hooks`` (send a transaction, hear about it), ``addresses``, ``watch``,
  ``signing``, ``tokens`` (the token registry), ``readiness`` (the node's health for
  ``/health/ready``) and ``api.serializers`` (output shapes reused by other documents:
  no reads, no requests).

Never: ``models`` (any submodule), ``api.queries``, ``httpx`` / ``tronpy`` / ``requests``
(node calls go through the adapter), calls of ``.post``/``.request``/``.post_list``/
``.tronpy`` on a node, and any ``.parameters`` of an outgoing transaction (or the string
``"parameters"`` as a field name): ``selectors.OutgoingView`` decodes them.

Migrations and tests are exempt, and so are the modules in ``HTTP_CLIENTS_OF_OTHERS``:
they speak HTTP to something that is not a node (a client's webhook receiver), so an
HTTP library there is not a node call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APPS = [
    "lucid_payments/core",
    "lucid_payments/accounts",
    "lucid_payments/events",
    "lucid_payments/console",
    "wallets",
    "usdt",
    "staking",
    "payouts",
    "gateway",
]
TRON = "lucid_payments.tron"
ALLOWED_MODULES = {
    f"{TRON}.{name}"
    for name in (
        "selectors",
        "adapter.accounts",
        "adapter.delegation",
        "adapter.trc20",
        "adapter.resource_prices",
        "adapter.reads",
        "adapter.types",
        "adapter.errors",
        "hooks",
        "outgoing.services",
        "outgoing.contracts",
        "outgoing.hooks",
        "addresses",
        "watch",
        "signing",
        "tokens",
        "readiness",
        "api.serializers",
    )
}
# Modules of which only some names may be imported.
ALLOWED_NAMES = {f"{TRON}.adapter.node": {"get_node", "TronNode"}}
# Packages: ``from lucid_payments.tron.adapter import trc20`` imports a submodule.
PACKAGES = {TRON, f"{TRON}.adapter", f"{TRON}.outgoing", f"{TRON}.api"}
FORBIDDEN_LIBRARIES = ("httpx", "tronpy", "requests")
NODE_REQUEST_METHODS = {"post", "request", "post_list", "tronpy"}
# Modules whose HTTP goes to clients' servers, never to a node (the library is their tool).
HTTP_CLIENTS_OF_OTHERS = {"gateway/webhooks/sender.py"}


def _source_files() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            if "migrations" not in path.parts and "tests" not in path.parts:
                yield path


def _imported(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str | None]]:
    """(module, imported name or None) for each thing the statement imports."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None
    elif node.level == 0 and node.module:
        for alias in node.names:
            yield node.module, alias.name


def _import_problem(module: str, name: str | None) -> str | None:
    if module.split(".")[0] in FORBIDDEN_LIBRARIES:
        return f"imports {module} (node calls go through lucid_payments.tron.adapter)"
    if module != TRON and not module.startswith(f"{TRON}."):
        return None
    if module in PACKAGES and name is not None:
        module, name = f"{module}.{name}", None  # a submodule imported from its package
    if module in ALLOWED_MODULES:
        return None
    if module in ALLOWED_NAMES and name in ALLOWED_NAMES[module]:
        return None
    what = f"{module}.{name}" if name else module
    return f"imports {what}, which is inside the tron boundary"


def _is_node(expression: ast.expr) -> bool:
    text = ast.unparse(expression).lower()
    return "node" in text


def problems_in(source: str) -> list[str]:
    """What in ``source`` crosses the boundary, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for module, name in _imported(node):
                problem = _import_problem(module, name)
                if problem:
                    found.append(f"line {node.lineno}: {problem}")
        elif isinstance(node, ast.Attribute) and node.attr == "parameters":
            found.append(f"line {node.lineno}: reads .parameters of a transaction")
        elif isinstance(node, ast.Constant) and node.value == "parameters":
            found.append(f"line {node.lineno}: names the field 'parameters'")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in NODE_REQUEST_METHODS
            and _is_node(node.func.value)
        ):
            found.append(f"line {node.lineno}: calls {ast.unparse(node.func)}() (a node request)")
    return found


def test_no_app_outside_tron_crosses_the_boundary() -> None:
    crossings = [
        f"{path.relative_to(REPO)} {problem}"
        for path in _source_files()
        for problem in problems_in(path.read_text())
        if not (
            path.relative_to(REPO).as_posix() in HTTP_CLIENTS_OF_OTHERS
            and "node calls go through" in problem
        )
    ]
    assert not crossings, "modules crossing the tron boundary:\n" + "\n".join(crossings)


def test_the_scan_covers_the_apps_that_talk_to_the_chain() -> None:
    scanned = {path.relative_to(REPO).as_posix() for path in _source_files()}
    assert {"wallets/reconcile.py", "wallets/transfers.py", "wallets/api/views.py"} <= scanned


@pytest.mark.parametrize(
    "source",
    [
        "from lucid_payments.tron.models import OutgoingTransaction",
        "from lucid_payments.tron.models.outgoing import ACTIVE_STATUSES",
        "import lucid_payments.tron.models",
        "from lucid_payments.tron import models",
        "from lucid_payments.tron.api.queries import account_detail",
        "from lucid_payments.tron.api import queries",
        "from lucid_payments.tron.adapter.node import raise_for_node_error",
        "import httpx",
        "from tronpy import Tron",
        "get_node().post('wallet/getaccount', {})",
        "node.request('wallet/triggerconstantcontract', body)",
        "self.node.tronpy().get_account(address)",
        "amount = outgoing.parameters['amount']",
        "OutgoingTransaction.objects.values('txid', 'parameters')",
    ],
)
def test_each_kind_of_crossing_is_found(source: str) -> None:
    assert problems_in(source), source


@pytest.mark.parametrize(
    "source",
    [
        "from lucid_payments.tron.selectors import outgoing_get",
        "from lucid_payments.tron.adapter import trc20, accounts",
        "from lucid_payments.tron.adapter.node import TronNode, get_node",
        "from lucid_payments.tron.adapter.errors import NodeRejected",
        "from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus",
        "from lucid_payments.tron import addresses",
        "client.post('/api/v1/wallets', {})",  # an HTTP test client, not a node
        "extend_schema(parameters=[idempotency_key_parameter()])",
    ],
)
def test_what_the_boundary_allows_passes(source: str) -> None:
    assert problems_in(source) == [], source
