"""Canonical article URLs: one spelling per page, so storage can tell what it has seen.

Rules, in order: w3lib's canonicalisation (scheme and host case, default port,
sorted query, percent-encoding, fragment removed); http and https name the same page;
a leading ``www.`` or mobile label (``m.``, ``wap.``, ``3g.``, ``mobile.``) is dropped,
since Chinese portals serve the same path on both hosts; tracking and session parameters
(utm_*, spm, from, share*, wx*, …) and the harmless ones portals add (``siteId``,
``xxgkhide``, ``ddtab``, an empty WeChat ``code``/``state``) removed; a twin page's suffix
(``_app``, ``_wap``, ``_slb``, ``_gzk``, ``_gfwj`` after the article id) folded into the
page it doubles (crawler/urlforms.py says which and why); a trailing
``index.html``/``default.htm`` dropped. The result identifies a page; it is never fetched
(the URL as found is).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from provwatch.crawler.urlforms import fold_twin, kept_query

_INDEX = re.compile(r"/(index|default)\.(s?html?|php|jsp|aspx?)$", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_PREFIX = re.compile(r"^(?:www|m|wap|3g|mobile)\.(?=[^.]+\.[^.]+)")


def canonical_url(url: str) -> str:
    url = canonicalize_url(url.strip())
    parts = urlsplit(url)
    host = _HOST_PREFIX.sub("", (parts.hostname or "").lower().rstrip("."))
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"
    path = parts.path.split(";", 1)[0] or "/"  # ;jsessionid=... path parameters
    path = _INDEX.sub("/", fold_twin(path))
    query = kept_query(parts.query)
    scheme = parts.scheme.lower()
    if scheme == "http" and netloc == host:  # no explicit port: the https page is the same
        scheme = "https"
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(host: str) -> str:
    """The registrable-ish part of a host: its last two labels, three under a second-level
    domain such as gov.cn or com.cn (www.henan.gov.cn and henan.gov.cn are one site)."""
    labels = host.lower().rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("gov", "com", "org", "edu", "net") else 2
    return ".".join(labels[-keep:])
