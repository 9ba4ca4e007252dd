"""The outbox queries: deliveries and the sends (messages) that carry them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from provwatch.crawler.storage.db import insert_ignoring, rowcount, write_lock
from provwatch.crawler.storage.models import Article, Delivery, Send, Watchlist, utcnow

__all__ = [
    "add_send",
    "claim_deliveries",
    "claimed_deliveries",
    "deliveries",
    "due_deliveries",
    "enqueue",
    "failed_deliveries",
    "failed_delivery_ids",
    "get_send",
    "reclaim_send",
    "outbox_status",
    "requeue_failed",
    "send_deliveries",
    "sends_in_window",
    "sent_since",
    "unconfirmed_sends",
]


# --- sends: claim, confirm, recover -----------------------------------------------------


def add_send(session: Session, **values: Any) -> Send:
    row = Send(**values)
    session.add(row)
    session.flush()
    return row


def get_send(session: Session, send_id: int) -> Send | None:
    return session.get(Send, send_id)


def claim_deliveries(session: Session, send_id: int, delivery_ids: Sequence[int]) -> int:
    """Move the pending ones of ``delivery_ids`` to ``sending`` under ``send_id``; how many
    moved (fewer than asked: another dispatcher claimed some first)."""
    return rowcount(session.execute(
        update(Delivery).where(Delivery.id.in_(delivery_ids), Delivery.status == "pending")
        .values(status="sending", send_id=send_id)
        .execution_options(synchronize_session=False)))


def send_deliveries(session: Session, send_id: int) -> list[Delivery]:
    """The deliveries a send carries, in id order."""
    return list(session.scalars(
        select(Delivery).where(Delivery.send_id == send_id).order_by(Delivery.id)))


def claimed_deliveries(session: Session, send_id: int) -> list[Delivery]:
    """The deliveries of a send still ``sending`` (not yet confirmed)."""
    return list(session.scalars(select(Delivery).where(Delivery.send_id == send_id,
                                                       Delivery.status == "sending")))


def unconfirmed_sends(session: Session) -> Sequence[Send]:
    """Sends still ``sending``: claimed, never confirmed (in flight, or their claimer died).
    Takes SQLite's write lock first: the caller re-claims some of them in this transaction."""
    write_lock(session)
    return session.scalars(select(Send).where(Send.status == "sending")).all()


def reclaim_send(session: Session, send_id: int, seen: str | None, me: str) -> bool:
    """Compare-and-set: take over an unconfirmed send from its dead claimer ``seen``; True
    when this statement took it (of two dispatchers recovering it, exactly one does)."""
    claimer = Send.claimed_by.is_(None) if seen is None else Send.claimed_by == seen
    return rowcount(session.execute(
        update(Send).where(Send.id == send_id, Send.status == "sending", claimer)
        .values(claimed_by=me).execution_options(synchronize_session=False))) == 1


def sends_in_window(session: Session, channel: str, since: datetime
                    ) -> tuple[int, datetime | None]:
    """(how many, the oldest created_at) of ``channel``'s sends created after ``since``."""
    recent, oldest = session.execute(
        select(func.count(Send.id), func.min(Send.created_at))
        .where(Send.channel == channel, Send.created_at > since)).one()
    return recent, oldest


# --- failed deliveries ----------------------------------------------------------------


def failed_deliveries(session: Session, limit: int = 200) -> list[tuple[Delivery, str, str]]:
    """(delivery, watchlist name, article title) of failed deliveries, newest first."""
    rows = session.execute(
        select(Delivery, Watchlist.name, Article.title)
        .join(Watchlist, Watchlist.id == Delivery.watchlist_id)
        .join(Article, Article.id == Delivery.article_id)
        .where(Delivery.status == "failed").order_by(Delivery.id.desc()).limit(limit))
    return [(d, name, title) for d, name, title in rows]


def failed_delivery_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` that are failed deliveries."""
    return set(session.scalars(select(Delivery.id).where(
        Delivery.id.in_(ids), Delivery.status == "failed")))


def requeue_failed(session: Session, ids: Iterable[int] | None, now: datetime) -> int:
    """Failed deliveries (``ids``, or all with None) -> pending, due ``now``, attempts reset;
    how many."""
    query = update(Delivery).where(Delivery.status == "failed")
    if ids is not None:
        query = query.where(Delivery.id.in_(ids))
    return rowcount(session.execute(
        query.values(status="pending", attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)))


# --- deliveries: owed, due, sent ------------------------------------------------------


def enqueue(session: Session, watchlist_id: int, story_id: int, article_id: int,
            channel: str, due_at: datetime | None = None) -> bool:
    """Add a pending delivery unless this (watchlist, story, channel) already has one: the
    unique key decides (ON CONFLICT DO NOTHING), so of two writers one adds it and neither
    fails. ``due_at``: when it may go out (a digest watchlist's next slot); default now."""
    return session.scalar(
        insert_ignoring(session, Delivery, ["watchlist_id", "story_id", "channel"]).values(
            watchlist_id=watchlist_id, story_id=story_id, article_id=article_id,
            channel=channel, status="pending", attempts=0, next_attempt_at=due_at or utcnow())
        .returning(Delivery.id)) is not None


def due_deliveries(session: Session, now: datetime, limit: int = 100) -> Sequence[Delivery]:
    return session.scalars(
        select(Delivery).where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.id).limit(limit)
    ).all()


def deliveries(session: Session, status: str | None = None, limit: int = 100) -> Sequence[Delivery]:
    q = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if status:
        q = q.where(Delivery.status == status)
    return session.scalars(q).all()


def sent_since(session: Session, since: datetime) -> list[tuple[str, str, str]]:
    """(watchlist name, channel, article title) of deliveries sent at or after ``since``."""
    rows = session.execute(
        select(Watchlist.name, Delivery.channel, Article.title)
        .join(Watchlist, Watchlist.id == Delivery.watchlist_id)
        .join(Article, Article.id == Delivery.article_id)
        .where(Delivery.status == "sent", Delivery.sent_at >= since).order_by(Delivery.id))
    return [(name, channel, title) for name, channel, title in rows]


def outbox_status(session: Session, sent_since: datetime) -> dict[str, int]:
    """Deliveries pending, sending and failed, and those sent at or after ``sent_since``."""
    counts = dict(session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.status.in_(("pending", "sending", "failed")))
        .group_by(Delivery.status)).all())
    sent = session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.status == "sent", Delivery.sent_at >= sent_since))
    return {"pending": counts.get("pending", 0), "sending": counts.get("sending", 0),
            "failed": counts.get("failed", 0), "sent": sent or 0}
