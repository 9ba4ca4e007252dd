"""Meetings for the web views: a page of the newest, and the lean facts charts count.

Both take the filters of ``repository.find_meetings`` (``meetings._filtered``). The facts
are plain tuples in three queries (meetings, their hosts, their guests), no ORM objects:
charts over ten thousand meetings count them in memory in a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provwatch.crawler.storage.models import Meeting, MeetingGuest, MeetingHost
from provwatch.crawler.storage.repository.meetings import _filtered, find_meetings

__all__ = ["MeetingFacts", "meeting_facts", "newest_meetings"]


def newest_meetings(session: Session, limit: int, **filters: Any) -> list[Meeting]:
    """The ``limit`` newest matching meetings, and every other one of the last day they
    reach: two reports of one meeting share its day, so a caller merging them sees both
    even when the cut falls between them."""
    rows = list(find_meetings(session, limit=limit, **filters))
    if len(rows) < limit or rows[-1].day is None:
        return rows
    seen = {m.id for m in rows}
    last: date = rows[-1].day
    same_day = _filtered(select(Meeting), **filters).where(Meeting.day == last)
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
    ids = _filtered(select(Meeting.id), **filters).scalar_subquery()
    meetings = session.execute(
        _filtered(select(Meeting.id, Meeting.story_id, Meeting.day, Meeting.date_stated,
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
