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

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from provwatch.crawler.catalog import cache
from provwatch.crawler.catalog.entry import Source, parse_source
from provwatch.crawler.errors import CatalogError, UnknownSource


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
        src = parse_source({**defaults, **raw}, where, n)
        if src.id in seen:
            raise CatalogError(f"{where}: source {src.id!r}: field 'id': duplicate id")
        seen.add(src.id)
        out.append(src)
    return Catalog(path=where, sources=tuple(out))


def ids(sources: Iterable[Source]) -> list[str]:
    return [s.id for s in sources]
