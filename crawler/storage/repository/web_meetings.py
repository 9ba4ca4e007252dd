"""Meetings for the web views: a page of the newest, counts per period of hosts and guest
kinds, who met whom, and the lean facts of a few meetings (an organisation's).

Every query takes the filters of ``repository.find_meetings`` (``meetings.filter_meetings``).
Counts are made by the database and count each meeting once: a second report of a meeting
(another story with its ``dedupe_key``, storage.meeting_key) is left out, as
services.meetings.distinct leaves it out in Python. A period is a China month
(``YYYY-MM``) or a week, given as its Monday (``YYYY-MM-DD``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from provwatch.crawler.storage.models import Meeting, MeetingGuest, MeetingHost
from provwatch.crawler.storage.repository.meetings import filter_meetings, find_meetings

__all__ = ["MeetingFacts", "count_first_reports", "guest_kind_counts", "host_counts",
           "host_names", "meeting_facts", "met_pairs", "newest_meetings", "org_names"]


def newest_meetings(session: Session, limit: int, **filters: Any) -> list[Meeting]:
    """The ``limit`` newest matching meetings, and every other one of the last day they
    reach: two reports of one meeting share its day, so a caller merging them sees both
    even when the cut falls between them."""
    rows = list(find_meetings(session, limit=limit, **filters))
    if len(rows) < limit or rows[-1].day is None:
        return rows
    seen = {m.id for m in rows}
    last: date = rows[-1].day
    same_day = filter_meetings(select(Meeting), **filters).where(Meeting.day == last)
    rows += [m for m in session.scalars(same_day.order_by(Meeting.id.desc()))
             if m.id not in seen]
    return rows


class MeetingFacts:
    """What counting needs of the matching meetings: ``meetings`` (id, story_id, day,
    date_stated, province, topics), ``hosts`` (meeting_id, name, province, post, pinyin,
    level, title) and ``guests`` (meeting_id, name, org, org_id, org_kind, org_en), newest day
    first, hosts and guests in their meeting's order."""

    def __init__(self, meetings: Sequence[tuple], hosts: Sequence[tuple],
                 guests: Sequence[tuple]) -> None:
        self.meetings = meetings
        self.hosts = hosts
        self.guests = guests


def meeting_facts(session: Session, **filters: Any) -> MeetingFacts:
    ids = filter_meetings(select(Meeting.id), **filters).scalar_subquery()
    meetings = session.execute(
        filter_meetings(select(Meeting.id, Meeting.story_id, Meeting.day, Meeting.date_stated,
                         Meeting.province, Meeting.topics), **filters)
        .order_by(Meeting.day.desc(), Meeting.id.desc())).all()
    hosts = session.execute(
        select(MeetingHost.meeting_id, MeetingHost.name, MeetingHost.province,
               MeetingHost.post, MeetingHost.pinyin, MeetingHost.level, MeetingHost.title)
        .where(MeetingHost.meeting_id.in_(ids))
        .order_by(MeetingHost.meeting_id, MeetingHost.ordinal)).all()
    guests = session.execute(
        select(MeetingGuest.meeting_id, MeetingGuest.name, MeetingGuest.org,
               MeetingGuest.org_id, MeetingGuest.org_kind, MeetingGuest.org_en)
        .where(MeetingGuest.meeting_id.in_(ids))
        .order_by(MeetingGuest.meeting_id, MeetingGuest.ordinal)).all()
    return MeetingFacts(meetings, hosts, guests)


def _first_report():
    """The meeting is no second report: no other meeting with its key comes from an older
    story (or, in one story, is listed before it: the newest id first, as lists order
    them). Asked once as a set of ids, not again for every joined host or guest row."""
    m, other = aliased(Meeting), aliased(Meeting)
    second = select(other.id).where(other.dedupe_key == m.dedupe_key, or_(
        other.story_id < m.story_id, and_(other.story_id == m.story_id, other.id > m.id)))
    return Meeting.id.in_(select(m.id).where(~second.correlate(m).exists()))


def _bucket(session: Session, period: str):
    """A meeting's period: ``YYYY-MM``, or the Monday of its ISO week."""
    pg = session.get_bind().dialect.name == "postgresql"
    if period == "week":
        return cast(func.date_trunc("week", Meeting.day), Date) if pg else \
            func.date(Meeting.day, "weekday 0", "-6 days")
    return func.to_char(Meeting.day, "YYYY-MM") if pg else func.substr(Meeting.day, 1, 7)


