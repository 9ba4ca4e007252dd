"""Watchlists: read, add, update and remove their rows (removal takes their deliveries)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from provwatch.crawler.storage.models import Delivery, Watchlist

__all__ = [
    "add_watchlist",
    "get_watchlist",
    "live_watchlist_ids",
    "remove_watchlist",
    "update_watchlist",
    "watchlists",
    "watchlists_by_id",
]


def watchlists(session: Session) -> Sequence[Watchlist]:
    return session.scalars(select(Watchlist).order_by(Watchlist.name)).all()


def get_watchlist(session: Session, name: str) -> Watchlist | None:
    return session.scalar(select(Watchlist).where(Watchlist.name == name))


def add_watchlist(session: Session, **values: Any) -> Watchlist:
    row = Watchlist(**values)
    session.add(row)
    session.flush()
    return row


def update_watchlist(session: Session, row: Watchlist, **values: Any) -> Watchlist:
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return row


def remove_watchlist(session: Session, name: str) -> bool:
    row = get_watchlist(session, name)
    if row is None:
        return False
    session.execute(delete(Delivery).where(Delivery.watchlist_id == row.id))
    session.delete(row)
    return True


def watchlists_by_id(session: Session, ids: Iterable[int]) -> dict[int, Watchlist]:
    return {w.id: w for w in session.scalars(select(Watchlist).where(Watchlist.id.in_(ids)))}


def live_watchlist_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` still exist, held until the transaction ends: on PostgreSQL with
    FOR KEY SHARE, so a watchlist removed meanwhile waits for our commit (and its deletion
    then takes the deliveries we add, by the foreign key's cascade); SQLite's writers
    are one at a time anyway."""
    ids = list(ids)
    if not ids:
        return set()
    return set(session.scalars(_LIVE, {"ids": ids}))


# built once: the store transaction runs it for every article
_LIVE = (select(Watchlist.id).where(Watchlist.id.in_(bindparam("ids", expanding=True)))
         .with_for_update(read=True, key_share=True))
