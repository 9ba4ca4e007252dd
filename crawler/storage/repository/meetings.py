"""Meetings: a story's set replaced in one transaction, and the queries that list them.

A story's meetings are keyed by (story_id, ordinal). ``replace_meetings`` locks the story
(PostgreSQL: its row, FOR UPDATE; SQLite: the database's write lock) before deleting and
inserting, so two writers deriving one story take turns and the last set wins whole; the
unique key makes a duplicate impossible either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from provwatch.crawler.storage.db import write_lock
from provwatch.crawler.storage.meeting_key import meeting_key
from provwatch.crawler.storage.models import Article, Meeting, MeetingGuest, MeetingHost, Story

__all__ = [
    "count_meetings",
    "filter_meetings",
    "find_meetings",
    "meetings_of",
    "replace_meetings",
    "story_meetings",
    "stories_to_remeet",
]

_HOST_FIELDS = ("name", "title", "province", "level", "city", "post", "pinyin")
_GUEST_FIELDS = ("name", "title", "org", "org_id", "org_kind", "org_en")


def replace_meetings(session: Session, story_id: int, article_id: int | None,
                     meetings: Sequence[dict[str, Any]]) -> int:
    """The story's meetings become ``meetings`` (plain dicts: day, date_stated, province,
    place, verb, topics (ids), sentence, summary_en, summary_zh, hosts, guests), in the
    caller's transaction. Returns how many were stored."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Story.id).where(Story.id == story_id).with_for_update())
    else:
        write_lock(session)
    old = select(Meeting.id).where(Meeting.story_id == story_id).scalar_subquery()
    session.execute(delete(MeetingHost).where(MeetingHost.meeting_id.in_(old)))
    session.execute(delete(MeetingGuest).where(MeetingGuest.meeting_id.in_(old)))
    session.execute(delete(Meeting).where(Meeting.story_id == story_id))
    for n, m in enumerate(meetings):
        row = Meeting(
            story_id=story_id, ordinal=n, article_id=article_id, day=m.get("day"),
            date_stated=bool(m.get("date_stated")), province=m.get("province"),
            place=(m.get("place") or "")[:200], verb=m.get("verb") or "",
            topics=_topics(m.get("topics") or ()), sentence=m.get("sentence") or "",
            summary_en=m.get("summary_en") or "", summary_zh=m.get("summary_zh") or "",
            dedupe_key=meeting_key(m.get("day"), bool(m.get("date_stated")),
                                   m.get("hosts") or (), m.get("guests") or ()),
            hosts=[MeetingHost(ordinal=i, **{k: _cut(h.get(k), k) for k in _HOST_FIELDS})
                   for i, h in enumerate(m.get("hosts") or ())],
            guests=[MeetingGuest(ordinal=i, **{k: _cut(g.get(k), k) for k in _GUEST_FIELDS})
                    for i, g in enumerate(m.get("guests") or ())])
        session.add(row)
    session.flush()
    return len(meetings)


def _topics(ids: Iterable[str]) -> str:
    """Space-bounded (" nev ai "), so one sector is found with LIKE '% nev %'."""
    ids = [i for i in ids if i]
    return f" {' '.join(ids)} " if ids else ""


def _cut(value: Any, key: str) -> Any:
    if value is None:
        return None if key in ("province", "level", "city", "post", "org_id") else ""
    return str(value)[:300 if key in ("org", "org_en") else 200 if key != "name" else 100]


def story_meetings(session: Session, story_id: int) -> Sequence[Meeting]:
    return session.scalars(select(Meeting).where(Meeting.story_id == story_id)
                           .order_by(Meeting.ordinal)).all()


