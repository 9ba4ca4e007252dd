"""One entry of the source catalog: its fields (the schema crawler/catalog/sources.py
describes), and how one YAML mapping is read into a checked Source. Every error names the
file, the entry id and the field."""

from __future__ import annotations

import codecs
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from provwatch.crawler.catalog.examples import Example, parse_examples
from provwatch.crawler.catalog.fieldcheck import check_selector, delay_seconds
from provwatch.crawler.errors import CatalogError
from provwatch.crawler.taxonomy import NATIONAL, PROVINCES

KINDS = ("feed", "listing", "sitemap")
LANGUAGES = ("zh", "en")
LIST_FORMATS = ("html", "json")
TOPICS = ("news", "leaders", "policy")
# the listing adapters an entry may name; each is a class in spiders/platforms/, whose
# registry must hold exactly these (tests/test_layout.py checks it)
ADAPTERS = ("generic", "json", "gov_cn", "trs", "hanweb", "jpaas", "gd", "people", "epaper")
CONFIDENCE = ("high", "medium", "low")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}
_FIELDS = {
    "id", "name", "kind", "urls", "province", "language", "interval", "enabled",
    "selectors", "list_format", "json_fields", "article_pattern", "max_pages",
    "paginate", "notes", "name_en", "charset", "min_interval", "max_interval",
    "stale_after", "max_backoff", "adapter", "topic", "confidence", "access", "user_agent",
    "robots", "robots_reason", "delay", "examples",
}
_SELECTOR_KEYS = {"links", "next_page", "date", "body"}
_LISTING_SELECTORS = {"links", "next_page"}
_JSON_KEYS = {"items", "url", "title", "published"}


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    kind: str
    urls: tuple[str, ...]
    province: str
    language: str
    interval: int  # seconds
    enabled: bool = True
    selectors: dict[str, str] = field(default_factory=dict)
    list_format: str = "html"
    json_fields: dict[str, str] = field(default_factory=dict)
    article_pattern: str | None = None
    max_pages: int = 1
    paginate: bool = False
    notes: str = ""
    name_en: str = ""
    charset: str | None = None
    min_interval: int = 0  # seconds; 0 means interval // 4
    max_interval: int = 0  # seconds; 0 means interval * 8
    stale_after: int = 0  # seconds; 0 means the health module's default
    max_backoff: int = 6 * 3600
    adapter: str = "generic"  # listing sources: the platform adapter's name
    topic: str = "news"
    confidence: str = ""
    access: str = ""
    user_agent: str | None = None
    robots: bool = True
    robots_reason: str = ""
    delay: float | None = None  # seconds between requests to one host; None: the config's
    examples: tuple[Example, ...] = ()  # real article URLs and where each was seen

    @property
    def poll_bounds(self) -> tuple[int, int]:
        low = self.min_interval or max(60, self.interval // 4)
        high = self.max_interval or self.interval * 8
        return min(low, self.interval), max(high, self.interval)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "urls": list(self.urls),
            "province": self.province, "language": self.language,
            "interval": self.interval, "enabled": self.enabled, "name_en": self.name_en,
            "adapter": self.adapter if self.kind == "listing" else self.kind,
            "topic": self.topic, "confidence": self.confidence or None,
            "access": self.access or None,
        }


