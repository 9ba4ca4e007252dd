"""Meetings read from stories (pipelines.meetings) and the roster changes proposed from
them (pipelines.personnel): part of crawler.storage.models, which re-exports them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provwatch.crawler.storage.base import Base, UTCDateTime, utcnow


class Meeting(Base):
    """A meeting a story reports (pipelines.meetings): one set per story, keyed by
    (story, ordinal), so syndicated copies give one meeting and re-deriving replaces it."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"))  # the copy it was read from
    day: Mapped[date | None] = mapped_column(Date)  # the meeting's China day, else publication's
    date_stated: Mapped[bool] = mapped_column(Boolean, default=False)  # the text gave the day
    province: Mapped[str | None] = mapped_column(String(40))  # the first resolved host's
    place: Mapped[str] = mapped_column(String(200), default="")
    verb: Mapped[str] = mapped_column(String(20), default="")
    topics: Mapped[str] = mapped_column(String(300), default="")  # " nev batteries_storage "
    sentence: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    derived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # storage.meeting_key: one for every report of one meeting (None: day not stated)
    dedupe_key: Mapped[str | None] = mapped_column(String(40))

    hosts: Mapped[list[MeetingHost]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingHost.ordinal")
    guests: Mapped[list[MeetingGuest]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingGuest.ordinal")
    __table_args__ = (
        UniqueConstraint("story_id", "ordinal", name="uq_meeting_story_ordinal"),
        Index("ix_meetings_day", "day"),
        Index("ix_meetings_province_day", "province", "day"),
        Index("ix_meetings_dedupe_key", "dedupe_key", "story_id"),  # the web's counts
    )


class MeetingHost(Base):
    """A host: the name and title as written, and the roster post held on the day."""

    __tablename__ = "meeting_hosts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200), default="")
    province: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(20))  # province | capital
    city: Mapped[str | None] = mapped_column(String(40))
    post: Mapped[str | None] = mapped_column(String(20))  # secretary | governor | mayor
    pinyin: Mapped[str] = mapped_column(String(100), default="")
    __table_args__ = (
        UniqueConstraint("meeting_id", "ordinal", name="uq_meeting_host_ordinal"),
        Index("ix_meeting_hosts_name", "name"),
        Index("ix_meeting_hosts_post", "province", "post"),
    )


class MeetingGuest(Base):
    """A guest: name, title and organisation as written, and the organisation's kind and
    id from the knowledge base (pipelines/tagging/data/orgs_*.yaml)."""

    __tablename__ = "meeting_guests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    org: Mapped[str] = mapped_column(String(300), default="")
    org_id: Mapped[str | None] = mapped_column(String(100))
    org_kind: Mapped[str] = mapped_column(String(40), default="")
    org_en: Mapped[str] = mapped_column(String(300), default="")
    __table_args__ = (
        UniqueConstraint("meeting_id", "ordinal", name="uq_meeting_guest_ordinal"),
        Index("ix_meeting_guests_org_id", "org_id"),
        Index("ix_meeting_guests_kind", "org_kind"),
    )


class RosterChange(Base):
    """A roster change read from a story (pipelines.personnel): proposed, then applied or
    dismissed by hand. Unique per (story, province, post, person, action), so syndicated
    copies and re-runs propose it once."""

    __tablename__ = "roster_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"))  # the copy it was read from
    province: Mapped[str] = mapped_column(String(40))
    post: Mapped[str] = mapped_column(String(20))  # secretary | governor | mayor
    city: Mapped[str | None] = mapped_column(String(40))  # a capital's id for its posts
    person: Mapped[str] = mapped_column(String(100))  # as written: Chinese or pinyin
    action: Mapped[str] = mapped_column(String(20))  # appoint | remove | elect | acting
    day: Mapped[date | None] = mapped_column(Date)  # the stated day, else publication's
    sentence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # | applied | dismissed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("story_id", "province", "post", "person", "action",
                         name="uq_roster_change"),
        Index("ix_roster_changes_status_day", "status", "day"),
    )
