"""Backfill: crawling a source back to a date, shared by the spiders and `provwatch crawl`.

A window is a range of publication days in China time, both ends included: ``since``
alone walks back to that day; ``until`` alone walks back from the newest item and skips
what is newer than that day, as far as the page budget goes. This module holds the
window arithmetic and the words the CLI prints; it imports no Scrapy, so the CLI starts
fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from crawler.errors import ProvwatchError

# list pages walked per start URL in a backfill when --max-pages is not given: far
# enough back for a year of a busy gov column, short enough to end in an hour at 1 s/page
BACKFILL_MAX_PAGES = 200
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FEED_NOTE = ("feed sources only hold their latest entries; --since/--until filter them "
             "but cannot reach older ones")


def china_day(when: datetime) -> date:
    """The calendar day of an aware datetime in China, where the sources publish."""
    from pipelines.datetext import SHANGHAI

    return when.astimezone(SHANGHAI).date()


def in_window(day: date, since: date | None, until: date | None) -> bool:
    """True when ``day`` lies within the window; both ends count as inside."""
    return (since is None or day >= since) and (until is None or day <= until)


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value as a date; anything else is a one-line error."""
    if value is None:
        return None
    text = value.strip()
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ProvwatchError(f"crawl {option}: {value!r} is not a date (use YYYY-MM-DD, "
                             "e.g. 2026-01-31)") from None


def check_window(since: date | None, until: date | None) -> None:
    """Refuse a window that holds no day at all."""
    if since and until and until < since:
        raise ProvwatchError(f"crawl --until {until.isoformat()} is before --since "
                             f"{since.isoformat()}: the window would hold no day")


def saved_cursor(database_url: str, source_id: str) -> dict | None:
    """Where an interrupted backfill of ``source_id`` stopped, as saved by the runner."""
    from crawler.storage import repository
    from crawler.storage.db import open_database

    with open_database(database_url)() as session:
        state = repository.source_state(session, source_id)
        return dict(state.backfill) if state.backfill else None


def resume_command(source_id: str | None, since: date | None, until: date | None,
                   max_pages: int | None) -> str:
    """The command that picks up an interrupted backfill where it stopped."""
    parts = ["provwatch crawl", source_id or "--all"]
    if since:
        parts.append(f"--since {since.isoformat()}")
    if until:
        parts.append(f"--until {until.isoformat()}")
    if max_pages:
        parts.append(f"--max-pages {max_pages}")
    return " ".join(parts)


def stopped_where(cursor: dict | None) -> str:
    """``cursor`` in words: the list page a resume starts from and the date reached."""
    if not cursor or not cursor.get("next_url"):
        return "the first list page (none was finished)"
    where = f"list page {cursor.get('page', '?')} ({cursor['next_url']})"
    if cursor.get("oldest"):
        where += f", articles back to {cursor['oldest']}"
    return where


END_NOTES = {
    "since_reached": "reached --since: a list page held only older articles",
    "last_page": "walked to the last list page",
    "no_next_page": "the source has no next_page selector: only its first list page was read",
    "max_pages": "stopped at the list page limit (--max-pages) before the walk ended; "
                 "raise it to go further back",
}


def end_note(progress: dict) -> str | None:
    """One line on how a backfill's walk ended, from the last progress report."""
    end = progress.get("end")
    if not end:
        return None
    note = END_NOTES.get(end, end)
    if progress.get("oldest"):
        note += f" (oldest list date {progress['oldest']})"
    return note


def totals_line(results: Iterable) -> str:
    """One line adding up the crawl results of `crawl --all`."""
    results = list(results)
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    counts = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "none"
    return (f"total: {len(results)} sources ({counts}) — pages "
            f"{sum(r.pages for r in results)}, new articles "
            f"{sum(r.new_articles for r in results)}, duplicates "
            f"{sum(r.duplicates for r in results)}, errors {sum(r.errors for r in results)}")
