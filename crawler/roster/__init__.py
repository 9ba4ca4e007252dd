"""The leaders' roster: who held each province's and capital's top posts, and when.

Ground-floor data: imports only the ground (taxonomy, chinatime, errors) and PyYAML.
``roster.yaml`` beside this module is the data; its header says when it was checked.

Rules:
- A post is (province, level, city, post). Level ``province`` has ``secretary`` and
  ``governor`` (省长, 自治区主席, or 市长 of a municipality); level ``capital`` names a
  provincial capital (from the file's ``capitals`` table) and has ``secretary`` and
  ``mayor``.
- A term covers the China days ``start <= day < end``: ``end`` is the first day out of
  office (as a rule the successor's start), null while in office. ``YYYY-MM`` means the
  month's first day. An acting (代) holder's term starts at the acting appointment.
- Terms of one post never overlap and every start is before its end; the loader refuses
  a file that breaks this, or names an unknown province, capital or post, or a date that
  does not parse, with one line naming the entry.
- ``resolve(name, on=day)`` answers the posts a name (Chinese, pinyin in any case and
  spacing, or one of the entry's aliases) held on that day: nothing once the term ended,
  the old post for earlier days.
- ``holders`` and ``resolve`` answer for a China day; today's China day when none is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from provwatch.crawler.chinatime import SHANGHAI, china_day
from provwatch.crawler.roster.errors import RosterError
from provwatch.crawler.taxonomy import PROVINCES

__all__ = ["Entry", "Roster", "RosterError", "POSTS", "holders", "history", "load",
           "load_roster", "resolve", "title_zh"]

POSTS = {"province": ("secretary", "governor"), "capital": ("secretary", "mayor")}
FIELDS = {"province", "level", "city", "post", "name_zh", "pinyin", "aliases", "start",
          "end", "source", "approx", "note"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Entry:
    """One holder's term in one post."""

    province: str
    level: str
    city: str | None
    post: str
    name_zh: str
    pinyin: str
    start: date
    end: date | None
    source: str
    approx: bool = False
    note: str = ""
    aliases: tuple[str, ...] = ()
    start_text: str = ""  # the start as the file writes it: 2022-10 keeps its month precision

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        return (self.province, self.level, self.city, self.post)

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def label(self) -> str:
        where = self.province if self.level == "province" else f"{self.province}/{self.city}"
        return f"{where} {self.post} {self.name_zh} ({self.start.isoformat()})"

    def as_json(self) -> dict:
        return {"province": self.province, "level": self.level, "city": self.city,
                "post": self.post, "name_zh": self.name_zh, "pinyin": self.pinyin,
                "start": self.start.isoformat(),
                "end": self.end.isoformat() if self.end else None,
                "aliases": list(self.aliases), "source": self.source,
                "approx": self.approx, "note": self.note or None}

    def names(self) -> set[str]:
        return {_name_key(n) for n in (self.name_zh, self.pinyin, *self.aliases)}


@dataclass(frozen=True)
class Roster:
    """The validated roster: its entries in file order and the capitals table."""

    entries: tuple[Entry, ...]
    capitals: dict[str, tuple[str, str]]  # city id -> (province id, Chinese name)
    checked: str

    def holders(self, province: str | None = None, on: date | None = None) -> list[Entry]:
        day = _china_day(on)
        return sorted((e for e in self.entries
                       if (province is None or e.province == province) and e.holds_on(day)),
                      key=_order)

    def history(self, province: str) -> list[Entry]:
        return sorted((e for e in self.entries if e.province == province),
                      key=lambda e: (*_order(e), e.start))

    def resolve(self, name: str, on: date | None = None,
                province: str | None = None) -> list[Entry]:
        day, key = _china_day(on), _name_key(name)
        return [e for e in self.entries
                if key in e.names() and e.holds_on(day)
                and (province is None or e.province == province)]


_MUNICIPALITIES = {"beijing", "tianjin", "shanghai", "chongqing"}
_REGIONS = {"inner_mongolia", "guangxi", "tibet", "ningxia", "xinjiang"}


def title_zh(entry: Entry, roster: Roster | None = None) -> str:
    """The post as Chinese text names it: 省委书记, 省长, 自治区主席, 市长, 郑州市委书记..."""
    if entry.level == "capital":
        city = (roster or load()).capitals.get(entry.city or "", ("", ""))[1]
        return f"{city}市委书记" if entry.post == "secretary" else f"{city}市长"
    if entry.province in _MUNICIPALITIES:
        return "市委书记" if entry.post == "secretary" else "市长"
    if entry.province in _REGIONS:
        return "自治区党委书记" if entry.post == "secretary" else "自治区主席"
    return "省委书记" if entry.post == "secretary" else "省长"


_PROVINCE_ORDER = {p: n for n, p in enumerate(PROVINCES)}


def _order(e: Entry) -> tuple:
    """Taxonomy order of provinces; province posts before the capital's; secretary first."""
    return (_PROVINCE_ORDER[e.province], e.level != "province", e.city or "",
            e.post != "secretary")


