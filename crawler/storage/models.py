"""SQLAlchemy 2.0 models: the whole persistent state of provwatch (meetings and roster
changes in crawler.storage.meeting_models, re-exported here; the base and the UTC column
type in crawler.storage.base).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provwatch.crawler.storage.base import Base, UTCDateTime, utcnow
from provwatch.crawler.storage.meeting_models import (
    Meeting,
    MeetingGuest,
    MeetingHost,
    RosterChange,
)

__all__ = ["Article", "AttentionMark", "BAD_STATES", "Base", "CrawlRun", "DAEMON_LOCK",
           "DaemonLock", "Delivery", "Fingerprint", "FingerprintBand", "HEALTH_STATES",
           "Meeting", "MeetingGuest", "MeetingHost", "RosterChange", "Send", "SourceState",
           "Story", "Tag", "UTCDateTime", "Watchlist", "utcnow"]


# the values of SourceState.health; the rules that move a source between them are
# crawler/daemon/health.py
BAD_STATES = ("unreachable", "http_error", "blocked", "redesigned", "stale", "error")
# failing: the last run failed, not yet often enough to be bad (not told to operators)
HEALTH_STATES = ("new", "ok", "failing", *BAD_STATES)


class SourceState(Base):
    """Crawl state of one catalog source (the catalog itself lives in YAML)."""

    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # per fetched URL: {"etag": ..., "last_modified": ..., "hash": sha256 of the body}
    validators: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # one of HEALTH_STATES (the rules: crawler/daemon/health.py)
    health: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    health_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_health: Mapped[str | None] = mapped_column(String(20))  # last told to operators
    # the newest crawl run's outcome, written with it: status never ranks crawl_runs
    last_outcome: Mapped[str | None] = mapped_column(String(20))
    last_new_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_new_items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    usual_gap: Mapped[float | None] = mapped_column(Float)  # seconds between new items, EWMA
    poll_interval: Mapped[int | None] = mapped_column(Integer)  # adaptive; None: catalog's
    # an interrupted backfill's cursor: {"since", "until", "next_url", "page"}
    backfill: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Story(Base):
    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_article_id: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    copy_count: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text, default="")


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(String(2048))
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(10))
    author: Mapped[str | None] = mapped_column(Text)
    charset: Mapped[str | None] = mapped_column(String(40))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    date_source: Mapped[str | None] = mapped_column(String(40))
    date_precision: Mapped[str | None] = mapped_column(String(10))  # day | minute
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    # zlib-compressed page bytes: deferred, loaded only by re-extraction, which asks for it
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # {"content_type": the header as received, "document": policy-document metadata,
    #  "gov": the government meta set, "content_source": 河南日报, "column": 政务要闻}
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    story: Mapped[Story] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(
        back_populates="article", cascade="all, delete-orphan", lazy="selectin"
    )


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # province | sector | event | person | org
    value: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="")  # about | mentioned | ""
    score: Mapped[float] = mapped_column(Float, default=1.0)

    article: Mapped[Article] = relationship(back_populates="tags")
    __table_args__ = (
        Index("ix_tags_kind_value", "kind", "value"),
        Index("ix_tags_article", "article_id"),
    )


class Watchlist(Base):
    __tablename__ = "watchlists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    province_scope: Mapped[str] = mapped_column(String(10), default="about",
                                                server_default="about")  # about | mentioned
    events: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    keywords_all: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    keywords_none: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    sources: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    min_copies: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # alerts.schedule: None = immediate, else {"every", "at", "weekday", "tz"}
    schedule: Mapped[dict[str, str] | None] = mapped_column(JSON)
    quiet_hours: Mapped[dict[str, str] | None] = mapped_column(JSON)  # {"start", "end", "tz"}
    backfill_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")  # en | zh
    # issue 18: a meeting's host posts, guest kinds, guest organisations (names, tickers)
    meeting_hosts: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    meeting_guest_kinds: Mapped[list[str]] = mapped_column(JSON, default=list,
                                                           server_default="[]")
    meeting_orgs: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # the entries of meeting_orgs the organisation knowledge base knows: entry -> org id
    meeting_org_ids: Mapped[dict[str, str]] = mapped_column(JSON, default=dict,
                                                            server_default="{}")


class Delivery(Base):
    """The transactional outbox: one row per (watchlist, story, channel), ever.

    status: pending -> sending (claimed into a ``Send``) -> sent | pending again (retry
    with backoff) | failed (kept, visible, re-sendable).
    """

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    channel: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the message it went in
    __table_args__ = (
        UniqueConstraint("watchlist_id", "story_id", "channel", name="uq_delivery_once"),
        Index("ix_deliveries_status_sent", "status", "sent_at"),  # status: sent in 24 h
    )


class Send(Base):
    """One message handed to a channel: an alert, a digest, or a rate-limit summary.

    Created (status ``sending``, with its deliveries claimed) and committed before the
    channel is called; marked ``sent`` or ``failed`` after. A ``sending`` row whose
    claimer died is sent again as it was, with the same id, so a receiver that dedupes on
    the id sees it once. The rate limit counts these rows per channel.
    """

    __tablename__ = "sends"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20))  # alert | digest | summary
    watchlist_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="sending", index=True)
    items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # host:pid of the dispatcher
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heading: Mapped[str | None] = mapped_column(Text)  # a summary's heading, as first sent
    error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_sends_channel_created", "channel", "created_at"),)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))  # ok | failed | timeout | not_modified
    pages: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    already_seen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    dropped: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    error_message: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_crawl_runs_started", "started_at"),  # pruning
                      Index("ix_crawl_runs_source_started", "source_id", "started_at"))


# the name of the daemon lock's one row (crawler/daemon/lock.py takes it, status reads it)
DAEMON_LOCK = "daemon"


class DaemonLock(Base):
    """One row per daemon role: who holds it (host:pid:token), since when, last heartbeat.

    Taken with a conditional UPDATE, so two daemons on one database never both hold it;
    a holder whose heartbeat is stale, or whose pid is gone on this host, is replaced.
    """

    __tablename__ = "daemon"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    host: Mapped[str | None] = mapped_column(String(200))
    pid: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    info: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Fingerprint(Base):
    """An article's near-duplicate fingerprint (pipelines.fingerprint), one row each."""

    __tablename__ = "fingerprints"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    story_id: Mapped[int] = mapped_column(Integer, index=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    numbers: Mapped[str] = mapped_column(Text, default="")  # space-separated
    places: Mapped[str] = mapped_column(Text, default="")  # space-separated province ids
    title_key: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the MinHash scheme of the signature (pipelines.minhash.SCHEME): only signatures of
    # one scheme are comparable
    scheme: Mapped[str] = mapped_column(String(40), server_default="crc32-universal-v1")


class FingerprintBand(Base):
    """The LSH index: one row per (band key, article); lookups go by band key and time,
    so old articles that share a common key are skipped inside the index."""

    __tablename__ = "fingerprint_bands"
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_fingerprint_bands_key_time", "band_key", "published_at"),)


class AttentionMark(Base):
    """What the web app's attention view counts (repository/web_attention.py, issue 20):
    per story, one row per (province, sector) its copies are tagged with, plus
    (province, "") for the province whatever the sector and ("", "") for the story; the
    story's day is the China day of its first dated copy. Rewritten whole in the
    transaction that changes the story's copies or tags, so a window's counts are index
    range scans instead of joins over every article and tag."""

    __tablename__ = "attention_marks"
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    province: Mapped[str] = mapped_column(String(40), primary_key=True)  # "": any
    sector: Mapped[str] = mapped_column(String(40), primary_key=True)  # "": any
    day: Mapped[date] = mapped_column(Date)
    about: Mapped[bool] = mapped_column(Boolean)  # a copy has the province as "about"
    # covering, in cell order: a window's counts read only this index, each cell's marks
    # of the scope in a row, grouped as read (migration 0019 says why)
    __table_args__ = (Index("ix_attention_marks_cell", "province", "sector", "about",
                            "day"),)