def parse_duration(value: Any) -> int:
    """Seconds from 90s / 30m / 2h / 1d; a bare number means minutes."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value) * 60
    else:
        m = _DURATION_RE.match(str(value))
        if not m:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 30m, 2h, 1d)")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if not math.isfinite(seconds) or seconds < 1:
        raise ValueError(f"duration must be at least 1s, got {value!r}")
    return int(seconds)


def parse_source(raw: dict[str, Any], where: str, n: int) -> Source:
    sid = raw.get("id")
    label = f"source {sid!r}" if sid else f"source #{n}"

    def bad(fieldname: str, why: str) -> CatalogError:
        return CatalogError(f"{where}: {label}: field {fieldname!r}: {why}")

    unknown = sorted(set(raw) - _FIELDS, key=str)
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), sorted(_FIELDS), n=1)
        raise bad(unknown[0], f"unknown field (did you mean {close[0]!r}?)" if close
                  else "unknown field")
    for req in ("id", "name", "kind", "urls", "province", "language", "interval"):
        if raw.get(req) in (None, "", []):
            raise bad(req, "is required")
    if not isinstance(sid, str) or not _ID_RE.fullmatch(sid):
        raise bad("id", "must match [a-z0-9_]+")
    if raw["kind"] not in KINDS:
        raise bad("kind", f"must be one of {', '.join(KINDS)}, got {raw['kind']!r}")
    urls = raw["urls"]
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise bad("urls", "must be a list of URLs")
    for u in urls:
        if not re.match(r"^https?://[^/\s]+", u):
            raise bad("urls", f"not an http(s) URL: {u!r}")
    if not isinstance(raw["province"], str) or (
        raw["province"] != NATIONAL and raw["province"] not in PROVINCES
    ):
        raise bad("province", f"unknown province id {raw['province']!r}")
    if raw["language"] not in LANGUAGES:
        raise bad("language", f"must be one of {', '.join(LANGUAGES)}")
    durations: dict[str, int] = {}
    for key in ("interval", "min_interval", "max_interval", "stale_after", "max_backoff"):
        if raw.get(key) is None:
            continue
        try:
            durations[key] = parse_duration(raw[key])
        except ValueError as e:
            raise bad(key, str(e)) from None
    interval = durations["interval"]
    if durations.get("min_interval", 0) > interval:
        raise bad("min_interval", "must not be longer than interval")
    if durations.get("max_interval", interval) < interval:
        raise bad("max_interval", "must not be shorter than interval")
    if raw["kind"] != "listing":
        for only in ("list_format", "json_fields"):
            if raw.get(only):
                raise bad(only, f"applies to listing sources only, not {raw['kind']}")
    charset = raw.get("charset")
    if charset is not None:
        try:
            codecs.lookup(str(charset))
        except LookupError:
            raise bad("charset", f"unknown charset {charset!r}") from None
    selectors = raw.get("selectors") or {}
    if not isinstance(selectors, dict) or set(selectors) - _SELECTOR_KEYS:
        raise bad("selectors", f"a mapping with keys among {sorted(_SELECTOR_KEYS)}")
    for key, sel in selectors.items():
        check_selector(sel, lambda why, k=key: bad(f"selectors.{k}", why))
    listing_only = sorted(set(selectors) & _LISTING_SELECTORS)
    if raw["kind"] != "listing" and listing_only:
        raise bad(f"selectors.{listing_only[0]}",
                  f"applies to listing sources only, not {raw['kind']}")
    list_format = raw.get("list_format", "html")
    if list_format not in LIST_FORMATS:
        raise bad("list_format", f"must be one of {', '.join(LIST_FORMATS)}")
    json_fields = raw.get("json_fields") or {}
    if not isinstance(json_fields, dict) or set(json_fields) - _JSON_KEYS:
        raise bad("json_fields", f"a mapping with keys among {sorted(_JSON_KEYS)}")
    if list_format == "json" and "url" not in json_fields:
        raise bad("json_fields", "a json list needs at least the 'url' field name")
    pattern = raw.get("article_pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            raise bad("article_pattern", "must be a string (a regular expression)")
        try:
            re.compile(pattern)
        except re.error as e:
            raise bad("article_pattern", f"not a regular expression: {e}") from None
    max_pages = raw.get("max_pages", 1)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        raise bad("max_pages", "must be a whole number >= 1")
    for flag in ("enabled", "paginate", "robots"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise bad(flag, "must be true or false")
    adapter = _adapter_of(raw, list_format, bad)
    for key, allowed in (("topic", TOPICS), ("confidence", CONFIDENCE)):
        if raw.get(key) is not None and raw[key] not in allowed:
            raise bad(key, f"must be one of {', '.join(allowed)}, got {raw[key]!r}")
    for key in ("access", "user_agent", "robots_reason", "name_en"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise bad(key, "must be non-empty text")
    if raw.get("user_agent") and re.search(r"[\r\n]", raw["user_agent"]):
        raise bad("user_agent", "must be one line")
    if raw.get("robots") is False and not raw.get("robots_reason"):
        raise bad("robots_reason", "robots: false needs the reason written here")
    examples = parse_examples(raw, bad)
    delay = None
    if raw.get("delay") is not None:
        delay = delay_seconds(raw["delay"], bad)
    return Source(
        id=sid, name=str(raw["name"]), kind=raw["kind"], urls=tuple(urls),
        province=raw["province"], language=raw["language"], interval=interval,
        enabled=raw.get("enabled", True), selectors=dict(selectors),
        list_format=list_format, json_fields=dict(json_fields), article_pattern=pattern,
        max_pages=max_pages, paginate=raw.get("paginate", False),
        notes=str(raw.get("notes") or ""), name_en=str(raw.get("name_en") or ""),
        charset=charset, min_interval=durations.get("min_interval", 0),
        max_interval=durations.get("max_interval", 0),
        stale_after=durations.get("stale_after", 0),
        max_backoff=durations.get("max_backoff", 6 * 3600),
        adapter=adapter, topic=raw.get("topic") or "news",
        confidence=raw.get("confidence") or "", access=str(raw.get("access") or "").strip(),
        user_agent=raw.get("user_agent"), robots=raw.get("robots", True),
        robots_reason=str(raw.get("robots_reason") or "").strip(), delay=delay,
        examples=examples,
    )


def _adapter_of(raw: dict[str, Any], list_format: str, bad) -> str:
    """The listing adapter's name, checked against the known adapters and what each needs
    of an entry."""
    name = raw.get("adapter")
    if raw["kind"] != "listing":
        if name is not None:
            raise bad("adapter", f"applies to listing sources only, not {raw['kind']}")
        return raw["kind"]
    if name is None:
        name = "json" if list_format == "json" else "generic"
    if name not in ADAPTERS:
        raise bad("adapter", f"unknown adapter {name!r} (one of {', '.join(sorted(ADAPTERS))})")
    if name == "json":
        fields = raw.get("json_fields") or {}
        if not isinstance(fields, dict) or "url" not in fields:
            raise bad("json_fields", "the json adapter needs at least the 'url' field name")
    return name