def today() -> date:
    """Today's China day."""
    return datetime.now(SHANGHAI).date()


def _china_day(on: date | None) -> date:
    """``on`` as a China day: an aware time counts on its day in China; None is today."""
    if on is None:
        return today()
    if isinstance(on, datetime):
        return china_day(on if on.tzinfo else on.replace(tzinfo=SHANGHAI))
    return on


def _name_key(name: str) -> str:
    return re.sub(r"[\s\-'·.]", "", name).lower()


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def _day(value: object, what: str) -> date:
    if isinstance(value, datetime):
        raise RosterError(f"{what}: {value!r} is a time, not a date (use YYYY-MM[-DD])")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        month = _MONTH.match(value.strip())
        try:
            if month:
                return date(int(month[1]), int(month[2]), 1)
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RosterError(f"{what}: {value!r} is not a date (use YYYY-MM or YYYY-MM-DD)")


def _entry(raw: object, n: int, capitals: dict[str, tuple[str, str]], where: str) -> Entry:
    if not isinstance(raw, dict):
        raise RosterError(f"{where}: entry {n}: not a mapping")
    name = f"{where}: entry {n} ({raw.get('province')} {raw.get('post')} {raw.get('name_zh')})"
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise RosterError(f"{name}: unknown field {unknown[0]!r}")
    for field in ("province", "level", "post", "name_zh", "pinyin", "start", "source"):
        if raw.get(field) in (None, ""):
            raise RosterError(f"{name}: {field} is missing")
    province, level, post, city = raw["province"], raw["level"], raw["post"], raw.get("city")
    if province not in PROVINCES:
        raise RosterError(f"{name}: unknown province {province!r}")
    if level not in POSTS:
        raise RosterError(f"{name}: level {level!r} is not one of {', '.join(POSTS)}")
    if post not in POSTS[level]:
        raise RosterError(f"{name}: post {post!r} is not one of {', '.join(POSTS[level])} "
                          f"for level {level}")
    capital_of = capitals.get(city, ("", ""))[0] if city is not None else ""
    if level == "capital" and capital_of != province:
        raise RosterError(f"{name}: city {city!r} is not {province}'s capital")
    if level == "province" and city is not None:
        raise RosterError(f"{name}: a province-level post has no city")
    start = _day(raw["start"], f"{name}: start")
    end = None if raw.get("end") is None else _day(raw["end"], f"{name}: end")
    if end is not None and not start < end:
        raise RosterError(f"{name}: start {start} is not before end {end}")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list):
        raise RosterError(f"{name}: aliases must be a list")
    return Entry(province, level, city, post, str(raw["name_zh"]).strip(),
                 str(raw["pinyin"]).strip(), start, end, str(raw["source"]).strip(),
                 bool(raw.get("approx", False)), str(raw.get("note") or "").strip(),
                 tuple(str(a).strip() for a in aliases), _text(raw["start"]))


def parse(text: str, where: str = "roster") -> Roster:
    """The roster in ``text``, validated; a RosterError names the first bad entry."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise RosterError(f"{where}: not valid YAML: {' '.join(str(e).split())}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise RosterError(f"{where}: expected a mapping with an entries list")
    capitals: dict[str, tuple[str, str]] = {}
    for city, info in (data.get("capitals") or {}).items():
        if not isinstance(info, dict) or info.get("province") not in PROVINCES:
            raise RosterError(f"{where}: capital {city!r}: unknown province")
        capitals[city] = (info["province"], str(info.get("zh", "")))
    entries = tuple(_entry(raw, n, capitals, where) for n, raw in enumerate(data["entries"], 1))
    by_post: dict[tuple, list[Entry]] = {}
    for entry in entries:
        by_post.setdefault(entry.key, []).append(entry)
    for terms in by_post.values():
        terms.sort(key=lambda e: e.start)
        for before, after in zip(terms, terms[1:], strict=False):
            if before.end is None or before.end > after.start:
                raise RosterError(f"{where}: {after.label()} overlaps {before.label()}")
    return Roster(entries, capitals, str(data.get("checked", "")))


def default_path() -> Path:
    return Path(str(resources.files("provwatch.crawler.roster") / "roster.yaml"))


def load_roster(path: Path | str | None = None) -> Roster:
    """The roster at ``path`` (the bundled one when None), read and validated."""
    path = Path(path) if path else default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RosterError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    return parse(text, str(path))


@cache
def load() -> Roster:
    """The bundled roster, parsed once."""
    return load_roster()


def holders(province: str | None = None, on: date | None = None) -> list[Entry]:
    """Who held each post (of ``province``, or everywhere) on the China day ``on``."""
    return load().holders(province, on)


def resolve(name: str, on: date | None = None, province: str | None = None) -> list[Entry]:
    """The posts ``name`` (Chinese or pinyin) held on the China day ``on``."""
    return load().resolve(name, on, province)


def history(province: str) -> list[Entry]:
    """Every term in ``province``'s posts, post by post, oldest first."""
    return load().history(province)
