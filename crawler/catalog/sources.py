"""The source catalog: its schema, loading and validation.

A catalog is a YAML file::

    defaults:            # optional; any source field below
      interval: 30m
    sources:
      - id: henan_gov_yaowen          # unique, [a-z0-9_]+
        name: 河南省人民政府·要闻       # display name
        kind: feed | listing | sitemap
        urls: [https://...]           # feed URLs, list pages or sitemaps
        province: henan               # a taxonomy province id, or "national"
        language: zh | en
        interval: 30m                 # 90s, 30m, 2h, 1d; a bare number is minutes
        enabled: true
        selectors:                    # all optional; CSS, or XPath when it starts with / or (
          links: "ul.list li a"       # listing only: article links on a list page
          next_page: "a.next"         # listing only: followed when pagination is asked for
          date: "div.info span.time"  # any kind: where an article page shows its date
          body: "div.TRS_Editor"      # any kind: the article body's container
        list_format: html | json      # json: the list page is a JSON array/object
        json_fields: {items: "", url: URL, title: TITLE, published: DOCRELPUBTIME}
        article_pattern: "/t\\d{8}_"  # regex a link must match (generic rule otherwise)
        max_pages: 1                  # list pages per run when paginating
        paginate: false               # follow next_page in every run
        min_interval: 10m             # adaptive polling bounds (default interval/4 ..
        max_interval: 4h              #   interval*8); the daemon moves within them
        stale_after: 3d               # no new item for this long: state "stale"
        max_backoff: 6h               # longest wait after repeated failures
        notes: "..."                  # free text: evidence, caveats
        name_en: "Henan Government - News" # English display name
        adapter: trs                  # listing only: the platform adapter that reads the
                                      #   lists and knows their pagination (spiders/platforms):
                                      #   generic | json | gov_cn | trs | hanweb | jpaas | gd |
                                      #   people | epaper; default generic (json with
                                      #   list_format json)
        topic: news | leaders | policy  # what the column carries (README coverage table)
        confidence: high | medium | low # how sure the catalog is of URLs and structure
        access: "..."                 # how the site answers: WAF, needs a browser, http only
        user_agent: "Mozilla/5.0 ..." # this source's User-Agent (default: the config's)
        robots: true                  # obey robots.txt (default); false needs robots_reason
        robots_reason: "..."          # why robots.txt is not obeyed for this source
        delay: 2s                     # least time between requests to its hosts (default:
                                      #   the config's download_delay, about 1 s)
        examples:                     # 1-3 real article URLs, each with where it was
          - url: https://...          #   seen (crawler/catalog/examples.py checks them)
            seen: "owner/repo path"

Every error names the file, the entry id and the field.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from provwatch.crawler.catalog import cache
from provwatch.crawler.catalog.examples import Example, parse_examples
from provwatch.crawler.catalog.fieldcheck import check_selector, delay_seconds
from provwatch.crawler.errors import CatalogError, UnknownSource
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


@dataclass(frozen=True)
class Catalog:
    path: str
    sources: tuple[Source, ...]

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise UnknownSource(f"{self.path}: no source with id {source_id!r}")

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def __iter__(self):
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


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


def default_catalog_path() -> Path:
    return Path(str(resources.files("provwatch.crawler.catalog") / "catalog.yaml"))


def default_catalog_paths() -> list[Path]:
    """The bundled catalog's files: catalog.yaml, then every catalog_*.yaml beside it."""
    main = default_catalog_path()
    return [main, *sorted(main.parent.glob("catalog_*.yaml"))]


# libyaml's loader where PyYAML was built with it: ten times faster on the bundled catalog
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARSED: dict[tuple[str, str], Catalog] = {}  # (path, sha-1 of its text) -> catalog


def load_catalog(path: str | Path | None = None) -> Catalog:
    """The catalog in ``path`` (default: the bundled files as one catalog, ids unique
    across them), validated. A file read before with the same text is not parsed again:
    the daemon's heartbeat and `status` read the catalog every time, and parsing 129
    entries costs far more than the status itself."""
    if not path:
        parts = [load_catalog(p) for p in default_catalog_paths()]
        return merge_catalogs(parts) if len(parts) > 1 else parts[0]
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise CatalogError(f"{path}: cannot read catalog: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        line = path.read_bytes()[:e.start].count(b"\n") + 1
        raise CatalogError(f"{path}: line {line}: not UTF-8 text: save the catalog as "
                           "UTF-8") from None
    key = (str(path), hashlib.sha1(text.encode("utf-8")).hexdigest())
    if key in _PARSED:
        return _PARSED[key]
    catalog = cache.recall(key[1])
    if catalog is None or catalog.path != str(path):
        try:
            data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError as e:
            raise CatalogError(f"{path}: {yaml_problem(e)}") from None
        catalog = parse_catalog(data, str(path))
        cache.remember(key[1], catalog)
    if len(_PARSED) >= 16:
        _PARSED.clear()
    _PARSED[key] = catalog
    return catalog


def merge_catalogs(parts: list[Catalog]) -> Catalog:
    """One catalog of several files' sources, named by the first file; an id given twice
    is an error naming both files."""
    where: dict[str, str] = {}
    for part in parts:
        for s in part.sources:
            if s.id in where:
                raise CatalogError(f"{part.path}: source {s.id!r}: field 'id': duplicate id "
                                   f"(already in {where[s.id]})")
            where[s.id] = part.path
    return Catalog(path=parts[0].path, sources=tuple(s for p in parts for s in p.sources))


def yaml_problem(e: yaml.YAMLError) -> str:
    """A YAML error in one line: where (line and column, from 1) and what."""
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    what = " ".join(filter(None, (getattr(e, "context", None), getattr(e, "problem", None))))
    what = " ".join((what or str(e)).split())
    if mark is None:
        return f"not valid YAML: {what}"
    return f"line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {what}"


def parse_catalog(data: Any, where: str) -> Catalog:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise CatalogError(f"{where}: a catalog is a mapping with a 'sources' list")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise CatalogError(f"{where}: 'defaults' must be a mapping")
    seen: set[str] = set()
    out = []
    for n, raw in enumerate(data["sources"], 1):
        if not isinstance(raw, dict):
            raise CatalogError(f"{where}: source #{n}: must be a mapping")
        src = _parse_source({**defaults, **raw}, where, n)
        if src.id in seen:
            raise CatalogError(f"{where}: source {src.id!r}: field 'id': duplicate id")
        seen.add(src.id)
        out.append(src)
    return Catalog(path=where, sources=tuple(out))


def _parse_source(raw: dict[str, Any], where: str, n: int) -> Source:
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


def ids(sources: Iterable[Source]) -> list[str]:
    return [s.id for s in sources]
