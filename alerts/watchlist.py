"""Watchlists: what a user asks to be told about, validated before it is stored.

A watchlist is a question about the news: "stories about Henan (or that mention it), on
NEV, that are policy documents, say 补贴 and EV but not 二手车, from these sources, once
three outlets carry them; as a digest at 08:00, never at night". ``validate`` turns the
raw answer to each part into a clean ``WatchlistSpec`` or refuses it with a
``WatchlistError`` that names the watchlist and the field, and says why; it refuses a
watchlist that could never match (an unknown id, a keyword both wanted and excluded, a
field given but empty) rather than store one that stays silent.

Field names in messages are those of the YAML format (alerts.watchfile): ``provinces``,
``scope``, ``sectors``, ``events``, ``keywords.any``, ``keywords.all``, ``keywords.none``,
``sources``, ``min_copies``, ``schedule``, ``quiet_hours``, ``channels``,
``backfill_days``, ``language``, ``meeting_hosts``, ``meeting_guest_kinds``,
``meeting_orgs``.

The meeting criteria (alerts.meeting_criteria) ask about a meeting the story reports: its
host's post, its guests' kinds of organisation, its guests' organisations (names or
tickers). A watchlist with any of them matches only a story with a stored meeting that
meets all of them (alerts.matcher).

``language`` is the language alerts are written in (``LANGUAGES``): tag names (河南 or
Henan), field labels and the match line. English is the default: provwatch's commands,
logs and notices speak English, so an English alert reads as one piece with them, and
watchlists stored before the setting existed keep the alerts their receivers know; the
scraped title and snippet stay as published. ``zh`` writes everything but those in
Chinese, for readers who want the tags in the words of the articles.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from provwatch.alerts.channels import parse_target
from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.keywords import CJK, keyword_hit
from provwatch.alerts.meeting_criteria import KIND_ALIASES, POST_ALIASES, POSTS, unknown
from provwatch.alerts.schedule import QuietHours, Schedule, parse_quiet, parse_schedule
from provwatch.crawler.taxonomy import EVENTS, GUEST_KINDS, PROVINCES, SECTORS, resolve

_NAME = re.compile(r"[\w][\w.\-]{0,99}")
SCOPES = ("about", "mentioned")
LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
# what people type for a language: named in the did-you-mean of the error
_LANGUAGE_ALIASES = {"english": "en", "en-us": "en", "en-gb": "en", "英文": "en",
                     "英语": "en", "chinese": "zh", "cn": "zh", "zh-cn": "zh", "zh-hans": "zh",
                     "zh_cn": "zh", "中文": "zh", "汉语": "zh", "简体中文": "zh"}


@dataclass(frozen=True)
class WatchlistSpec:
    """A validated watchlist. Every non-empty criterion must hold (AND); within one, any
    value may (OR), except ``keywords_all`` (each) and ``keywords_none`` (none)."""

    name: str
    provinces: tuple[str, ...] = ()
    province_scope: str = "about"  # about | mentioned (also articles only naming it)
    sectors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # crawler.taxonomy.EVENTS ids
    keywords_any: tuple[str, ...] = ()  # stored in the ``keywords`` column
    keywords_all: tuple[str, ...] = ()
    keywords_none: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # catalog source ids
    min_copies: int = 1  # the story has at least this many copies
    schedule: Schedule = Schedule()
    quiet_hours: QuietHours | None = None
    channels: tuple[str, ...] = ()
    backfill_days: int = 0  # at creation, alert on stories first seen this many days back
    id: int | None = None
    created_at: datetime | None = None  # older stories are not alerted by default
    language: str = DEFAULT_LANGUAGE  # LANGUAGES: what alerts name tags and fields in
    meeting_hosts: tuple[str, ...] = ()  # meeting_criteria.POSTS of a host
    meeting_guest_kinds: tuple[str, ...] = ()  # crawler.taxonomy.GUEST_KINDS of a guest
    meeting_orgs: tuple[str, ...] = ()  # a guest's organisation: name or ticker
    # (entry, knowledge-base id) for the entries the knowledge base knows (resolve_orgs)
    meeting_org_ids: tuple[tuple[str, str], ...] = ()

    @property
    def wants_meeting(self) -> bool:
        return bool(self.meeting_hosts or self.meeting_guest_kinds or self.meeting_orgs)

    def to_row(self) -> dict[str, Any]:
        """Column values of ``crawler.storage.models.Watchlist`` (without ``id``)."""
        return {"name": self.name, "provinces": list(self.provinces),
                "province_scope": self.province_scope, "sectors": list(self.sectors),
                "events": list(self.events), "keywords": list(self.keywords_any),
                "keywords_all": list(self.keywords_all),
                "keywords_none": list(self.keywords_none), "sources": list(self.sources),
                "min_copies": self.min_copies, "schedule": self.schedule.to_json(),
                "quiet_hours": self.quiet_hours.to_json() if self.quiet_hours else None,
                "channels": list(self.channels), "backfill_days": self.backfill_days,
                "language": self.language, "meeting_hosts": list(self.meeting_hosts),
                "meeting_guest_kinds": list(self.meeting_guest_kinds),
                "meeting_orgs": list(self.meeting_orgs),
                "meeting_org_ids": dict(self.meeting_org_ids),
                **({"created_at": self.created_at} if self.created_at else {})}


def from_row(row: Any) -> WatchlistSpec:
    """The spec of a stored ``Watchlist`` row (columns added by migration 0005 may be
    missing on an object that only looks like a row: they take their defaults)."""
    def listed(column: str) -> tuple[str, ...]:
        return tuple(getattr(row, column, None) or ())

    schedule = getattr(row, "schedule", None)
    quiet = getattr(row, "quiet_hours", None)
    return WatchlistSpec(
        name=row.name, provinces=listed("provinces"),
        province_scope=getattr(row, "province_scope", None) or "about",
        sectors=listed("sectors"), events=listed("events"), keywords_any=listed("keywords"),
        keywords_all=listed("keywords_all"), keywords_none=listed("keywords_none"),
        sources=listed("sources"), min_copies=getattr(row, "min_copies", None) or 1,
        schedule=parse_schedule(schedule) if schedule else Schedule(),
        quiet_hours=parse_quiet(quiet) if quiet else None, channels=listed("channels"),
        backfill_days=getattr(row, "backfill_days", None) or 0, id=row.id,
        created_at=getattr(row, "created_at", None),
        language=getattr(row, "language", None) or DEFAULT_LANGUAGE,
        meeting_hosts=listed("meeting_hosts"), meeting_guest_kinds=listed("meeting_guest_kinds"),
        meeting_orgs=listed("meeting_orgs"),
        meeting_org_ids=tuple((getattr(row, "meeting_org_ids", None) or {}).items()))


def _suggest(value: str, known: Iterable[str], aliases: dict[str, str] | None = None) -> str:
    """`` (did you mean X?)`` for the closest known id, or for a display name's id."""
    if aliases and value in aliases:
        return f" (did you mean {aliases[value]}?)"
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _province_aliases() -> dict[str, str]:
    """Display names a user may type for a province id: 河南省, 河南, Inner Mongolia."""
    out: dict[str, str] = {}
    for pid, (english, chinese) in PROVINCES.items():
        out[english.lower()] = pid
        out[english.lower().replace(" ", "")] = pid
        out[chinese] = pid
        for n in range(2, len(chinese)):
            out.setdefault(chinese[:n], pid)
    return out


