"""A TRC20 token with USDT's shape, executed natively instead of by a TVM.

`execute()` takes the calldata a client sends (4-byte selector ‖ ABI words) and returns what
the TVM would: ABI-encoded return data or an `Error(string)` revert payload, the energy used
and the Transfer/Approval logs. It never mutates; the node calls `ExecResult.apply()` to
commit, which lets it run constant calls and fee checks on the same path as real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devnet import abi

# Energy figures: what a USDT-like token costs on mainnet. Writing a zero storage slot
# (a holder with no balance, a first allowance) costs about twice an update of a live one,
# which is why a transfer to an empty holder costs ~130k and to an existing one ~65k.
ENERGY_TRANSFER_TO_HOLDER = 64_285
ENERGY_TRANSFER_TO_EMPTY = 130_285
ENERGY_TRANSFER_FROM_EXTRA = 5_000  # the allowance slot is updated as well
ENERGY_APPROVE_NEW = 46_231
ENERGY_APPROVE_EXISTING = 22_331
ENERGY_VIEW = {
    "name": 914,
    "symbol": 936,
    "decimals": 310,
    "totalSupply": 466,
    "balanceOf": 535,
    "allowance": 721,
}
ENERGY_REVERT = 611  # dispatcher + the failed require

ERR_BALANCE = "ERC20: transfer amount exceeds balance"
ERR_ALLOWANCE = "ERC20: insufficient allowance"
ERR_TO_ZERO = "ERC20: transfer to the zero address"
ERR_APPROVE_ZERO = "ERC20: approve to the zero address"
ERR_NOT_PAYABLE = "function is not payable"
ERR_BAD_CALLDATA = "invalid calldata"
ERR_UNKNOWN_SELECTOR = "function selector was not recognized and there's no fallback function"

TRANSFER_EVENT = "Transfer(address,address,uint256)"
APPROVAL_EVENT = "Approval(address,address,uint256)"
ZERO_ADDRESS = abi.TRON_ADDRESS_PREFIX + bytes(20)
_TRUE_WORD = abi.encode_bool(True)


@dataclass(frozen=True)
class Log:
    """One EVM log; `address` is the 20-byte contract address (no 0x41)."""

    address: bytes
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True)
class ExecResult:
    success: bool
    """False = REVERT."""
    return_data: bytes
    """ABI-encoded return value, or the Error(string) revert payload."""
    energy_used: int
    logs: tuple[Log, ...]
    apply: Callable[[], None] = field(compare=False)
    """Commits the state change. Call it before the next `execute` on the same token."""


@dataclass(frozen=True)
class _Function:
    name: str
    inputs: tuple[tuple[str, str], ...]  # (name, type)
    outputs: tuple[tuple[str, str], ...]
    view: bool

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(kind for _, kind in self.inputs)})"


_FUNCTIONS: tuple[_Function, ...] = (
    _Function("name", (), (("", "string"),), view=True),
    _Function("symbol", (), (("", "string"),), view=True),
    _Function("decimals", (), (("", "uint8"),), view=True),
    _Function("totalSupply", (), (("", "uint256"),), view=True),
    _Function("balanceOf", (("who", "address"),), (("", "uint256"),), view=True),
    _Function(
        "allowance",
        (("owner", "address"), ("spender", "address")),
        (("", "uint256"),),
        view=True,
    ),
    _Function("transfer", (("to", "address"), ("value", "uint256")), (("", "bool"),), False),
    _Function(
        "transferFrom",
        (("from", "address"), ("to", "address"), ("value", "uint256")),
        (("", "bool"),),
        view=False,
    ),
    _Function("approve", (("spender", "address"), ("value", "uint256")), (("", "bool"),), False),
)
_BY_SELECTOR: dict[bytes, _Function] = {abi.selector(f.signature): f for f in _FUNCTIONS}
_EVENTS: tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...] = (
    ("Transfer", (("from", "address", True), ("to", "address", True), ("value", "uint256", False))),
    (
        "Approval",
        (("owner", "address", True), ("spender", "address", True), ("value", "uint256", False)),
    ),
)


class Trc20Token:
    """Balances and allowances of one token; the issuer starts with the whole supply."""

    def __init__(
        self,
        *,
        address: bytes,
        name: str,
        symbol: str,
        decimals: int,
        issuer: bytes,
        total_supply: int,
    ) -> None:
        abi.evm_address(address)  # validates the 21-byte form
        abi.evm_address(issuer)
        if not 0 <= decimals <= 255:
            raise ValueError("decimals is a uint8")
        abi.encode_uint(total_supply)
        self.address = address
        self.name = name
        self.symbol = symbol
        self.decimals = decimals
        self.issuer = issuer
        self.total_supply = total_supply
        self._balances: dict[bytes, int] = {issuer: total_supply} if total_supply else {}
        self._allowances: dict[tuple[bytes, bytes], int] = {}
        # Bumped by every apply(); an ExecResult computed against an older state refuses to
        # apply rather than commit numbers that are no longer true.
        self._version = 0

    # ---- reads -------------------------------------------------------------------------
    def balance_of(self, holder: bytes) -> int:
        return self._balances.get(holder, 0)

    def allowance(self, owner: bytes, spender: bytes) -> int:
        return self._allowances.get((owner, spender), 0)

    def holders(self) -> dict[bytes, int]:
        """Every address with a non-zero balance."""
        return {a: b for a, b in self._balances.items() if b}

    # ---- execution ---------------------------------------------------------------------
    def execute(self, *, caller: bytes, data: bytes, call_value: int) -> ExecResult:
        """Run one call as the TVM would, without committing it (see `ExecResult.apply`)."""
        function = _BY_SELECTOR.get(bytes(data[:4])) if len(data) >= 4 else None
        if function is None:
            return self._revert(ERR_UNKNOWN_SELECTOR)
        if call_value:
            return self._revert(ERR_NOT_PAYABLE)
        try:
            words = abi.read_words(bytes(data[4:]), len(function.inputs))
            if function.view:
                return self._view(function.name, words)
            if function.name == "transfer":
                to, value = abi.word_to_address(words[0]), abi.word_to_uint(words[1])
                return self._transfer(caller, to, value, spender=None)
            if function.name == "transferFrom":
                source, to = abi.word_to_address(words[0]), abi.word_to_address(words[1])
                return self._transfer(source, to, abi.word_to_uint(words[2]), spender=caller)
            spender, value = abi.word_to_address(words[0]), abi.word_to_uint(words[1])
            return self._approve(caller, spender, value)
        except abi.AbiDecodeError:
            return self._revert(ERR_BAD_CALLDATA)

    def _view(self, name: str, words: list[bytes]) -> ExecResult:
        """Run a view; address words are decoded lazily, so a bad one raises AbiDecodeError."""
        values: dict[str, Callable[[], bytes]] = {
            "name": lambda: abi.encode_string(self.name),
            "symbol": lambda: abi.encode_string(self.symbol),
            "decimals": lambda: abi.encode_uint(self.decimals),
            "totalSupply": lambda: abi.encode_uint(self.total_supply),
            "balanceOf": lambda: abi.encode_uint(self.balance_of(abi.word_to_address(words[0]))),
            "allowance": lambda: abi.encode_uint(
                self.allowance(abi.word_to_address(words[0]), abi.word_to_address(words[1]))
            ),
        }
        return ExecResult(True, values[name](), ENERGY_VIEW[name], (), _nothing)

    def _transfer(
        self, source: bytes, to: bytes, value: int, *, spender: bytes | None
    ) -> ExecResult:
        """transfer (spender None) or transferFrom (spender = the caller spending an allowance)."""
        if to == ZERO_ADDRESS:
            return self._revert(ERR_TO_ZERO)
        if spender is not None and self.allowance(source, spender) < value:
            return self._revert(ERR_ALLOWANCE)
        if self.balance_of(source) < value:
            return self._revert(ERR_BALANCE)
        energy = ENERGY_TRANSFER_TO_HOLDER if self.balance_of(to) else ENERGY_TRANSFER_TO_EMPTY
        if spender is not None:
            energy += ENERGY_TRANSFER_FROM_EXTRA
        version = self._version

        def apply() -> None:
            self._check_version(version)
            if spender is not None:
                self._allowances[(source, spender)] -= value
            self._balances[source] = self.balance_of(source) - value
            self._balances[to] = self.balance_of(to) + value
            self._version += 1

        log = self._log(TRANSFER_EVENT, source, to, value)
        return ExecResult(True, _TRUE_WORD, energy, (log,), apply)

    def _approve(self, owner: bytes, spender: bytes, value: int) -> ExecResult:
        if spender == ZERO_ADDRESS:
            return self._revert(ERR_APPROVE_ZERO)
        energy = ENERGY_APPROVE_EXISTING if self.allowance(owner, spender) else ENERGY_APPROVE_NEW
        version = self._version

        def apply() -> None:
            self._check_version(version)
            self._allowances[(owner, spender)] = value
            self._version += 1

        log = self._log(APPROVAL_EVENT, owner, spender, value)
        return ExecResult(True, _TRUE_WORD, energy, (log,), apply)

    def _log(self, event: str, first: bytes, second: bytes, value: int) -> Log:
        topics = (abi.event_topic(event), abi.encode_address(first), abi.encode_address(second))
        return Log(abi.evm_address(self.address), topics, abi.encode_uint(value))

    def _revert(self, message: str) -> ExecResult:
        return ExecResult(False, abi.encode_error(message), ENERGY_REVERT, (), _nothing)

    def _check_version(self, version: int) -> None:
        if version != self._version:
            raise RuntimeError("stale ExecResult: the token changed after execute()")

    # ---- contract metadata -------------------------------------------------------------
    def abi(self) -> list[dict[str, Any]]:
        """`abi.entrys` as java-tron returns them for `getcontract`."""
        entries: list[dict[str, Any]] = [
            {
                "inputs": [
                    {"name": "name", "type": "string"},
                    {"name": "symbol", "type": "string"},
                    {"name": "decimals", "type": "uint8"},
                    {"name": "initialSupply", "type": "uint256"},
                ],
                "stateMutability": "Nonpayable",
                "type": "Constructor",
            }
        ]
        for function in _FUNCTIONS:
            entry: dict[str, Any] = {}
            if function.view:
                entry["constant"] = True
            if function.inputs:
                entry["inputs"] = [{"name": n, "type": t} for n, t in function.inputs]
            entry["name"] = function.name
            entry["outputs"] = [
                {"name": n, "type": t} if n else {"type": t} for n, t in function.outputs
            ]
            entry["stateMutability"] = "View" if function.view else "Nonpayable"
            entry["type"] = "Function"
            entries.append(entry)
        for name, params in _EVENTS:
            entries.append(
                {
                    "inputs": [
                        {"indexed": True, "name": n, "type": t}
                        if indexed
                        else {"name": n, "type": t}
                        for n, t, indexed in params
                    ],
                    "name": name,
                    "type": "Event",
                }
            )
        return entries

    def bytecode(self) -> bytes:
        """Stable stand-in runtime code: a tiny EVM prologue that reverts, followed by the
        token's identity, so that `code_hash` differs between tokens but never between runs."""
        prologue = bytes.fromhex("6080604052348015600f57600080fd5b50600080fd00")
        identity = f"{self.name}|{self.symbol}|{self.decimals}".encode()
        return prologue + abi.keccak256(identity)

    def contract_info(self) -> dict[str, Any]:
        """The `getcontract` body minus `abi` (hex form; the node converts for `visible`)."""
        code = self.bytecode()
        return {
            "bytecode": code.hex(),
            "consume_user_resource_percent": 100,
            "name": self.name.replace(" ", ""),
            "origin_address": self.issuer.hex(),
            "contract_address": self.address.hex(),
            "origin_energy_limit": 10_000_000,
            "code_hash": abi.keccak256(code).hex(),
        }

    # ---- persistence -------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        return {
            "address": self.address.hex(),
            "name": self.name,
            "symbol": self.symbol,
            "decimals": self.decimals,
            "issuer": self.issuer.hex(),
            "total_supply": str(self.total_supply),
            "balances": {a.hex(): str(b) for a, b in sorted(self._balances.items()) if b},
            "allowances": [
                [owner.hex(), spender.hex(), str(value)]
                for (owner, spender), value in sorted(self._allowances.items())
                if value
            ],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Trc20Token:
        token = cls(
            address=bytes.fromhex(state["address"]),
            name=state["name"],
            symbol=state["symbol"],
            decimals=int(state["decimals"]),
            issuer=bytes.fromhex(state["issuer"]),
            total_supply=int(state["total_supply"]),
        )
        token._balances = {bytes.fromhex(a): int(b) for a, b in state["balances"].items()}
        token._allowances = {
            (bytes.fromhex(owner), bytes.fromhex(spender)): int(value)
            for owner, spender, value in state["allowances"]
        }
        return token


def _nothing() -> None:
    """`apply` of a call that changes nothing (a view or a revert)."""
