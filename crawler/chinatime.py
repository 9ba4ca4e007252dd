"""China time, the domain's time: the zone, and the calendar day an instant falls on there.

Sources publish on Beijing time; a date or time printed without a zone means China time,
storage keeps UTC, and a backfill's --since/--until are China days.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

ZONE_NAME = "Asia/Shanghai"
SHANGHAI = ZoneInfo(ZONE_NAME)


def china_day(when: datetime) -> date:
    """The calendar day of an aware datetime in China, where the sources publish."""
    return when.astimezone(SHANGHAI).date()


def in_window(day: date, since: date | None, until: date | None) -> bool:
    """True when ``day`` lies within the window of China days; both ends count as inside."""
    return (since is None or day >= since) and (until is None or day <= until)


def china_text(iso: str | None, *, seconds: bool = False) -> str:
    """An ISO-8601 time as people here read it: China time with its offset,
    ``2026-01-05 20:30 +08:00``; an empty string for None."""
    if not iso:
        return ""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SHANGHAI)
    offset = when.strftime("%z")  # +0800
    stamp = when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{stamp} {offset[:3]}:{offset[3:]}"
