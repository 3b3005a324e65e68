"""Node errors mapped into the platform's error family.

``NodeUnavailable`` means "try again later" (the node or network failed, after our own
retries); ``NodeRejected`` means the node understood the request and said no, with its
code (``CONTRACT_VALIDATE_ERROR``, ``DUP_TRANSACTION_ERROR``, …) and decoded message.
"""

from __future__ import annotations

from lucid_payments.core.errors import ApplicationError, Unavailable


class NodeUnavailable(Unavailable):
    default_code = "node_unavailable"


class NodeRejected(ApplicationError):
    """The node refused the request. ``node_code`` is the node's own code."""

    status_code = 422
    default_code = "node_rejected"

    def __init__(self, message: str, *, node_code: str = "OTHER_ERROR") -> None:
        super().__init__(message)
        self.node_code = node_code


class NodeBadResponse(NodeUnavailable):
    """The node answered something we cannot read (not JSON, wrong shape)."""

    default_code = "node_bad_response"
