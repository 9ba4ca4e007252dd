"""The roster's errors: a roster file or entry that cannot be trusted."""

from __future__ import annotations

from provwatch.crawler.errors import ProvwatchError


class RosterError(ProvwatchError):
    """The roster file or one of its entries is invalid; the message names the entry."""
