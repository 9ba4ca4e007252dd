"""What apprise logged and what requests saw during one chat send, and nothing else:
apprise reports a failed post only as False, so the chat channel reads the HTTP status,
the reply body and the exception from these taps to say why (and whether to retry).
Captured per send in a context variable, so concurrent sends never mix their replies."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests

# apprise logs through "apprise"; urllib3 (under requests) logs request lines, query string
# and so DingTalk's access_token and WeCom's key included, at DEBUG
_TAPPED = ("apprise", "urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry",
           "urllib3.response")




@dataclass
class Reply:
    status: int
    body: bytes


@dataclass
class Exchange:
    records: list[logging.LogRecord] = field(default_factory=list)
    events: list[Reply | requests.RequestException] = field(default_factory=list)

    def messages(self) -> list[str]:
        """apprise's warnings and errors, each once, in order."""
        seen: dict[str, None] = {}
        for record in self.records:
            if record.levelno >= logging.WARNING:
                seen.setdefault(" ".join(record.getMessage().split()), None)
        return list(seen)


_current: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar(
    "provwatch_chat_exchange", default=None)


class Tap(logging.Filter):
    """On the ``apprise`` (and urllib3) loggers: a record emitted inside ``capture`` (this
    context only) goes to the capture instead of the application's handlers."""

    def filter(self, record: logging.LogRecord) -> bool:
        exchange = _current.get()
        if exchange is None:
            return True
        exchange.records.append(record)
        return False


def install_taps() -> None:
    for name in _TAPPED:
        logger = logging.getLogger(name)
        if not any(isinstance(f, Tap) for f in logger.filters):
            logger.addFilter(Tap())
    original = requests.Session.send
    if getattr(original, "_provwatch_tap", False):
        return

    @functools.wraps(original)
    def send(self, request, **kwargs):
        exchange = _current.get()
        if exchange is None:
            return original(self, request, **kwargs)
        try:
            response = original(self, request, **kwargs)
        except requests.RequestException as exc:
            exchange.events.append(exc)
            raise
        exchange.events.append(Reply(response.status_code, (response.content or b"")[:4000]))
        return response

    send._provwatch_tap = True  # type: ignore[attr-defined]
    requests.Session.send = send  # type: ignore[method-assign]


install_taps()


@contextlib.contextmanager
def capture() -> Iterator[Exchange]:
    exchange = Exchange()
    token = _current.set(exchange)
    try:
        yield exchange
    finally:
        _current.reset(token)
