"""Date strings to aware datetimes: ISO, Chinese, full-width, Chinese numerals, no year.

Forms read: ISO 8601 with a zone; 2026-01-05, 2026/1/5, 2026.01.05, 2026年1月5日, each with
an optional time (09:30, 09:30:15, 9时30分, 上午/下午, AM/PM; gov.cn joins it with a hyphen:
2026-01-05-09:30:15); 7/5/2005 9:23:57 PM (month
first, only with AM/PM: the en-US default of ASP sites); the same in full-width
digits; 二〇二六年一月五日; a bare 20260105 when it is the whole string; and, only through
parse_yearless, 1月5日 resolved against a reference time (the latest such date not in the
future). Times without a zone are Asia/Shanghai; a day without a time is noon Shanghai,
so that it stays the same calendar day in UTC; a time of exactly 00:00(:00) is read as no
time (content systems write it for day-only dates).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from provwatch.crawler.chinatime import SHANGHAI

_WIDE = str.maketrans("０１２３４５６７８９：／－．　", "0123456789:/-. ")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*日")
_TIME = (r"(?:(?:-(?=\d{2}:\d{2})|[\sT]*)(上午|下午|凌晨|早上|晚上)?\s*(\d{1,2})\s*[:时]\s*(\d{2})"
         r"(?:\s*[:分]\s*(\d{2}))?(?:\.\d+)?\s*(?:秒)?\s*([AaPp][Mm])?)?")
_DATE = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})\s*(?:([-/.])|年)\s*(\d{1,2})\s*(?(2)\2|月)\s*(\d{1,2})(?!\d)"
    r"\s*日?" + _TIME)
_US = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\s+(\d{1,2}):(\d{2})"
                 r"(?::(\d{2}))?\s*([AaPp][Mm])")  # ASP's en-US default: 7/5/2005 9:23:57 PM
_YEARLESS = re.compile(r"(?<![\d年/.\-])(\d{1,2})\s*月\s*(\d{1,2})\s*日" + _TIME)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})")
_COMPACT = re.compile(r"\s*((?:19|20)\d{2})(\d{2})(\d{2})\s*")


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII; Chinese-numeral dates to digits."""
    text = text.translate(_WIDE)
    return _CN_DATE.sub(_cn_date, text) if "年" in text else text


def _cn_number(s: str) -> int:
    if "十" not in s:
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    tens, _, units = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _cn_date(m: re.Match) -> str:
    try:
        year = "".join(str(_CN_DIGIT[c]) for c in m.group(1))
        return f"{year}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日"
    except (KeyError, ValueError):
        return m.group(0)


def build(y, mo, d, h=None, mi=None, s=None, half=None, ampm=None) -> tuple[datetime, str] | None:
    """(datetime in Shanghai, "day" | "minute"), or None for an impossible date."""
    try:
        if h is None or (int(h) == 0 and int(mi) == 0 and int(s or 0) == 0 and not ampm):
            return datetime(int(y), int(mo), int(d), 12, tzinfo=SHANGHAI), "day"
        hour = int(h)
        if (half in ("下午", "晚上") or (ampm or "").lower() == "pm") and hour < 12:
            hour += 12
        return datetime(int(y), int(mo), int(d), hour, int(mi), int(s or 0),
                        tzinfo=SHANGHAI), "minute"
    except ValueError:
        return None


def iter_dates(text: str):
    """Every full date in ``text`` in order, as (datetime, precision, start, end)."""
    found = []
    for m in _DATE.finditer(text):
        y, _, mo, d, half, h, mi, s, ampm = m.groups()
        found.append((m.start(), m.end(), build(y, mo, d, h, mi, s, half, ampm)))
    if "/" in text:
        for m in _US.finditer(text):
            mo, d, y, h, mi, s, ampm = m.groups()
            found.append((m.start(), m.end(), build(y, mo, d, h, mi, s, None, ampm)))
    for start, end, got in sorted(found, key=lambda f: f[0]):
        if got:
            yield got[0], got[1], start, end


def parse_date_text(text: str) -> tuple[datetime, str] | None:
    """The first date in ``text`` (ISO with a zone, or any full form above), with precision."""
    iso = _ISO.search(text)
    if iso:
        try:
            return datetime.fromisoformat(iso.group(0).replace("Z", "+00:00")), "minute"
        except ValueError:
            pass
    text = normalise(text)
    compact = _COMPACT.fullmatch(text)
    if compact:
        return build(*compact.groups())
    return next(((dt, p) for dt, p, _, _ in iter_dates(text)), None)


def parse_yearless(text: str, now: datetime) -> tuple[datetime, str] | None:
    """A 1月5日 (optionally with a time) in the year that puts it at or before ``now``."""
    m = _YEARLESS.search(normalise(text))
    if not m:
        return None
    mo, d, half, h, mi, s, ampm = m.groups()
    local_now = now.astimezone(SHANGHAI)
    for year in (local_now.year, local_now.year - 1):
        got = build(year, mo, d, h, mi, s, half, ampm)
        if got and got[0] <= local_now + timedelta(hours=1):
            return got
    return None
