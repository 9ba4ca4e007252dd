"""Watchlists as code: read them from a YAML file, write them back in the same format.

``provwatch watch import FILE.yaml`` checks every entry first and stores all or nothing
(one transaction); a watchlist whose name exists is updated, keeping its creation time and
its deliveries, only with ``--replace``; ``--dry-run`` says what would change and stores
nothing. ``provwatch watch export [FILE]`` writes every watchlist in this format (stdout by
default), and importing that file gives the same watchlists back; ``provwatch watch show
NAME`` prints one.

The file is a mapping with one key, ``watchlists``, a list of entries::

    watchlists:
      - name: nev-henan                   # letters, digits, . _ - (unique)
        provinces: [henan, hainan]        # taxonomy ids, any of them (`provwatch` ids)
        scope: mentioned                  # about (default): the article is about one of
                                          #   them; mentioned: it also names one
        sectors: [nev, batteries_storage] # any of them
        events: [policy_document, work_conference]  # any of them
        keywords:                         # title and text; Chinese as a substring, other
          any: [新能源汽车, EV]           #   words whole and ignoring case
          all: [补贴]                     # each must occur
          none: [二手车]                  # none may occur
        sources: [henan_gov_yaowen]       # catalog source ids (`provwatch sources`)
        min_copies: 2                     # only once the story has N copies (outlets)
        schedule: daily 08:00 Asia/Shanghai
        quiet_hours: 22:00-07:00 Asia/Shanghai
        channels:
          - email:analyst@example.com
          - webhook:https://hooks.example.com/provwatch
          - slack://TokenA/TokenB/TokenC/#policy
        backfill_days: 7                  # when created: alert on matching stories first
                                          #   seen in the last 7 days too
        language: zh                      # alerts name tags and fields in Chinese (河南,
                                          #   新能源汽车); en (default): Henan, New energy
                                          #   vehicles
      - name: ai-anywhere
        sectors: [ai]
        keywords: [大模型, LLM]           # a plain list means any-of
        channels: [webhook:https://hooks.example.com/ai]

Every key but ``name`` and ``channels`` is optional; an absent key matches anything (or
takes its default: scope about, min_copies 1, schedule immediate, no quiet hours,
backfill_days 0, language en). Lists may be written in either YAML style; a single value
may stand for a one-item list.

Meeting criteria (issue 18; alerts.meeting_match) watch what leaders meet: "any
provincial leader meets a company in this list"::

      - name: portfolio-meetings
        meeting_hosts: [secretary, governor]   # the host's post: secretary, governor, mayor
        meeting_guest_kinds: [private_company] # a guest's kind of organisation
        meeting_orgs: [比亚迪, 002594.SZ, 1211.HK, CATL]  # names or tickers
        provinces: [henan]                # with a meeting criterion: the meeting's province
        sectors: [nev]                    #   and the meeting's topics
        channels: [email:pm@example.com]

Any within a field, all across them, in one meeting the story reports. An organisation
the knowledge base does not know is kept, with a warning, and matched as written.

- ``schedule``: ``immediate`` (default), ``hourly :15``, ``daily 08:00``,
  ``weekly mon 08:00``, each optionally followed by an IANA time zone (default
  Asia/Shanghai); or a mapping ``{every: daily, at: "08:00", weekday: mon, tz: ...}``.
- ``quiet_hours``: ``22:00-07:00`` with an optional time zone, or a mapping
  ``{start: "22:00", end: "07:00", tz: ...}``: what falls due then waits until the end.
- ``channels``: target specs, ``email:ADDRESS``, ``webhook:URL``, or a chat tool's URL
  (``slack://``, ``discord://``, ``feishu://``, ``lark://``, ``dingtalk://``,
  ``wecombot://``, ``workflows://``).

Every error names the file, the line, the entry (by name, or as ``watchlists[3]``) and
the key or field; a YAML syntax error names the file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import yaml

from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.schedule import QuietHours, Schedule
from provwatch.alerts.watchlist import DEFAULT_LANGUAGE, WatchlistSpec, validate
from provwatch.crawler.redact import redact

KEYS = ("name", "provinces", "scope", "sectors", "events", "keywords", "sources",
        "min_copies", "schedule", "quiet_hours", "channels", "backfill_days", "language",
        "meeting_hosts", "meeting_guest_kinds", "meeting_orgs")
KEYWORD_KEYS = ("any", "all", "none")
HEADER = ("# provwatch watchlists (see `provwatch watch import --help`); "
          "edit and import with --replace\n")


class WatchfileError(WatchlistError):
    """A watchlist file is bad; ``problems`` holds one line per problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = [redact(p) for p in problems]
        super().__init__("\n".join(self.problems))


