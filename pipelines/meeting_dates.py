"""The day a meeting took place, from the words of its report (pipelines.meetings rule 4).

The last "M月D日" (or "D日", or "YYYY年M月D日") before the verb in the sentence, else
今天/昨天/前天 there (counted from publication), else a date leading the paragraph
("2月25日，…会见"), else, in any paragraph but the first, the story's first date in its
lead. The year (and for "D日" the month) comes from publication, moved back a year (a
month) when that would fall after publication. Two days written together (27日、29日,
27日至29日) say no single day, and 近日/日前 say none: no date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import islice

from provwatch.pipelines.rescan import finditer_from

DAY = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:(?:、|至|到|-|—)"
                 r"(?:\d{1,2}月)?(\d{1,2})日)?")
_DIGIT = re.compile(r"\d")
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_RELATIVE_DAY = re.compile("|".join(_RELATIVE_DAYS))
_VAGUE = re.compile(r"近日|日前|近期|不久前|此前")
_PARA_DAY = re.compile(r"^\s*(?:[^，,。]{0,30}?[：:])?\s*(" + DAY.pattern + r")")


def meeting_day(left: str, para: str, published: date | None, lead: str = "") -> date | None:
    """The meeting's day by the rule above: ``left`` is the sentence before the verb,
    ``para`` its paragraph, ``lead`` the story's first characters."""
    found = days(left)
    if not found:
        if _VAGUE.search(left):
            return None
        relative = _RELATIVE_DAY.search(left)
        if relative and published:
            return published - timedelta(days=_RELATIVE_DAYS[relative.group()])
        head = _PARA_DAY.match(para)
        found = days(head.group(1)) if head else []
    if not found and lead and not lead.startswith(para.strip()):  # the story's lead day
        found = days(lead, 1)
    if not found or published is None:
        return None
    m = found[-1]
    if m.group(4):
        return None
    year = int(m.group(1)) if m.group(1) else published.year
    month = int(m.group(2)) if m.group(2) else published.month
    try:
        day = date(year, month, int(m.group(3)))
    except ValueError:
        return None
    picked: date | None = day
    if day > published and not m.group(1):
        if m.group(2):
            picked = _safe(year - 1, month, day.day)
        else:
            picked = _safe(year - (month == 1), 12 if month == 1 else month - 1, day.day)
    return picked if picked and picked <= published else None


def days(text: str, most: int = 0) -> list[re.Match]:
    """``DAY.finditer(text)`` (the first ``most`` when given), tried only where a digit
    is: every match starts with one, and the pattern has no literal for the engine to skip
    to, so a plain search tries it at every character (about ten times slower)."""
    return list(islice(finditer_from(_DIGIT, DAY, text), most or None))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None
