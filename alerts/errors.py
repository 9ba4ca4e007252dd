"""Errors of the alerts package; their messages never carry a secret (crawler.redact)."""

from __future__ import annotations

from provwatch.crawler.redact import redact


class AlertError(Exception):
    """Base of the alerts package's known errors: the message is redacted on creation, so
    no token of a channel URL reaches an output, a log or the outbox's ``last_error``."""

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(redact(str(message)), *args)


class WatchlistError(AlertError):
    """A watchlist entry is invalid; the message names the watchlist and the field."""


class DeliveryError(AlertError):
    """A channel could not deliver; the message says which channel and why.

    ``permanent`` marks errors that a retry cannot fix (a 4xx from a webhook other
    than 408/429, an SMTP 5xx rejection of the recipient).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class RowsGone(AlertError):
    """A message cannot be built because its article or story is no longer stored."""
