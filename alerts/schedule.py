"""When a watchlist's alerts go out: immediately or as a digest, and never in quiet hours.

Both are wall-clock rules in the watchlist's own time zone (IANA name, default
Asia/Shanghai), so "daily at 08:00" stays 08:00 across daylight-saving changes elsewhere.

- ``Schedule(every="immediate")``: each story is sent as soon as the dispatcher runs.
- ``Schedule(every="hourly", at=":15")``: at minute 15 of every hour.
- ``Schedule(every="daily", at="08:00")``: every day at 08:00 local time.
- ``Schedule(every="weekly", at="08:00", weekday="mon")``: Mondays at 08:00.
- ``QuietHours(start="22:00", end="07:00")``: nothing is sent from 22:00 to 07:00 local
  time; what falls due then waits until 07:00 (and is folded if it would exceed the
  channel's rate limit). A window whose start equals its end is refused (it would be
  always or never quiet, and either is a mistake).

Parsing raises ``ValueError`` with a message naming the bad value; callers add the
watchlist and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from provwatch.crawler.chinatime import ZONE_NAME

DEFAULT_TZ = ZONE_NAME
FREQUENCIES = ("immediate", "hourly", "daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_MINUTE = re.compile(r":?([0-5]?\d)")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like "
                         f"Asia/Shanghai or Europe/London)") from None


def parse_clock(value: str) -> time:
    m = _CLOCK.fullmatch(str(value).strip())
    if not m:
        raise ValueError(f"{value!r} is not a time of day (use HH:MM, 24-hour)")
    return time(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Schedule:
    every: str = "immediate"
    at: str | None = None  # "HH:MM" (daily, weekly) or ":MM" (hourly)
    weekday: str | None = None  # weekly only
    tz: str = DEFAULT_TZ

    @property
    def immediate(self) -> bool:
        return self.every == "immediate"

    def to_json(self) -> dict[str, str] | None:
        if self.immediate:
            return None
        out = {"every": self.every, "at": self.at or "", "tz": self.tz}
        if self.weekday:
            out["weekday"] = self.weekday
        return out

    def describe(self) -> str:
        if self.immediate:
            return "immediate"
        day = f" {self.weekday}" if self.weekday else ""
        return f"{self.every}{day} at {self.at} {self.tz}"


def parse_schedule(value: object) -> Schedule:
    """``"immediate"``, ``"daily 08:00"``, ``"weekly mon 08:00 Europe/London"``, or a
    mapping ``{every, at, weekday, tz}``; hourly takes ``:MM`` (default ``:00``)."""
    if value is None or value == "":
        return Schedule()
    if isinstance(value, str):
        words = value.split()
        raw: dict[str, str] = {"every": words[0].lower()} if words else {}
        rest = words[1:]
        if raw.get("every") == "weekly" and rest:
            raw["weekday"] = rest.pop(0)
        if rest:
            raw["at"] = rest.pop(0)
        if rest:
            raw["tz"] = rest.pop(0)
        if rest:
            raise ValueError(f"{value!r}: unexpected {' '.join(rest)!r}")
    elif isinstance(value, dict):
        unknown = set(value) - {"every", "at", "weekday", "tz"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                             f"(expected every, at, weekday, tz)")
        raw = {k: str(v) for k, v in value.items() if v is not None}
    else:
        raise ValueError(f"{value!r} is not a schedule (e.g. 'daily 08:00 Asia/Shanghai')")
    every = raw.get("every", "immediate").strip().lower()
    if every not in FREQUENCIES:
        raise ValueError(f"unknown frequency {every!r} (one of {', '.join(FREQUENCIES)})")
    tz = raw.get("tz", DEFAULT_TZ).strip() or DEFAULT_TZ
    zone(tz)
    if every == "immediate":
        if raw.get("at") or raw.get("weekday"):
            raise ValueError("an immediate schedule takes no time or weekday")
        return Schedule(tz=tz)
    at = raw.get("at", "").strip()
    weekday = raw.get("weekday", "").strip().lower()[:3] or None
    if every == "hourly":
        m = _MINUTE.fullmatch(at or ":00")
        if not m:
            raise ValueError(f"hourly takes a minute like ':15', not {at!r}")
        at = f":{int(m.group(1)):02d}"
    else:
        if not at:
            raise ValueError(f"a {every} digest needs a time, e.g. '{every} 08:00'")
        clock = parse_clock(at)
        at = f"{clock.hour:02d}:{clock.minute:02d}"
    if every == "weekly":
        if weekday not in WEEKDAYS:
            raise ValueError(f"weekly needs a weekday (one of {', '.join(WEEKDAYS)}), "
                             f"not {raw.get('weekday')!r}")
    elif weekday:
        raise ValueError(f"only a weekly digest takes a weekday ({every} was given)")
    return Schedule(every, at, weekday, tz)


def next_slot(schedule: Schedule, after: datetime) -> datetime:
    """The first digest time strictly after ``after`` (aware), as an aware datetime."""
    if schedule.immediate:
        return after
    tz = zone(schedule.tz)
    local = after.astimezone(tz)
    if schedule.every == "hourly":
        minute = int((schedule.at or ":00").lstrip(":"))
        slot = local.replace(minute=minute, second=0, microsecond=0)
        while slot <= local:
            slot += timedelta(hours=1)
        return slot.astimezone(after.tzinfo)
    clock = parse_clock(schedule.at or "00:00")
    day = local.date()
    for _ in range(9):
        slot = datetime.combine(day, clock, tzinfo=tz)
        if slot > local and (schedule.every == "daily"
                             or WEEKDAYS[day.weekday()] == schedule.weekday):
            return slot.astimezone(after.tzinfo)
        day += timedelta(days=1)
    raise AssertionError("no slot within 9 days")  # pragma: no cover - a week always has one


def period_start(schedule: Schedule, slot: datetime) -> datetime:
    """The start of the period a digest sent at ``slot`` covers (for its heading)."""
    span = {"hourly": timedelta(hours=1), "daily": timedelta(days=1),
            "weekly": timedelta(days=7)}.get(schedule.every, timedelta(0))
    return slot - span


@dataclass(frozen=True)
class QuietHours:
    start: str
    end: str
    tz: str = DEFAULT_TZ

    def to_json(self) -> dict[str, str]:
        return {"start": self.start, "end": self.end, "tz": self.tz}

    def describe(self) -> str:
        return f"{self.start}-{self.end} {self.tz}"


def parse_quiet(value: object) -> QuietHours | None:
    """``"22:00-07:00"``, ``"22:00-07:00 Asia/Shanghai"`` or ``{start, end, tz}``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        span, _, tz = value.strip().partition(" ")
        first, sep, last = span.partition("-")
        if not sep:
            raise ValueError(f"{value!r} is not a time range (use e.g. '22:00-07:00')")
        raw = {"start": first, "end": last, "tz": tz.strip() or DEFAULT_TZ}
    elif isinstance(value, dict):
        unknown = set(value) - {"start", "end", "tz"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                             f"(expected start, end, tz)")
        if "start" not in value or "end" not in value:
            raise ValueError("quiet hours need both start and end")
        raw = {k: str(v) for k, v in value.items()}
    else:
        raise ValueError(f"{value!r} is not a time range (use e.g. '22:00-07:00')")
    start, end = parse_clock(raw["start"]), parse_clock(raw["end"])
    if start == end:
        raise ValueError(f"quiet hours start and end at the same time ({raw['start']})")
    tz = raw.get("tz") or DEFAULT_TZ
    zone(tz)
    return QuietHours(f"{start:%H:%M}", f"{end:%H:%M}", tz)


def quiet_until(quiet: QuietHours | None, now: datetime) -> datetime | None:
    """When the quiet window that ``now`` falls in ends; None outside quiet hours."""
    if quiet is None:
        return None
    tz = zone(quiet.tz)
    local = now.astimezone(tz)
    start, end = parse_clock(quiet.start), parse_clock(quiet.end)
    t = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= t < end
        end_day = local.date()
    else:  # the window crosses midnight
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=tz).astimezone(now.tzinfo)
