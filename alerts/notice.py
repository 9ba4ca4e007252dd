"""Operator notices: messages about provwatch itself (a source went bad, or recovered),
sent through the same channels as alerts (alerts.channels.send_notice) but outside the
watchlist outbox.

A notice is sent when its state change is first seen and retried on later heartbeats
until a channel accepts it (the caller records what was told), so operators hear of each
change once, not on every failed run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from provwatch.crawler.redact import redact

NOTICE_EVENT = "source.health"  # a source's health changed; the daemon's own is daemon.health


@dataclass(frozen=True)
class Notice:
    key: str  # stable id of the event, e.g. "henan_gov:blocked:2026-11-22T10:00"
    subject: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    event: str = NOTICE_EVENT  # the payload's type and the X-Provwatch-Event header

    def __post_init__(self) -> None:
        # a source's last error can quote a URL with its token: no notice carries one
        object.__setattr__(self, "subject", redact(self.subject))
        object.__setattr__(self, "body", redact(self.body))
        object.__setattr__(self, "data", {k: redact(v) if isinstance(v, str) else v
                                          for k, v in self.data.items()})

    def payload(self) -> dict[str, Any]:
        """The webhook body: versioned like alert payloads, typed by ``event``."""
        return {"version": 1, "type": self.event, "id": self.key, "subject": self.subject,
                "text": self.body, "at": self.at.isoformat(), **self.data}
