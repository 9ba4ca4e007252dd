"""Backfill in words: where an interrupted backfill stopped, how to resume it, how its walk
ended, and the totals of `crawl --all`. The window itself is spiders/window.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database


def saved_cursor(database_url: str, source_id: str) -> dict | None:
    """Where an interrupted backfill of ``source_id`` stopped, as saved by the runner."""
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
