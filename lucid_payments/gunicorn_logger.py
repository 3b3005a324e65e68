"""Gunicorn's logger with credentials redacted from the access log (``logger_class`` in
lucid_payments.gunicorn_conf).

The access log prints the request line, and a client that puts its API key in the query
string would otherwise have it written to disk and shipped to the log store in clear.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from lucid_payments.core.log_redaction import redact_credentials


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        # Every text atom, not just %(r)s and %(q)s: the format may name any header or
        # environ entry (a Referer, an Authorization header) and each can carry a key.
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {
            name: redact_credentials(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
