"""The chain: admission of signed transactions, pending state, block production, finality,
forks, snapshots and persistence. Thread-safe through one lock; HTTP lives in devnet.server.

Like java-tron, an admitted transaction is executed at once against the pending state (so a
second spend of the same TRX is refused at broadcast), and the next block packages every
pending transaction in admission order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devnet.blocks import ZERO_HASH, Block, TxRecord, seal, tapos_hash, tapos_key
from devnet.crypto import SignatureError, recover_address, sign_digest
from devnet.errors import BroadcastError
from devnet.executor import Executor
from devnet.genesis import KeyPair, genesis_accounts, witnesses
from devnet.params import ChainParams
from devnet.state import WorldState
from devnet.txcodec import RawTransaction, parse_raw_data

MAX_TRANSACTION_BYTES = 500 * 1024
MAX_EXPIRATION_WINDOW_MS = 86_400_000
TAPOS_WINDOW = 65_536
DEFAULT_BLOCK_INTERVAL_MS = 3_000

Clock = Callable[[], float]


class ForkError(ValueError):
    """A fork request that would cross the solidified head or the genesis block."""


@dataclass(frozen=True)
class _Snapshot:
    world: dict[str, Any]
    blocks: list[Block]
    pending: list[TxRecord]
    block_states: dict[int, dict[str, Any]]


class Node:
    def __init__(
        self,
        *,
        seed: int = 0,
        block_time: float = 3.0,
        solid_lag: int = 19,
        clock: Clock = time.time,
        params: ChainParams | None = None,
    ) -> None:
        if solid_lag < 0:
            raise ValueError("solid_lag must be >= 0")
        self.seed = seed
        self.block_time = block_time
        self.solid_lag = solid_lag
        self.clock = clock
        self.params = params or ChainParams()
        self.interval_ms = int(block_time * 1000) if block_time > 0 else DEFAULT_BLOCK_INTERVAL_MS
        self.lock = threading.RLock()
        self.accounts: list[KeyPair] = genesis_accounts(seed)
        self.witness_keys: list[KeyPair] = witnesses(seed)
        self.world = WorldState(
            params=self.params, witnesses=[w.address for w in self.witness_keys]
        )
        self.executor = Executor(self.world)
        self.blocks: list[Block] = []
        self.tx_index: dict[str, tuple[int, int]] = {}
        self.pending: list[TxRecord] = []
        self.pending_ids: set[str] = set()
        # World state after each block that may still be forked away (empty if solid_lag 0).
        self.block_states: dict[int, dict[str, Any]] = {}
        self._snapshots: dict[int, _Snapshot] = {}
        self._solid_world: tuple[bytes, WorldState] | None = None
        self._last_faucet_ms = 0
        self._genesis()

    # ---- time ----------------------------------------------------------------------------
    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def _genesis(self) -> None:
        now = self.now_ms()
        timestamp = now - now % self.interval_ms
        self.world.genesis(accounts=self.accounts, now_ms=timestamp)
        genesis = Block(number=0, timestamp=timestamp, parent_hash=ZERO_HASH, witness=b"")
        seal(genesis, self.witness_keys[0].private_key)
        self.blocks = [genesis]
        self._remember_state(0)

    # ---- chain views ---------------------------------------------------------------------
    @property
    def head(self) -> Block:
        return self.blocks[-1]

    @property
    def solid_number(self) -> int:
        return max(0, self.head.number - self.solid_lag)

    @property
    def solid_head(self) -> Block:
        return self.blocks[self.solid_number]

    def block_by_number(self, number: int, *, solid: bool = False) -> Block | None:
        limit = self.solid_number if solid else self.head.number
        if 0 <= number <= limit:
            return self.blocks[number]
        return None

    def block_by_id(self, block_id: bytes, *, solid: bool = False) -> Block | None:
        if len(block_id) != 32:
            return None
        block = self.block_by_number(int.from_bytes(block_id[:8], "big"), solid=solid)
        return block if block is not None and block.block_id == block_id else None

    def find_transaction(self, txid: str, *, solid: bool = False) -> tuple[TxRecord, Block] | None:
        position = self.tx_index.get(txid)
        if position is None:
            return None
        number, index = position
        if solid and number > self.solid_number:
            return None
        block = self.blocks[number]
        return block.txs[index], block

    def solid_world(self) -> WorldState:
        """The world state as of the solidified head (the live state when solid_lag is 0,
        which then also includes pending transactions)."""
        state = self.block_states.get(self.solid_number)
        if self.solid_lag == 0 or state is None:
            return self.world
        solid_id = self.solid_head.block_id
        if self._solid_world is None or self._solid_world[0] != solid_id:
            world = WorldState(params=self.params, witnesses=self.world.witnesses)
            world.load_state(state)
            self._solid_world = (solid_id, world)
        return self._solid_world[1]

    def find_pending(self, txid: str) -> TxRecord | None:
        if txid not in self.pending_ids:
            return None
        return next(tx for tx in self.pending if tx.txid == txid)

    # ---- admission -----------------------------------------------------------------------
    def broadcast(self, raw_data: object, signatures: object) -> RawTransaction:
        """Admit a client's transaction; raises BroadcastError (or TransactionFormatError)."""
        raw = parse_raw_data(raw_data)
        self.broadcast_parsed(raw, signatures)
        return raw

    def broadcast_parsed(self, raw: RawTransaction, signatures: object) -> None:
        if not isinstance(signatures, list) or not all(isinstance(s, str) for s in signatures):
            raise BroadcastError("SIGERROR", "Validate signature error: miss sig or contract")
        self.admit(raw, tuple(s.lower() for s in signatures))

    def admit(self, raw: RawTransaction, signatures: tuple[str, ...]) -> TxRecord:
        """Check and execute a parsed transaction against the pending state."""
        with self.lock:
            if len(raw.raw_bytes) + 67 * len(signatures) > MAX_TRANSACTION_BYTES:
                raise BroadcastError("TOO_BIG_TRANSACTION_ERROR", "Transaction size is too big.")
            self._check_tapos(raw)
            self._check_expiration(raw)
            if raw.txid in self.tx_index or raw.txid in self.pending_ids:
                raise BroadcastError("DUP_TRANSACTION_ERROR", "Dup transaction.")
            self._check_signature(raw, signatures)
            execution = self.executor.run(
                raw, signature_count=len(signatures), now_ms=self._pending_time_ms()
            )
            record = TxRecord.executed(
                raw, signatures, execution.contract_ret, fee=execution.fee, info=execution.info
            )
            self.pending.append(record)
            self.pending_ids.add(raw.txid)
            return record

    def _pending_time_ms(self) -> int:
        """The time the next block will carry: what the pending state executes at."""
        return self._next_timestamp()

    def _check_tapos(self, raw: RawTransaction) -> None:
        if len(raw.ref_block_bytes) == 2 and len(raw.ref_block_hash) == 8:
            key = int.from_bytes(raw.ref_block_bytes, "big")
            head = self.head.number
            number = head - ((head - key) % TAPOS_WINDOW)
            if number >= 0 and tapos_hash(self.blocks[number].block_id) == raw.ref_block_hash:
                return
        raise BroadcastError(
            "TAPOS_ERROR",
            f"Tapos check error: the ref block {raw.ref_block_bytes.hex()}/"
            f"{raw.ref_block_hash.hex()} is not on this chain.",
        )

    def _check_expiration(self, raw: RawTransaction) -> None:
        head_time = self.head.timestamp
        if not head_time < raw.expiration <= head_time + MAX_EXPIRATION_WINDOW_MS:
            raise BroadcastError(
                "TRANSACTION_EXPIRATION_ERROR",
                f"Transaction expired: expiration is {raw.expiration}, but it must be in "
                f"({head_time}, {head_time + MAX_EXPIRATION_WINDOW_MS}]",
            )

    def _check_signature(self, raw: RawTransaction, signatures: tuple[str, ...]) -> None:
        if not signatures:
            raise BroadcastError("SIGERROR", "Validate signature error: miss sig or contract")
        if raw.contract.permission_id not in (0, 2):
            raise BroadcastError(
                "SIGERROR",
                f"Validate signature error: permission isn't exit, "
                f"permission id {raw.contract.permission_id}",
            )
        owner = raw.contract.address("owner_address")
        digest = bytes.fromhex(raw.txid)
        signers: set[bytes] = set()
        for signature in signatures:
            try:
                signer = recover_address(digest, bytes.fromhex(signature))
            except (ValueError, SignatureError) as exc:
                raise BroadcastError("SIGERROR", f"Validate signature error: {exc}") from exc
            if signer != owner:
                raise BroadcastError(
                    "SIGERROR",
                    f"Validate signature error: {signature} is signed by "
                    f"{signer.hex()} but it is not contained of permission.",
                )
            if signer in signers:
                raise BroadcastError(
                    "SIGERROR", f"Validate signature error: {signer.hex()} has signed twice!"
                )
            signers.add(signer)

    # ---- block production ----------------------------------------------------------------
    def _next_timestamp(self) -> int:
        """One interval after the head, or the current slot if the clock is further ahead
        (missed slots, as on a real chain when nobody produced)."""
        genesis_time = self.blocks[0].timestamp
        following = self.head.timestamp + self.interval_ms
        now = self.now_ms()
        slot = genesis_time + (now - genesis_time) // self.interval_ms * self.interval_ms
        return max(following, slot)

    def produce_block(self) -> Block:
        with self.lock:
            timestamp = self._next_timestamp()
            number = self.head.number + 1
            witness = self.witness_keys[number % len(self.witness_keys)]
            block = Block(
                number=number,
                timestamp=timestamp,
                parent_hash=self.head.block_id,
                witness=witness.address,
                txs=self.pending,
            )
            for index, record in enumerate(block.txs):
                self.tx_index[record.txid] = (number, index)
            self.pending = []
            self.pending_ids = set()
            seal(block, witness.private_key)
            self.world.stake.on_block(number=number, now_ms=timestamp)
            self.blocks.append(block)
            self._remember_state(number)
            return block

    def mine(self, count: int = 1) -> list[Block]:
        with self.lock:
            return [self.produce_block() for _ in range(count)]

    def _remember_state(self, number: int) -> None:
        """Keep the world state after each block that a fork could still remove."""
        if self.solid_lag == 0:
            return
        self.block_states[number] = self.world.to_state()
        for stale in [n for n in self.block_states if n < self.solid_number]:
            del self.block_states[stale]

    # ---- forks and snapshots -------------------------------------------------------------
    def fork(self, count: int) -> Block:
        """Drop the last `count` unsolidified blocks; their transactions vanish. Pending
        transactions are re-executed on the new head (those that no longer fit are dropped)."""
        with self.lock:
            new_head = self.head.number - count
            if count < 0 or new_head < self.solid_number or new_head < 0:
                raise ForkError(
                    f"cannot fork {count} blocks: head {self.head.number}, "
                    f"solidified {self.solid_number}"
                )
            if count == 0:
                return self.head
            if new_head not in self.block_states:
                raise ForkError(f"the state after block {new_head} is no longer kept")
            for block in self.blocks[new_head + 1 :]:
                for record in block.txs:
                    self.tx_index.pop(record.txid, None)
            del self.blocks[new_head + 1 :]
            for number in [n for n in self.block_states if n > new_head]:
                del self.block_states[number]
            self.world.load_state(self.block_states[new_head])
            pending, self.pending, self.pending_ids = self.pending, [], set()
            for record in pending:
                try:
                    self.admit(record.raw, record.signatures)
                except BroadcastError:
                    continue
            return self.head

    def snapshot(self) -> int:
        with self.lock:
            snapshot_id = len(self._snapshots) + 1
            self._snapshots[snapshot_id] = _Snapshot(
                world=self.world.to_state(),
                blocks=list(self.blocks),
                pending=list(self.pending),
                block_states=dict(self.block_states),
            )
            return snapshot_id

    def revert(self, snapshot_id: int) -> None:
        with self.lock:
            snapshot = self._snapshots.get(snapshot_id)
            if snapshot is None:
                raise KeyError(snapshot_id)
            self.world.load_state(snapshot.world)
            self.blocks = list(snapshot.blocks)
            self.pending = list(snapshot.pending)
            self.pending_ids = {record.txid for record in self.pending}
            self.block_states = dict(snapshot.block_states)
            self.tx_index = {
                record.txid: (block.number, index)
                for block in self.blocks
                for index, record in enumerate(block.txs)
            }

    # ---- helpers for the control API and tests -------------------------------------------
    def sign_and_admit(
        self, raw_data: dict[str, Any] | RawTransaction, private_key: bytes
    ) -> TxRecord:
        """Sign a transaction with `private_key` and admit it (the faucet and benchmarks)."""
        raw = raw_data if isinstance(raw_data, RawTransaction) else parse_raw_data(raw_data)
        signature = sign_digest(private_key, bytes.fromhex(raw.txid)).hex()
        return self.admit(raw, (signature,))

    def unique_timestamp_ms(self) -> int:
        """A build timestamp never handed out before, so that two identical faucet requests
        in the same millisecond still make two distinct transactions."""
        with self.lock:
            self._last_faucet_ms = max(self.now_ms(), self._last_faucet_ms + 1)
            return self._last_faucet_ms

    def reference_fields(self, *, solid: bool = False) -> dict[str, Any]:
        """ref_block_bytes/hash, expiration and timestamp for a transaction built now."""
        block = self.solid_head if solid else self.head
        return {
            "ref_block_bytes": tapos_key(block.number).hex(),
            "ref_block_hash": tapos_hash(block.block_id).hex(),
            "expiration": self.head.timestamp + 60_000,
            "timestamp": self.now_ms(),
        }
