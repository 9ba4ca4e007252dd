"""Real article URLs in catalog entries: each with where it was seen, checked against the entry.

An entry's ``examples`` are one to three article addresses quoted somewhere public (a
repository file, a web page), never made up::

    examples:
      - url: https://www.qinghai.gov.cn/xxgk/xxgk/fd/zfwj/202212/t20221219_191524.html
        seen: "owner/repo path/to/file.py"     # or a page address

The loader checks each one: an http(s) URL, ``seen`` written out, the entry's
``article_pattern`` finds it, as written or with its twin suffix and harmless query
folded (crawler/urlforms.py; every platform adapter keeps a list link by that rule when the
entry gives a pattern), and for a list page, on the same site as the entry's own pages. The
platform adapters themselves sit above the catalog; tests/test_catalog.py runs each example
through its entry's adapter too. Every entry of the bundled catalog has them (the catalog
test fails otherwise): a column whose articles no public material quotes is not a source
but a coverage gap (crawler/catalog/gaps.py), recorded with its reason in gaps.yaml. A
user's own catalog may leave them out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from provwatch.crawler.urlforms import matches_article

MAX_EXAMPLES = 3
_HTTP = re.compile(r"^https?://[^/\s]+\S*$")
_KEYS = {"url", "seen"}
_SECOND_LEVEL = ("gov", "com", "org", "edu", "net")


@dataclass(frozen=True)
class Example:
    url: str
    seen: str  # where the address was seen: "owner/repo path", or a page's address


def parse_examples(raw: dict[str, Any], bad: Callable[[str, str], Exception]
                   ) -> tuple[Example, ...]:
    """The entry's examples, validated; ``bad(field, why)`` builds the loader's one-line
    error."""
    items = raw.get("examples")
    if items is None:
        return ()  # a user's own catalog may leave them out; every bundled entry has them
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_EXAMPLES:
        raise bad("examples", f"a list of 1 to {MAX_EXAMPLES} {{url, seen}} mappings")
    pattern = raw.get("article_pattern")
    out = []
    for n, item in enumerate(items, 1):
        where = f"examples[{n}]"
        if not isinstance(item, dict) or set(item) - _KEYS or "url" not in item:
            raise bad(where, "must be a mapping with url and seen")
        url, seen = item.get("url"), item.get("seen")
        if not isinstance(url, str) or not _HTTP.match(url):
            raise bad(f"{where}.url", f"not an http(s) URL: {url!r}")
        if not isinstance(seen, str) or not seen.strip():
            raise bad(f"{where}.seen", "must say where the URL was seen (repository and "
                      "path, or a page address)")
        if isinstance(pattern, str) and not matches_article(pattern, url):
            raise bad(f"{where}.url", f"{url} does not match article_pattern {pattern!r}")
        if raw.get("kind") == "listing" and isinstance(raw.get("urls"), list):
            sites = {site_of(u) for u in raw["urls"] if isinstance(u, str)}
            if site_of(url) not in sites:
                raise bad(f"{where}.url", f"{url} is not on the site of the entry's list "
                          f"pages ({', '.join(sorted(sites))})")
        out.append(Example(url=url, seen=seen.strip()))
    return tuple(out)


def site_of(url: str) -> str:
    """A URL's site: its host's last two labels, three under gov.cn, com.cn and the like
    (the rule pipelines/urls.py's ``site_of`` applies to hosts, which the adapters use)."""
    labels = (urlsplit(url).hostname or "").rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])