def _counted(query, **filters: Any):
    return filter_meetings(query, **filters).where(_first_report(), Meeting.day.is_not(None))


def count_first_reports(session: Session, **filters: Any) -> int:
    """How many meetings match, each counted once."""
    return session.scalar(filter_meetings(select(func.count(Meeting.id)), **filters)
                          .where(_first_report())) or 0


def guest_kind_counts(session: Session, period: str, **filters: Any) -> list[tuple]:
    """(period, guest kind, meetings) of the matching meetings with a guest of that kind."""
    g = aliased(MeetingGuest)  # the filters' own EXISTS on guests must not correlate to it
    bucket = _bucket(session, period).label("period")
    query = (select(bucket, g.org_kind, func.count(func.distinct(Meeting.id)))
             .select_from(Meeting).join(g, g.meeting_id == Meeting.id)
             .where(g.org_kind != ""))
    return [tuple(r) for r in session.execute(
        _counted(query, **filters).group_by(bucket, g.org_kind))]


def host_counts(session: Session, period: str, **filters: Any) -> list[tuple]:
    """(period, host name, meetings) of the matching meetings."""
    h = aliased(MeetingHost)
    bucket = _bucket(session, period).label("period")
    query = (select(bucket, h.name, func.count(func.distinct(Meeting.id)))
             .select_from(Meeting).join(h, h.meeting_id == Meeting.id))
    return [tuple(r) for r in session.execute(
        _counted(query, **filters).group_by(bucket, h.name))]


def host_names(session: Session, names: Sequence[str]) -> dict[str, tuple]:
    """Host name -> (pinyin, roster province, post, title, the meeting's province), one
    reading of each (the greatest: stable from call to call)."""
    if not names:
        return {}
    rows = session.execute(
        select(MeetingHost.name, func.max(MeetingHost.pinyin), func.max(MeetingHost.province),
               func.max(MeetingHost.post), func.max(MeetingHost.title),
               func.max(Meeting.province))
        .select_from(MeetingHost).join(Meeting, Meeting.id == MeetingHost.meeting_id)
        .where(MeetingHost.name.in_(list(names))).group_by(MeetingHost.name))
    return {name: tuple(rest) for name, *rest in rows}


def _post_key(h):
    """A host's post: ``henan:secretary`` (roster), ``henan:省委书记`` (the title as written,
    in the meeting's province), else the name (meeting_views.post_label reads it)."""
    colon = literal(":")
    return case(
        (and_(func.coalesce(h.post, "") != "", func.coalesce(h.province, "") != ""),
         h.province.op("||")(colon).op("||")(h.post)),
        (and_(h.title != "", func.coalesce(Meeting.province, "") != ""),
         Meeting.province.op("||")(colon).op("||")(h.title)),
        else_=h.name)


def _org_key(g):
    return func.coalesce(func.nullif(g.org_id, ""), g.org)


def met_pairs(session: Session, **filters: Any) -> list[tuple[str, str, int]]:
    """(post, organisation key, meeting id), distinct, of each host and guest organisation
    who met in the matching meetings (each meeting once). Counted by the caller: one pass
    over these rows costs less than three GROUP BYs over them (bench/web_pages.py)."""
    h, g = aliased(MeetingHost), aliased(MeetingGuest)
    post, org = _post_key(h).label("post"), _org_key(g).label("org")
    pairs = (select(post, org, Meeting.id).select_from(Meeting)
             .join(h, h.meeting_id == Meeting.id).join(g, g.meeting_id == Meeting.id)
             .where(g.org != ""))
    return [tuple(r) for r in session.execute(
        filter_meetings(pairs, **filters).where(_first_report()).distinct())]


def org_names(session: Session, keys: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """Organisation key (knowledge-base id, or the name as written) -> (name as written,
    English name, kind), one reading of each."""
    if not keys:
        return {}
    key = _org_key(MeetingGuest)
    rows = session.execute(
        select(key, func.max(MeetingGuest.org), func.max(MeetingGuest.org_en),
               func.max(MeetingGuest.org_kind))
        .where(key.in_(list(keys))).group_by(key))
    return {k: (org, en, kind) for k, org, en, kind in rows}
