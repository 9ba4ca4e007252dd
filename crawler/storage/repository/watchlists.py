"""Watchlists: read, add, update and remove their rows (removal takes their deliveries)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError
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


def add_watchlist(session: Session, **values: Any) -> Watchlist | None:
    """The new watchlist's row; None when another watchlist has its name."""
    row = Watchlist(**values)
    return row if _by_the_name_key(session, lambda: session.add(row)) else None


def update_watchlist(session: Session, row: Watchlist, **values: Any) -> Watchlist | None:
    """``row`` with ``values``; None when a new name is another watchlist's (the row is
    then left as it was)."""

    def change() -> None:
        for key, value in values.items():
            setattr(row, key, value)

    return row if _by_the_name_key(session, change) else None


def _by_the_name_key(session: Session, change: Callable[[], None]) -> bool:
    """Make ``change`` and write it; False when the name's unique key refuses it (a
    watchlist's only unique key). Two writers naming two watchlists alike at once: on
    PostgreSQL the second waits on the key until the first commits and is refused in a
    savepoint, so its transaction goes on; SQLite's writers are one at a time, and the
    callers take the write lock before they look the name up (db.write_lock), so the
    second sees the first's name and is refused before it writes."""
    if session.get_bind().dialect.name != "postgresql":
        change()
        session.flush()
        return True
    try:
        with session.begin_nested():
            change()
    except IntegrityError:
        return False
    return True


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