# --- reading --------------------------------------------------------------------------


def loads(text: str, where: str = "<string>") -> list[WatchlistSpec]:
    """The watchlists of a YAML document, validated (source ids are not checked here: the
    caller knows the catalog). Raises WatchfileError listing every problem found."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        col = f" (column {mark.column + 1})" if mark is not None else ""
        why = " ".join(filter(None, (getattr(e, "context", None),
                                     getattr(e, "problem", None)))) or str(e)
        raise WatchfileError([f"{where}{at}: not valid YAML: {why}{col}"]) from None
    if data is None:
        raise WatchfileError([f"{where}: empty; expected a mapping with a 'watchlists' list"])
    if not isinstance(data, dict) or "watchlists" not in data:
        raise WatchfileError([f"{where}:1: expected a mapping with a 'watchlists' list "
                              "(watchlists:\\n  - name: ...)"])
    problems = [f"{where}:1: unknown top-level key {k!r} (only 'watchlists')"
                for k in data if k != "watchlists"]
    entries = data["watchlists"] or []
    if not isinstance(entries, list):
        raise WatchfileError([*problems, f"{where}: 'watchlists' must be a list of entries"])
    lines = _entry_lines(root, len(entries))
    specs: list[WatchlistSpec] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(entries):
        prefix = f"{where}:{lines[n]}: "
        try:
            spec = parse_entry(raw, n)
        except WatchlistError as e:
            problems.append(prefix + str(e))
            continue
        if spec.name in seen:
            problems.append(f"{prefix}watchlist {spec.name!r}: the name is used twice "
                            f"(watchlists[{seen[spec.name]}] and watchlists[{n}])")
            continue
        seen[spec.name] = n
        specs.append(spec)
    if problems:
        raise WatchfileError(problems)
    return specs


def _entry_lines(root: Any, count: int) -> list[int]:
    """The line each entry starts on (1-based), from the composed node tree."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "watchlists" and \
                    isinstance(value, yaml.SequenceNode):
                return [node.start_mark.line + 1 for node in value.value]
    return [1] * count


def parse_entry(raw: Any, index: int) -> WatchlistSpec:
    """One entry of the file -> a validated spec (WatchlistError names entry and key)."""
    if not isinstance(raw, dict):
        raise WatchlistError(f"watchlists[{index}]: an entry is a mapping "
                             f"(name: ..., channels: [...]), not {type(raw).__name__}")
    name = raw.get("name")
    label = f"watchlist {name!r}" if isinstance(name, str) and name.strip() \
        else f"watchlists[{index}]"

    def bad(key: str, why: str) -> WatchlistError:
        return WatchlistError(f"{label}: field {key!r}: {why}")

    for key in raw:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"expected {', '.join(KEYS)}"
            raise WatchlistError(f"{label}: unknown key {key!r} ({hint})")
    if "name" not in raw:
        raise WatchlistError(f"{label}: missing key 'name'")
    if not isinstance(name, str):
        raise bad("name", f"{name!r} is not a string")
    keywords = raw.get("keywords")
    any_of: Any = []
    all_of: Any = []
    none_of: Any = []
    if isinstance(keywords, dict):
        for key in keywords:
            if key not in KEYWORD_KEYS:
                raise bad("keywords", f"unknown key {key!r} (expected any, all, none)")
        any_of = _listed(keywords.get("any"), "keywords.any", bad, words=True)
        all_of = _listed(keywords.get("all"), "keywords.all", bad, words=True)
        none_of = _listed(keywords.get("none"), "keywords.none", bad, words=True)
    else:
        any_of = _listed(keywords, "keywords", bad, words=True)
    return validate(
        name, provinces=_listed(raw.get("provinces"), "provinces", bad),
        province_scope=raw.get("scope", "about"),
        sectors=_listed(raw.get("sectors"), "sectors", bad),
        events=_listed(raw.get("events"), "events", bad),
        keywords_any=any_of, keywords_all=all_of, keywords_none=none_of,
        sources=_listed(raw.get("sources"), "sources", bad),
        min_copies=raw.get("min_copies", 1),
        schedule=_clock_fix(raw.get("schedule"), ("at",)),
        quiet_hours=_clock_fix(raw.get("quiet_hours"), ("start", "end")),
        channels=_listed(raw.get("channels"), "channels", bad),
        backfill_days=raw.get("backfill_days", 0),
        language=raw.get("language", DEFAULT_LANGUAGE),
        meeting_hosts=_listed(raw.get("meeting_hosts"), "meeting_hosts", bad),
        meeting_guest_kinds=_listed(raw.get("meeting_guest_kinds"), "meeting_guest_kinds",
                                    bad),
        meeting_orgs=_listed(raw.get("meeting_orgs"), "meeting_orgs", bad, words=True),
    )


