"""Query-string values as the services want them, each bad one a WebInputError naming the
parameter: label ids (by id or name, as the CLI takes them), China days, periods, whole
numbers, choices.

Days without a zone are China days (Asia/Shanghai), as on the command line; an ``until``
day is inclusive (the service gets the next midnight as an exclusive bound where it asks
for a time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.taxonomy import did_you_mean, resolve
from provwatch.crawler.web.errors import WebInputError


def label(kind: str, parameter: str, value: str | None) -> str | None:
    """One province, sector or event id from an id or a name (河南, Henan -> henan)."""
    if value is None or not value.strip():
        return None
    found = resolve(kind, value)
    if found is None:
        raise WebInputError(parameter, f"no {kind} {value.strip()!r}{did_you_mean(kind, value)}")
    return found


def labels(kind: str, parameter: str, values: Iterable[str] | None) -> tuple[str, ...]:
    """Several ids (a repeated parameter, or one with commas), in order, once each."""
    out: list[str] = []
    for value in values or ():
        for part in value.split(","):
            found = label(kind, parameter, part)
            if found:
                out.append(found)
    return tuple(dict.fromkeys(out))


def day(parameter: str, value: str | None) -> date | None:
    """A China day, YYYY-MM-DD."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise WebInputError(parameter, f"{value.strip()!r} is not a day (use YYYY-MM-DD)") \
            from None


def midnight(when: date) -> datetime:
    """The China midnight that starts ``when``, as an aware time."""
    return datetime(when.year, when.month, when.day, tzinfo=SHANGHAI)


def day_start(when: date | None) -> datetime | None:
    return None if when is None else midnight(when)


def day_end(when: date | None) -> datetime | None:
    """The exclusive end of the China day ``when``: the next midnight."""
    return None if when is None else midnight(when) + timedelta(days=1)


def whole(parameter: str, value: str | None, default: int, lowest: int, highest: int) -> int:
    if value is None or not value.strip():
        return default
    try:
        n = int(value.strip())
    except ValueError:
        raise WebInputError(parameter, f"{value.strip()!r} is not a whole number") from None
    if not lowest <= n <= highest:
        raise WebInputError(parameter, f"{n} is not between {lowest} and {highest}")
    return n


def choice(parameter: str, value: str | None, allowed: Sequence[str], default: str) -> str:
    if value is None or not value.strip():
        return default
    v = value.strip().lower()
    if v not in allowed:
        raise WebInputError(parameter, f"{value.strip()!r} is not one of {', '.join(allowed)}")
    return v


@dataclass(frozen=True)
class Period:
    """A window of China days, both ends inclusive; ``previous`` is the window of the
    same length just before it (for a period-over-period change)."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def previous(self) -> Period:
        return Period(self.since - timedelta(days=self.days), self.since - timedelta(days=1))

    @property
    def start(self) -> datetime:
        return midnight(self.since)

    @property
    def end(self) -> datetime:
        return midnight(self.until) + timedelta(days=1)


def period(since: str | None, until: str | None, today: date | None, default_days: int = 90
           ) -> Period:
    """The window ``since``..``until`` (China days); a missing end is ``today`` (which the
    caller may leave out when it gives ``until``), a missing start ``default_days`` before
    the end. An end before its start is an error."""
    end = day("until", until) or today
    if end is None:
        raise WebInputError("until", "give a day (YYYY-MM-DD)")
    start = day("since", since) or end - timedelta(days=default_days - 1)
    if start > end:
        raise WebInputError("since", f"{start} is after until {end}")
    if (end - start).days > 3660:
        raise WebInputError("since", f"a period of {(end - start).days + 1} days is over "
                                     "ten years: choose a shorter one")
    return Period(start, end)
