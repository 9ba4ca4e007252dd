"""The alert as channels see it: a value built from stored rows, never the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Reason:
    """One criterion of the watchlist that the story met, with what met it: ``("province",
    ("henan",), "about")``, ``("keywords", ("比亚迪",))``, ``("copies", ("3",), "≥ 2")``.

    ``criterion``: province | sector | event | keywords | source | copies; ``values`` are
    ids for tags (named in the reader's language when shown), else the words or numbers."""

    criterion: str
    values: tuple[str, ...]
    note: str = ""  # province: about | mentioned; copies: the watchlist's minimum


@dataclass(frozen=True)
class MeetingNote:
    """A meeting the story reports, as an alert names it (issue 18): its one-line
    summaries, its hosts and guests as written (the knowledge base's English name of a
    guest's organisation when known) and its topics (sector ids)."""

    summary_en: str
    summary_zh: str
    hosts: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


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
    snippet: str  # the first sentences of the text, plain (alerts.wording.cut_snippet)
    provinces_about: tuple[str, ...] = ()
    provinces_mentioned: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    event: str | None = None
    copies: int = 1  # how many stored articles the story has
    outlets: tuple[str, ...] = field(default_factory=tuple)  # source ids that carried it
    # added for readers (issue 16); a message built without them reads as before
    source_name: str | None = None  # the catalog's name of source_id (in ``language``)
    outlet: str | None = None  # the article's own outlet, its 来源 line (meta content_source)
    outlet_names: tuple[str, ...] = ()  # the catalog's names of ``outlets``, same order
    matched: tuple[Reason, ...] = ()  # why the watchlist matched, criterion by criterion
    language: str = "en"  # the watchlist's: what tags and field labels are named in
    # the story's meetings, those the watchlist asked about first (issue 18)
    meetings: tuple[MeetingNote, ...] = ()


@dataclass(frozen=True)
class Digest:
    """Several alerts in one message: a scheduled digest, or the overflow of a channel's
    rate limit folded into one summary. Channels group ``items`` with
    ``alerts.digest_render.groups`` (by province, then sector)."""

    kind: str  # "digest" | "summary"
    send_id: int  # unique per message; the webhook's delivery id is "send-<send_id>"
    heading: str  # e.g. "daily digest, 2026-11-21 08:00 to 2026-11-22 08:00 Asia/Shanghai"
    items: tuple[AlertMessage, ...]
    watchlist: str | None = None  # None: a summary can span watchlists

    @property
    def delivery_id(self) -> str:
        return f"send-{self.send_id}"
