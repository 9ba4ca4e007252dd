"""Roster changes merged over a roster: the applied changes from the news
(`provwatch leaders changes --apply`) laid over the shipped YAML.

Ground floor, like the roster: plain values in, a Roster out. Storage reads the applied
changes and its callers (the leaders service, the store stage, `remeet`) merge them here,
so that host resolution and `provwatch leaders` answer from the same roster.

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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from provwatch.crawler.roster import Entry, Roster

__all__ = ["Change", "change_of", "merged", "merged_rows"]


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


def change_of(row: Any) -> Change:
    """A RosterChange row (or any object with its attributes) as a Change."""
    return Change(row.id, row.province, row.post, row.city, row.person, row.action, row.day,
                  f"roster change {row.id} (story {row.story_id})")


def merged_rows(book: Roster, rows: Iterable[Any]) -> Roster:
    """``book`` with the applied RosterChange ``rows`` merged over it; ``book`` itself
    when there are none (so that its caches stay warm)."""
    changes = [change_of(r) for r in rows]
    return merged(book, changes) if changes else book


def merged(book: Roster, changes: list[Change]) -> Roster:
    """``book`` with ``changes`` merged over it (the module's rule)."""
    entries = list(book.entries)
    for c in sorted((c for c in changes if c.day is not None), key=lambda c: (c.day, c.id)):
        day = c.day
        if day is None:  # left out above
            continue
        level = "capital" if c.city else "province"
        key = (c.province, level, c.city, c.post)
        who = _key(c.person)
        terms = sorted((e for e in entries if e.key == key), key=lambda e: e.start)
        holding = [e for e in terms if e.holds_on(day)]
        if c.action == "remove":
            for e in holding:
                if who in e.names() and e.start < day:
                    entries[entries.index(e)] = replace(e, end=day)
            continue
        if any(who in e.names() for e in holding):
            continue
        for e in holding:
            if e.start < day:
                entries[entries.index(e)] = replace(e, end=day)
            else:  # starts the same day: the news names another holder from that day
                entries.remove(e)
        later = [e.start for e in terms if e.start > day]
        latin = bool(re.fullmatch(r"[A-Za-z' \-]+", c.person))
        entries.append(Entry(
            c.province, level, c.city, c.post, "" if latin else c.person,
            c.person if latin else "", day, min(later) if later else None,
            c.source or f"roster change {c.id}", note=f"roster change {c.id} ({c.action})",
            start_text=day.isoformat()))
    return Roster(tuple(entries), book.capitals, book.checked)


def _key(name: str) -> str:
    return re.sub(r"[\s\-'·.]", "", name).lower()