def _implies(present: str, excluded: str) -> bool:
    """Does every text in which ``present`` matches also contain ``excluded``?

    True when ``excluded`` matches inside ``present`` itself and the rules agree: a
    whole-word (non-Chinese) ``present`` keeps its edges, and a Chinese ``excluded`` is a
    plain substring."""
    if not keyword_hit(excluded, present):
        return False
    return not CJK.search(present) or bool(CJK.search(excluded))


def check_sources(spec: WatchlistSpec, known: Collection[str]) -> None:
    """Refuse source ids that are not in ``known`` (the catalog's ids, and those stored)."""
    for s in spec.sources:
        if s not in known:
            raise WatchlistError(f"watchlist {spec.name!r}: field 'sources': unknown source id "
                                 f"{s!r}{_suggest(s, known)}; see `provwatch sources`")


def validate(name: str, provinces: Iterable[str] = (), sectors: Iterable[str] = (),
             keywords: Iterable[str] = (), channels: Iterable[str] = (),
             id: int | None = None, *, province_scope: str = "about",
             events: Iterable[str] = (), keywords_any: Iterable[str] = (),
             keywords_all: Iterable[str] = (), keywords_none: Iterable[str] = (),
             sources: Iterable[str] = (), min_copies: int = 1, schedule: Any = None,
             quiet_hours: Any = None, backfill_days: int = 0,
             created_at: datetime | None = None,
             known_sources: Collection[str] | None = None,
             language: Any = DEFAULT_LANGUAGE, meeting_hosts: Iterable[str] = (),
             meeting_guest_kinds: Iterable[str] = (),
             meeting_orgs: Iterable[str] = ()) -> WatchlistSpec:
    """Return a clean spec or raise WatchlistError naming the watchlist and the field.

    ``keywords`` and ``keywords_any`` are the same any-of list (either may be given).
    ``schedule`` and ``quiet_hours`` take what ``alerts.schedule`` parses (a string, a
    mapping, or the parsed value). Source ids are checked only when ``known_sources`` is
    given.
    """
    def bad(field: str, why: str) -> WatchlistError:
        return WatchlistError(f"watchlist {name!r}: field {field!r}: {why}")

    def cleaned(field: str, values: Iterable[str], fold: bool = True) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        raw = list(values)
        for v in raw:
            if not isinstance(v, str):
                raise bad(field, f"{v!r} is not a string")
        out = tuple(dict.fromkeys(v.strip().lower() if fold else v.strip()
                                  for v in raw if v.strip()))
        if raw and not out:
            raise bad(field, "given but empty (an empty field would match everything; "
                             "leave it out instead)")
        return out

    def known_ids(field: str, values: tuple[str, ...], known: Collection[str], what: str,
                  aliases: dict[str, str] | None = None) -> tuple[str, ...]:
        """The ids ``values`` name: an id, or its English or Chinese name (河南, Henan,
        新能源汽车 as the CLI's options take them); anything else is refused."""
        ids = tuple(dict.fromkeys(resolve(what, v) or v for v in values))
        for v in ids:
            if v not in known:
                raise bad(field, f"unknown {what} id {v!r}{_suggest(v, known, aliases)}")
        return ids

    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise WatchlistError(f"watchlist {name!r}: field 'name': use letters, digits, . _ -")
    provinces = known_ids("provinces", cleaned("provinces", provinces), PROVINCES, "province",
                          _province_aliases())
    scope = province_scope.strip().lower() if isinstance(province_scope, str) else None
    if scope not in SCOPES:
        raise bad("scope", f"{province_scope!r} is not a scope (about or mentioned)")
    sectors = known_ids("sectors", cleaned("sectors", sectors), SECTORS, "sector")
    events = known_ids("events", cleaned("events", events), EVENTS, "event")
    any_of = cleaned("keywords.any", [*_as_list(keywords), *_as_list(keywords_any)], False)
    all_of = cleaned("keywords.all", keywords_all, False)
    none_of = cleaned("keywords.none", keywords_none, False)
    for excluded in none_of:
        for wanted in all_of:
            if _implies(wanted, excluded):
                raise bad("keywords.none", f"{excluded!r} excludes every article with the "
                          f"all-of keyword {wanted!r}: the watchlist would match nothing")
        for wanted in any_of:
            if _implies(wanted, excluded):
                raise bad("keywords.none", f"{excluded!r} excludes every article with the "
                          f"any-of keyword {wanted!r}, which could never match")
    sources = cleaned("sources", sources, False)
    min_copies = _whole(min_copies, bad, "min_copies")
    if min_copies < 1:
        raise bad("min_copies", f"must be at least 1, not {min_copies}")
    backfill_days = _whole(backfill_days, bad, "backfill_days")
    if backfill_days < 0:
        raise bad("backfill_days", f"must be 0 or more days, not {backfill_days}")
    try:
        parsed_schedule = schedule if isinstance(schedule, Schedule) else \
            parse_schedule(schedule)
    except ValueError as e:
        raise bad("schedule", str(e)) from None
    try:
        quiet = quiet_hours if isinstance(quiet_hours, QuietHours) or quiet_hours is None \
            else parse_quiet(quiet_hours)
    except ValueError as e:
        raise bad("quiet_hours", str(e)) from None
    for c in _as_list(channels):
        if not isinstance(c, str):
            raise bad("channels", f"{c!r} is not a target spec (email:ADDRESS, webhook:URL "
                                  "or a chat URL)")
    channels = tuple(dict.fromkeys(c.strip() for c in _as_list(channels) if c.strip()))
    if not channels:
        raise bad("channels", "at least one is needed (--email, --webhook or --chat; "
                              "in YAML, channels: [email:ADDRESS, ...])")
    for c in channels:
        try:
            parse_target(c)
        except ValueError as e:
            raise bad("channels", str(e)) from None
    lang = language.strip().lower() if isinstance(language, str) else None
    if lang not in LANGUAGES:
        hint = _suggest(lang or "", LANGUAGES, _LANGUAGE_ALIASES)
        raise bad("language", f"{language!r} is not a language alerts are written in "
                              f"(en or zh){hint}")
    hosts = cleaned("meeting_hosts", meeting_hosts)
    for v in hosts:
        if v not in POSTS:
            raise bad("meeting_hosts", unknown(v, POSTS, POST_ALIASES, "host post"))
    kinds = cleaned("meeting_guest_kinds", meeting_guest_kinds)
    for v in kinds:
        if v not in GUEST_KINDS:
            raise bad("meeting_guest_kinds", unknown(v, GUEST_KINDS, KIND_ALIASES,
                                                     "guest kind"))
    orgs = cleaned("meeting_orgs", meeting_orgs, False)
    spec = WatchlistSpec(name, provinces, scope, sectors, events, any_of, all_of, none_of,
                         sources, min_copies, parsed_schedule, quiet, channels, backfill_days,
                         id, created_at, lang, hosts, kinds, orgs)
    if known_sources is not None:
        check_sources(spec, known_sources)
    return spec


