"""The web app's own errors: a bad query or form value, a page that does not exist."""

from __future__ import annotations

from provwatch.crawler.errors import ProvwatchError


class WebInputError(ProvwatchError):
    """A bad query-string or form value: one line naming the parameter and the reason,
    shown as a 400 page (HTML), a 400 JSON body (/api) or a 400 text line (CSV)."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter


class NotFound(ProvwatchError):
    """A story, province or watchlist the archive does not hold: a 404 with one line."""
