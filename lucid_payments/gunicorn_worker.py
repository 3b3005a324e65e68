"""The gunicorn worker of every HTTP process: gthread, except that a request is read in
the worker's event loop, under a deadline, before a thread sees it.

Why: gthread hands a connection to one of its few threads as soon as its first bytes
arrive, and that thread then blocks until the whole request head is in. A handful of
clients sending one header line every few seconds (slowloris) hold every thread and
nothing else is served, not even ``/health/live``. Here the event loop, which already
waits on idle keep-alive connections without a thread, buffers the head and a small body
without blocking; only a complete request takes a thread. A request that is not complete
``GUNICORN_READ_TIMEOUT`` seconds after its connection opened (or, on a kept-alive
connection, after its first byte) is closed. What remains of a large body (a KYC
document upload) is read by the thread under the same deadline.

TLS and HTTP/2 connections are served as plain gthread does: bytes on the wire are then
not HTTP/1 text this loop could follow (we terminate TLS in a proxy, and speak HTTP/1).
"""

from __future__ import annotations

import errno
import math
import os
import selectors
import socket
import time
from functools import partial
from typing import Any

import h11
from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

DEFAULT_READ_TIMEOUT_S = 20
# Body bytes the loop buffers per connection before it lets a thread read the rest: every
# JSON request fits, and a thousand stalled connections cost at most 64 MB per worker.
PREREAD_BODY_MAX = 64 * 1024
# A longer head is no request of ours; the thread's parser answers it (400 or 431).
PREREAD_HEAD_MAX = 64 * 1024
RECV_SIZE = 64 * 1024


def read_timeout_s() -> int:
    raw = os.environ.get("GUNICORN_READ_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_READ_TIMEOUT_S
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"GUNICORN_READ_TIMEOUT must be an integer, got {raw!r}") from None
    if value <= 0:
        raise SystemExit("GUNICORN_READ_TIMEOUT must be a positive number of seconds")
    return value


class RequestProgress:
    """How far the next request on a connection has arrived, told its bytes as they come
    (h11 does the HTTP/1.1 framing: heads, Content-Length, chunked bodies)."""

    def __init__(self) -> None:
        self._http = h11.Connection(h11.SERVER, max_incomplete_event_size=PREREAD_HEAD_MAX)
        self._body_bytes = 0

    def ready_after(self, data: bytes) -> bool:
        """Whether, with ``data`` added, a thread can take the request without waiting on
        the client: it is complete, or it is for gunicorn's own parser to judge."""
        self._http.receive_data(data)
        while True:
            try:
                event = self._http.next_event()
            except h11.RemoteProtocolError:
                return True  # malformed or too long: gunicorn answers it as it always has
            if event is h11.NEED_DATA:
                return False
            if isinstance(event, h11.Request):
                # The client waits for "100 Continue" before it sends the body.
                if self._http.they_are_waiting_for_100_continue:
                    return True
            elif isinstance(event, h11.Data):
                self._body_bytes += len(event.data)
                if self._body_bytes >= PREREAD_BODY_MAX:
                    return True
            else:  # EndOfMessage (or anything h11 will not go past): complete
                return True