def _as_list(values: Any) -> list:
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return list(values)


def _whole(value: Any, bad, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise bad(field, f"{value!r} is not a whole number")
    return value


def describe(spec: WatchlistSpec) -> dict[str, str]:
    """Short texts for a table row: ``matches`` (one line per criterion set), ``when``
    and ``channels``."""
    lines = []
    if spec.provinces:
        scope = " (or mentioned)" if spec.province_scope == "mentioned" else ""
        lines.append("provinces " + ",".join(spec.provinces) + scope)
    for label, values in (("sectors", spec.sectors), ("events", spec.events),
                          ("any of", spec.keywords_any), ("all of", spec.keywords_all),
                          ("none of", spec.keywords_none), ("sources", spec.sources),
                          ("meeting host", spec.meeting_hosts),
                          ("meeting guest kind", spec.meeting_guest_kinds),
                          ("meeting org", spec.meeting_orgs)):
        if values:
            lines.append(f"{label} " + ",".join(values))
    if spec.min_copies > 1:
        lines.append(f"copies >= {spec.min_copies}")
    when = spec.schedule.describe()
    if spec.quiet_hours:
        when += f"\nquiet {spec.quiet_hours.describe()}"
    if spec.backfill_days:
        when += f"\nbackfill {spec.backfill_days}d"
    if spec.language != DEFAULT_LANGUAGE:
        when += f"\nin {spec.language}"
    return {"matches": "\n".join(lines) or "everything", "when": when,
            "channels": "\n".join(spec.channels)}
