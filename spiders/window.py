"""A backfill's window: a range of publication days in China time, both ends included.

``since`` alone walks back to that day; ``until`` alone walks back from the newest item and
skips what is newer than that day, as far as the page budget goes. Shared by the spiders
and `provwatch crawl`; it imports no Scrapy, so the CLI starts fast.
"""

from __future__ import annotations

import re
from datetime import date

from provwatch.crawler.errors import ProvwatchError

# list pages walked per start URL in a backfill when --max-pages is not given: far
# enough back for a year of a busy gov column, short enough to end in an hour at 1 s/page
BACKFILL_MAX_PAGES = 200
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FEED_NOTE = ("feed sources only hold their latest entries; --since/--until filter them "
             "but cannot reach older ones")


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