def meetings_of(session: Session, story_ids: Iterable[int]) -> dict[int, list[Meeting]]:
    """Story id -> its meetings in order, hosts and guests loaded, in one query each."""
    wanted = sorted(set(story_ids))
    out: dict[int, list[Meeting]] = {}
    if not wanted:
        return out
    query = (select(Meeting).where(Meeting.story_id.in_(wanted))
             .options(selectinload(Meeting.hosts), selectinload(Meeting.guests))
             .order_by(Meeting.story_id, Meeting.ordinal))
    for m in session.scalars(query):
        out.setdefault(m.story_id, []).append(m)
    return out


def filter_meetings(query, *, province: str | None = None, host: str | None = None,
                    post: str | None = None, guest_kind: str | None = None,
                    org_ids: Sequence[str] = (), org_text: str | None = None,
                    sector: str | None = None, sector_org_ids: Sequence[str] = (),
                    since: date | None = None, until: date | None = None):
    """``query`` on meetings limited to those matching every filter given (the filters of
    ``find_meetings``; the web's counts, repository/web_meetings.py, take the same).
    ``sector``: the meeting's topics name it, or a guest's organisation is one of
    ``sector_org_ids`` (the organisations of that sector); ``since``/``until``: days,
    inclusive."""
    if province:
        query = query.where(or_(Meeting.province == province, exists().where(
            MeetingHost.meeting_id == Meeting.id, MeetingHost.province == province)))
    if host:
        key = host.replace(" ", "").lower()
        query = query.where(exists().where(
            MeetingHost.meeting_id == Meeting.id,
            or_(MeetingHost.name == host,
                func.lower(func.replace(MeetingHost.pinyin, " ", "")) == key)))
    if post:
        query = query.where(exists().where(
            MeetingHost.meeting_id == Meeting.id, MeetingHost.post == post,
            MeetingHost.level == "province"))
    if guest_kind:
        query = query.where(exists().where(
            MeetingGuest.meeting_id == Meeting.id, MeetingGuest.org_kind == guest_kind))
    if org_ids or org_text:
        match = []
        if org_ids:
            match.append(MeetingGuest.org_id.in_(list(org_ids)))
        if org_text:
            like = f"%{org_text}%"
            match += [MeetingGuest.org.like(like), func.lower(MeetingGuest.org_en).like(
                like.lower())]
        query = query.where(exists().where(MeetingGuest.meeting_id == Meeting.id, or_(*match)))
    if sector:
        by_topic = Meeting.topics.like(f"% {sector} %")
        query = query.where(or_(by_topic, exists().where(
            MeetingGuest.meeting_id == Meeting.id,
            MeetingGuest.org_id.in_(list(sector_org_ids)))) if sector_org_ids else by_topic)
    if since:
        query = query.where(Meeting.day >= since)
    if until:
        query = query.where(Meeting.day <= until)
    return query


def find_meetings(session: Session, *, limit: int | None = None, **filters: Any
                  ) -> Sequence[Meeting]:
    """Meetings matching every filter given (see ``filter_meetings``), newest day first; hosts and
    guests loaded with them."""
    query = filter_meetings(select(Meeting), **filters).order_by(
        Meeting.day.desc(), Meeting.id.desc())
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def count_meetings(session: Session, **filters: Any) -> int:
    return session.scalar(filter_meetings(select(func.count(Meeting.id)), **filters)) or 0


def stories_to_remeet(session: Session, since: datetime | None = None,
                      after_story: int = 0, batch: int = 500) -> Sequence[Article]:
    """One article per story to derive its meetings from (its first copy; with ``since``,
    its first copy published then or later, or undated), stories in id order after
    ``after_story``, at most ``batch`` of them."""
    first = select(Article.story_id, func.min(Article.id).label("first_id")).where(
        Article.story_id > after_story)
    if since is not None:
        first = first.where(or_(Article.published_at.is_(None), Article.published_at >= since))
    firsts = first.group_by(Article.story_id).order_by(Article.story_id).limit(batch).subquery()
    query = select(Article).join(firsts, Article.id == firsts.c.first_id)
    return session.scalars(query.order_by(Article.story_id)).all()
