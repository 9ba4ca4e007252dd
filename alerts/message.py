"""The alert as channels see it: a value built from stored rows, never the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AlertMessage:
    delivery_id: int
    watchlist: str
    story_id: int
    article_id: int
    title: str
    url: str
    source_id: str
    published_at: datetime | None  # UTC, timezone-aware
    snippet: str  # the first few hundred characters of the text, plain
    provinces_about: tuple[str, ...] = ()
    provinces_mentioned: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    event: str | None = None
    copies: int = 1  # how many stored articles the story has
    outlets: tuple[str, ...] = field(default_factory=tuple)  # source ids that carried it


@dataclass(frozen=True)
class Digest:
    """Several alerts in one message: a scheduled digest, or the overflow of a channel's
    rate limit folded into one summary. Channels group ``items`` with
    ``alerts.render.groups`` (by province, then sector)."""

    kind: str  # "digest" | "summary"
    send_id: int  # unique per message; the webhook's delivery id is "send-<send_id>"
    heading: str  # e.g. "daily digest, 2026-11-21 08:00 to 2026-11-22 08:00 Asia/Shanghai"
    items: tuple[AlertMessage, ...]
    watchlist: str | None = None  # None: a summary can span watchlists

    @property
    def delivery_id(self) -> str:
        return f"send-{self.send_id}"
