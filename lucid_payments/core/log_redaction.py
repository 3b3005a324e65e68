"""Credentials never reach a log line in clear.

Our API takes keys only in the ``Authorization`` header, but clients still put them in
URLs (``?api_key=…``), and a URL is what access logs, error logs and tracebacks print.
Two rules, applied to whole log lines:

- the value of any query parameter whose name says it is a credential (``key``,
  ``api_key``, ``token``, ``access_token``, ``secret``, ``password``, ``signature``, …);
- anything shaped like one of our API keys, wherever it appears (a path, a header, a
  message): its public prefix is kept so that operators can tell which key leaked.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_CREDENTIAL_WORDS = (
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "auth",
    "credential",
    "signature",
    "sig",
    "session",
    "bearer",
)
# A parameter (at the start, or after ? & ; a quote or a space) whose name contains one of
# the words, then its value up to the next parameter. Case-insensitive; this over-redacts
# the odd harmless parameter (``author=``) rather than miss a spelling of a credential.
_CREDENTIAL_PARAMETER = re.compile(
    r"(?:^|(?<=[?&;\s\"']))"
    r"(?P<name>[^=&;#?\s\"']*?(?:" + "|".join(_CREDENTIAL_WORDS) + r")[^=&;#?\s\"']*=)"
    r"(?P<value>[^&#\s]+)",
    re.IGNORECASE,
)
# lp_live_/lp_test_ + 8 hex (the public prefix) + _ + 43 url-safe characters (the secret);
# see lucid_payments.accounts.api_keys. No word boundary at the end: a longer run of key
# characters would still carry the secret.
_API_KEY = re.compile(r"(?P<prefix>lp_(?:live|test)_[0-9a-f]{8}_)[A-Za-z0-9_-]{20,}")


def redact_credentials(text: str) -> str:
    """``text`` with credential query values and API key secrets replaced by a marker."""
    if "=" not in text and "lp_" not in text:
        return text  # the common case, without running the expressions
    text = _API_KEY.sub(lambda match: match["prefix"] + REDACTED, text)
    return _CREDENTIAL_PARAMETER.sub(lambda match: match["name"] + REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """A logging formatter whose output (message and traceback) is redacted; Django's
    request logging and everything else of ours goes through it (settings.LOGGING)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_credentials(super().format(record))
