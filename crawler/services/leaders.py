"""The leaders' roster as provwatch answers it: the shipped YAML with the roster changes
applied by hand (`provwatch leaders changes --apply`) merged over it (the rule is
crawler/roster/changes.py's), and those changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from provwatch.crawler import roster
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.roster import Entry, Roster
from provwatch.crawler.roster.changes import Change, merged, merged_rows
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

__all__ = ["ACTIONS", "STATUSES", "Change", "change_json", "current_roster", "list_changes",
           "merged", "resolve", "set_status"]

STATUSES = ("proposed", "applied", "dismissed")
ACTIONS = ("appoint", "remove", "elect", "acting")


def current_roster(config: Config) -> Roster:
    """The bundled roster with the database's applied changes merged over it."""
    with open_database(config.database_url, create=False)() as session:
        return merged_rows(roster.load(), repository.applied_roster_changes(session))


def resolve(book: Roster, name: str, on: date | None = None,
            province: str | None = None) -> list[Entry]:
    """``roster.resolve`` over a merged roster (a name added from the news counts)."""
    return book.resolve(name, on, province)


def change_json(row: Any, title: str | None, url: str | None) -> dict[str, Any]:
    return {"id": row.id, "status": row.status, "day": row.day.isoformat() if row.day else None,
            "province": row.province, "post": row.post, "city": row.city,
            "person": row.person, "action": row.action, "sentence": row.sentence,
            "story_id": row.story_id, "article_id": row.article_id, "title": title,
            "url": url, "applied_at": row.applied_at.isoformat() if row.applied_at else None}


def list_changes(config: Config, status: str | None = None, since: date | None = None
                 ) -> list[dict[str, Any]]:
    """The proposed (applied, dismissed) changes, by day, with their story's title and url."""
    if status is not None and status not in STATUSES:
        raise ProvwatchError(f"--status: {status!r} is not one of {', '.join(STATUSES)}")
    with open_database(config.database_url, create=False)() as session:
        return [change_json(*row) for row in
                repository.find_roster_changes(session, status=status, since=since)]


def set_status(config: Config, ids: list[int], status: str) -> list[dict[str, Any]]:
    """Mark the changes ``ids`` applied or dismissed, all or none: an unknown id is a
    one-line error naming it. Returns the changes as they are then."""
    if status not in STATUSES:
        raise ProvwatchError(f"no roster change status {status!r}")
    with transaction(open_database(config.database_url, create=False)) as session:
        found = repository.roster_changes_by_id(session, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise ProvwatchError(f"no roster change {missing[0]} "
                                 "(see `provwatch leaders changes`)")
        repository.set_roster_change_status(session, ids, status)
        session.flush()
        session.expire_all()
        rows = repository.roster_changes_by_id(session, ids)
        return [change_json(rows[i], None, None) for i in ids]