class DeadlineReader:
    """What the request parser of a connection reads from: the socket, each read bounded
    by the request's deadline (and by any shorter timeout gunicorn sets itself)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline = math.inf
        self._timeout: float | None = None

    def gettimeout(self) -> float | None:
        return self._timeout

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def recv(self, size: int) -> bytes:
        remaining = self.deadline - time.monotonic()
        if self._timeout is not None:
            remaining = min(remaining, self._timeout)
        if remaining <= 0:
            raise TimeoutError(errno.ETIMEDOUT, "the request was not received in time")
        self.sock.settimeout(None if remaining == math.inf else remaining)
        try:
            return self.sock.recv(size)
        finally:
            self.sock.settimeout(None)  # blocking again, for the response


class BufferedConn(TConn):
    """A connection, plus the request its worker's loop is reading on it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reader = DeadlineReader(self.sock)
        self.progress = RequestProgress()
        self.buffered = bytearray()
        self.read_deadline = math.inf
        self.request_ready = False

    def init(self) -> None:
        """Runs in the thread on the connection's first request: the parser gunicorn just
        made reads what the loop buffered first, then the socket under the deadline."""
        created = self.parser is None
        super().init()
        if created:
            self.parser.unreader.sock = self.reader
            self.parser.unreader.unread(bytes(self.buffered))
            self.buffered.clear()

    def hand_over(self) -> None:
        """The loop is done reading: give a thread the bytes and the deadline."""
        self.request_ready = True
        self.data_ready = True  # gthread would otherwise wait for bytes we already have
        self.reader.deadline = self.read_deadline
        if self.parser is not None:  # a kept-alive connection: its parser exists
            self.parser.unreader.unread(bytes(self.buffered))
            self.buffered.clear()


class RequestBufferingWorker(ThreadWorker):
    """gthread whose event loop reads each request before a thread serves it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout_s = read_timeout_s()
        self.buffering = not self.cfg.is_ssl and "h2" not in self.cfg.http_protocols
        # Connections whose request is still arriving, in deadline order (all deadlines
        # are "now + the same timeout", so insertion order is deadline order).
        self.reading: dict[BufferedConn, None] = {}

    def accept(self, listener: socket.socket) -> None:
        if not self.buffering:
            super().accept(listener)
            return
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self.enqueue_req(BufferedConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    def enqueue_req(self, conn: TConn) -> None:
        """Every way to a thread (a new connection, a kept-alive one that became readable,
        bytes read ahead behind a response) passes here: read the request first."""
        if not isinstance(conn, BufferedConn) or conn.request_ready:
            if isinstance(conn, BufferedConn):
                conn.request_ready = False
            super().enqueue_req(conn)
            return
        conn.sock.setblocking(False)
        conn.progress = RequestProgress()
        conn.read_deadline = time.monotonic() + self.read_timeout_s
        if conn.parser is not None:
            # Bytes of this request that the previous one's body drain read ahead.
            read_ahead = conn.parser.unreader.take_buffered()
            if read_ahead:
                conn.buffered += read_ahead
                if conn.progress.ready_after(read_ahead):
                    self._dispatch(conn)
                    return
        self.reading[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_some, conn))

    def _read_some(self, conn: BufferedConn, _sock: socket.socket) -> None:
        try:
            data = conn.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before its request was complete
            self._drop(conn)
            return
        conn.buffered += data
        if conn.progress.ready_after(data):
            self._stop_reading(conn)
            self._dispatch(conn)

    def _dispatch(self, conn: BufferedConn) -> None:
        conn.hand_over()
        self.enqueue_req(conn)

    def _stop_reading(self, conn: BufferedConn) -> None:
        self.reading.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass  # already unregistered, or the socket is gone

    def _drop(self, conn: BufferedConn) -> None:
        self._stop_reading(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Also close the connections whose request missed its deadline (the run loop
        calls this about once a second)."""
        super().murder_pending()
        now = time.monotonic()
        if not self.alive:
            # Stopping: as gthread does for kept-alive connections, a request already on
            # its way gets a short while to arrive, not the whole read timeout.
            for conn in self.reading:
                conn.read_deadline = min(conn.read_deadline, now + STOP_KEEPALIVE_LINGER)
        while self.reading:
            conn = next(iter(self.reading))
            if conn.read_deadline > now:
                break
            # A connection that sent nothing (a preconnect, a port check) is routine; one
            # that started a request and stalled is what an operator may want to see.
            log = self.log.info if conn.buffered else self.log.debug
            log(
                "Closed a connection from %s: its request was not complete after %s s",
                conn.client,
                self.read_timeout_s,
            )
            self._drop(conn)
