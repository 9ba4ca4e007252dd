"""Canonical article URLs: one spelling per page, so storage can tell what it has seen.

Rules, in order: w3lib's canonicalisation (scheme and host case, default port,
sorted query, percent-encoding, fragment removed), then tracking and session
parameters removed, then a trailing ``index.html``/``default.htm`` dropped.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_TRACKING = re.compile(
    r"^(utm_\w+|spm|from|share\w*|wx\w*|scene|srcid|isappinstalled|jsessionid|sessionid|"
    r"phpsessid|sid|fbclid|gclid|ref|_t)$",
    re.I,
)
_INDEX = re.compile(r"/(index|default)\.(s?html?|php|jsp|aspx?)$", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    url = canonicalize_url(url.strip())
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"
    path = parts.path.split(";", 1)[0] or "/"  # ;jsessionid=... path parameters
    path = _INDEX.sub("/", path)
    # filter on the raw pairs: decoding values would turn GBK-encoded ones into U+FFFD
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and not _TRACKING.match(unquote(pair.split("=", 1)[0])))
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))