def _listed(value: Any, key: str, bad, words: bool = False) -> list:
    """A YAML list (or one scalar) as a list; a keyword written as a number is its text."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise bad(key, f"expected a list, not {type(value).__name__}")
    out = []
    for v in value:
        if words and isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str):
            raise bad(key, f"{v!r} is not a string (quote it)")
        out.append(v)
    return out


def _clock_fix(value: Any, keys: Iterable[str]) -> Any:
    """YAML 1.1 reads an unquoted 22:00 as the number 1320 (base 60); read it back as a
    time of day."""
    if not isinstance(value, dict):
        return value
    fixed = dict(value)
    for key in keys:
        v = fixed.get(key)
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
            fixed[key] = f"{v // 60:02d}:{v % 60:02d}"
    return fixed


# --- writing --------------------------------------------------------------------------


class _Flow(list):
    """A list written on one line: [henan, hainan]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)  # "  - name:" under "watchlists:"


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def schedule_text(schedule: Schedule) -> str:
    if schedule.immediate:
        return "immediate"
    day = f" {schedule.weekday}" if schedule.weekday else ""
    return f"{schedule.every}{day} {schedule.at} {schedule.tz}"


def quiet_text(quiet: QuietHours) -> str:
    return f"{quiet.start}-{quiet.end} {quiet.tz}"


def entry(spec: WatchlistSpec) -> dict[str, Any]:
    """One watchlist as a file entry: its name, its channels, and what is not default."""
    out: dict[str, Any] = {"name": spec.name}
    if spec.provinces:
        out["provinces"] = _Flow(spec.provinces)
    if spec.province_scope != "about":
        out["scope"] = spec.province_scope
    if spec.sectors:
        out["sectors"] = _Flow(spec.sectors)
    if spec.events:
        out["events"] = _Flow(spec.events)
    if spec.keywords_all or spec.keywords_none:
        out["keywords"] = {k: _Flow(v) for k, v in (("any", spec.keywords_any),
                                                      ("all", spec.keywords_all),
                                                      ("none", spec.keywords_none)) if v}
    elif spec.keywords_any:
        out["keywords"] = _Flow(spec.keywords_any)
    if spec.sources:
        out["sources"] = _Flow(spec.sources)
    if spec.min_copies != 1:
        out["min_copies"] = spec.min_copies
    if not spec.schedule.immediate:
        out["schedule"] = schedule_text(spec.schedule)
    if spec.quiet_hours:
        out["quiet_hours"] = quiet_text(spec.quiet_hours)
    for key in ("meeting_hosts", "meeting_guest_kinds", "meeting_orgs"):
        if getattr(spec, key):
            out[key] = _Flow(getattr(spec, key))
    out["channels"] = list(spec.channels)
    if spec.backfill_days:
        out["backfill_days"] = spec.backfill_days
    if spec.language != DEFAULT_LANGUAGE:
        out["language"] = spec.language
    return out


def dumps(specs: Iterable[WatchlistSpec]) -> str:
    """The watchlists as a YAML document that ``loads`` reads back to the same specs."""
    body = yaml.dump({"watchlists": [entry(s) for s in specs]}, Dumper=_Dumper,
                     allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=4096)
    return HEADER + body
