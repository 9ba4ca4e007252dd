"""The leaders' roster as provwatch answers it: the shipped YAML with the roster changes
applied by hand (`provwatch leaders changes --apply`) merged over it, and those changes.

Merge rule (``merged``), the applied changes taken by day, then id:
- appoint, elect or acting: when the person already holds the post that day (an acting
  governor elected, a term the YAML knows), nothing changes. Otherwise the term holding
  the post that day ends that day, and the person holds it from that day until the next
  term the roster knows starts (open when none does).
- remove: the person's term in the post holding that day ends that day; a person not
  holding it then changes nothing.
- A change without a day changes nothing. The YAML file itself is never written: it is
  data shipped with the package, and a new roster release supersedes the changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from provwatch.crawler import roster
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.roster import Entry, Roster
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

STATUSES = ("proposed", "applied", "dismissed")
ACTIONS = ("appoint", "remove", "elect", "acting")


@dataclass(frozen=True)
class Change:
    """An applied change as the merge reads it (a RosterChange row's values)."""

    id: int
    province: str
    post: str
    city: str | None
    person: str
    action: str
    day: date | None
    source: str = ""


def merged(book: Roster, changes: list[Change]) -> Roster:
    """``book`` with ``changes`` merged over it (the module's rule)."""
    entries = list(book.entries)
    for c in sorted((c for c in changes if c.day is not None), key=lambda c: (c.day, c.id)):
        level = "capital" if c.city else "province"
        key = (c.province, level, c.city, c.post)
        who = _key(c.person)
        terms = sorted((e for e in entries if e.key == key), key=lambda e: e.start)
        holding = [e for e in terms if e.holds_on(c.day)]
        if c.action == "remove":
            for e in holding:
                if who in e.names() and e.start < c.day:
                    entries[entries.index(e)] = replace(e, end=c.day)
            continue
        if any(who in e.names() for e in holding):
            continue
        for e in holding:
            if e.start < c.day:
                entries[entries.index(e)] = replace(e, end=c.day)
            else:  # starts the same day: the news names another holder from that day
                entries.remove(e)
        later = [e.start for e in terms if e.start > c.day]
        latin = bool(re.fullmatch(r"[A-Za-z' \-]+", c.person))
        entries.append(Entry(
            c.province, level, c.city, c.post, "" if latin else c.person,
            c.person if latin else "", c.day, min(later) if later else None,
            c.source or f"roster change {c.id}", note=f"roster change {c.id} ({c.action})",
            start_text=c.day.isoformat()))
    return Roster(tuple(entries), book.capitals, book.checked)


def _key(name: str) -> str:
    return re.sub(r"[\s\-'·.]", "", name).lower()


def current_roster(config: Config) -> Roster:
    """The bundled roster with the database's applied changes merged over it."""
    with open_database(config.database_url, create=False)() as session:
        changes = [_change(c) for c in repository.applied_roster_changes(session)]
    return merged(roster.load(), changes)


def resolve(book: Roster, name: str, on: date | None = None,
            province: str | None = None) -> list[Entry]:
    """``roster.resolve`` over a merged roster (a name added from the news counts)."""
    return book.resolve(name, on, province)


def _change(row: Any) -> Change:
    return Change(row.id, row.province, row.post, row.city, row.person, row.action, row.day,
                  f"roster change {row.id} (story {row.story_id})")


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
