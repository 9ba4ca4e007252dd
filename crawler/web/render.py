"""Pages: the Jinja2 environment (autoescape on for every template, so scraped titles and
texts are always text), the filters templates share, and ``page`` to render one.

Times are shown in China time with their offset (``2026-11-17 09:30 +08:00``); the JSON
twins keep ISO-8601 UTC. Data a chart needs goes into the page as JSON inside
``<script type="application/json">`` through Jinja's ``tojson`` (which escapes ``<``,
``>``, ``&`` and quotes), read by static/app.js: no inline script runs, and the
Content-Security-Policy (security.py) forbids any.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from provwatch.crawler.chinatime import china_text
from provwatch.crawler.taxonomy import labels
from provwatch.crawler.web.views import NAV

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def china(value: Any, seconds: bool = False) -> str:
    """A time (aware datetime or ISO-8601 string) as China time with its offset; a day as
    YYYY-MM-DD; empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return china_text(value.isoformat(), seconds=seconds)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return china_text(text, seconds=seconds) if "T" in text else text


def pct(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value * 100:.{digits}f}%"


def signed(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:+d}" if isinstance(value, int) else f"{value:+.1f}"


_NAMES = {kind: labels(kind) for kind in ("province", "sector", "event")}


def name(value: str | None, kind: str) -> str:
    """A label id's English and Chinese names: ``henan`` -> ``Henan 河南省``."""
    if not value:
        return ""
    english, chinese = _NAMES[kind].get(value, (value, ""))
    return f"{english} {chinese}".strip()


def href(url: str | None) -> str:
    """A scraped URL fit for a link: http(s) only (a ``javascript:`` URL stored by an
    ingest is shown nowhere as a link)."""
    text = (url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


env.filters.update(china=china, pct=pct, signed=signed, label=name, href=href)


def with_query(request: Request, path: str, **changes: Any) -> str:
    """``path`` with the request's query string, ``changes`` applied (None removes a key):
    the CSV and JSON twins of a page, and links that keep its filters."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if value is None:
            continue
        for v in (value if isinstance(value, (list, tuple)) else [value]):
            items.append((key, str(v)))
    query = urlencode(items)
    return f"{path}?{query}" if query else path


def csrf_token(request: Request) -> str:
    """The CSRF token a form must send back (asgi-csrf sets its cookie on this response)."""
    get = request.scope.get("csrftoken")
    return get() if get else ""


def page(request: Request, template: str, status_code: int = 200, **context: Any
         ) -> HTMLResponse:
    """Render ``template`` with the shared context: the navigation, the CSRF token, the
    current path, and ``with_query`` for twin links."""
    html = env.get_template(template).render(
        request=request, nav=NAV, here=request.url.path, csrf_token=csrf_token(request),
        with_query=lambda path, **changes: with_query(request, path, **changes),
        provinces=_NAMES["province"], sectors=_NAMES["sector"], events=_NAMES["event"],
        **context)
    return HTMLResponse(html, status_code=status_code)
