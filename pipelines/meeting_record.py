"""A meeting as pipelines.meetings reads it from a story: hosts, guests, day, place,
topics, the verb and sentence it was read from, and its one-line summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from provwatch.pipelines.meeting_guests import Guest
from provwatch.pipelines.meeting_hosts import Host


@dataclass(frozen=True)
class Meeting:
    hosts: tuple[Host, ...]
    guests: tuple[Guest, ...]
    date: dt.date | None  # the meeting day when the text says it (the field hides the type)
    published: dt.date | None
    place: str
    topics: tuple[str, ...]
    verb: str
    sentence: str  # the sentence it was read from
    summary_en: str = ""
    summary_zh: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def day(self) -> dt.date | None:
        """The meeting's day, or the publication day when the text does not say."""
        return self.date or self.published

    @property
    def province(self) -> str | None:
        return next((h.province for h in self.hosts if h.province), None)
