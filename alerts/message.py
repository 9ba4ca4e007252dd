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
